//! Structure-aware mutations of a parsed spec: each picks a node of the
//! document (a schema, a `$ref`, a name, an operation) and changes it the
//! way a careless or hostile spec author would.

use fastrand::Rng;
use serde_json::{json, Map, Value};

use crate::seeds::{escape, refs_in, METHODS};

/// Names that are hard to turn into Rust identifiers: keywords, names of
/// the prelude and of generated modules, unicode, empty, digits first.
pub const HOSTILE_NAMES: &[&str] = &[
    "type", "self", "Self", "crate", "super", "r#type", "r#", "fn", "async", "await", "dyn", "impl", "mod", "match", "loop", "union", "gen",
    "🚀", "😀 emoji", "", " ", "_", "__", "-", "$", "@type", "0", "1abc", "123", "a b", "a-b", "a_b", "A_B", "aB", "AB", "ab", "null", "None",
    "Some", "Option", "Result", "String", "Vec", "Box", "std", "core", "Client", "Error", "types", "builder", "名前", "ß", "İ", "a\nb",
    "\"quote", "\\", "{}", "/", "#", "~", "%20", "a.b", "a::b", "'", "<T>", "x-", "$ref", "properties", "default",
];

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// The node at `path`, if any.
pub fn get_mut<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |node, step| match step {
        Step::Key(key) => node.get_mut(key.as_str()),
        Step::Index(index) => node.get_mut(*index),
    })
}

