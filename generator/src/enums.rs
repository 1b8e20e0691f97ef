//! Enum values progenitor can type: values that do not fit their schema
//! (down to their elements), objects of a schema with `properties`,
//! untyped enums of several JSON kinds, and values whose Rust variant
//! names collide are dropped before progenitor sees them, each with a
//! warning naming the schema.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::normalize::each_object;
use crate::Warning;

/// Enum values must have the schema's type, down to their elements and
/// fields ([`conforms`]), and appear once: `""` in a number enum, `[1]` in
/// an enum of string arrays, or a repeated value, is dropped with a
/// warning. Dropped whole, with a warning: an enum holding objects of a
/// schema with `properties` ([`meets_properties`]), and an enum without
/// `type` whose values are of several JSON kinds (`[{}, "a"]`, `[1,
/// "1"]`), which progenitor cannot type (it panics): the schema takes any
/// value.
fn drop_mistyped_enum_values(document: &mut Value) -> Vec<Warning> {
    let mut fixes: Vec<(String, Vec<Value>, Vec<Value>)> = Vec::new();
    let mut mixed: Vec<(String, BTreeSet<&'static str>)> = Vec::new();
    let mut of_structs: Vec<String> = Vec::new();
    let whole: &Value = document;
    let _ = each_object(whole, &mut Vec::new(), &mut |object, here| {
        if let Some(Value::Array(values)) = object.get("enum") {
            if values.iter().any(|value| meets_properties(value, object, whole, 0)) {
                of_structs.push(here.pointer());
                return Ok(());
            }
        }
        if let (Some(Value::Array(values)), None) = (object.get("enum"), object.get("type")) {
            let kinds: BTreeSet<&'static str> = values.iter().filter_map(json_kind).collect();
            if kinds.len() > 1 {
                mixed.push((here.pointer(), kinds));
            }
            return Ok(());
        }
        let (Some(Value::Array(values)), Some(kind)) = (object.get("enum"), object.get("type").and_then(Value::as_str)) else { return Ok(()) };
        let fits = |value: &Value| crate::tolerate::fits_type(value, kind) && conforms(value, object, whole, 0);
        let mut kept: Vec<Value> = Vec::new();
        let mut dropped = Vec::new();
        for value in values {
            if value.is_null() || (fits(value) && !kept.contains(value)) {
                kept.push(value.clone());
            } else {
                dropped.push(value.clone());
            }
        }
        if !dropped.is_empty() {
            fixes.push((here.pointer(), kept, dropped));
        }
        Ok(())
    });
    let mut warnings = Vec::new();
    for (here, kept, dropped) in fixes {
        if let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) {
            if kept.is_empty() {
                schema.remove("enum");
            } else {
                schema.insert("enum".to_owned(), Value::Array(kept));
            }
            let listed = dropped.iter().map(Value::to_string).collect::<Vec<_>>().join(", ");
            warnings.push(Warning::new(here, format!("enum values {listed} do not fit the schema's type or repeat one; they are dropped")));
        }
    }
    for here in of_structs {
        if let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) {
            schema.remove("enum");
            warnings.push(Warning::new(here, "the enum's values hold objects of a schema with `properties`, which Rust cannot compare (its struct has no `PartialEq`); the enum is dropped and the schema keeps its shape"));
        }
    }
    for (here, kinds) in mixed {
        if let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) {
            schema.remove("enum");
            let kinds = kinds.into_iter().collect::<Vec<_>>().join(", ");
            warnings.push(Warning::new(here, format!("the enum has no `type` and values of several kinds ({kinds}); it is dropped and the schema takes any value")));
        }
    }
    warnings
}

/// Deeper than this, an enum value is taken as conforming (a bound for
/// schemas whose `items` lead back to themselves).
const MAX_ENUM_VALUE_DEPTH: usize = 32;

