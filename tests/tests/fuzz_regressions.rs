//! Inputs `cargo xtask fuzz` found that hung, aborted or confused the
//! generator, minimised to the specs in `tests/corpus/fuzz/`: each now
//! generates (with a warning naming what was cut) a crate that compiles
//! without warnings, or fails with one clear line, within a time limit.

use std::sync::mpsc;
use std::time::Duration;

use generator::{GeneratedCrate, GenerateError, SpecSource};

/// Generates `tests/corpus/fuzz/<name>` on its own thread, failing the
/// test if it takes more than a minute (the hang these specs caused).
fn generate(name: &str) -> Result<GeneratedCrate, GenerateError> {
    let path = integration_tests::repo_root().join("tests/corpus/fuzz").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let spec = SpecSource { label: format!("tests/corpus/fuzz/{name}"), slug: "fuzz".into(), text };
    let (sender, receiver) = mpsc::channel();
    // The main thread's stack size: a stack overflow must show here as it
    // would in `cargo xtask generate`.
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            // The receiver is gone only when the test already failed.
            let _ = sender.send(generator::generate(&spec));
        })
        .expect("cannot spawn the generation thread");
    receiver.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("{name}: generation took over a minute"))
}

fn warnings(generated: &GeneratedCrate) -> Vec<String> {
    generated.warnings.iter().map(ToString::to_string).collect()
}

/// Generates `name`, failing unless the crate keeps `operations`
/// operations and warned each of `expected` exactly (pointer and message).
fn assert_generates(name: &str, operations: usize, expected: &[&str]) -> GeneratedCrate {
    let generated = generate(name).unwrap_or_else(|error| panic!("{name} does not generate: {error}"));
    let warnings = warnings(&generated);
    for warning in expected {
        assert!(warnings.iter().any(|w| w == warning), "{name}: no warning {warning:?} in {warnings:?}");
    }
    assert_eq!(generated.operations, operations, "{name}: operations kept");
    generated
}

#[test]
fn a_reference_to_the_whole_document_is_not_inlined_into_itself() {
    let generated = generate("ref-to-document-root.yaml").expect("generates");
    let cut = "`$ref: #` does not name a whole component and leads back to itself; it is taken as any JSON value";
    assert_eq!(
        warnings(&generated).iter().filter(|w| w.ends_with(cut)).cloned().collect::<Vec<_>>(),
        [
            format!("#/paths/~1bookings/post/requestBody/content/application~1json/schema: {cut}"),
            format!("#/paths/~1bookings/post/requestBody/content/text~1json/schema: {cut}"),
        ]
    );
    assert_eq!(generated.operations, 1);
}

#[test]
fn a_schema_in_its_own_one_of_does_not_overflow_the_stack() {
    let generated = assert_generates(
        "self-referencing-one-of.yaml",
        1,
        &[
            "#/components/schemas/ErrorMessage/oneOf/0: `$ref` to `ErrorMessage` leads back here through allOf/oneOf/anyOf/not or aliases only (a type that contains itself); it is dropped",
        ],
    );
    // Recursion through a property stays: a field boxes it.
    assert!(generated.files["src/generated_sdk.rs"].contains("Box<ErrorMessage>"), "the `inner` field is boxed");
}

#[test]
fn merged_references_that_lead_back_are_cut() {
    let generated = generate("reference-cycle-through-other-component.yaml").expect("generates");
    let warnings = warnings(&generated);
    for expected in [
        "#/components/schemas/BaseError: `$ref` to `NotFound` leads back here through allOf/oneOf/anyOf/not or aliases only (a type that contains itself); it is dropped",
        "#/components/schemas/BaseError/properties/help: `$ref` to `BaseError` leads back here and has sibling keywords, which OpenAPI 3.0 ignores; they are dropped",
    ] {
        assert!(warnings.contains(&expected.to_owned()), "missing {expected:?} in {warnings:?}");
    }
}

#[test]
fn a_schema_progenitor_panics_on_is_read_as_any_value_and_named_without_a_debug_dump() {
    assert_generates(
        "not-schema.yaml",
        1,
        &["#/components/schemas/NotText: progenitor panicked: not yet implemented: unhandled not schema; the schema is read as any JSON value"],
    );
}