/// A uniformly chosen node for which `accept(path, node)` holds
/// (reservoir sampling: one walk, paths cloned only when chosen).
pub fn pick(rng: &mut Rng, root: &Value, accept: impl Fn(&[Step], &Value) -> bool) -> Option<Vec<Step>> {
    fn walk(rng: &mut Rng, node: &Value, path: &mut Vec<Step>, accept: &dyn Fn(&[Step], &Value) -> bool, seen: &mut u64, chosen: &mut Option<Vec<Step>>) {
        if accept(path, node) {
            *seen += 1;
            if rng.u64(0..*seen) == 0 {
                *chosen = Some(path.clone());
            }
        }
        match node {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(Step::Key(key.clone()));
                    walk(rng, child, path, accept, seen, chosen);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    path.push(Step::Index(index));
                    walk(rng, child, path, accept, seen, chosen);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut chosen = None;
    walk(rng, root, &mut Vec::new(), &accept, &mut 0, &mut chosen);
    chosen
}

fn last_key(path: &[Step]) -> Option<&str> {
    match path.last() {
        Some(Step::Key(key)) => Some(key),
        _ => None,
    }
}

fn parent_key(path: &[Step]) -> Option<&str> {
    path.len().checked_sub(1).and_then(|end| last_key(&path[..end]))
}

/// Whether `node` looks like a schema.
fn is_schema(path: &[Step], node: &Value) -> bool {
    let Some(map) = node.as_object() else { return false };
    ["type", "$ref", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "format"].iter().any(|k| map.contains_key(*k))
        || matches!(last_key(path), Some("schema" | "items" | "additionalProperties" | "not"))
        || matches!(parent_key(path), Some("properties" | "schemas" | "definitions"))
}

/// Component-like maps whose keys are names (`properties`, `schemas`, ...).
fn is_name_map(path: &[Step], node: &Value) -> bool {
    node.as_object().is_some_and(|map| !map.is_empty())
        && matches!(
            last_key(path),
            Some("properties" | "schemas" | "definitions" | "paths" | "parameters" | "responses" | "requestBodies" | "securitySchemes" | "headers" | "mapping")
        )
}

fn any_string(rng: &mut Rng) -> String {
    HOSTILE_NAMES[rng.usize(..HOSTILE_NAMES.len())].to_owned()
}

fn choose<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// A small random schema, `depth` levels deep at most.
pub fn random_schema(rng: &mut Rng, depth: u32) -> Value {
    let leaf = || -> Value { json!({}) };
    match rng.u32(..if depth == 0 { 4 } else { 9 }) {
        0 => json!({"type": choose(rng, &["string", "integer", "number", "boolean"])}),
        1 => json!({"type": "string", "format": choose(rng, FORMATS)}),
        2 => json!({"type": "string", "enum": ["a", "b", "a-b", "A_B", ""]}),
        3 => leaf(),
        4 => json!({"type": "array", "items": random_schema(rng, depth - 1)}),
        5 => {
            let name = any_string(rng);
            json!({"type": "object", "properties": {name.clone(): random_schema(rng, depth - 1)}, "required": [name]})
        }
        6 => json!({"type": "object", "additionalProperties": random_schema(rng, depth - 1)}),
        7 => json!({"oneOf": [random_schema(rng, depth - 1), random_schema(rng, depth - 1)]}),
        _ => json!({"allOf": [random_schema(rng, depth - 1)], "nullable": true}),
    }
}

const FORMATS: &[&str] =
    &["int32", "int64", "date-time", "date", "time", "uuid", "binary", "byte", "float", "double", "email", "uri", "ipv4", "ipv6", "password", "", "int8", "uint64", "decimal", "weird"];

const TYPES: &[&str] = &["string", "integer", "number", "boolean", "array", "object", "null", "file", "foo", ""];

/// A value of an arbitrary JSON type, often the wrong one where it lands.
fn wrong_value(rng: &mut Rng) -> Value {
    match rng.u32(..8) {
        0 => Value::String(any_string(rng)),
        1 => json!(rng.i64(-5..100_000)),
        2 => json!(rng.bool()),
        3 => Value::Null,
        4 => json!([]),
        5 => json!({}),
        6 => json!(["x", 1, null]),
        _ => json!(1.5),
    }
}

/// The component pointers of the document (`#/components/schemas/A`,
/// `#/definitions/A`, ...), for retargeting `$ref`s.
fn component_refs(document: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let sections = [
        ("/components/schemas", "#/components/schemas/"),
        ("/components/parameters", "#/components/parameters/"),
        ("/components/responses", "#/components/responses/"),
        ("/components/requestBodies", "#/components/requestBodies/"),
        ("/definitions", "#/definitions/"),
        ("/parameters", "#/parameters/"),
        ("/responses", "#/responses/"),
    ];
    for (pointer, prefix) in sections {
        if let Some(map) = document.pointer(pointer).and_then(Value::as_object) {
            found.extend(map.keys().map(|key| format!("{prefix}{}", escape(key))));
        }
    }
    found
}

/// The `$ref` to the component at `path`, when it is one.
fn component_ref_of(path: &[Step]) -> Option<String> {
    let keys: Vec<&str> = path.iter().map(|step| if let Step::Key(k) = step { k.as_str() } else { "" }).collect();
    match keys.as_slice() {
        ["components", section, name, ..] => Some(format!("#/components/{section}/{}", escape(name))),
        [section @ ("definitions" | "parameters" | "responses"), name, ..] => Some(format!("#/{section}/{}", escape(name))),
        _ => None,
    }
}

/// Applies one random mutation to `document`; returns its name.
pub fn mutate(rng: &mut Rng, document: &mut Value) -> &'static str {
    match rng.u32(..19) {
        0 => drop_ref(rng, document),
        1 => duplicate_ref(rng, document),
        2 | 3 => retarget_ref(rng, document),
        4 => make_cycle(rng, document),
        5 => change_type(rng, document),
        6 => change_format(rng, document),
        7 | 8 => inject_keyword(rng, document),
        9 | 10 => rename(rng, document),
        11 => hostile_string(rng, document),
        12 => deep_nesting(rng, document),
        13 => huge_enum(rng, document),
        14 => wrong_type(rng, document),
        15 => duplicate_operation(rng, document),
        16 => odd_path(rng, document),
        17 => duplicate_member(rng, document),
        _ => delete_member(rng, document),
    }
}

fn drop_ref(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |_, node| node.get("$ref").is_some()) else { return "drop-ref (none)" };
    if let Some(Value::Object(map)) = get_mut(document, &path) {
        map.remove("$ref");
    }
    "drop-ref"
}

fn duplicate_ref(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(from) = pick(rng, document, |_, node| node.get("$ref").is_some()) else { return "duplicate-ref (none)" };
    let Some(to) = pick(rng, document, is_schema) else { return "duplicate-ref (no schema)" };
    let reference = get_mut(document, &from).map(|node| node["$ref"].clone()).unwrap_or_default();
    if let Some(Value::Object(map)) = get_mut(document, &to) {
        map.insert("$ref".to_owned(), reference);
    }
    "duplicate-ref"
}

