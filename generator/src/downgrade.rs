//! OpenAPI 3.1 (or 3.2) in, 3.0 out: the common 3.1 subset rewritten so
//! progenitor (3.0 only) can take it; what has no 3.0 equivalent is dropped
//! with a warning naming the construct and where it is.
//!
//! Rewrites: `type: [T, "null"]` → `type: T, nullable: true`; `type: [T, U]`
//! → `anyOf` of one schema per type, each with the keywords that apply to
//! it; `const: v` → `enum: [v]`; schema `examples: [a, ...]` → `example: a`;
//! numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` with
//! the boolean flag; `$ref` siblings dropped (3.0 ignores them);
//! `info.summary` and `jsonSchemaDialect` dropped, `license.identifier` kept as
//! `x-sdk-license-identifier`; a path item that names an entry of
//! `components.pathItems` becomes a copy of it (3.0 has no such components).
//! Dropped with a warning: `webhooks` (requests the API sends, not ones a
//! client makes), `mutualTLS` security schemes
//! (no 3.0 form; operations that need one are called without it), and the
//! JSON Schema keywords 3.0 lacks (`prefixItems`, `if`, ...).

use serde_json::{Map, Value};

use crate::model::pointer;
use crate::Warning;

/// Keys whose value is a map from user-chosen names to objects, so those
/// names are never mistaken for schema keywords.
pub(crate) const NAME_MAPS: [&str; 15] = [
    "properties", "schemas", "paths", "responses", "content", "examples", "parameters", "securitySchemes",
    "headers", "links", "callbacks", "variables", "mapping", "requestBodies", "encoding",
];

/// JSON Schema keywords of 3.1 that have no 3.0 equivalent.
const UNSUPPORTED: [&str; 12] = [
    "$defs", "prefixItems", "if", "then", "else", "dependentSchemas", "dependentRequired", "unevaluatedProperties",
    "unevaluatedItems", "patternProperties", "$dynamicRef", "contains",
];

/// What an OpenAPI 3.2 document has that 3.1 lacks, dropped with a warning
/// so that the rest reads as 3.1: the `query` method and
/// `additionalOperations` (methods 3.0 has no field for) are skipped. The
/// other additions are ignored as unknown keywords (`$self`, tag `parent`
/// and `kind`, a media type's `itemSchema`), and a `querystring` parameter
/// costs its operation ([`crate::salvage`]).
pub fn from_3_2(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return warnings };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        if item.remove("query").is_some() {
            warnings.push(Warning::new(pointer(&["paths", path, "query"]), "the QUERY method is OpenAPI 3.2 only; the operation is skipped"));
        }
        if let Some(Value::Object(additional)) = item.remove("additionalOperations") {
            for method in additional.keys() {
                warnings.push(Warning::new(
                    pointer(&["paths", path, "additionalOperations", method]),
                    format!("the {method} method is not one of OpenAPI 3.0's; the operation is skipped"),
                ));
            }
        }
    }
    warnings
}

/// Rewrites a 3.1 document in place as 3.0.3, returning what was dropped.
/// The error is `(pointer, message)`.
pub fn to_3_0(document: &mut Value) -> Result<Vec<Warning>, (String, String)> {
    let Some(root) = document.as_object_mut() else { return Err(("#".into(), "the document is not an object".into())) };
    let mut warnings = Vec::new();
    if root.remove("webhooks").is_some() {
        warnings.push(Warning::new("#/webhooks", "webhooks describe requests the API sends, not ones a client makes; they are not generated"));
    }
    let path_items = root.get_mut("components").and_then(Value::as_object_mut).and_then(|components| components.remove("pathItems"));
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        let path_items = match path_items {
            Some(Value::Object(path_items)) => path_items,
            _ => Map::new(),
        };
        warnings.extend(inline_path_items(paths, &path_items));
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            let mutual: Vec<String> = schemes.iter().filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS")).map(|(k, _)| k.clone()).collect();
            for name in mutual {
                schemes.remove(&name);
                warnings.push(Warning::new(
                    pointer(&["components", "securitySchemes", &name]),
                    "mutualTLS is a TLS client certificate: give it with `ClientBuilder::identity`; the operations are generated without a credential for it",
                ));
            }
        }
    }
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    root.remove("jsonSchemaDialect");
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            // Kept for the crate's `license` field (`package.rs`).
            if let Some(identifier) = license.remove("identifier") {
                license.insert("x-sdk-license-identifier".into(), identifier);
            }
        }
    }
    let mut path = Vec::new();
    walk(document, &mut path, false, &mut warnings)?;
    Ok(warnings)
}