#[test]
fn a_deep_schema_that_does_not_read_is_found_fast_and_read_as_any_value() {
    // The deepest schema read on its own (eight levels above the fault).
    let at = format!("#/components/schemas/Pet/properties/name{}", "/items".repeat(25));
    let expected = format!("{at}: the schema Pet is read as any JSON value: not a valid OpenAPI 3.0 schema: invalid type: sequence, expected a string");
    assert_generates("deep-invalid-schema.yaml", 0, &[&expected]);
}

#[test]
fn a_deep_schema_in_a_default_response_is_found_fast_and_skips_its_operation() {
    let at = format!("#/paths/~1status/get/responses/default/content/application~1json/schema{}", "/items".repeat(5));
    let expected = format!("{at}: the operation GET /status is skipped: not a valid OpenAPI 3.0 schema: invalid type: boolean `false`, expected a string");
    assert_generates("deep-invalid-schema-in-default-response.yaml", 0, &[&expected]);
}

#[test]
fn composition_nested_without_end_is_read_as_any_value_naming_where() {
    let expected = format!(
        "#/components/schemas/Pet{}: the schema Pet is read as any JSON value: allOf/oneOf/anyOf/not are nested 11 levels deep here; at most 10 are supported (merging them takes time exponential in the depth)",
        "/oneOf/0".repeat(12)
    );
    assert_generates("nested-composition.yaml", 0, &[&expected]);
}

#[test]
fn a_part_that_does_not_read_costs_only_itself() {
    assert_generates(
        "parts-that-do-not-read.yaml",
        2,
        &[
            "#/paths/~1things~1{id}/get/responses: the operation GET /things/{id} is skipped: it is not valid OpenAPI 3.0 (invalid type: integer `5`, expected struct Responses)",
            "#/components/schemas/Broken: the schema Broken is read as any JSON value: it is not valid OpenAPI 3.0 (invalid type: integer `7`, expected a string)",
            "#/components/parameters/Limit: the component #/components/parameters/Limit is dropped: it is not valid OpenAPI 3.0 (unknown variant `body`, expected one of `query`, `header`, `path`, `cookie`)",
            // Normalisation put the parameter in the operation, which is skipped too.
            "#/paths/~1things/delete/parameters/0: the operation DELETE /things is skipped: it is not valid OpenAPI 3.0 (unknown variant `body`, expected one of `query`, `header`, `path`, `cookie`)",
            "#/tags/1: tags entry 1 is dropped: it is not valid OpenAPI 3.0 (invalid type: integer `3`, expected struct Tag)",
            "#/components/securitySchemes/key: the security scheme key is dropped (a security requirement that names it is ignored): it is not valid OpenAPI 3.0 (unknown variant `body`, expected one of `query`, `header`, `cookie`)",
        ],
    );
}

#[test]
fn a_reference_to_itself_is_dropped_and_costs_its_operation() {
    let cycle = "`$ref: #/components/parameters/api-version` starts a chain of references that leads back to itself and never reaches a definition; it is dropped (a schema without it takes any JSON value)";
    assert_generates(
        "self-referencing-parameter.yaml",
        0,
        &[
            &format!("#/components/parameters/api-version: {cycle}"),
            &format!("#/paths/~1clusters/delete/parameters/0: {cycle}"),
            "#/paths/~1clusters/delete/parameters/0: the operation DELETE /clusters is skipped: it is not valid OpenAPI 3.0 (missing field `in`)",
        ],
    );
}

#[test]
fn an_untyped_mixed_enum_becomes_any_value_with_a_warning() {
    // progenitor panicked on it (and its message dumped the values): the
    // whole spec was refused. The enum is dropped first now.
    assert_generates(
        "untyped-mixed-enum.yaml",
        1,
        &[
            "#/components/schemas/Kind: the enum has no `type` and values of several kinds (number, string); it is dropped and the schema takes any value",
        ],
    );
}

