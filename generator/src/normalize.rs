//! Checks and documented rewrites of a spec, before progenitor sees it, for
//! the shapes on which progenitor 0.15.1 panics or writes code that does not
//! compile. Progenitor only writes our types and builder setters (we send
//! and decode ourselves), so a rewrite may simplify what it sees as long as
//! the facts our model needs survive, as the spec's own fields or as
//! `x-sdk-*` extensions this module adds.
//!
//! Rewrites:
//! - an operation without `operationId` gets one from its method and path
//!   (`GET /pets/{id}` → `getPetsById`), and a duplicate (also after
//!   conversion to a Rust name) gets a numbered suffix, with a warning; so
//!   does one whose method or builder the crate defines itself (`builder`,
//!   `Error`: see [`crate::reserved`]), suffixed `Operation`;
//! - a `+json` media type (`application/problem+json`, ...) and a JSON type
//!   with parameters (`application/json; charset=utf-8`) become
//!   `application/json`; next to `application/json` they are dropped;
//! - a JSON response without a schema gets `schema: {}` (any JSON value);
//! - error responses of one operation with different body shapes (or some
//!   with and some without a body) lose their schemas: the error body is
//!   then kept untyped, as a JSON value and raw text;
//! - a `default` response next to a 2xx stands for the errors: it becomes
//!   `4XX` and `5XX` where those are not declared;
//! - a response keyed by anything but a status (100 to 599), a range
//!   (`1XX` to `5XX`) or `default` is dropped, with a warning;
//! - a request body with several media types keeps one: JSON, then form,
//!   then octet-stream, then text, then any other type, which is sent as
//!   raw bytes (`application/octet-stream` for progenitor, the real type in
//!   `x-sdk-media-type`);
//! - a cookie parameter is declared to progenitor as a query parameter
//!   (`x-sdk-in: cookie`), and a query parameter with another style as
//!   `form` (`x-sdk-style`), so that progenitor writes its setter and our
//!   pipeline serialises it as the spec says;
//! - a path item's parameters are copied into each of its operations that
//!   does not override them;
//! - a parameter whose setter would be one of the request builder's own
//!   (`send`, `body`: see [`crate::reserved`]) is renamed for progenitor
//!   (`sendInQuery`, its wire name in `x-sdk-name`; a path parameter in its
//!   template too), with a warning;
//! - a parameter described by `content` gets the first media type's schema;
//! - an `Idempotency-Key` header parameter becomes optional: the client
//!   sends a generated key when the caller sets none;
//! - a `$ref` inside a component is inlined, and one that closes a cycle
//!   typify cannot follow becomes `{}` (see [`crate::recursion`]);
//! - of the properties of one object that would be one Rust field (`rules`
//!   and `rules_`), all but the first are dropped, with a warning;
//! - enum values progenitor cannot type are dropped, with a warning (see
//!   [`crate::enums`]);
//! - composition members whose type contradicts their schema's are dropped,
//!   with a warning (see [`crate::compositions`]).
//!
//! Skipped, with a warning naming the operation and JSON pointer: an
//! operation whose success responses have different bodies, a multipart
//! body, or an OPTIONS method. Refused: `$ref`s that point nowhere, in a
//! circle (`A: {$ref: A}`), or
//! outside the document.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use serde_json::{Map, Value};

use crate::model::pointer;
use crate::Warning;

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

