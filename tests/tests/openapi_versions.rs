//! Each version of the description format a user may hand the generator:
//! OpenAPI 3.2 is read as 3.1 (itself rewritten as 3.0), what only 3.2 can
//! say costing its operation alone.

use generator::SpecSource;

fn generate(text: &str) -> generator::GeneratedCrate {
    let spec = SpecSource { label: "spec.yaml".into(), slug: "spec".into(), text: text.into() };
    generator::generate(&spec).unwrap_or_else(|error| panic!("does not generate: {error}"))
}

#[test]
fn an_openapi_3_2_document_generates_without_what_only_3_2_can_say() {
    let generated = generate(
        r##"openapi: 3.2.0
$self: https://example.com/openapi.yaml
info: {title: Version 3.2, version: 1.0.0}
tags: [{name: things, kind: nav}, {name: small, parent: things}]
paths:
  /things:
    get:
      operationId: listThings
      tags: [small]
      responses:
        "200":
          description: The things, one JSON document per line
          content:
            application/jsonl:
              itemSchema: {type: object, properties: {name: {type: string}}}
            application/json:
              schema: {type: array, items: {type: string}}
    query:
      operationId: searchThings
      responses: {"200": {description: Found}}
    additionalOperations:
      LINK:
        operationId: linkThings
        responses: {"204": {description: Linked}}
  /search:
    get:
      operationId: search
      parameters:
        - {name: filter, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}
      responses: {"204": {description: Searched}}
"##,
    );
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    for expected in [
        "#/paths/~1things/query: the QUERY method is OpenAPI 3.2 only; the operation is skipped",
        "#/paths/~1things/additionalOperations/LINK: the LINK method is not one of OpenAPI 3.0's; the operation is skipped",
    ] {
        assert!(warnings.iter().any(|warning| warning == expected), "no warning {expected:?} in {warnings:?}");
    }
    assert!(
        warnings.iter().any(|warning| warning.starts_with("#/paths/~1search/get/parameters/0: the operation GET /search is skipped")),
        "the querystring parameter costs its operation: {warnings:?}"
    );
    assert_eq!(generated.operations, 1, "listThings is kept");
    assert!(generated.files["src/operations.rs"].contains("listThings"));
}