#[test]
fn odd_server_variables_become_distinct_valid_arguments() {
    let generated = generate("odd-server-variables.yaml").expect("generates");
    let client = &generated.files["src/client.rs"];
    let signature = client.lines().find(|line| line.contains("fn server_url(")).expect("a server_url function");
    assert!(signature.contains("x: &str, type_: &str, _1st: &str, a_b: &str, a_b_2: &str)"), "{signature}");
    // Each placeholder is filled by its own argument, `{type}` once for both places.
    for replace in [r#".replace("{}", x)"#, r#".replace("{type}", type_)"#, r#".replace("{1st}", _1st)"#, r#".replace("{a-b}", a_b)"#, r#".replace("{a_b}", a_b_2)"#] {
        assert_eq!(client.matches(replace).count(), 1, "{replace}");
    }
    // The command line's fields are snake case (`cli_server__1st` was a warning).
    let cli = &generated.files["src/cli.rs"];
    assert!(cli.contains("cli_server_1st: Option<String>") && !cli.contains("cli_server__"), "the `{{1st}}` flag's field");
}

#[test]
fn a_response_that_is_not_keyed_by_a_status_is_ignored_with_a_warning() {
    let generated = generate("invalid-response-status.yaml").expect("generates");
    let warnings = warnings(&generated);
    for key in ["200-", "abc"] {
        let at = format!("operation createThing (POST /post): #/paths/~1post/post/responses/{key}: the response key \"{key}\"");
        assert!(warnings.iter().any(|w| w.starts_with(&at)), "{key}: {warnings:?}");
    }
    assert!(warnings.iter().any(|w| w.contains("responses/2000: the response key \"2000\" is not an HTTP status")), "{warnings:?}");
    assert!(!warnings.iter().any(|w| w.contains("4xx")), "a lower-case range is a range: {warnings:?}");
    // Both operations stay.
    assert_eq!(generated.operations, 2);
}

#[test]
fn an_operation_named_like_a_keyword_gets_a_command() {
    let generated = generate("keyword-operation-id.yaml").expect("generates");
    let cli = &generated.files["src/cli.rs"];
    // `self` repeats `Self` as a Rust name: it is `self_2`, the variant `Self2`.
    assert!(cli.contains("Self_ {") && cli.contains("Self2 {"), "the variants of `Self` and `self`");
    assert_eq!(generated.operations, 2);
}