/// Checks `document` and applies the documented rewrites in place,
/// returning what was skipped or lost on the way.
pub fn normalize(document: &mut Value) -> Result<Vec<Warning>, Problem> {
    let mut dropped = drop_bad_refs(document);
    let mut renamed = rename_colliding_schemas(document);
    renamed.extend(crate::recursion::inline_deep_refs(document));
    renamed.extend(crate::recursion::break_composition_cycles(document));
    renamed.extend(drop_referring_path_items(document));
    drop_colliding_titles(document);
    renamed.extend(drop_colliding_properties(document));
    let mut warnings = crate::enums::relax_colliding_enums(document);
    warnings.extend(crate::compositions::drop_impossible_members(document));
    warnings.append(&mut renamed);
    warnings.append(&mut dropped);
    make_idempotency_keys_optional(document);
    warnings.extend(assign_operation_ids(document));
    // The operations are rewritten with their references read from the
    // rest of the document, `paths` taken out of it meanwhile: every `$ref`
    // left names a whole component (`inline_deep_refs` copied in those
    // that point anywhere else, into `paths` too).
    let Some(mut paths) = document.get_mut("paths").map(Value::take) else { return Ok(warnings) };
    let snapshot = &*document;
    let mut hoisted = Vec::new();
    let Some(operations) = paths.as_object_mut() else {
        document["paths"] = paths;
        return Ok(warnings);
    };
    for (path, item) in operations.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let shared = match item.get("parameters") {
            Some(Value::Array(_)) => item.remove("parameters"),
            _ => None,
        };
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
            let here = pointer(&["paths", path, method]);
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
            let name = format!("operation {id} ({} {path})", method.to_uppercase());
            if let Some(Value::Array(shared)) = &shared {
                inherit_parameters(snapshot, shared, operation);
            }
            if let Some(warning) = declare_missing_path_parameters(snapshot, path, operation, &name) {
                warnings.push(warning);
            }
            warnings.extend(drop_invalid_statuses(operation, &name, &here));
            let outcome = normalize_operation(snapshot, method, operation, &name, &here, &mut hoisted, &mut warnings);
            if let Err(problem) = outcome {
                item.remove(method);
                warnings.push(Warning::new(problem.item, format!("skipped: {}", problem.message)));
            }
        }
    }
    document["paths"] = paths;
    warnings.extend(crate::reserved::rename_reserved_path_parameters(document));
    if !hoisted.is_empty() {
        let components = document.as_object_mut().map(|root| root.entry("components").or_insert_with(|| Value::Object(Map::new())));
        if let Some(Value::Object(components)) = components {
            if let Value::Object(schemas) = components.entry("schemas").or_insert_with(|| Value::Object(Map::new())) {
                schemas.extend(hoisted);
            }
        }
    }
    Ok(warnings)
}

/// Skips, with a warning, each path item that is still a `$ref` once
/// references into the document are inlined: one that names a component
/// (3.0 has no path item components; 3.1's are copied in by
/// [`crate::downgrade`]), which progenitor refuses along with the whole
/// document.
fn drop_referring_path_items(document: &mut Value) -> Vec<Warning> {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return Vec::new() };
    let referring: Vec<String> = paths.iter().filter(|(_, item)| item.get("$ref").is_some()).map(|(path, _)| path.clone()).collect();
    referring
        .into_iter()
        .map(|path| {
            let reference = paths.remove(&path).and_then(|item| item.get("$ref").and_then(Value::as_str).map(str::to_owned)).unwrap_or_default();
            Warning::new(pointer(&["paths", &path]), format!("the path item is `$ref: {reference}`, which names no path item; the path is skipped"))
        })
        .collect()
}

fn normalize_operation(
    document: &Value,
    method: &str,
    operation: &mut Map<String, Value>,
    name: &str,
    here: &str,
    hoisted: &mut Vec<(String, Value)>,
    warnings: &mut Vec<Warning>,
) -> Result<(), Problem> {
    if method == "options" {
        return Err(problem(name, format!("{here}: OPTIONS operations are not supported (reqwest has no `options` method)")));
    }
    if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
        parameters.iter_mut().for_each(|parameter| declare_for_progenitor(document, parameter));
        for (original, renamed) in rename_same_named_parameters(parameters) {
            let (clash, setter) = (crate::names::field_name(&original), crate::names::field_name(&renamed));
            warnings.push(Warning::new(
                name,
                format!("{here}: the parameter `{original}` would take the request builder's own `{clash}`; its setter is `{setter}` (its name on the wire is unchanged)"),
            ));
        }
    }
    // Missing, or emptied by `drop_invalid_statuses` (a value that is not a
    // map is left for the model to refuse, naming it).
    if operation.get("responses").is_none_or(|responses| responses.as_object().is_some_and(Map::is_empty)) {
        operation.insert("responses".to_owned(), serde_json::json!({"default": {"description": ""}}));
    }
    normalize_request(document, operation, name, here)?;
    normalize_responses(document, operation, name, here, hoisted)
}

/// Removes the responses keyed by something other than an HTTP status
/// (100 to 599), a range (`1XX` to `5XX`) or `default`, with a warning
/// each: the rest of the operation is usable without them.
fn drop_invalid_statuses(operation: &mut Map<String, Value>, name: &str, here: &str) -> Vec<Warning> {
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return Vec::new() };
    let invalid: Vec<String> = responses.keys().filter(|status| !is_status_key(status)).cloned().collect();
    invalid
        .into_iter()
        .map(|status| {
            responses.remove(&status);
            let at = format!("{here}/responses/{}", status.replace('~', "~0").replace('/', "~1"));
            Warning::new(name, format!("{at}: the response key {status:?} is not an HTTP status, a range such as `4XX` or `default`; that response is ignored"))
        })
        .collect()
}

