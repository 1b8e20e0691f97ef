//! Checks and documented rewrites of a spec, before progenitor sees it, for
//! the shapes on which progenitor 0.15.1 panics or writes code that does not
//! compile. Each construct is either rewritten (listed below) or refused
//! with the operation and JSON pointer at fault.
//!
//! Rewrites:
//! - a `+json` media type (`application/problem+json`, ...) becomes
//!   `application/json`; next to `application/json` it is dropped;
//! - a JSON response without a schema gets `schema: {}` (any JSON value);
//! - error responses of one operation with different body shapes (or some
//!   with and some without a body) lose their schemas: the error body is
//!   then kept untyped, as a JSON value and raw text;
//! - a request body with several media types keeps one: JSON, then form,
//!   then octet-stream, then text;
//! - an `Idempotency-Key` header parameter becomes optional: the client
//!   sends a generated key when the caller sets none.
//!
//! Refused: success responses with different shapes, unsupported request
//! media types, array header parameters, cookie parameters, query styles
//! other than `form`, enum values whose Rust names collide, `$ref`s that
//! point nowhere or outside the document, duplicate operation ids, and
//! OPTIONS operations.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::pointer;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const REQUEST_MEDIA: [&str; 4] = ["application/json", "application/x-www-form-urlencoded", "application/octet-stream", "text/plain"];

/// A problem found in the document: where it is, and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    /// `operation <id> (<METHOD> <path>)`, or a JSON pointer.
    pub item: String,
    /// What is wrong, with the JSON pointer when `item` is an operation.
    pub message: String,
}

fn problem(item: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { item: item.into(), message: message.into() }
}

/// Checks `document` and applies the documented rewrites in place.
pub fn normalize(document: &mut Value) -> Result<(), Problem> {
    check_refs(document)?;
    check_enums(document)?;
    make_idempotency_keys_optional(document);
    let snapshot = document.clone();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(()) };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let shared_parameters = item.get("parameters").cloned();
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
            let here = pointer(&["paths", path, method]);
            let id = operation.get("operationId").and_then(Value::as_str).map(str::to_owned);
            let name = match &id {
                Some(id) => format!("operation {id} ({} {path})", method.to_uppercase()),
                None => format!("operation {} {path}", method.to_uppercase()),
            };
            if let Some(id) = &id {
                if let Some(first) = seen_ids.insert(id.clone(), here.clone()) {
                    return Err(problem(&name, format!("operationId `{id}` is used again at {here}; it is first used at {first}")));
                }
            }
            if method == "options" {
                return Err(problem(&name, format!("{here}: OPTIONS operations are not supported (reqwest has no `options` method)")));
            }
            check_parameters(&snapshot, shared_parameters.iter().chain(operation.get("parameters")), &name, &here)?;
            normalize_request(&snapshot, operation, &name, &here)?;
            normalize_responses(&snapshot, operation, &name, &here)?;
        }
    }
    Ok(())
}

/// Marks every `Idempotency-Key` header parameter (in components, on path
/// items and on operations) as optional for the caller.
fn make_idempotency_keys_optional(document: &mut Value) {
    if let Some(Value::Object(parameters)) = document.pointer_mut("/components/parameters") {
        parameters.values_mut().for_each(make_optional_if_idempotency_key);
    }
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for (key, value) in item.iter_mut() {
            let list = match key.as_str() {
                "parameters" => Some(value),
                method if METHODS.contains(&method) => value.get_mut("parameters"),
                _ => None,
            };
            if let Some(Value::Array(list)) = list {
                list.iter_mut().for_each(make_optional_if_idempotency_key);
            }
        }
    }
}

fn make_optional_if_idempotency_key(parameter: &mut Value) {
    let Some(parameter) = parameter.as_object_mut() else { return };
    let is_key = parameter.get("in").and_then(Value::as_str) == Some("header")
        && parameter.get("name").and_then(Value::as_str).is_some_and(|name| name.eq_ignore_ascii_case("idempotency-key"));
    if is_key {
        parameter.insert("required".to_owned(), Value::Bool(false));
    }
}

/// Follows a local `$ref` once.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(target) => document.pointer(target).map(|v| resolve(document, v)).unwrap_or(value),
        None => value,
    }
}

/// Calls `visit` on every object in `value` with its JSON pointer, depth first.
fn each_object(
    value: &Value,
    path: &mut Vec<String>,
    visit: &mut impl FnMut(&Map<String, Value>, String) -> Result<(), Problem>,
) -> Result<(), Problem> {
    let children: Box<dyn Iterator<Item = (String, &Value)>> = match value {
        Value::Object(object) => {
            visit(object, pointer(&path.iter().map(String::as_str).collect::<Vec<_>>()))?;
            Box::new(object.iter().map(|(key, child)| (key.clone(), child)))
        }
        Value::Array(items) => Box::new(items.iter().enumerate().map(|(index, child)| (index.to_string(), child))),
        _ => return Ok(()),
    };
    for (key, child) in children {
        path.push(key);
        each_object(child, path, visit)?;
        path.pop();
    }
    Ok(())
}