#[test]
fn a_field_merged_with_a_reference_back_to_its_schema_does_not_overflow_the_stack() {
    assert_generates(
        "merged-self-referencing-items.yaml",
        1,
        &[
            "#/components/schemas/Pet/items: `$ref` to `Pet` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn a_title_that_starts_with_a_digit_still_names_a_crate() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: '0', version: 1.0.0}\npaths: {}\n").expect("writes the spec");
    let out = dir.path().join("out");
    xtask::generate_one(&spec, &out, generator::Options::default()).expect("generates");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("a manifest");
    assert!(manifest.contains("name = \"api-0-client\""), "{manifest}");
}

#[test]
fn a_crate_name_cargo_refuses_is_a_clear_error() {
    let spec = SpecSource { label: "spec.yaml".into(), slug: "x".into(), text: "openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\npaths: {}\n".into() };
    let options = generator::Options { crate_name: Some("0-client".into()), ..generator::Options::default() };
    let error = generator::generate_with(&spec, &options).expect_err("a crate name that starts with a digit");
    assert_eq!(error.to_string(), "spec.yaml: --crate-name: the crate name \"0-client\" starts with a digit");
}

#[test]
fn a_property_merged_with_an_open_member_does_not_overflow_the_stack() {
    assert_generates(
        "property-merged-with-additional-properties.yaml",
        1,
        &[
            "#/components/schemas/ErrorMessage/properties/inner: `$ref` to `ErrorMessage` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn a_property_merged_through_nested_compositions_does_not_overflow_the_stack() {
    assert_generates(
        "property-merged-through-nested-composition.yaml",
        1,
        &[
            "#/components/schemas/Repository/properties/owner: `$ref` to `User` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn a_component_merged_twice_does_not_overflow_the_stack() {
    assert_generates(
        "component-merged-twice.yaml",
        1,
        &[
            "#/components/schemas/Transition/properties/before: `$ref` to `Offset` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn a_reference_with_siblings_merged_with_an_open_part_does_not_overflow_the_stack() {
    assert_generates(
        "reference-with-siblings-merged.yaml",
        1,
        &[
            "#/components/schemas/Dog/allOf/1/properties/bark: `$ref` to `Dog` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn path_items_that_are_references_are_copied_in_or_cost_their_path() {
    let generated = assert_generates(
        "path-item-references.yaml",
        3,
        &[
            "#/paths/~1missing: `$ref: #/components/pathItems/Missing` names no path item in components.pathItems; the path is skipped",
            "#/paths/~1schema: the path item is `$ref: #/components/schemas/Thing`, which names no path item; the path is skipped",
        ],
    );
    let operations = &generated.files["src/operations.rs"];
    assert!(operations.contains("\"/things\"") && operations.contains("\"/also-things\""), "both paths that name `Things` call it");
}

#[test]
fn security_schemes_at_fault_cost_only_themselves() {
    let generated = assert_generates(
        "security-schemes-at-fault.yaml",
        1,
        &[
            "#/components/securitySchemes/env: `x-env` lists 1 variable but this scheme takes 2 variables; operations that need it are called without it",
            "#/components/securitySchemes/fixed: `x-fixed-value` is supported only on an `Authorization` header key; operations that need it are called without it",
            "#/components/securitySchemes/referred: another scheme has the constructor `token`; this one is `token_2` (set `x-credentials-constructor` to choose)",
            "#/components/securitySchemes/token: another scheme has the constructor `token`; this one is `token_3` (set `x-credentials-constructor` to choose)",
        ],
    );
    let auth = &generated.files["src/auth.rs"];
    for constructor in ["pub fn token(key", "pub fn token_2(token", "pub fn token_3(token"] {
        assert!(auth.contains(constructor), "no `{constructor}` in auth.rs");
    }
}

#[test]
fn enum_values_whose_elements_do_not_fit_are_dropped_with_a_warning() {
    assert_generates(
        "enum-values-of-another-element-type.yaml",
        1,
        &[
            "#/components/schemas/Tags: enum values [1], [null] do not fit the schema's type or repeat one; they are dropped",
            "#/components/schemas/Pair: the enum's values hold objects of a schema with `properties`, which Rust cannot compare (its struct has no `PartialEq`); the enum is dropped and the schema keeps its shape",
        ],
    );
}

#[test]
fn composition_members_of_another_type_are_dropped_with_a_warning() {
    let level = "#/components/schemas/Score/properties/level";
    assert_generates(
        "members-of-another-type.yaml",
        1,
        &[
            &format!("{level}/oneOf/0: the member has type `string`, which the schema's own type `number` rules out: it can never match and is dropped"),
            &format!("{level}/oneOf/1: the member has type `string`, which the schema's own type `number` rules out: it can never match and is dropped"),
            "#/components/schemas/Score/properties/rank/allOf/0: the member has type `string`, which the schema's own type `number` rules out: no value can satisfy both; the member is dropped and the schema keeps its own type",
            "#/components/schemas/Score/properties/flag/anyOf/0: the member has type `string`, which the schema's own type `boolean` rules out: it can never match and is dropped",
        ],
    );
}

#[test]
fn a_reference_inside_a_field_merged_inline_does_not_overflow_the_stack() {
    assert_generates(
        "merged-inline-field-leading-back.yaml",
        1,
        &[
            "#/components/schemas/Nested/properties/labels/items: `$ref` to `Label` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn additional_properties_merged_with_a_property_do_not_overflow_the_stack() {
    assert_generates(
        "additional-properties-merged-with-a-property.yaml",
        1,
        &[
            "#/components/schemas/Resource/additionalProperties: `$ref` to `Namespace` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn a_composition_inside_a_field_that_leads_back_does_not_hang() {
    assert_generates(
        "composition-inside-a-field-leading-back.yaml",
        1,
        &[
            "#/components/schemas/Node/properties/children/items: `$ref` to `Node` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped",
        ],
    );
}

#[test]
fn parameters_with_one_rust_name_get_distinct_fields() {
    let generated = assert_generates("parameters-with-one-rust-name.yaml", 1, &[]);
    let sdk = &generated.files["src/generated_sdk.rs"];
    assert_eq!(sdk.matches("pub(crate) x: ").count(), 1, "one field `x`");
    assert!(sdk.contains("pub(crate) in_query: "), "the second parameter's field");
    // Both still go on the wire under their own names.
    let operations = &generated.files["src/operations.rs"];
    assert!(operations.contains(r#""__""#) && operations.contains(r#""-""#), "wire names kept");
}

#[test]
fn operations_and_parameters_named_like_the_crates_own_items_are_renamed() {
    let generated = assert_generates(
        "names-the-crate-defines-itself.yaml",
        4,
        &[
            "GET /builder: #/paths/~1builder/get has the operationId `builder`, whose Rust name would clash with the crate's own method `builder`; it is called `builderOperation`",
            "GET /error: #/paths/~1error/get has the operationId `Error`, whose Rust name would clash with the crate's own type `Error`; it is called `ErrorOperation`",
            "GET /string: #/paths/~1string/get has the operationId `string`, whose Rust name would clash with the crate's own type `String`; it is called `stringOperation`",
            "operation sendItems (POST /clients/{client}/items): #/paths/~1clients~1{client}~1items/post: the parameter `send` would take the request builder's own `send`; its setter is `send_in_query` (its name on the wire is unchanged)",
            "operation sendItems (POST /clients/{client}/items): #/paths/~1clients~1{client}~1items/post: the parameter `body` would take the request builder's own `body`; its setter is `body_in_query` (its name on the wire is unchanged)",
            "operation sendItems (POST /clients/{client}/items): #/paths/~1clients~1{client}~1items/post: the parameter `items` would take the request builder's own `items`; its setter is `items_in_header` (its name on the wire is unchanged)",
            "/clients/{client}/items: #/paths/~1clients~1{client}~1items: the path parameter `client` would take the request builder's own `client`; it is renamed `clientInPath`, its setter `client_in_path` (only its value is sent)",
        ],
    );
    let sdk = &generated.files["src/generated_sdk.rs"];
    for method in ["builder_operation", "error_operation", "string_operation", "send_items"] {
        assert!(sdk.contains(&format!("pub fn {method}(&self)")), "Client::{method}");
    }
    // The parameters keep their names on the wire; the path's template
    // names the renamed variable, whose value is what is sent.
    let operations = &generated.files["src/operations.rs"];
    for call in [
        r#"call.path("clientInPath", client_in_path);"#,
        r#"call.query("body", body_in_query);"#,
        r#"call.query("send", send_in_query);"#,
        r#"call.header("items", items_in_header);"#,
    ] {
        assert!(operations.contains(call), "{call}");
    }
    assert!(operations.contains(r#""/clients/{clientInPath}/items""#), "the renamed template");
}

#[test]
fn properties_with_one_rust_name_keep_the_first_and_a_repeated_path_variable_is_one_parameter() {
    let dropped = |name: &str, field: &str, kept: &str| {
        format!("#/components/schemas/Offset/properties/{name}: the property `{name}` would be the Rust field `{field}`, as `{kept}` is; it is dropped (its values are ignored)")
    };
    let generated = assert_generates(
        "properties-with-one-rust-name.yaml",
        1,
        &[
            &dropped("rules_", "rules", "rules"),
            &dropped("a_b", "a_b", "aB"),
            &dropped("__", "x", "-"),
            "operation getOffset (GET /offsets/{a}/{a}): the path names `{a}`, which no parameter declares; it is taken as a required string",
        ],
    );
    let sdk = &generated.files["src/generated_sdk.rs"];
    for field in ["pub rules: ", "pub a_b: ", "pub x: "] {
        assert_eq!(sdk.matches(field).count(), 1, "one `{field}`");
    }
    assert_eq!(generated.files["src/mock.rs"].matches("pub fn a<").count(), 1, "one mock setter for `a`");
}

/// Every regression spec gives a crate that compiles without warnings (one
/// `cargo check` of all of them, as `cargo xtask corpus` does).
#[test]
fn the_crates_of_the_regression_specs_compile_without_warnings() {
    let root = integration_tests::repo_root();
    let report = xtask::corpus::run(&root.join("tests/corpus/fuzz"), &root.join("target/corpus-fuzz-regressions")).expect("runs");
    for row in &report.rows {
        assert!(matches!(row.outcome, xtask::corpus::Outcome::Compiled), "{}: {:?}", row.spec, row.outcome);
    }
    assert_eq!(report.rows.len(), std::fs::read_dir(root.join("tests/corpus/fuzz")).expect("lists").count());
}

#[test]
fn an_untyped_enum_of_an_object_and_text_becomes_any_value() {
    assert_generates(
        "untyped-object-enum.yaml",
        0,
        &[
            "#/components/schemas/episode/properties/status: the enum has no `type` and values of several kinds (object, string); it is dropped and the schema takes any value",
        ],
    );
}