/// `200`, `4XX` (any case) or `default`.
fn is_status_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    key == "default"
        || (bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && (bytes[1..].iter().all(u8::is_ascii_digit) || bytes[1..].eq_ignore_ascii_case(b"XX")))
}

/// Two parameters of one name in different places (`langCode` in the path
/// and in the query) would be one builder field: the one not in the path is
/// renamed for progenitor (`langCodeInQuery`), keeping its wire name in
/// `x-sdk-name`. So is a parameter whose Rust name another's already takes
/// (`__` and `-` are both `x`; progenitor would write the field twice), with
/// a number added until the name is free.
///
/// Returns `(name, renamed)` for each parameter renamed because its setter
/// would be one of the builder's own ([`crate::reserved::SETTERS`]).
fn rename_same_named_parameters(parameters: &mut [Value]) -> Vec<(String, String)> {
    use heck::ToUpperCamelCase;
    let names: Vec<(String, String)> = parameters
        .iter()
        .map(|p| (p.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(), p.get("in").and_then(Value::as_str).unwrap_or_default().to_owned()))
        .collect();
    let rust = |name: &str| crate::names::sanitize(name, crate::names::Case::Snake);
    // Path parameters keep their names: the path template names them.
    let mut taken: std::collections::BTreeSet<String> = names.iter().filter(|(_, l)| l == "path").map(|(n, _)| rust(n)).collect();
    taken.extend(crate::reserved::SETTERS.iter().map(|name| (*name).to_owned()));
    let mut reserved = Vec::new();
    for (index, parameter) in parameters.iter_mut().enumerate() {
        let (name, location) = &names[index];
        if location == "path" {
            continue;
        }
        let shared = names.iter().enumerate().any(|(other, (n, l))| other != index && n == name && l != location);
        let base = format!("{name}In{}", location.to_upper_camel_case());
        let mut renamed = shared.then(|| base.clone());
        let mut attempt = 1;
        while taken.contains(&rust(renamed.as_deref().unwrap_or(name))) {
            renamed = Some(if attempt == 1 { base.clone() } else { format!("{base}{attempt}") });
            attempt += 1;
        }
        taken.insert(rust(renamed.as_deref().unwrap_or(name)));
        if let (Some(renamed), Some(object)) = (renamed, parameter.as_object_mut()) {
            if crate::reserved::is_reserved_parameter(name) {
                reserved.push((name.clone(), renamed.clone()));
            }
            object.insert("x-sdk-name".to_owned(), Value::String(name.clone()));
            object.insert("name".to_owned(), Value::String(renamed));
        }
    }
    reserved
}

/// Gives `operation` the parameters of its path item (`shared`) that it does
/// not override with one of the same `name` and `in`, before its own, as
/// OpenAPI reads them: every later rewrite of an operation's parameters
/// (renames above all) then sees all of them.
fn inherit_parameters(document: &Value, shared: &[Value], operation: &mut Map<String, Value>) {
    let key = |parameter: &Value| {
        let parameter = resolve(document, parameter);
        (parameter.get("name").cloned(), parameter.get("in").cloned())
    };
    let own = match operation.get("parameters") {
        Some(Value::Array(own)) => own.clone(),
        // Not a list: the model refuses the operation, naming it.
        Some(_) => return,
        None => Vec::new(),
    };
    let overridden: Vec<_> = own.iter().map(key).collect();
    let mut merged: Vec<Value> = shared.iter().filter(|parameter| !overridden.contains(&key(parameter))).cloned().collect();
    if merged.is_empty() {
        return;
    }
    merged.extend(own);
    operation.insert("parameters".to_owned(), Value::Array(merged));
}

/// A `{name}` of the path that no parameter declares (a mistake of the
/// spec) is declared as a required string path parameter, with a warning.
fn declare_missing_path_parameters(document: &Value, path: &str, operation: &mut Map<String, Value>, name: &str) -> Option<Warning> {
    let declared: Vec<String> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|parameter| resolve(document, parameter))
        .filter(|parameter| parameter.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|parameter| parameter.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let missing: Vec<String> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(variable, _)| variable.to_owned()))
        .filter(|variable| !declared.contains(variable))
        .fold(Vec::new(), |mut unique, variable| {
            // `/{a}/{a}` names one parameter twice.
            if !unique.contains(&variable) {
                unique.push(variable);
            }
            unique
        });
    if missing.is_empty() {
        return None;
    }
    let list = operation.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list {
        for variable in &missing {
            list.push(serde_json::json!({"name": variable, "in": "path", "required": true, "schema": {"type": "string"}}));
        }
    }
    let names = missing.iter().map(|m| format!("`{{{m}}}`")).collect::<Vec<_>>().join(", ");
    Some(Warning::new(name, format!("the path names {names}, which no parameter declares; it is taken as a required string")))
}

