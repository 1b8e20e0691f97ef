//! Bad specs fail with one message naming the file and the item at fault,
//! never a panic, and a failed `cargo xtask generate` writes nothing.

use std::fs;

use generator::SpecSource;

/// A minimal valid spec with `operation` as the only path item body.
fn spec_with(operation: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /things:\n{}",
        operation.lines().map(|line| format!("    {line}\n")).collect::<String>()
    )
}

/// Generates `text` as `specs/bad.yaml` and asserts the error message.
fn check(text: &str, expected: &str) {
    let spec = SpecSource { label: "specs/bad.yaml".into(), slug: "bad".into(), text: text.into() };
    match generator::generate_with(&spec, &generator::Options { strict: true, ..generator::Options::default() }) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(error) => assert_eq!(error.to_string(), expected),
    }
}

#[test]
fn yaml_syntax_error_names_line_and_column() {
    check(
        "openapi: 3.0.3\ninfo: [unclosed\n",
        "specs/bad.yaml: line 3, column 1: not valid YAML: did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at line 2 column 7",
    );
}

#[test]
fn unknown_openapi_version_is_refused_naming_the_field() {
    check(
        "openapi: 4.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
        "specs/bad.yaml: #/openapi: only Swagger 2.0 and OpenAPI 3.0.x, 3.1.x and 3.2.x are supported, found `4.0.0`",
    );
}

#[test]
fn missing_operation_id_names_method_and_path() {
    check(
        &spec_with("get:\n  responses:\n    '200': {description: ok}"),
        "specs/bad.yaml: GET /things: #/paths/~1things/get has no operationId; it is called `getThings` (--strict)",
    );
}

#[test]
fn unknown_security_scheme_names_the_operation() {
    check(
        &spec_with("get:\n  operationId: listThings\n  security: [{Missing: []}]\n  responses:\n    '200': {description: ok}"),
        "specs/bad.yaml: operation listThings: security requirement names `Missing`, which is not a supported scheme in components.securitySchemes; that alternative is ignored (--strict)",
    );
}

#[test]
fn undeclared_path_parameter_is_declared_with_a_warning() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /things/{id}:\n    get:\n      operationId: getThing\n      responses:\n        '200': {description: ok}\n";
    check(text, "specs/bad.yaml: operation getThing (GET /things/{id}): the path names `{id}`, which no parameter declares; it is taken as a required string (--strict)");
}

#[test]
fn failed_generation_leaves_generated_untouched() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    fs::create_dir_all(root.join("specs")).unwrap();
    fs::create_dir_all(root.join("generated/old/src")).unwrap();
    let indream = integration_tests::repo_root().join("specs/indream.yaml");
    fs::copy(indream, root.join("specs/a-good.yaml")).unwrap();
    fs::write(root.join("specs/b-bad.yaml"), "openapi: 4.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n").unwrap();
    fs::write(root.join("generated/old/src/lib.rs"), "// hand-made, must survive\n").unwrap();

    let error = xtask::generate(root).unwrap_err().to_string();

    assert!(error.contains("specs/b-bad.yaml: #/openapi"), "{error}");
    assert!(error.contains("nothing was written: generated code is unchanged"), "{error}");
    assert_eq!(fs::read_to_string(root.join("generated/old/src/lib.rs")).unwrap(), "// hand-made, must survive\n");
    assert!(!root.join("generated/a-good").exists());
}

#[test]
fn generate_then_check_round_trips_and_removes_stale_crates() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    fs::create_dir_all(root.join("specs")).unwrap();
    fs::copy(integration_tests::repo_root().join("specs/indream.yaml"), root.join("specs/indream.yaml")).unwrap();
    fs::create_dir_all(root.join("generated/gone/src")).unwrap();
    fs::write(root.join("generated/gone/src/lib.rs"), "// stale\n").unwrap();

    assert!(xtask::check(root).unwrap_err().to_string().contains("generated/gone/src/lib.rs: not produced by any spec"));
    xtask::generate(root).unwrap();
    assert_eq!(xtask::check(root).unwrap(), "generated/ is up to date (1 crate(s), 1 of them unchanged since the last generation and not regenerated)");
    assert!(!root.join("generated/gone").exists());

    fs::write(root.join("generated/indream/src/lib.rs"), "// edited by hand\n").unwrap();
    let stale = xtask::check(root).unwrap_err().to_string();
    assert!(stale.contains("--- generated/indream/src/lib.rs\n+++ generated/indream/src/lib.rs (expected)"), "{stale}");
    assert!(stale.contains("-// edited by hand"), "{stale}");
}

#[test]
fn fixed_authorization_value_that_is_not_a_header_value_is_refused() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    Public:\n      type: apiKey\n      in: header\n      name: Authorization\n      x-fixed-value: \"Bearer a\\nb\"\n";
    check(
        text,
        "specs/bad.yaml: #/components/securitySchemes/Public: `x-fixed-value` \"Bearer a\\nb\" is not a valid HTTP header value (visible ASCII only); operations that need it are called without it (--strict)",
    );
}

#[test]
fn a_document_the_model_cannot_read_is_refused_naming_the_json_pointer() {
    check(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: [1, 2]\n",
        "specs/bad.yaml: #/paths: not a valid OpenAPI 3.0 document: invalid type: sequence, expected struct Paths",
    );
}

#[test]
fn an_operation_the_model_cannot_read_is_skipped_naming_the_json_pointer() {
    check(
        &spec_with("get:\n  operationId: listThings\n  responses: [1, 2]"),
        "specs/bad.yaml: #/paths/~1things/get/responses: the operation GET /things is skipped: it is not valid OpenAPI 3.0 (invalid type: sequence, expected struct Responses) (--strict)",
    );
}

#[test]
fn out_of_range_bounds_are_ignored_with_a_warning_naming_them() {
    let text = spec_with("get:\n  operationId: listThings\n  parameters:\n    - {name: n, in: query, schema: {type: integer, maximum: 1e30}}\n  responses:\n    '200': {description: ok}");
    let spec = SpecSource { label: "specs/odd.yaml".into(), slug: "odd".into(), text };
    let generated = generator::generate(&spec).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["#/paths/~1things/get/parameters/0/schema/maximum: `maximum` 1e+30 does not fit the schema's type; it is ignored"]
    );
}