/// Whether the elements and fields of an enum value conform to `schema`
/// (its `items` for an array's elements, its `properties` for an object's
/// fields, a `$ref` followed): typify writes each value as a Rust
/// expression of the schema's type, and `[1]` in an enum of string arrays
/// gives code that does not parse. `null` conforms where the schema is
/// `nullable` or untyped.
fn conforms(value: &Value, schema: &Map<String, Value>, document: &Value, depth: usize) -> bool {
    if depth > MAX_ENUM_VALUE_DEPTH {
        return true;
    }
    let resolve = |child: &Value| enum_child_schema(child, document);
    let element_fits = |element: &Value, child: &Map<String, Value>| match (element, child.get("type").and_then(Value::as_str)) {
        (Value::Null, Some(_)) => child.get("nullable") == Some(&Value::Bool(true)),
        (element, Some(kind)) => crate::tolerate::fits_type(element, kind) && conforms(element, child, document, depth + 1),
        (element, None) => conforms(element, child, document, depth + 1),
    };
    match value {
        Value::Array(elements) => match schema.get("items").and_then(resolve) {
            Some(items) => elements.iter().all(|element| element_fits(element, &items)),
            None => true,
        },
        Value::Object(fields) => match schema.get("properties").and_then(Value::as_object) {
            Some(properties) => fields.iter().all(|(name, field)| match properties.get(name).and_then(resolve) {
                Some(property) => element_fits(field, &property),
                None => true,
            }),
            None => true,
        },
        _ => true,
    }
}

/// Whether an enum value holds, at any depth, an object where `schema`
/// (its `items`, its `properties`, a `$ref` followed) defines
/// `properties`: typify types that object as a struct without
/// `PartialEq`, and checks the enum with `contains`, which does not compile.
fn meets_properties(value: &Value, schema: &Map<String, Value>, document: &Value, depth: usize) -> bool {
    if depth > MAX_ENUM_VALUE_DEPTH {
        return false;
    }
    match value {
        Value::Array(elements) => schema
            .get("items")
            .and_then(|items| enum_child_schema(items, document))
            .is_some_and(|items| elements.iter().any(|element| meets_properties(element, &items, document, depth + 1))),
        Value::Object(_) => schema.get("properties").and_then(Value::as_object).is_some_and(|properties| !properties.is_empty()),
        _ => false,
    }
}

/// The schema of an enum value's element or field: `child`, or what its
/// `$ref` names in `document`.
fn enum_child_schema(child: &Value, document: &Value) -> Option<Map<String, Value>> {
    let child = child.as_object()?;
    match child.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.strip_prefix('#')?).and_then(Value::as_object).cloned(),
        None => Some(child.clone()),
    }
}

/// The JSON kind of an enum value (`None` for `null`, which any enum may hold).
fn json_kind(value: &Value) -> Option<&'static str> {
    match value {
        Value::Null => None,
        Value::Bool(_) => Some("boolean"),
        Value::Number(_) => Some("number"),
        Value::String(_) => Some("string"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
    }
}

/// Enum values must keep distinct Rust variant names; where they do not
/// (`asc` and `ASC`), the schema becomes a plain string, with a warning.
pub(crate) fn relax_colliding_enums(document: &mut Value) -> Vec<Warning> {
    let mut warnings = drop_mistyped_enum_values(document);
    let mut colliding = Vec::new();
    let _ = each_object(document, &mut Vec::new(), &mut |object, here| {
        let Some(Value::Array(values)) = object.get("enum") else { return Ok(()) };
        let mut names: BTreeMap<String, &str> = BTreeMap::new();
        for text in values.iter().filter_map(Value::as_str) {
            let name = crate::open_enums::variant_ident(text).to_string();
            if let Some(other) = names.insert(name.clone(), text) {
                colliding.push((here.pointer(), format!("enum values `{other}` and `{text}` both become the Rust variant `{name}`; the value is kept as a plain string")));
                break;
            }
        }
        Ok(())
    });
    for (here, message) in colliding {
        if let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) {
            schema.remove("enum");
            warnings.push(Warning::new(here, message));
        }
    }
    warnings
}