/// Gives every operation an `operationId` whose Rust name is unique: a
/// missing one is derived from the method and path, a repeated one numbered.
fn assign_operation_ids(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return warnings };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
            let here = pointer(&["paths", path, method]);
            let declared = operation.get("operationId").and_then(Value::as_str).filter(|id| !id.trim().is_empty()).map(str::to_owned);
            let wanted = declared.clone().unwrap_or_else(|| derived_operation_id(method, path));
            let clash = crate::reserved::operation_clash(&wanted);
            let base = if clash.is_some() { format!("{wanted}Operation") } else { wanted.clone() };
            let mut id = base.clone();
            let mut n = 2;
            while !taken.insert(crate::names::method_name(&id)) {
                id = format!("{base}_{n}");
                n += 1;
            }
            let said = match (&declared, &clash) {
                (None, _) => Some(format!("has no operationId; it is called `{id}`")),
                (Some(original), Some(clash)) => {
                    Some(format!("has the operationId `{original}`, whose Rust name would clash with the crate's own {clash}; it is called `{id}`"))
                }
                (Some(original), None) if *original != id => Some(format!("repeats the operationId `{original}` (as a Rust name); it is called `{id}`")),
                (Some(_), None) => None,
            };
            if let Some(message) = said {
                warnings.push(Warning::new(format!("{} {path}", method.to_uppercase()), format!("{here} {message}")));
                operation.insert("operationId".to_owned(), Value::String(id));
            }
        }
    }
    warnings
}

/// `GET /pets/{petId}/photos` → `getPetsByPetIdPhotos`.
fn derived_operation_id(method: &str, path: &str) -> String {
    use heck::ToUpperCamelCase;
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => {
                id.push_str("By");
                id.push_str(&parameter.to_upper_camel_case());
            }
            None => id.push_str(&segment.to_upper_camel_case()),
        }
    }
    if id == method {
        id.push_str("Root");
    }
    id
}

/// Rewrites a parameter so that progenitor writes a setter for it, keeping
/// what progenitor cannot express in `x-sdk-*`: a cookie is declared as a
/// query parameter, another query style as `form`, `content` as a schema.
fn declare_for_progenitor(document: &Value, parameter: &mut Value) {
    if parameter.get("$ref").is_some() {
        *parameter = resolve(document, parameter).clone();
    }
    let Some(parameter) = parameter.as_object_mut() else { return };
    if !parameter.contains_key("schema") {
        let schema = parameter
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next())
            .and_then(|media| media.get("schema"))
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"type": "string"}));
        parameter.remove("content");
        parameter.insert("schema".to_owned(), schema);
    }
    // progenitor cannot write a setter for a parameter whose type is a
    // struct (it panics): such a parameter takes any JSON value, which the
    // call serialises by the parameter's style like the struct would be.
    let schema = parameter.get("schema").map(|schema| resolve(document, schema));
    let is_struct = schema.is_some_and(|schema| {
        schema.get("allOf").is_some() || schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
    });
    if is_struct {
        let original = parameter.insert("schema".to_owned(), serde_json::json!({}));
        parameter.insert("x-sdk-schema".to_owned(), original.unwrap_or_default());
    }
    match parameter.get("in").and_then(Value::as_str) {
        Some("cookie") => {
            parameter.insert("in".to_owned(), Value::String("query".to_owned()));
            parameter.insert("x-sdk-in".to_owned(), Value::String("cookie".to_owned()));
            parameter.remove("style");
        }
        Some("query") => {
            if let Some(style) = parameter.get("style").and_then(Value::as_str).filter(|style| *style != "form").map(str::to_owned) {
                parameter.insert("style".to_owned(), Value::String("form".to_owned()));
                parameter.insert("x-sdk-style".to_owned(), Value::String(style));
            }
        }
        Some("path") => {
            parameter.insert("required".to_owned(), Value::Bool(true));
            parameter.remove("style");
        }
        Some("header") => {
            parameter.remove("style");
        }
        _ => {}
    }
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

