//! `$ref`s that lead back to where they start, made finite before anything
//! follows them: progenitor's typify recurses without bound (a stack
//! overflow, which no `catch_unwind` can catch) on a schema that contains
//! itself through `allOf`/`oneOf`/`anyOf`/`not` or a bare `$ref` alias, and
//! inlining a `$ref` that points inside a component (typify resolves only
//! whole components) never ends when the target contains the reference.
//!
//! typify also merges a `$ref` that has sibling keywords with its target.
//! Each composition member or alias that closes such a cycle loses its
//! `$ref` (a bare one becomes `{}`, any JSON value), and a `$ref` with
//! siblings loses the siblings (as
//! OpenAPI 3.0 says to ignore them), with a warning naming its JSON
//! pointer. Plain recursion through `properties`, `items` or
//! `additionalProperties` is left alone: a field boxes it. Unless two
//! parts of one composition define the same field: typify merges the two,
//! resolving the `$ref`, and a `$ref` that leads back is dropped too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::Warning;

/// The most schema nodes all inlined `$ref`s may copy in total; beyond
/// it a reference is taken as any JSON value (a document of nested
/// references can otherwise grow exponentially).
const INLINE_BUDGET: usize = 200_000;

/// Replaces each `$ref` that points inside a component (or anywhere but a
/// whole component, such as `#/components/schemas/A/allOf/0` or `#`) by a
/// copy of its target, itself with such references inlined.
pub(crate) fn inline_deep_refs(document: &mut Value) -> Vec<Warning> {
    let mut deep = Vec::new();
    collect_deep_refs(document, &mut deep);
    if deep.is_empty() {
        return Vec::new();
    }
    let mut inliner = Inliner { document, budget: INLINE_BUDGET, stack: Vec::new(), warnings: Vec::new() };
    let copies: Vec<(String, Value)> = deep.into_iter().map(|(here, target)| {
        let value = inliner.expand(&here, &target);
        (here, value)
    }).collect();
    let warnings = inliner.warnings;
    // Inner references first: an outer one overwrites what holds them.
    for (here, value) in copies.into_iter().rev() {
        if let Some(slot) = document.pointer_mut(&here) {
            *slot = value;
        }
    }
    warnings
}

/// Whether `target` names a whole component (`/components/<kind>/<name>`).
fn is_component(target: &str) -> bool {
    target.starts_with("/components/") && target.split('/').filter(|s| !s.is_empty()).count() == 3
}

/// `(location, target)` of every local `$ref` under `value` that does not
/// name a whole component, outside example values; pointers without `#`.
fn collect_deep_refs(value: &Value, found: &mut Vec<(String, String)>) {
    collect_deep_refs_at(value, &mut Vec::new(), found);
}

/// [`collect_deep_refs`] under `path` (its location's keys and indices,
/// written out only for a reference found).
fn collect_deep_refs_at<'v>(value: &'v Value, path: &mut Vec<Step<'v>>, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            if let Some(target) = object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                if !is_component(target) {
                    let at: String = path.iter().map(|step| format!("/{step}")).collect();
                    found.push((at, target.to_owned()));
                }
            }
            for (key, child) in object {
                if key != "example" && key != "examples" {
                    path.push(Step::Key(key));
                    collect_deep_refs_at(child, path, found);
                    path.pop();
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Step::Index(index));
                collect_deep_refs_at(child, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A step of a JSON pointer: an object's key or an array's index, written
/// escaped.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

impl std::fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Key(key) => f.write_str(&escape(key)),
            Step::Index(index) => write!(f, "{index}"),
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether the node at pointer `inner` is the node at `outer` or inside it.
fn is_within(inner: &str, outer: &str) -> bool {
    inner == outer || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('/'))
}

struct Inliner<'a> {
    document: &'a Value,
    budget: usize,
    /// The targets being copied, outermost first.
    stack: Vec<String>,
    warnings: Vec<Warning>,
}