fn retarget_ref(rng: &mut Rng, document: &mut Value) -> &'static str {
    let components = component_refs(document);
    let Some(path) = pick(rng, document, |_, node| node.get("$ref").is_some()) else { return "retarget-ref (none)" };
    let own = component_ref_of(&path);
    let target = match rng.u32(..10) {
        0 => "#/components/schemas/Missing".to_owned(),
        1 => own.unwrap_or_else(|| "#".to_owned()),
        2 => choose(rng, &["", "#", "#/", "Missing", "#/paths", "other.yaml#/A", "http://example.com/s.json", "#/components/schemas/", "#/info"]).to_string(),
        3 => format!("#/components/schemas/{}", escape(&any_string(rng))),
        _ if !components.is_empty() => choose(rng, &components).clone(),
        _ => "#/definitions/Missing".to_owned(),
    };
    if let Some(node) = get_mut(document, &path) {
        node["$ref"] = if rng.u32(..20) == 0 { wrong_value(rng) } else { Value::String(target) };
    }
    "retarget-ref"
}

/// A component that reaches itself: through a property, `items`,
/// `allOf`, or directly.
fn make_cycle(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |path, node| node.is_object() && matches!(parent_key(path), Some("schemas" | "definitions"))) else {
        return "cycle (none)";
    };
    let Some(own) = component_ref_of(&path) else { return "cycle (none)" };
    let reference = json!({"$ref": own});
    let Some(Value::Object(map)) = get_mut(document, &path) else { return "cycle (none)" };
    match rng.u32(..5) {
        0 => {
            map.clear();
            map.insert("$ref".to_owned(), reference["$ref"].clone());
        }
        1 => {
            map.insert("allOf".to_owned(), json!([reference]));
        }
        2 => {
            map.insert("type".to_owned(), json!("array"));
            map.insert("items".to_owned(), reference);
        }
        3 => {
            map.insert("oneOf".to_owned(), json!([reference, {"type": "string"}]));
        }
        _ => {
            let properties = map.entry("properties").or_insert_with(|| json!({}));
            if let Some(properties) = properties.as_object_mut() {
                properties.insert("next".to_owned(), reference);
            }
            map.insert("required".to_owned(), json!(["next"]));
        }
    }
    "cycle"
}

fn change_type(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, is_schema) else { return "change-type (none)" };
    let kind = match rng.u32(..6) {
        0 => json!([choose(rng, TYPES), "null"]),
        1 => json!([]),
        2 => wrong_value(rng),
        _ => json!(choose(rng, TYPES)),
    };
    if let Some(Value::Object(map)) = get_mut(document, &path) {
        map.insert("type".to_owned(), kind);
    }
    "change-type"
}

fn change_format(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, is_schema) else { return "change-format (none)" };
    let format = if rng.u32(..10) == 0 { wrong_value(rng) } else { json!(choose(rng, FORMATS)) };
    if let Some(Value::Object(map)) = get_mut(document, &path) {
        map.insert("format".to_owned(), format);
    }
    "change-format"
}

fn inject_keyword(rng: &mut Rng, document: &mut Value) -> &'static str {
    let components = component_refs(document);
    let Some(path) = pick(rng, document, is_schema) else { return "inject (none)" };
    let member = |rng: &mut Rng| -> Value {
        if !components.is_empty() && rng.bool() {
            json!({"$ref": choose(rng, &components)})
        } else {
            random_schema(rng, 2)
        }
    };
    let (key, value) = match rng.u32(..14) {
        0 => ("allOf", json!([member(rng), member(rng)])),
        1 => ("oneOf", json!([member(rng), member(rng), member(rng)])),
        2 => ("anyOf", json!([member(rng), member(rng)])),
        3 => ("not", member(rng)),
        4 => ("discriminator", json!({"propertyName": any_string(rng), "mapping": {any_string(rng): choose(rng, &["#/components/schemas/Missing", "A", ""])}})),
        5 => ("nullable", json!(rng.bool())),
        6 => ("const", wrong_value(rng)),
        7 => ("enum", json!([any_string(rng), any_string(rng), null, 1, any_string(rng), true])),
        8 => ("additionalProperties", if rng.bool() { member(rng) } else { json!(rng.bool()) }),
        9 => ("items", member(rng)),
        10 => ("required", json!([any_string(rng), any_string(rng)])),
        11 => ("default", wrong_value(rng)),
        12 => ("readOnly", json!(true)),
        _ => ("oneOf", json!([])),
    };
    if let Some(Value::Object(map)) = get_mut(document, &path) {
        map.insert(key.to_owned(), value);
        if key == "readOnly" {
            map.insert("writeOnly".to_owned(), json!(true));
        }
    }
    "inject"
}