/// Follows a local `$ref` (and the chain of them) to what it names; a
/// chain longer than 32 hops is a cycle, and stops where it is.
fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|target| document.pointer(target)) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

/// Calls `visit` on every object in `value` with where it is, depth
/// first, except inside example values, which are data, not description.
pub(crate) fn each_object<'v>(
    value: &'v Value,
    path: &mut Vec<Segment<'v>>,
    visit: &mut impl FnMut(&'v Map<String, Value>, &Here<'_>) -> Result<(), Problem>,
) -> Result<(), Problem> {
    match value {
        Value::Object(object) => {
            visit(object, &Here(path))?;
            for (key, child) in object {
                let in_examples = key == "value" && path.len() >= 2 && matches!(path[path.len() - 2], Segment::Key("examples"));
                if key == "example" || in_examples {
                    continue;
                }
                path.push(Segment::Key(key));
                each_object(child, path, visit)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                each_object(child, path, visit)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// A step of the path [`each_object`] walks: an object's key or an
/// array's index.
pub(crate) enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// Where [`each_object`] is; its JSON pointer is only written out when a
/// visitor asks for it (most objects it visits are not of interest).
pub(crate) struct Here<'p>(&'p [Segment<'p>]);

impl Here<'_> {
    /// The JSON pointer, such as `#/components/schemas/Pet`.
    pub(crate) fn pointer(&self) -> String {
        let indices: Vec<String> = self.0.iter().map(|segment| if let Segment::Index(index) = segment { index.to_string() } else { String::new() }).collect();
        let segments: Vec<&str> = self
            .0
            .iter()
            .zip(&indices)
            .map(|(segment, index)| match segment {
                Segment::Key(key) => key,
                Segment::Index(_) => index.as_str(),
            })
            .collect();
        pointer(&segments)
    }
}

/// A `$ref` that points nowhere, outside the document, or into a chain of
/// references that never reaches a definition, is dropped with a warning:
/// a schema without it takes any JSON value (keeping its other keywords);
/// a parameter, response or body left without a definition no longer
/// reads, and costs what holds it: its operation, path item or component
/// ([`crate::salvage`]).
fn drop_bad_refs(document: &mut Value) -> Vec<Warning> {
    let mut bad = Vec::new();
    // Why each reference is bad (none when it is not), worked out once:
    // most point at a few components.
    let mut verdicts: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    let _ = each_object(document, &mut Vec::new(), &mut |object, here| {
        let Some(Value::String(reference)) = object.get("$ref") else { return Ok(()) };
        let verdict = *verdicts.entry(reference.as_str()).or_insert_with(|| match reference.strip_prefix('#') {
            Some(target) if document.pointer(target).is_some_and(|found| resolve(document, found).get("$ref").and_then(Value::as_str).is_some()) => {
                Some("starts a chain of references that leads back to itself and never reaches a definition")
            }
            Some(target) if document.pointer(target).is_some() => None,
            Some(_) => Some("points nowhere"),
            None => Some("points outside the document; only local references are supported"),
        });
        if let Some(why) = verdict {
            bad.push((here.pointer(), format!("`$ref: {reference}` {why}; it is dropped (a schema without it takes any JSON value)")));
        }
        Ok(())
    });
    let mut warnings = Vec::new();
    for (here, message) in bad {
        let target = here.strip_prefix('#').unwrap_or_default().to_owned();
        if let Some(object) = document.pointer_mut(&target).and_then(Value::as_object_mut) {
            object.remove("$ref");
        }
        warnings.push(Warning::new(here, message));
    }
    warnings
}

/// Component schemas whose names become one Rust name (`templateFields`
/// and `TemplateFields`) would be one type twice: the later ones get a
/// numbered name, and every `$ref` to them follows.
fn rename_colliding_schemas(document: &mut Value) -> Vec<Warning> {
    let Some(Value::Object(schemas)) = document.pointer("/components/schemas") else { return Vec::new() };
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for name in schemas.keys() {
        let rust = crate::names::sanitize(name, crate::names::Case::Pascal);
        if taken.insert(rust.clone()) {
            continue;
        }
        let mut n = 2;
        while schemas.contains_key(&format!("{name}{n}")) || taken.contains(&format!("{rust}{n}")) {
            n += 1;
        }
        taken.insert(format!("{rust}{n}"));
        renames.push((name.clone(), format!("{name}{n}")));
    }
    if renames.is_empty() {
        return Vec::new();
    }
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        for (old, new) in &renames {
            if let Some(schema) = schemas.remove(old) {
                schemas.insert(new.clone(), schema);
            }
        }
    }
    let targets: BTreeMap<String, String> =
        renames.iter().map(|(old, new)| (format!("#/components/schemas/{old}"), format!("#/components/schemas/{new}"))).collect();
    retarget_refs(document, &targets);
    renames
        .into_iter()
        .map(|(old, new)| Warning::new(pointer(&["components", "schemas", &old]), format!("its Rust name collides with another schema's; it is generated as `{new}`")))
        .collect()
}

/// Properties of one object whose names become one Rust field (`rules`
/// and `rules_`, `aB` and `a_b`) would be one field twice: the later ones
/// are dropped (and out of `required`), with a warning; the struct then
/// ignores their values.
fn drop_colliding_properties(document: &mut Value) -> Vec<Warning> {
    let mut colliding: Vec<(String, String, String)> = Vec::new();
    let _ = each_object(document, &mut Vec::new(), &mut |object, here| {
        let Some(Value::Object(properties)) = object.get("properties") else { return Ok(()) };
        let mut taken: BTreeMap<String, &String> = BTreeMap::new();
        for name in properties.keys() {
            let field = crate::names::field_name(name);
            if let Some(first) = taken.get(&field) {
                colliding.push((here.pointer(), name.clone(), (*first).clone()));
            } else {
                taken.insert(field, name);
            }
        }
        Ok(())
    });
    let mut warnings = Vec::new();
    for (here, name, kept) in colliding {
        let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) else { continue };
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            properties.remove(&name);
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|entry| entry.as_str() != Some(name.as_str()));
        }
        let field = crate::names::field_name(&name);
        warnings.push(Warning::new(
            format!("{here}/properties/{}", name.replace('~', "~0").replace('/', "~1")),
            format!("the property `{name}` would be the Rust field `{field}`, as `{kept}` is; it is dropped (its values are ignored)"),
        ));
    }
    warnings
}

