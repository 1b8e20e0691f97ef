//! Values the typed document model cannot hold, made to fit before it reads
//! them: real specs carry integer bounds beyond 64 bits, numbers where text
//! is expected, or a keyword of the wrong JSON type. Each is loosened or
//! dropped with a warning naming its JSON pointer, instead of failing the
//! whole document.

use serde_json::{Map, Number, Value};

use crate::downgrade::NAME_MAPS;
use crate::model::pointer;
use crate::Warning;

/// Keywords whose value must be text.
const TEXT: [&str; 5] = ["description", "summary", "title", "pattern", "format"];

/// Schema keywords whose value must be a non-negative integer.
const COUNTS: [&str; 6] = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

/// Fixes `document` in place and says what changed.
pub fn tolerate(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    walk(document, &mut Vec::new(), false, &mut warnings);
    complete_info(document, &mut warnings);
    warnings
}

/// The title and version of an `info` missing them (or missing itself):
/// they name the crate and head its documentation, nothing worth
/// refusing a spec for.
fn complete_info(document: &mut Value, warnings: &mut Vec<Warning>) {
    let Some(root) = document.as_object_mut() else { return };
    let info = root.entry("info").or_insert_with(|| Value::Object(Map::new()));
    if !info.is_object() {
        warnings.push(Warning::new("#/info", "is not an object; read as an empty one"));
        *info = Value::Object(Map::new());
    }
    let Some(info) = info.as_object_mut() else { return };
    for (key, default) in [("title", "API"), ("version", "0.1.0")] {
        if !info.get(key).is_some_and(Value::is_string) {
            warnings.push(Warning::new(format!("#/info/{key}"), format!("missing; `{default}` is used")));
            info.insert(key.to_owned(), Value::String(default.to_owned()));
        }
    }
}

