//! Regenerating after the API changed says what changed for callers, with
//! the semver consequence, on the terminal and in the crate's CHANGELOG.md.

use std::fs;

const V1: &str = r#"
openapi: 3.0.3
info: {title: Things, version: 1.2.0}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}}
  /things/{id}:
    delete:
      operationId: deleteThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: gone}}
components:
  schemas:
    Thing: {type: object, required: [id], properties: {id: {type: string}, kind: {$ref: '#/components/schemas/Kind'}}}
    Kind: {type: string, enum: [small, large]}
"#;

fn generate(spec: &std::path::Path, text: &str, out: &std::path::Path) -> String {
    fs::write(spec, text).unwrap();
    xtask::generate_one(spec, out, generator::Options::default()).unwrap()
}

#[test]
fn a_changed_spec_gives_a_change_summary_with_its_semver_label() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, out) = (dir.path().join("things.yaml"), dir.path().join("crate"));
    let first = generate(&spec, V1, &out);
    assert!(!first.contains("API change"), "a first generation has nothing to compare: {first}");

    // Compatible: an optional parameter, an operation, a response field and
    // a variant of an enum only responses carry.
    let v2 = V1
        .replace("version: 1.2.0", "version: 1.3.0")
        .replace(
            "        - {name: limit, in: query, schema: {type: integer}}\n",
            "        - {name: limit, in: query, schema: {type: integer}}\n        - {name: cursor, in: query, schema: {type: string}}\n",
        )
        .replace("    delete:\n", "    get:\n      operationId: getThing\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}\n    delete:\n")
        .replace("kind: {$ref: '#/components/schemas/Kind'}}", "kind: {$ref: '#/components/schemas/Kind'}, note: {type: string}}")
        .replace("enum: [small, large]", "enum: [small, large, huge]");
    let second = generate(&spec, &v2, &out);
    let expected = [
        "things-client: 4 API change(s), compatible; semver: 1.3.0",
        "  compatible: operation `list_things`: optional parameter `cursor` (`string`) added",
        "  compatible: operation `get_thing` (GET /things/{id}) added",
        "  compatible: type `Thing`: optional field `note` (`string`) added",
        "  compatible: enum `Kind`: variant `huge` added",
    ];
    for line in expected {
        assert!(second.contains(line), "missing `{line}` in:\n{second}");
    }

    // Breaking: an operation removed and a parameter's type changed, while
    // info.version claims a minor release.
    let v3 = v2.replace("version: 1.3.0", "version: 1.4.0").replace("schema: {type: integer}", "schema: {type: string}").replace(
        "    delete:\n      operationId: deleteThing\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: gone}}\n",
        "",
    );
    let third = generate(&spec, &v3, &out);
    assert!(third.contains("things-client: 2 API change(s), breaking; semver: 2.0.0"), "{third}");
    assert!(third.contains("  breaking: operation `delete_thing` (DELETE /things/{id}) removed"), "{third}");
    assert!(third.contains("  breaking: operation `list_things`: parameter `limit` is now `string` (was `integer`)"), "{third}");

    let changelog = fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
    let sections: Vec<&str> = changelog.lines().filter(|line| line.starts_with("## ")).collect();
    assert_eq!(sections, ["## 1.4.0", "## 1.3.0", "## 1.2.0"], "{changelog}");
    assert!(changelog.contains("`integer`)\n\n## 1.3.0\n") && !changelog.contains("\n\n\n"), "one blank line between sections:\n{changelog}");
    assert!(changelog.contains("**Breaking**"), "{changelog}");
    assert!(changelog.contains("Semver: 1.3.0 → 2.0.0 (the spec's `info.version` gives 1.4.0, which understates the change)."), "{changelog}");
    assert!(changelog.contains("- Compatible: enum `Kind`: variant `huge` added"), "{changelog}");

    // Regenerating the same spec changes nothing.
    let again = generate(&spec, &v3, &out);
    assert!(!again.contains("API change"), "{again}");
    assert_eq!(fs::read_to_string(out.join("CHANGELOG.md")).unwrap(), changelog);
}