/// Points every `$ref` found in `targets` at its new place.
fn retarget_refs(value: &mut Value, targets: &BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                if let Some(new) = targets.get(reference.as_str()) {
                    *reference = new.clone();
                }
            }
            object.values_mut().for_each(|child| retarget_refs(child, targets));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| retarget_refs(child, targets)),
        _ => {}
    }
}

/// typify names a type after its schema's `title`: a component's title
/// (its key names it already) and a title that another schema or a
/// component also gives would make two types of one name, so they go.
fn drop_colliding_titles(document: &mut Value) {
    use heck::ToUpperCamelCase;
    let components: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().map(|k| k.to_upper_camel_case()).collect())
        .unwrap_or_default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut titled: Vec<(String, String)> = Vec::new();
    let _ = each_object(document, &mut Vec::new(), &mut |object, here| {
        if let (Some(Value::String(title)), true) = (object.get("title"), object.contains_key("type") || object.contains_key("properties") || object.contains_key("allOf") || object.contains_key("oneOf") || object.contains_key("anyOf") || object.contains_key("enum")) {
            let name = title.to_upper_camel_case();
            *seen.entry(name.clone()).or_default() += 1;
            titled.push((here.pointer(), name));
        }
        Ok(())
    });
    for (here, name) in titled {
        let is_component = here.starts_with("#/components/schemas/") && here.matches('/').count() == 3;
        if is_component || components.contains(&name) || seen.get(&name).copied().unwrap_or(0) > 1 {
            if let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) {
                schema.remove("title");
            }
        }
    }
    // An inline property schema is named parent + property (`Company.name`
    // → `CompanyName`), which may be a component's name already: such a
    // property gets a title that keeps its type apart.
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else { return };
    for (parent, schema) in schemas.iter_mut() {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else { continue };
        let parent = parent.to_upper_camel_case();
        // Only when a component's name is longer than the parent's and
        // starts with it (the next name in order does), or the property's
        // name has no letter or digit (it adds nothing to the parent's):
        // most parents have no property to look at.
        let longer = components.range::<str, _>((Bound::Excluded(parent.as_str()), Bound::Unbounded)).next().is_some_and(|next| next.starts_with(&parent));
        for (property, value) in properties.iter_mut() {
            let Some(value) = value.as_object_mut() else { continue };
            let may_collide = longer || !property.chars().any(char::is_alphanumeric);
            if !may_collide || value.contains_key("$ref") || value.contains_key("title") {
                continue;
            }
            let name = format!("{parent}{}", property.to_upper_camel_case());
            if components.contains(&name) {
                value.insert("title".to_owned(), Value::String(format!("{name}Property")));
            }
        }
    }
}