fn walk(value: &mut Value, path: &mut Vec<String>, names: bool, warnings: &mut Vec<Warning>) {
    match value {
        Value::Object(object) => {
            if !names {
                fit(object, path, warnings);
            }
            for (key, child) in object.iter_mut() {
                if !names && (key == "example" || key == "examples" || key == "default" || key == "enum" || key.starts_with("x-")) {
                    continue;
                }
                path.push(key.clone());
                walk(child, path, !names && NAME_MAPS.contains(&key.as_str()), warnings);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(child, path, false, warnings);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Whether `value` is a value of the JSON Schema type `kind` (any value
/// fits an unknown type).
pub(crate) fn fits_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn here(path: &[String], key: &str) -> String {
    let mut segments: Vec<&str> = path.iter().map(String::as_str).collect();
    segments.push(key);
    pointer(&segments)
}

fn fit(object: &mut Map<String, Value>, path: &[String], warnings: &mut Vec<Warning>) {
    for key in TEXT {
        match object.get(key) {
            Some(Value::String(_)) | None => {}
            Some(Value::Number(n)) => {
                let text = n.to_string();
                object.insert(key.to_owned(), Value::String(text));
            }
            Some(Value::Bool(b)) => {
                let text = b.to_string();
                object.insert(key.to_owned(), Value::String(text));
            }
            Some(_) => {
                object.remove(key);
                warnings.push(Warning::new(here(path, key), format!("`{key}` must be text; it is ignored")));
            }
        }
    }
    for key in COUNTS {
        if let Some(value) = object.get(key) {
            if value.as_u64().is_none() {
                warnings.push(Warning::new(here(path, key), format!("`{key}` must be a whole number of at most 64 bits, got {value}; it is ignored")));
                object.remove(key);
            }
        }
    }
    let kind = object.get("type").and_then(Value::as_str).map(str::to_owned);
    // A format means something only for strings and numbers, and only
    // next to a type.
    let schema_like = object.contains_key("description") || object.contains_key("properties") || object.contains_key("items");
    if matches!(kind.as_deref(), Some("object" | "array" | "boolean")) || (kind.is_none() && schema_like && !object.contains_key("in")) {
        object.remove("format");
    }
    if let (Some(kind), Some(default)) = (kind.as_deref(), object.get("default")) {
        let fits = fits_type(default, kind);
        let listed = object.get("enum").and_then(Value::as_array).is_none_or(|values| values.contains(default));
        if !fits || !listed {
            warnings.push(Warning::new(here(path, "default"), format!("the default {default} does not fit the schema; it is ignored")));
            object.remove("default");
        }
    }
    let integer = kind.as_deref() == Some("integer");
    for key in ["minimum", "maximum", "multipleOf"] {
        let Some(value) = object.get(key) else { continue };
        let fits = match value {
            Value::Number(n) if integer => n.as_i64().is_some() || n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.2e18),
            Value::Number(_) => true,
            _ => false,
        };
        if !fits {
            warnings.push(Warning::new(here(path, key), format!("`{key}` {value} does not fit the schema's type; it is ignored")));
            object.remove(key);
        } else if let (true, Some(f)) = (integer, value.as_f64().filter(|_| value.as_i64().is_none())) {
            object.insert(key.to_owned(), Value::Number(Number::from(f as i64)));
        }
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        if let Some(value) = object.get(key).filter(|v| !v.is_boolean()).cloned() {
            let bound = if key == "exclusiveMinimum" { "minimum" } else { "maximum" };
            if value.is_number() {
                object.insert(bound.to_owned(), value);
                object.insert(key.to_owned(), Value::Bool(true));
            } else {
                object.remove(key);
                warnings.push(Warning::new(here(path, key), format!("`{key}` must be a boolean or a number; it is ignored")));
            }
        }
    }
    if let Some(required) = object.get("required") {
        // A parameter, header or request body says `required: true`; a
        // schema lists its required properties.
        let is_schema = !object.contains_key("in") && !object.contains_key("content") && ["type", "properties", "items"].iter().any(|k| object.contains_key(*k));
        let valid = match required {
            Value::Array(items) => items.iter().all(Value::is_string),
            Value::Bool(_) => !is_schema,
            _ => false,
        };
        if !valid {
            warnings.push(Warning::new(here(path, "required"), "`required` must list property names (or be a boolean on a parameter); it is ignored"));
            object.remove("required");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_the_model_cannot_hold_are_loosened_with_a_warning() {
        let mut document = serde_json::json!({
            "info": {"title": "T", "version": "1"},
            "components": {"schemas": {"Big": {
                "type": "integer", "maximum": 1e30, "minimum": 1.0, "description": 12,
                "properties": {"description": {"type": "string", "maxLength": -1}},
            }}}
        });
        let warnings: Vec<String> = tolerate(&mut document).iter().map(ToString::to_string).collect();
        let big = &document["components"]["schemas"]["Big"];
        assert_eq!(big["description"], "12");
        assert_eq!(big["minimum"], 1);
        assert!(big.get("maximum").is_none());
        assert!(big["properties"]["description"].get("maxLength").is_none());
        assert_eq!(
            warnings,
            [
                "#/components/schemas/Big/maximum: `maximum` 1e+30 does not fit the schema's type; it is ignored",
                "#/components/schemas/Big/properties/description/maxLength: `maxLength` must be a whole number of at most 64 bits, got -1; it is ignored",
            ]
        );
    }

    #[test]
    fn a_missing_title_or_version_is_filled_in_with_a_warning() {
        for (mut document, expected) in [
            (serde_json::json!({"info": {"title": "T"}}), vec!["#/info/version: missing; `0.1.0` is used"]),
            (serde_json::json!({"info": 5}), vec!["#/info: is not an object; read as an empty one", "#/info/title: missing; `API` is used", "#/info/version: missing; `0.1.0` is used"]),
        ] {
            let warnings: Vec<String> = tolerate(&mut document).iter().map(ToString::to_string).collect();
            assert_eq!(warnings, expected);
            assert!(document["info"]["title"].is_string() && document["info"]["version"].is_string());
        }
    }
}