impl Inliner<'_> {
    /// The value the reference at `here` to `target` stands for.
    fn expand(&mut self, here: &str, target: &str) -> Value {
        let recursive = is_within(here, target) || self.stack.iter().any(|copying| is_within(copying, target));
        let item = format!("#{here}");
        if recursive {
            self.warnings.push(Warning::new(item, format!("`$ref: #{target}` does not name a whole component and leads back to itself; it is taken as any JSON value")));
            return json!({});
        }
        let Some(found) = self.document.pointer(target) else { return json!({}) };
        let size = nodes(found);
        if size > self.budget {
            self.warnings.push(Warning::new(item, format!("`$ref: #{target}` would inline more than {INLINE_BUDGET} schema nodes in all; it is taken as any JSON value")));
            return json!({});
        }
        self.budget -= size;
        let mut copy = found.clone();
        let mut nested = Vec::new();
        collect_deep_refs(&copy, &mut nested);
        self.stack.push(target.to_owned());
        let values: Vec<(String, Value)> = nested.into_iter().map(|(at, inner)| {
            let value = self.expand(&format!("{target}{at}"), &inner);
            (at, value)
        }).collect();
        self.stack.pop();
        for (at, value) in values.into_iter().rev() {
            if let Some(slot) = copy.pointer_mut(&at) {
                *slot = value;
            }
        }
        copy
    }
}

/// How many JSON nodes `value` has.
fn nodes(value: &Value) -> usize {
    1 + match value {
        Value::Object(object) => object.values().map(nodes).sum(),
        Value::Array(items) => items.iter().map(nodes).sum(),
        _ => 0,
    }
}

/// The composition keywords typify merges or wraps without a box.
const COMBINATORS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// Keywords next to a `$ref` that make typify merge the referenced schema
/// with them (rather than just name it).
const VALIDATION: [&str; 10] = ["type", "properties", "items", "additionalProperties", "allOf", "oneOf", "anyOf", "not", "enum", "required"];

/// How a reference that closes a cycle is cut.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// A composition member or alias: it becomes `{}`.
    Replace,
    /// A `$ref` with sibling keywords (which OpenAPI 3.0 ignores): the
    /// siblings go, the reference stays (a field boxes it).
    DropSiblings,
    /// A field that typify merges with the same field of another part of
    /// a composition: it becomes `{}`, and the other part's schema types it.
    MergedField,
}

/// Cuts every cycle of component schemas that typify would follow
/// without end: made only of bare `$ref` aliases, composition members
/// (`allOf`, `oneOf`, `anyOf`, `not`) and `$ref`s with sibling keywords
/// (which typify merges with their target).
pub(crate) fn break_composition_cycles(document: &mut Value) -> Vec<Warning> {
    let Some(Value::Object(schemas)) = document.pointer("/components/schemas") else { return Vec::new() };
    // (component, pointer of a `$ref` object in it, component it names, how to cut)
    let mut edges: Vec<(String, String, String, Cut)> = Vec::new();
    for (name, schema) in schemas {
        let at = format!("/components/schemas/{}", escape(name));
        merged_refs(schema, &at, true, &mut |location, target, cut| edges.push((name.clone(), location, target, cut)));
        merged_fields(schemas, name, schema, &at, &mut |location, target| edges.push((name.clone(), location, target, Cut::MergedField)));
    }
    let mut cuts: Vec<(String, String, Cut)> = Vec::new();
    for index in 0..edges.len() {
        let (from, location, to, cut) = edges[index].clone();
        if reaches(&edges, &to, &from) {
            edges[index].2.clear();
            cuts.push((location, to, cut));
        }
    }
    // A `$ref` cut twice (with siblings, and merged with another part's
    // field) loses the reference: dropping the siblings alone would leave
    // the merge without end.
    cuts.sort_by_key(|(_, _, cut)| *cut == Cut::DropSiblings);
    let mut warnings = Vec::new();
    let mut done = BTreeSet::new();
    for (location, to, cut) in cuts {
        // A component merged into several schemas may be cut from each.
        if !done.insert(location.clone()) {
            continue;
        }
        let Some(slot) = document.pointer_mut(&location) else { continue };
        let message = match cut {
            Cut::Replace => {
                if let Some(object) = slot.as_object_mut() {
                    object.remove("$ref");
                }
                format!("`$ref` to `{to}` leads back here through allOf/oneOf/anyOf/not or aliases only (a type that contains itself); it is dropped")
            }
            Cut::MergedField => {
                if let Some(object) = slot.as_object_mut() {
                    object.remove("$ref");
                }
                format!("`$ref` to `{to}` is merged with the same field of another part of an allOf/oneOf/anyOf and leads back here (a merge without end); it is dropped")
            }
            Cut::DropSiblings => {
                if let Some(object) = slot.as_object_mut() {
                    object.retain(|key, _| key == "$ref");
                }
                format!("`$ref` to `{to}` leads back here and has sibling keywords, which OpenAPI 3.0 ignores; they are dropped")
            }
        };
        warnings.push(Warning::new(format!("#{location}"), message));
    }
    warnings
}

