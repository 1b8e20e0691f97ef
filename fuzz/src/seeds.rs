//! The fuzzer's seeds: every spec of the corpus folders, parsed once, and
//! "slices" of them (one operation and what it references), the small
//! documents most executions mutate.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

/// The HTTP methods a path item can hold.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One corpus spec, parsed.
pub struct Seed {
    /// The file name, such as `3.0-petstore.json`.
    pub name: String,
    /// The document as written (Swagger 2.0 stays Swagger 2.0).
    pub document: Value,
    /// Its operations as (path, method).
    pub operations: Vec<(String, String)>,
    /// The length of its text, in bytes.
    pub size: usize,
}

/// Reads every `*.json`, `*.yaml` and `*.yml` file of `dirs` (name order).
/// Fails when a folder is missing or holds no spec: the fuzzer is only as
/// good as its seeds.
pub fn load(dirs: &[impl AsRef<Path>]) -> Result<Vec<Seed>> {
    let mut seeds = Vec::new();
    for dir in dirs {
        let dir = dir.as_ref();
        let mut paths: Vec<_> = fs::read_dir(dir)
            .with_context(|| format!("cannot list the seed folder {}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml" | "yml")))
            .collect();
        paths.sort();
        for path in paths {
            let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            let source = generator::SpecSource { label: name.clone(), slug: "seed".to_owned(), text };
            let Ok(document) = generator::load::parse(&source) else { continue };
            let operations = operations(&document);
            seeds.push(Seed { name, document, operations, size: source.text.len() });
        }
    }
    if seeds.is_empty() {
        bail!("no seed specs in {}", dirs.iter().map(|d| d.as_ref().display().to_string()).collect::<Vec<_>>().join(", "));
    }
    Ok(seeds)
}

fn operations(document: &Value) -> Vec<(String, String)> {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else { return Vec::new() };
    paths
        .iter()
        .filter_map(|(path, item)| item.as_object().map(|item| (path, item)))
        .flat_map(|(path, item)| METHODS.iter().filter(|m| item.contains_key(**m)).map(move |m| (path.clone(), (*m).to_owned())))
        .collect()
}

/// Top-level keys that hold what operations reference, rather than what
/// every document needs.
const REFERENCED_ROOTS: [&str; 7] = ["paths", "components", "definitions", "parameters", "responses", "webhooks", "x-webhooks"];

/// The document with only the operation `method path` and the parts of
/// the document its `$ref`s reach (transitively); everything else at the
/// top level (`info`, `servers`, security schemes) is kept.
pub fn slice(document: &Value, path: &str, method: &str) -> Value {
    let Some(root) = document.as_object() else { return document.clone() };
    let mut out: Map<String, Value> = root.iter().filter(|(key, _)| !REFERENCED_ROOTS.contains(&key.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut out = {
        if let Some(schemes) = document.pointer("/components/securitySchemes") {
            out.insert("components".to_owned(), serde_json::json!({ "securitySchemes": schemes.clone() }));
        }
        Value::Object(out)
    };
    let item = &document["paths"][path];
    let mut kept = Map::new();
    kept.insert(method.to_owned(), item[method].clone());
    if let Some(parameters) = item.get("parameters") {
        kept.insert("parameters".to_owned(), parameters.clone());
    }
    let mut paths = Map::new();
    paths.insert(path.to_owned(), Value::Object(kept));
    out["paths"] = Value::Object(paths);
    let mut pending = Vec::new();
    refs_in(&out, &mut pending);
    let mut copied = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        let Some(pointer) = reference.strip_prefix('#') else { continue };
        if pointer.is_empty() || !copied.insert(pointer.to_owned()) {
            continue;
        }
        let Some(target) = document.pointer(pointer) else { continue };
        if out.pointer(pointer).is_some() {
            continue;
        }
        refs_in(target, &mut pending);
        insert_at(&mut out, pointer, target.clone());
    }
    out
}

/// Every `$ref` string under `value`.
pub fn refs_in(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(reference)) => found.push(reference.clone()),
                    _ => refs_in(child, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs_in(item, found)),
        _ => {}
    }
}

/// The decoded tokens of a JSON pointer (`/a~1b/c` → `a/b`, `c`).
pub fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|token| token.replace("~1", "/").replace("~0", "~")).collect()
}

/// A JSON pointer token for `key`.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Puts `value` at `pointer` in `root`, creating objects on the way;
/// does nothing where the way passes through a non-object.
fn insert_at(root: &mut Value, pointer: &str, value: Value) {
    let tokens = tokens(pointer);
    let Some((last, parents)) = tokens.split_last() else { return };
    let mut node = root;
    for token in parents {
        let Some(map) = node.as_object_mut() else { return };
        node = map.entry(token.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(map) = node.as_object_mut() {
        map.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_slice_keeps_one_operation_and_what_it_references() {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/A"}}}, "post": {"responses": {}}},
                "/b": {"get": {"responses": {}}}
            },
            "components": {
                "responses": {"A": {"description": "a", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
                "schemas": {
                    "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}, "a": {"$ref": "#/components/schemas/A"}}},
                    "B": {"type": "string"},
                    "Unused": {"type": "string"}
                },
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}}
            }
        });
        let slice = slice(&document, "/a", "get");
        assert_eq!(slice["paths"].as_object().map(|p| p.len()), Some(1));
        assert!(slice["paths"]["/a"].get("post").is_none());
        assert_eq!(slice["components"]["schemas"]["B"], json!({"type": "string"}));
        assert!(slice["components"]["schemas"].get("Unused").is_none());
        assert!(slice["components"]["securitySchemes"].get("key").is_some());
        assert_eq!(slice["info"]["title"], "T");
    }

    #[test]
    fn pointer_tokens_round_trip() {
        assert_eq!(tokens("/paths/~1a~1{id}/get"), ["paths", "/a/{id}", "get"]);
        assert_eq!(escape("/a~b"), "~1a~0b");
    }
}