/// Turns `+json` media types into `application/json` (dropping them when
/// `application/json` is already there) and gives schema-less JSON a schema.
fn normalize_json_media(content: &mut Map<String, Value>) {
    let json_like: Vec<String> = content.keys().filter(|k| is_json_like(k) && *k != "application/json").cloned().collect();
    for key in json_like {
        if let Some(media) = content.remove(&key) {
            content.entry("application/json").or_insert(media);
        }
    }
    if let Some(media) = content.get_mut("application/json").and_then(Value::as_object_mut) {
        media.entry("schema").or_insert_with(|| Value::Object(Map::new()));
    }
}

/// The fields a multipart body declares: name, whether it carries a file
/// (`format: binary`, or an array of them), and whether it is required.
fn multipart_fields(document: &Value, content: &Map<String, Value>) -> Vec<Value> {
    let Some(schema) = content.values().next().and_then(|media| media.get("schema")).map(|s| resolve(document, s)) else { return Vec::new() };
    let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
    properties
        .iter()
        .map(|(field, property)| {
            let property = resolve(document, property);
            let items = property.get("items").map(|items| resolve(document, items));
            let binary = |schema: &Value| schema.get("format").and_then(Value::as_str) == Some("binary");
            let file = binary(property) || items.is_some_and(binary);
            serde_json::json!({"name": field, "file": file, "required": required.contains(&field.as_str())})
        })
        .collect()
}

/// Success responses with different bodies become an enum of outcomes that
/// our templates write: each JSON body's schema is a component (an inline
/// one is added as `<OperationId>Response<status>`), progenitor sees no
/// success body, and `x-sdk-outcomes` lists each status with how it decodes.
fn typed_outcomes(document: &Value, id: &str, responses: &mut Map<String, Value>, hoisted: &mut Vec<(String, Value)>) -> Vec<Value> {
    use heck::ToUpperCamelCase;
    let taken = |name: &str, hoisted: &[(String, Value)]| {
        document.pointer(&format!("/components/schemas/{name}")).is_some() || hoisted.iter().any(|(n, _)| n == name)
    };
    let mut outcomes = Vec::new();
    for (status, response) in responses.iter_mut().filter(|(status, _)| status.starts_with('2')) {
        let Some(response) = response.as_object_mut() else { continue };
        let content = response.remove("content");
        let media = content.as_ref().and_then(Value::as_object).and_then(|c| c.iter().next().map(|(m, v)| (m.clone(), v.clone())));
        let outcome = match media {
            None => serde_json::json!({"status": status, "kind": "empty"}),
            Some((media, value)) if media == "application/json" => {
                let schema = value.get("schema").cloned().unwrap_or_else(|| serde_json::json!({}));
                let component = match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
                    Some(name) if !name.contains('/') => name.to_owned(),
                    _ => {
                        let base = format!("{}Response{}", id.to_upper_camel_case(), status.to_ascii_uppercase());
                        let mut name = base.clone();
                        let mut n = 2;
                        while taken(&name, hoisted) {
                            name = format!("{base}{n}");
                            n += 1;
                        }
                        hoisted.push((name.clone(), schema));
                        name
                    }
                };
                serde_json::json!({"status": status, "kind": "json", "schema": component})
            }
            Some(_) => serde_json::json!({"status": status, "kind": "stream"}),
        };
        outcomes.push(outcome);
    }
    outcomes
}