/// Calls `found(pointer, component, cut)` for each `$ref` to a component
/// schema under `schema` (at `at`) that typify merges: where `merged`
/// (the component itself, or a composition member), or next to
/// validation keywords. Fields (`properties`, `items`, ...) are walked with
/// `merged` off.
fn merged_refs(schema: &Value, at: &str, merged: bool, found: &mut impl FnMut(String, String, Cut)) {
    let Some(object) = schema.as_object() else { return };
    // typify takes the last segment of any reference as a schema's name
    // (`#/components/responses/A` names schema `A`), and so does this.
    let reference = object.get("$ref").and_then(Value::as_str).filter(|r| r.starts_with("#/components/"));
    if let Some((_, name)) = reference.and_then(|r| r.rsplit_once('/')) {
        let name = crate::resolve::unescape(name);
        if merged {
            found(at.to_owned(), name, Cut::Replace);
        } else if VALIDATION.iter().any(|keyword| object.contains_key(*keyword)) {
            found(at.to_owned(), name, Cut::DropSiblings);
        }
    }
    for_each_subschema(object, at, |child, pointer, member| merged_refs(child, &pointer, member, found));
}

/// Calls `visit(schema, pointer, member)` for each schema directly inside
/// `object` (at `at`): composition members and `not` (`member` on), then
/// `items`, `additionalProperties` and each property (`member` off).
fn for_each_subschema<'a>(object: &'a serde_json::Map<String, Value>, at: &str, mut visit: impl FnMut(&'a Value, String, bool)) {
    for keyword in COMBINATORS {
        if let Some(Value::Array(members)) = object.get(keyword) {
            for (index, member) in members.iter().enumerate() {
                visit(member, format!("{at}/{keyword}/{index}"), true);
            }
        }
    }
    if let Some(not) = object.get("not") {
        visit(not, format!("{at}/not"), true);
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(child) = object.get(keyword) {
            visit(child, format!("{at}/{keyword}"), false);
        }
    }
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (name, property) in properties {
            visit(property, format!("{at}/properties/{}", escape(name)), false);
        }
    }
}

/// Calls `found(pointer, component)` for each field (`items`,
/// `additionalProperties`, a property) that is a `$ref` to a component and
/// that typify merges with the same field (for a property, or
/// `additionalProperties`) of another part of a composition (see
/// [`merge_parts`]) in component `own`'s `schema`, at any depth (a
/// property's own `oneOf` is merged as the component's is): to merge them,
/// typify resolves the reference, and merges again whatever composition
/// that leads to, without end when it leads back.
fn merged_fields(schemas: &serde_json::Map<String, Value>, own: &str, schema: &Value, at: &str, found: &mut impl FnMut(String, String)) {
    let Some(object) = schema.as_object() else { return };
    if COMBINATORS.iter().any(|keyword| object.contains_key(*keyword)) {
        let mut parts = Vec::new();
        merge_parts(schemas, object, at, &mut BTreeSet::from([own.to_owned()]), 0, &mut parts);
        shared_field_refs(&parts, 0, found);
    }
    // Nested schemas, inline members included: a member's own fields may
    // hold a composition of their own.
    for_each_subschema(object, at, |child, pointer, _| merged_fields(schemas, own, child, &pointer, found));
}