/// Renames a property, component, path or parameter to a hostile name;
/// half of the time the `$ref`s to a renamed component follow.
fn rename(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, is_name_map) else { return "rename (none)" };
    let new_name = any_string(rng);
    let follow = rng.bool();
    let Some(Value::Object(map)) = get_mut(document, &path) else { return "rename (none)" };
    let old_name = map.keys().nth(rng.usize(..map.len())).cloned().unwrap_or_default();
    let value = map.remove(&old_name).unwrap_or_default();
    map.insert(new_name.clone(), value);
    let mut old_path = path.clone();
    old_path.push(Step::Key(old_name));
    if let (true, Some(old_ref)) = (follow, component_ref_of(&old_path)) {
        let mut new_path = path;
        new_path.push(Step::Key(new_name));
        let new_ref = component_ref_of(&new_path).unwrap_or_default();
        rewrite_refs(document, &old_ref, &new_ref);
    }
    "rename"
}

fn rewrite_refs(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" && child.as_str() == Some(from) {
                    *child = Value::String(to.to_owned());
                } else {
                    rewrite_refs(child, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, from, to)),
        _ => {}
    }
}

/// A hostile name where a name is a string value: an operationId, a
/// parameter's `name` or `in`, a discriminator's property.
fn hostile_string(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |path, node| {
        node.is_string() && matches!(last_key(path), Some("operationId" | "name" | "in" | "propertyName" | "title" | "style" | "tags"))
            || matches!(parent_key(path), Some("required" | "enum" | "tags"))
    }) else {
        return "hostile-string (none)";
    };
    if let Some(node) = get_mut(document, &path) {
        *node = Value::String(any_string(rng));
    }
    "hostile-string"
}

/// Wraps a schema in up to 300 levels of arrays, objects or `allOf`.
fn deep_nesting(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, is_schema) else { return "deep (none)" };
    let depth = if rng.u32(..4) == 0 { rng.u32(50..300) } else { rng.u32(2..40) };
    let shape = rng.u32(..4);
    let Some(node) = get_mut(document, &path) else { return "deep (none)" };
    let mut schema = node.take();
    for level in 0..depth {
        schema = match shape {
            0 => json!({"type": "array", "items": schema}),
            1 => json!({"type": "object", "properties": {format!("level{level}"): schema}}),
            2 => json!({"allOf": [schema]}),
            _ => json!({"oneOf": [schema, {"type": "null"}]}),
        };
    }
    *node = schema;
    "deep"
}

/// An enum of up to 5000 values, with names that collide once converted
/// to identifiers.
fn huge_enum(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, is_schema) else { return "huge-enum (none)" };
    let count = if rng.u32(..8) == 0 { rng.usize(1000..5000) } else { rng.usize(1..200) };
    let kind = rng.u32(..4);
    let values: Vec<Value> = (0..count)
        .map(|i| match kind {
            0 => json!(format!("value-{i}")),
            1 => json!(i),
            2 => json!(if i % 2 == 0 { format!("a_{i}") } else { format!("A-{}", i - 1) }),
            _ => json!(HOSTILE_NAMES[i % HOSTILE_NAMES.len()]),
        })
        .collect();
    if let Some(node) = get_mut(document, &path) {
        let kind = if kind == 1 { "integer" } else { "string" };
        *node = json!({"type": kind, "enum": values});
    }
    "huge-enum"
}

fn wrong_type(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |path, _| !path.is_empty()) else { return "wrong-type (none)" };
    let value = wrong_value(rng);
    if let Some(node) = get_mut(document, &path) {
        *node = value;
    }
    "wrong-type"
}

/// Copies an operation to a new path (same operationId), or gives one
/// operation another's operationId.
fn duplicate_operation(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |path, node| node.is_object() && path.len() == 3 && path[0] == Step::Key("paths".to_owned()) && last_key(path).is_some_and(|m| METHODS.contains(&m)))
    else {
        return "duplicate-operation (none)";
    };
    let operation = get_mut(document, &path).map(|node| node.clone()).unwrap_or_default();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return "duplicate-operation (none)" };
    let method = choose(rng, &METHODS).to_string();
    let new_path = format!("/copy{}", rng.u32(..3));
    let item = paths.entry(new_path).or_insert_with(|| json!({}));
    if let Some(item) = item.as_object_mut() {
        item.insert(method, operation);
    }
    "duplicate-operation"
}

