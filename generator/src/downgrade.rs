//! OpenAPI 3.1 in, 3.0 out: the common 3.1 subset rewritten so progenitor
//! (3.0 only) can take it. Anything else 3.1-only fails, naming the
//! construct and where it is.
//!
//! Rewrites: `type: [T, "null"]` → `type: T, nullable: true`; `const: v` →
//! `enum: [v]`; schema `examples: [a, ...]` → `example: a`; numeric
//! `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` with the
//! boolean flag; `$ref` siblings dropped (3.0 ignores them); `info.summary`,
//! `license.identifier` and `jsonSchemaDialect` dropped.

use serde_json::{Map, Value};

use crate::model::pointer;

/// Keys whose value is a map from user-chosen names to objects, so those
/// names are never mistaken for schema keywords.
const NAME_MAPS: [&str; 15] = [
    "properties", "schemas", "paths", "responses", "content", "examples", "parameters", "securitySchemes",
    "headers", "links", "callbacks", "variables", "mapping", "requestBodies", "encoding",
];

/// JSON Schema keywords of 3.1 that have no 3.0 equivalent.
const UNSUPPORTED: [&str; 12] = [
    "$defs", "prefixItems", "if", "then", "else", "dependentSchemas", "dependentRequired", "unevaluatedProperties",
    "unevaluatedItems", "patternProperties", "$dynamicRef", "contains",
];

/// Rewrites a 3.1 document in place as 3.0.3. The error is `(pointer, message)`.
pub fn to_3_0(document: &mut Value) -> Result<(), (String, String)> {
    let Some(root) = document.as_object_mut() else { return Err(("#".into(), "the document is not an object".into())) };
    if root.contains_key("webhooks") {
        return Err(("#/webhooks".into(), "OpenAPI 3.1 webhooks are not supported".into()));
    }
    if root.get("components").and_then(|c| c.get("pathItems")).is_some() {
        return Err(("#/components/pathItems".into(), "OpenAPI 3.1 components.pathItems are not supported".into()));
    }
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    root.remove("jsonSchemaDialect");
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    let mut path = Vec::new();
    walk(document, &mut path, false)
}

fn walk(value: &mut Value, path: &mut Vec<String>, names: bool) -> Result<(), (String, String)> {
    match value {
        Value::Object(object) => {
            if !names {
                rewrite_schema(object, path)?;
            }
            for (key, child) in object.iter_mut() {
                path.push(key.clone());
                let child_names = !names && NAME_MAPS.contains(&key.as_str());
                walk(child, path, child_names)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(child, path, false)?;
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

fn rewrite_schema(object: &mut Map<String, Value>, path: &[String]) -> Result<(), (String, String)> {
    if object.contains_key("$ref") {
        object.retain(|key, _| key == "$ref");
        return Ok(());
    }
    if let Some(keyword) = UNSUPPORTED.iter().find(|keyword| object.contains_key(**keyword)) {
        return Err((here(path), format!("the OpenAPI 3.1 keyword `{keyword}` has no 3.0 equivalent and is not supported")));
    }
    if let Some(Value::Array(types)) = object.get("type").cloned() {
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
        match others.as_slice() {
            [single] => {
                object.insert("type".into(), (*single).clone());
                if nullable {
                    object.insert("nullable".into(), Value::Bool(true));
                }
            }
            [] => return Err((here(path), "`type: [\"null\"]` alone is not supported".into())),
            _ => return Err((here(path), format!("a type array with several types ({}) is not supported", Value::Array(types.clone())))),
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
    Ok(())
}