/// Calls `found(pointer, component)` for each field of `parts` that is a
/// `$ref` to a component and that typify merges with a field of another
/// part: the same field, or, between a property and `additionalProperties`
/// that may hold an object, either side. Fields that several parts define
/// inline are merged field by field in turn, so the search goes on inside
/// them.
fn shared_field_refs(parts: &[(String, &serde_json::Map<String, Value>)], depth: usize, found: &mut impl FnMut(String, String)) {
    if depth >= MAX_MERGE_DEPTH {
        return;
    }
    // Each field of each part: (part, key, schema).
    let mut all: Vec<(usize, String, &Value)> = Vec::new();
    for (index, (_, part)) in parts.iter().enumerate() {
        all.extend(["items", "additionalProperties"].iter().filter_map(|key| part.get(*key).map(|value| (index, (*key).to_owned(), value))));
        if let Some(Value::Object(properties)) = part.get("properties") {
            all.extend(properties.iter().map(|(name, value)| (index, format!("properties/{}", escape(name)), value)));
        }
    }
    // How many parts define each field (a part defines a key once).
    let mut defined_by: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, key, _) in &all {
        *defined_by.entry(key.as_str()).or_default() += 1;
    }
    // A property one part defines is merged with the same property of
    // another part, or else with that part's `additionalProperties` when
    // that may hold an object (`{}`, `true`, an object schema or a `$ref`;
    // not `false` or `{type: number}`, which fail the merge at once).
    let may_hold_object = |schema: &Value| match schema {
        Value::Bool(allowed) => *allowed,
        Value::Object(schema) => schema.get("type").is_none_or(|kind| kind == "object"),
        _ => false,
    };
    let open: Vec<usize> =
        parts.iter().enumerate().filter(|(_, (_, part))| part.get("additionalProperties").is_some_and(may_hold_object)).map(|(index, _)| index).collect();
    let with_properties: Vec<usize> = all.iter().filter(|(_, key, _)| key.starts_with("properties/")).map(|(index, _, _)| *index).collect();
    for (index, key, value) in &all {
        let shared = defined_by[key.as_str()] > 1
            || (key.starts_with("properties/") && open.iter().any(|other| other != index))
            || (key == "additionalProperties" && open.contains(index) && with_properties.iter().any(|other| other != index));
        let target = value.get("$ref").and_then(Value::as_str).filter(|r| r.starts_with("#/components/")).and_then(|r| r.rsplit_once('/'));
        if let (true, Some((_, name))) = (shared, target) {
            found(format!("{}/{key}", parts[*index].0), crate::resolve::unescape(name));
        }
    }
    // A field several parts define inline: its own fields are merged too.
    for (key, count) in &defined_by {
        if *count < 2 {
            continue;
        }
        let inner: Vec<(String, &serde_json::Map<String, Value>)> = all
            .iter()
            .filter(|(_, other, value)| other == key && value.get("$ref").is_none())
            .filter_map(|(index, _, value)| value.as_object().map(|object| (format!("{}/{key}", parts[*index].0), object)))
            .collect();
        if inner.len() > 1 {
            shared_field_refs(&inner, depth + 1, found);
        }
    }
}

/// Composition deeper than this is refused before this pass runs; the
/// bound only keeps a malformed document from recursing without end.
const MAX_MERGE_DEPTH: usize = 64;

/// The most parts one composition is flattened into: components merged
/// twice at each of several levels multiply (`A: allOf [B, B]`,
/// `B: allOf [C, C]`, ...), and the first parts already show the fields
/// that are merged with each other.
const MAX_MERGE_PARTS: usize = 4096;