/// Each path item that is a `$ref` to `components.pathItems` (which 3.0
/// does not have) becomes a copy of its target, its own keywords kept over
/// the target's; one whose `$ref` names no entry is skipped with a warning.
fn inline_path_items(paths: &mut Map<String, Value>, path_items: &Map<String, Value>) -> Vec<Warning> {
    const PREFIX: &str = "#/components/pathItems/";
    let target = |reference: &str| reference.strip_prefix(PREFIX).map(crate::resolve::unescape).and_then(|name| path_items.get(&name));
    let mut skipped = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(object) = item.as_object_mut() else { continue };
        let Some(reference) = object.get("$ref").and_then(Value::as_str).filter(|r| r.starts_with(PREFIX)) else { continue };
        // An entry may itself name another, a few times over.
        let mut found = target(reference);
        for _ in 0..8 {
            match found.and_then(|entry| entry.get("$ref")).and_then(Value::as_str).and_then(target) {
                Some(next) => found = Some(next),
                None => break,
            }
        }
        match found.filter(|entry| entry.get("$ref").is_none()) {
            Some(Value::Object(entry)) => {
                let mut copy = entry.clone();
                object.remove("$ref");
                copy.append(object);
                *object = copy;
            }
            _ => skipped.push((path.clone(), reference.to_owned())),
        }
    }
    skipped
        .into_iter()
        .map(|(path, reference)| {
            paths.remove(&path);
            Warning::new(pointer(&["paths", &path]), format!("`$ref: {reference}` names no path item in components.pathItems; the path is skipped"))
        })
        .collect()
}

fn walk(value: &mut Value, path: &mut Vec<String>, names: bool, warnings: &mut Vec<Warning>) -> Result<(), (String, String)> {
    match value {
        Value::Object(object) => {
            if !names {
                rewrite_schema(object, path, warnings);
            }
            for (key, child) in object.iter_mut() {
                path.push(key.clone());
                let child_names = !names && NAME_MAPS.contains(&key.as_str());
                walk(child, path, child_names, warnings)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(child, path, false, warnings)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

fn here(path: &[String]) -> String {
    pointer(&path.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Keywords that apply to one JSON type, moved into that type's branch
/// when a type array becomes an `anyOf`.
const KEYWORDS_OF: [(&str, &[&str]); 5] = [
    ("string", &["minLength", "maxLength", "pattern", "format", "enum"]),
    ("integer", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format", "enum"]),
    ("number", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format", "enum"]),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    ("object", &["properties", "required", "additionalProperties", "minProperties", "maxProperties"]),
];

fn rewrite_schema(object: &mut Map<String, Value>, path: &[String], warnings: &mut Vec<Warning>) {
    if object.contains_key("$ref") {
        object.retain(|key, _| key == "$ref");
        return;
    }
    for keyword in UNSUPPORTED {
        if object.remove(keyword).is_some() {
            warnings.push(Warning::new(here(path), format!("the OpenAPI 3.1 keyword `{keyword}` has no 3.0 equivalent; it is ignored")));
        }
    }
    if object.get("type").and_then(Value::as_str) == Some("null") {
        // `type: "null"`: only null; 3.0 can say "any value, nullable".
        object.remove("type");
        object.insert("nullable".into(), Value::Bool(true));
    }
    if let Some(Value::Array(types)) = object.get("type").cloned() {
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<&str> = types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
        match others.as_slice() {
            [single] => {
                object.insert("type".into(), Value::String((*single).to_owned()));
            }
            [] => {
                object.remove("type");
            }
            several => {
                object.remove("type");
                let branches = several
                    .iter()
                    .map(|kind| {
                        let mut branch = Map::new();
                        branch.insert("type".into(), Value::String((*kind).to_owned()));
                        let keywords = KEYWORDS_OF.iter().find(|(k, _)| k == kind).map(|(_, keywords)| *keywords).unwrap_or(&[]);
                        for keyword in keywords {
                            if let Some(value) = object.get(*keyword) {
                                branch.insert((*keyword).to_owned(), value.clone());
                            }
                        }
                        Value::Object(branch)
                    })
                    .collect();
                for (_, keywords) in KEYWORDS_OF {
                    keywords.iter().for_each(|keyword| {
                        object.remove(*keyword);
                    });
                }
                object.insert("anyOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            object.insert("nullable".into(), Value::Bool(true));
        }
    }
    if let Some(constant) = object.remove("const") {
        object.insert("enum".into(), Value::Array(vec![constant]));
    }
    if let Some(Value::Array(examples)) = object.get("examples").cloned() {
        object.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            object.entry("example").or_insert(first);
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(limit) = object.get(exclusive).filter(|v| v.is_number()).cloned() {
            object.insert(bound.into(), limit);
            object.insert(exclusive.into(), Value::Bool(true));
        }
    }
}