/// `application/json`, `application/json; charset=utf-8`, `*/*+json`, `text/json`.
fn is_json_like(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

fn normalize_request(document: &Value, operation: &mut Map<String, Value>, _name: &str, _here: &str) -> Result<(), Problem> {
    let Some(body) = operation.get_mut("requestBody") else { return Ok(()) };
    if body.get("$ref").is_some() {
        *body = resolve(document, body).clone();
    }
    let Some(body) = body.as_object_mut() else { return Ok(()) };
    let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else { return Ok(()) };
    normalize_json_media(content);
    if let Some(kept) = REQUEST_MEDIA.iter().find(|media| content.contains_key(**media)) {
        content.retain(|media, _| media == kept);
        return Ok(());
    }
    if let Some(other) = content.keys().find(|media| !media.starts_with("multipart/")).cloned() {
        // Any other type is sent as bytes the caller supplies, labelled
        // with the spec's media type.
        content.clear();
        content.insert("application/octet-stream".to_owned(), serde_json::json!({"schema": {"type": "string", "format": "binary"}}));
        body.insert("x-sdk-media-type".to_owned(), Value::String(other));
        return Ok(());
    }
    // progenitor cannot build a multipart body: it sees none, and the
    // operation gets `send_multipart` from our templates.
    let fields = multipart_fields(document, content);
    operation.remove("requestBody");
    operation.insert("x-sdk-multipart".to_owned(), serde_json::json!({"required": required, "fields": fields}));
    Ok(())
}

fn normalize_responses(
    document: &Value,
    operation: &mut Map<String, Value>,
    _name: &str,
    _here: &str,
    hoisted: &mut Vec<(String, Value)>,
) -> Result<(), Problem> {
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return Ok(()) };
    for (status, response) in responses.iter_mut() {
        if response.get("$ref").is_some() {
            *response = resolve(document, response).clone();
        }
        let success = status.starts_with('2') || (status == "default");
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            normalize_json_media(content);
            // An error body that is not JSON is kept as text by the client.
            if !success && !content.contains_key("application/json") {
                content.clear();
            }
            // JSON is decoded into its type; any other body (a PDF, an
            // image, text) reaches the caller as a byte stream.
            if content.contains_key("application/json") {
                content.retain(|media, _| media == "application/json");
            } else if !content.is_empty() {
                content.clear();
                content.insert("application/octet-stream".to_owned(), serde_json::json!({"schema": {"type": "string", "format": "binary"}}));
            }
        }
    }
    let shape = |response: &Value| -> Option<Value> {
        let content = response.get("content")?.as_object()?;
        content.iter().next().map(|(media, value)| serde_json::json!([media, value.get("schema")]))
    };
    let is_success = |status: &str| status.starts_with('2');
    // With a 2xx declared, `default` stands for the errors only.
    if responses.keys().any(|status| is_success(status)) {
        if let Some(default) = responses.remove("default") {
            for range in ["4XX", "5XX"] {
                responses.entry(range).or_insert_with(|| default.clone());
            }
        }
    }
    let success: BTreeMap<&String, Option<Value>> = responses.iter().filter(|(s, _)| is_success(s)).map(|(s, r)| (s, shape(r))).collect();
    let mut distinct: Vec<&Option<Value>> = success.values().collect();
    distinct.dedup();
    if distinct.len() > 1 {
        let id = operation.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
        let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return Ok(()) };
        let outcomes = typed_outcomes(document, &id, responses, hoisted);
        operation.insert("x-sdk-outcomes".to_owned(), Value::Array(outcomes));
    }
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return Ok(()) };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_property_named_like_a_component_gets_a_title_of_its_own() {
        let mut document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "Company": {"type": "object", "properties": {"name": {"type": "object"}, "size": {"type": "object"}, "id": {"$ref": "#/components/schemas/CompanyName"}}},
                "CompanyName": {"type": "string"},
                "Thing": {"type": "object", "properties": {"_": {"type": "object"}, "other": {"type": "object"}}}
            }}
        });
        normalize(&mut document).unwrap();
        let title = |pointer: &str| document.pointer(pointer).and_then(|schema| schema.get("title")).cloned();
        assert_eq!(title("/components/schemas/Company/properties/name"), Some(Value::from("CompanyNameProperty")));
        assert_eq!(title("/components/schemas/Company/properties/size"), None);
        assert_eq!(title("/components/schemas/Company/properties/id"), None);
        assert_eq!(title("/components/schemas/Thing/properties/_"), Some(Value::from("ThingProperty")));
        assert_eq!(title("/components/schemas/Thing/properties/other"), None);
    }

    #[test]
    fn an_operation_reads_a_reference_into_paths_while_they_are_rewritten() {
        let mut document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a/{id}": {"get": {"operationId": "a", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}},
                "/b/{id}": {"get": {"operationId": "b", "parameters": [{"$ref": "#/paths/~1a~1{id}/get/parameters/0"}], "responses": {"200": {"description": "ok"}}}}
            }
        });
        let warnings = normalize(&mut document).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let parameters = document.pointer("/paths/~1b~1{id}/get/parameters").and_then(Value::as_array).unwrap();
        assert_eq!(parameters.len(), 1, "{parameters:?}");
        assert!(document.pointer("/paths/~1a~1{id}/get").is_some());
    }
}