/// Adds a path with an odd template, parameters or method.
fn odd_path(rng: &mut Rng, document: &mut Value) -> &'static str {
    let template = choose(rng, &["/", "", "no-slash", "/{}", "/{a}/{a}", "/x/{ id }", "/ü/{ü}", "/a?b=c", "/{self}", "/{type}/{Self}", "/a/{b", "/{0}", "//x", "/a/{b}.{c}", "/{🚀}"]).to_string();
    let name = if let Some(start) = template.find('{') { template[start + 1..].split('}').next().unwrap_or_default().to_owned() } else { any_string(rng) };
    let location = choose(rng, &["path", "query", "header", "cookie", "body", "formData", "weird"]).to_string();
    let operation = json!({
        "operationId": any_string(rng),
        "parameters": [
            {"name": name, "in": location, "required": rng.bool(), "schema": random_schema(rng, 2)},
            {"name": any_string(rng), "in": "query", "schema": random_schema(rng, 1)}
        ],
        "responses": {choose(rng, &["200", "2XX", "default", "999", "abc", "204"]).to_string(): {"description": "x", "content": {"application/json": {"schema": random_schema(rng, 2)}}}}
    });
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        let method = choose(rng, &["get", "post", "put", "delete", "patch", "head", "options", "trace", "query", "x-get"]).to_string();
        let mut item = Map::new();
        item.insert(method, operation);
        paths.insert(template, Value::Object(item));
    }
    "odd-path"
}

/// Copies a member of an object under another name (a duplicated
/// property, component or operation).
fn duplicate_member(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |_, node| node.as_object().is_some_and(|map| !map.is_empty())) else { return "duplicate (none)" };
    let suffix = choose(rng, &["_", "-", " ", "2", "Copy", "_1"]).to_string();
    let Some(Value::Object(map)) = get_mut(document, &path) else { return "duplicate (none)" };
    let Some((key, value)) = map.iter().nth(rng.usize(..map.len())).map(|(k, v)| (k.clone(), v.clone())) else { return "duplicate (none)" };
    map.insert(format!("{key}{suffix}"), value);
    "duplicate"
}

fn delete_member(rng: &mut Rng, document: &mut Value) -> &'static str {
    let Some(path) = pick(rng, document, |path, _| !path.is_empty()) else { return "delete (none)" };
    remove(document, &path);
    "delete"
}

/// Removes the node at `path` from its parent.
pub fn remove(document: &mut Value, path: &[Step]) -> bool {
    let Some((last, parent)) = path.split_last() else { return false };
    match (get_mut(document, parent), last) {
        (Some(Value::Object(map)), Step::Key(key)) => map.remove(key).is_some(),
        (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
            true
        }
        _ => false,
    }
}

/// Every `$ref` target of `document`, for tests.
pub fn all_refs(document: &Value) -> Vec<String> {
    let mut found = Vec::new();
    refs_in(document, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"type": "object", "properties": {"b": {"type": "string"}}}}}
        })
    }

    #[test]
    fn every_mutation_changes_the_document_or_says_why_not() {
        let mut rng = Rng::with_seed(7);
        let mut changed = 0;
        for _ in 0..500 {
            let mut mutated = document();
            let name = mutate(&mut rng, &mut mutated);
            if mutated != document() {
                changed += 1;
            } else {
                assert!(name.contains('(') || matches!(name, "rename" | "duplicate-ref" | "cycle" | "retarget-ref" | "change-type" | "change-format"), "{name} changed nothing");
            }
        }
        assert!(changed > 400, "only {changed} of 500 mutations changed the document");
    }

    #[test]
    fn renaming_a_component_can_carry_its_refs() {
        let mut document = document();
        rewrite_refs(&mut document, "#/components/schemas/A", "#/components/schemas/self");
        assert_eq!(all_refs(&document), ["#/components/schemas/self"]);
    }

    #[test]
    fn removal_takes_members_and_elements() {
        let mut value = json!({"a": [1, 2, 3], "b": 1});
        assert!(remove(&mut value, &[Step::Key("a".into()), Step::Index(1)]));
        assert!(remove(&mut value, &[Step::Key("b".into())]));
        assert_eq!(value, json!({"a": [1, 3]}));
        assert!(!remove(&mut value, &[]));
    }
}
