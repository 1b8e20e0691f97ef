//! Composition members that contradict their schema: a `oneOf`/`anyOf`/
//! `allOf` member whose `type` the schema's own `type` rules out (`{type:
//! number, oneOf: [{type: string}]}`) is dropped, with a warning, before
//! progenitor sees it. typify merges the schema into each member, and such
//! a contradiction made it panic, refuse the spec, or write code that does
//! not parse.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::normalize::each_object;
use crate::Warning;

/// The combinators whose members are alternatives.
const ALTERNATIVES: [&str; 2] = ["oneOf", "anyOf"];

/// Every combinator a member of which may contradict the schema.
const COMBINATORS: [&str; 3] = ["oneOf", "anyOf", "allOf"];

/// Drops each `oneOf`/`anyOf`/`allOf` member whose type contradicts the
/// schema's own; a combinator left without members is removed.
pub(crate) fn drop_impossible_members(document: &mut Value) -> Vec<Warning> {
    // (pointer of the schema, combinator, member index, member type, schema type)
    let mut impossible: Vec<(String, &'static str, usize, String, String)> = Vec::new();
    let whole: &Value = document;
    let _ = each_object(whole, &mut Vec::new(), &mut |object, here| {
        let Some(own) = object.get("type").and_then(Value::as_str) else { return Ok(()) };
        for keyword in COMBINATORS {
            let Some(Value::Array(members)) = object.get(keyword) else { continue };
            for (index, member) in members.iter().enumerate() {
                let Some(kinds) = member_types(member, whole, 0) else { continue };
                if !kinds.iter().any(|kind| compatible(own, kind)) {
                    let kinds = kinds.into_iter().map(|kind| format!("`{kind}`")).collect::<Vec<_>>().join(" or ");
                    impossible.push((here.pointer(), keyword, index, kinds, own.to_owned()));
                }
            }
        }
        Ok(())
    });
    let mut warnings = Vec::new();
    // Last member first, so that earlier indices stay valid.
    for (here, keyword, index, kind, own) in impossible.into_iter().rev() {
        let Some(Value::Object(schema)) = document.pointer_mut(here.trim_start_matches('#')) else { continue };
        let Some(Value::Array(members)) = schema.get_mut(keyword) else { continue };
        if index < members.len() {
            members.remove(index);
        }
        if members.is_empty() {
            schema.remove(keyword);
        }
        let outcome = if keyword == "allOf" {
            "no value can satisfy both; the member is dropped and the schema keeps its own type"
        } else {
            "it can never match and is dropped"
        };
        warnings.push(Warning::new(
            format!("{here}/{keyword}/{index}"),
            format!("the member has type {kind}, which the schema's own type `{own}` rules out: {outcome}"),
        ));
    }
    warnings.reverse();
    warnings
}

/// Deeper than this, a member's types are taken as unknown (a bound for
/// `$ref`s that lead back).
const MAX_DEPTH: usize = 16;

/// The types a member's values may have: its `type`, or else those its
/// own composition allows (any type of its `oneOf`/`anyOf` members, and
/// only types every typed `allOf` part shares), read through `$ref`s to
/// other parts of the document. `None` when any value may fit.
fn member_types(member: &Value, document: &Value, depth: usize) -> Option<BTreeSet<String>> {
    let member: &Map<String, Value> = member.as_object()?;
    let target = match member.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.strip_prefix('#')?)?.as_object()?,
        None => member,
    };
    if let Some(kind) = target.get("type") {
        return kind.as_str().map(|kind| BTreeSet::from([kind.to_owned()]));
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    let mut allowed = alternative_types(target, document, depth);
    if let Some(Value::Array(parts)) = target.get("allOf") {
        for types in parts.iter().filter_map(|part| member_types(part, document, depth + 1)) {
            allowed = Some(match allowed {
                None => types,
                Some(allowed) => allowed.into_iter().filter(|kind| types.iter().any(|other| compatible(kind, other))).collect(),
            });
        }
    }
    allowed
}

/// Any type of the `oneOf`/`anyOf` members of `schema`; `None` when it has
/// none or one of them may hold any value.
fn alternative_types(schema: &Map<String, Value>, document: &Value, depth: usize) -> Option<BTreeSet<String>> {
    let mut types = BTreeSet::new();
    let mut any = false;
    for keyword in ALTERNATIVES {
        let Some(Value::Array(members)) = schema.get(keyword) else { continue };
        for member in members {
            types.extend(member_types(member, document, depth + 1)?);
            any = true;
        }
    }
    any.then_some(types)
}

/// Whether a value may have both JSON Schema types (an integer is a number).
fn compatible(own: &str, member: &str) -> bool {
    own == member || matches!((own, member), ("number", "integer") | ("integer", "number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_of_another_type_are_dropped() {
        let mut document = json!({"components": {"schemas": {
            "Amount": {"type": "number", "enum": [0, 2], "oneOf": [{"type": "string"}, {"type": "integer"}, {"$ref": "#/components/schemas/Text"}]},
            "Text": {"type": "string"},
            "Code": {"type": "string", "anyOf": [{"type": "object"}], "allOf": [{"type": "boolean"}, {"minLength": 1}]},
            "Any": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            "Count": {"type": "integer", "oneOf": [{"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Text"}]}, {"oneOf": [{"type": "string"}, {}]}]},
            "Flag": {"type": "boolean", "anyOf": [{"allOf": [{"type": "string"}], "nullable": true}, {"allOf": [{}, {"type": "boolean"}]}]},
            "Size": {"type": "number", "oneOf": [{"allOf": [{"type": "integer"}, {"type": "number"}]}]}
        }}});
        let warnings = drop_impossible_members(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Amount"]["oneOf"], json!([{"type": "integer"}]));
        assert_eq!(schemas["Code"].get("anyOf"), None);
        assert_eq!(schemas["Code"]["allOf"], json!([{"minLength": 1}]));
        assert_eq!(schemas["Any"]["oneOf"].as_array().map(Vec::len), Some(2));
        assert_eq!(schemas["Count"]["oneOf"], json!([{"oneOf": [{"type": "string"}, {}]}]), "a member that may hold anything stays");
        assert_eq!(schemas["Flag"]["anyOf"], json!([{"allOf": [{}, {"type": "boolean"}]}]));
        assert_eq!(schemas["Size"]["oneOf"].as_array().map(Vec::len), Some(1), "an integer is a number");
        let pointers: Vec<&str> = warnings.iter().map(|warning| warning.item.as_str()).collect();
        assert_eq!(pointers, ["#/components/schemas/Amount/oneOf/0", "#/components/schemas/Amount/oneOf/2", "#/components/schemas/Code/anyOf/0", "#/components/schemas/Code/allOf/0", "#/components/schemas/Count/oneOf/0", "#/components/schemas/Flag/anyOf/0"]);
    }
}