/// Every `$ref` must point at something in this document.
fn check_refs(document: &Value) -> Result<(), Problem> {
    each_object(document, &mut Vec::new(), &mut |object, here| {
        let Some(Value::String(reference)) = object.get("$ref") else { return Ok(()) };
        match reference.strip_prefix('#') {
            Some(target) if document.pointer(target).is_some() => Ok(()),
            Some(_) => Err(problem(here, format!("`$ref: {reference}` points nowhere"))),
            None => Err(problem(here, format!("`$ref: {reference}` points outside the document; only local references are supported"))),
        }
    })
}

/// The values of an enum must keep distinct Rust variant names.
fn check_enums(document: &Value) -> Result<(), Problem> {
    each_object(document, &mut Vec::new(), &mut |object, here| {
        let Some(Value::Array(values)) = object.get("enum") else { return Ok(()) };
        let mut names: BTreeMap<String, &str> = BTreeMap::new();
        for text in values.iter().filter_map(Value::as_str) {
            let name = crate::open_enums::variant_ident(text).to_string();
            if let Some(other) = names.insert(name.clone(), text) {
                return Err(problem(here, format!("enum values `{other}` and `{text}` both become the Rust variant `{name}`")));
            }
        }
        Ok(())
    })
}

fn check_parameters<'a>(document: &Value, lists: impl Iterator<Item = &'a Value>, name: &str, here: &str) -> Result<(), Problem> {
    for (index, parameter) in lists.flat_map(|list| list.as_array().into_iter().flatten()).enumerate() {
        let parameter = resolve(document, parameter);
        let field = |key: &str| parameter.get(key).and_then(Value::as_str).unwrap_or_default();
        let schema = parameter.get("schema").map(|s| resolve(document, s));
        let at = format!("{here}/parameters/{index}");
        let what = format!("parameter `{}`", field("name"));
        match field("in") {
            "cookie" => return Err(problem(name, format!("{at}: {what} is a cookie parameter; cookie parameters are not supported"))),
            "header" if schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array") => {
                return Err(problem(name, format!("{at}: {what} is a header of array type, which is not supported")));
            }
            "query" if !matches!(field("style"), "" | "form") => {
                return Err(problem(name, format!("{at}: {what} uses query style `{}`; only `form` is supported", field("style"))));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Turns `+json` media types into `application/json` (dropping them when
/// `application/json` is already there) and gives schema-less JSON a schema.
fn normalize_json_media(content: &mut Map<String, Value>) {
    let json_like: Vec<String> = content.keys().filter(|k| k.ends_with("+json") || *k == "text/json").cloned().collect();
    for key in json_like {
        if let Some(media) = content.remove(&key) {
            content.entry("application/json").or_insert(media);
        }
    }
    if let Some(media) = content.get_mut("application/json").and_then(Value::as_object_mut) {
        media.entry("schema").or_insert_with(|| Value::Object(Map::new()));
    }
}

fn normalize_request(document: &Value, operation: &mut Map<String, Value>, name: &str, here: &str) -> Result<(), Problem> {
    let Some(body) = operation.get_mut("requestBody") else { return Ok(()) };
    if body.get("$ref").is_some() {
        *body = resolve(document, body).clone();
    }
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else { return Ok(()) };
    normalize_json_media(content);
    let Some(kept) = REQUEST_MEDIA.iter().find(|media| content.contains_key(**media)) else {
        let found = content.keys().cloned().collect::<Vec<_>>().join(", ");
        return Err(problem(name, format!("{here}/requestBody: request media type {found} is not supported (supported: {})", REQUEST_MEDIA.join(", "))));
    };
    content.retain(|media, _| media == kept);
    Ok(())
}

fn normalize_responses(document: &Value, operation: &mut Map<String, Value>, name: &str, here: &str) -> Result<(), Problem> {
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return Ok(()) };
    for response in responses.values_mut() {
        if response.get("$ref").is_some() {
            *response = resolve(document, response).clone();
        }
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            normalize_json_media(content);
            content.retain(|media, _| media == "application/json" || media == "application/octet-stream" || media.starts_with("text/"));
        }
    }
    let shape = |response: &Value| -> Option<Value> {
        let content = response.get("content")?.as_object()?;
        content.iter().next().map(|(media, value)| serde_json::json!([media, value.get("schema")]))
    };
    let is_success = |status: &str| status.starts_with('2');
    let success: BTreeMap<&String, Option<Value>> = responses.iter().filter(|(s, _)| is_success(s)).map(|(s, r)| (s, shape(r))).collect();
    let mut distinct: Vec<&Option<Value>> = success.values().collect();
    distinct.dedup();
    if distinct.len() > 1 {
        let statuses = success.keys().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        return Err(problem(name, format!("{here}/responses: success responses {statuses} have different bodies; progenitor needs one shape for every success status")));
    }
    let errors: Vec<Option<Value>> = responses.iter().filter(|(s, _)| !is_success(s)).map(|(_, r)| shape(r)).collect();
    let mut error_shapes = errors.clone();
    error_shapes.sort_by_key(|shape| shape.as_ref().map(Value::to_string));
    error_shapes.dedup();
    if error_shapes.len() > 1 {
        for (_, response) in responses.iter_mut().filter(|(s, _)| !is_success(s)) {
            if let Some(response) = response.as_object_mut() {
                response.remove("content");
            }
        }
    }
    Ok(())
}