/// Every part typify merges into one type for `object` (at `at`), each with
/// the pointer of its fields: the object's own keywords, then each
/// `allOf`/`oneOf`/`anyOf` member, flattened: an inline member's own
/// composition, and a member `$ref`'s component with its composition, are
/// merged too. A component merged twice (`allOf: [A, A]`, or two members
/// that both hold it) is two parts, whose fields typify merges with each
/// other; a component that is being merged already (`ancestors`, which
/// starts with the schema itself) is not a part again: a member naming it
/// is cut as a cycle.
fn merge_parts<'a>(
    schemas: &'a serde_json::Map<String, Value>,
    object: &'a serde_json::Map<String, Value>,
    at: &str,
    ancestors: &mut BTreeSet<String>,
    depth: usize,
    parts: &mut Vec<(String, &'a serde_json::Map<String, Value>)>,
) {
    parts.push((at.to_owned(), object));
    if depth >= MAX_MERGE_DEPTH || parts.len() >= MAX_MERGE_PARTS {
        return;
    }
    for keyword in COMBINATORS {
        let Some(Value::Array(members)) = object.get(keyword) else { continue };
        for (index, member) in members.iter().enumerate() {
            let Some(member) = member.as_object() else { continue };
            let component = member.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"));
            match component.map(crate::resolve::unescape) {
                Some(name) => {
                    if let (Some(Value::Object(target)), false) = (schemas.get(&name), ancestors.contains(&name)) {
                        ancestors.insert(name.clone());
                        merge_parts(schemas, target, &format!("/components/schemas/{}", escape(&name)), ancestors, depth + 1, parts);
                        ancestors.remove(&name);
                    }
                }
                None => merge_parts(schemas, member, &format!("{at}/{keyword}/{index}"), ancestors, depth + 1, parts),
            }
        }
    }
}

/// Whether component `from` reaches component `to` along `edges`.
fn reaches(edges: &[(String, String, String, Cut)], from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut pending = vec![from.to_owned()];
    while let Some(name) = pending.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name.clone()) {
            pending.extend(edges.iter().filter(|(source, _, target, _)| *source == name && !target.is_empty()).map(|(_, _, target, _)| target.clone()));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_to_its_own_ancestor_is_not_inlined() {
        let mut document = json!({"components": {"schemas": {"A": {"properties": {"a": {"$ref": "#/components/schemas/A/properties"}, "b": {"$ref": "#"}}}}}});
        let warnings = inline_deep_refs(&mut document);
        assert_eq!(document["components"]["schemas"]["A"]["properties"]["a"], json!({}));
        assert_eq!(document["components"]["schemas"]["A"]["properties"]["b"], json!({}));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn chains_of_deep_references_are_inlined_to_the_end() {
        let mut document = json!({"x": {"y": {"$ref": "#/z"}}, "z": {"type": "string"}, "use": {"$ref": "#/x/y"}});
        assert!(inline_deep_refs(&mut document).is_empty());
        assert_eq!(document["use"], json!({"type": "string"}));
        assert_eq!(document["x"]["y"], json!({"type": "string"}));
    }

    #[test]
    fn composition_cycles_are_cut_once() {
        let mut document = json!({"components": {"schemas": {
            "E": {"oneOf": [{"$ref": "#/components/schemas/E"}, {"type": "string"}]},
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
            "B": {"$ref": "#/components/schemas/A"},
            "Tree": {"properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}},
            "Node": {"properties": {"help": {"$ref": "#/components/schemas/Node", "type": "string", "description": "d"}}}
        }}});
        let warnings = break_composition_cycles(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["E"]["oneOf"][0], json!({}));
        assert_eq!(schemas["A"]["allOf"][0], json!({}));
        assert_eq!(schemas["B"], json!({"$ref": "#/components/schemas/A"}));
        assert_eq!(schemas["Tree"]["properties"]["children"]["items"]["$ref"], "#/components/schemas/Tree");
        assert_eq!(schemas["Node"]["properties"]["help"], json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn a_field_merged_with_its_own_composition_is_cut() {
        let mut document = json!({"components": {"schemas": {
            "NewPet": {"items": {}},
            "Pet": {"allOf": [{"$ref": "#/components/schemas/NewPet"}], "items": {"$ref": "#/components/schemas/Pet"}},
            "Base": {"properties": {"parent": {"type": "object"}}},
            "Node": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"parent": {"$ref": "#/components/schemas/Node"}}}]},
            "Linked": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"next": {"$ref": "#/components/schemas/Linked"}}}]}
        }}});
        let warnings = break_composition_cycles(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Pet"]["items"], json!({}));
        assert_eq!(schemas["Node"]["allOf"][1]["properties"]["parent"], json!({}));
        // A field only one part defines is not merged: its recursion stays.
        // (`Base` has no `additionalProperties` that `next` would merge with.)
        assert_eq!(schemas["Linked"]["allOf"][1]["properties"]["next"]["$ref"], "#/components/schemas/Linked");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn a_property_merged_with_additional_properties_is_cut() {
        let mut document = json!({"components": {"schemas": {
            "ErrorMessage": {
                "properties": {"inner": {"$ref": "#/components/schemas/ErrorMessage"}},
                "oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {}}]
            }
        }}});
        let warnings = break_composition_cycles(&mut document);
        assert_eq!(document["components"]["schemas"]["ErrorMessage"]["properties"]["inner"], json!({}));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_composition_inside_a_field_merges_its_parts_fields_too() {
        // `children`'s own `items` is merged with its `oneOf` member's: the
        // merge of `Node` and the member's object holds `children` again.
        let mut document = json!({"components": {"schemas": {
            "Node": {"properties": {"children": {
                "items": {"$ref": "#/components/schemas/Node"},
                "oneOf": [{"type": "array", "items": {"type": "object", "properties": {"x": {}}}}]
            }}},
            "Leaf": {"properties": {"children": {
                "items": {"$ref": "#/components/schemas/Node"},
                "oneOf": [{"type": "array", "items": {"type": "object"}}]
            }}}
        }}});
        let warnings = break_composition_cycles(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Node"]["properties"]["children"]["items"], json!({}));
        // `Node` does not lead back to `Leaf`: merging it ends.
        assert_eq!(schemas["Leaf"]["properties"]["children"]["items"]["$ref"], "#/components/schemas/Node");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn parts_of_nested_compositions_and_of_referenced_components_are_merged_too() {
        let mut document = json!({"components": {"schemas": {
            "Repository": {"properties": {"owner": {"$ref": "#/components/schemas/User"}}},
            "Open": {"allOf": [{"additionalProperties": {"type": "object"}}]},
            "User": {"allOf": [{"allOf": [{"allOf": [{"$ref": "#/components/schemas/Repository"}]}, {"$ref": "#/components/schemas/Open"}]}]},
            "Team": {"allOf": [{"$ref": "#/components/schemas/User"}, {"$ref": "#/components/schemas/Open"}]}
        }}});
        let warnings = break_composition_cycles(&mut document);
        assert_eq!(document["components"]["schemas"]["Repository"]["properties"]["owner"], json!({}));
        assert_eq!(warnings.len(), 1, "one cut, though both User and Team merge it: {warnings:?}");
    }

    #[test]
    fn a_reference_with_siblings_merged_with_an_open_part_loses_the_reference() {
        // `bark` names `Dog` next to `type` (siblings dropped) and is merged
        // with `Dog`'s own `additionalProperties` (the reference dropped).
        let mut document = json!({"components": {"schemas": {
            "Pet": {"properties": {"kind": {"type": "string"}}},
            "Dog": {"additionalProperties": {}, "allOf": [
                {"$ref": "#/components/schemas/Pet"},
                {"properties": {"bark": {"$ref": "#/components/schemas/Dog", "type": "boolean"}}}
            ]}
        }}});
        let warnings = break_composition_cycles(&mut document);
        assert_eq!(document["components"]["schemas"]["Dog"]["allOf"][1]["properties"]["bark"], json!({"type": "boolean"}), "{warnings:?}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_component_merged_twice_merges_its_fields_with_themselves() {
        // typify merges `Transition` with itself: `before` is resolved to
        // `Offset`, whose allOf merges `Transition` twice again.
        let mut document = json!({"components": {"schemas": {
            "Offset": {"allOf": [{"$ref": "#/components/schemas/Transition"}, {"$ref": "#/components/schemas/Transition"}]},
            "Transition": {"properties": {"at": {"type": "string"}, "before": {"$ref": "#/components/schemas/Offset"}}},
            "Diamond": {"allOf": [{"$ref": "#/components/schemas/Left"}, {"$ref": "#/components/schemas/Right"}]},
            "Left": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
            "Right": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
            "Node": {"properties": {"next": {"$ref": "#/components/schemas/Diamond"}}}
        }}});
        let warnings = break_composition_cycles(&mut document);
        assert_eq!(document["components"]["schemas"]["Transition"]["properties"]["before"], json!({}), "{warnings:?}");
        assert_eq!(document["components"]["schemas"]["Node"]["properties"]["next"], json!({}), "{warnings:?}");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
