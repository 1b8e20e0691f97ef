//! Sample JSON documents for a schema: the spec's own examples where it
//! gives them, otherwise values built from the schema's types and
//! constraints, so that the crate's doc examples can run against a local
//! server that answers what the API would.
//!
//! A sample must decode into the generated type, so it fills every
//! required property and keeps to enums, formats and bounds; where it
//! cannot (a `pattern` with no example), there is no sample.

use std::cell::RefCell;
use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde_json::{json, Map, Value};

use crate::resolve::schema_by_reference;

/// How deep a sample follows nested schemas before it stops adding
/// optional properties (recursive schemas end there).
const MAX_DEPTH: usize = 6;

/// Samples schemas of one document, remembering each component schema's
/// sample at each depth: an API's operations share their schemas (an
/// error body, a paged list's item), and a large one is costly to build.
pub struct Sampler<'a> {
    document: &'a OpenAPI,
    /// Samples by `$ref` and depth.
    known: RefCell<HashMap<(&'a str, usize), Option<Value>>>,
}

/// A schema, a `$ref` to one or one in place, boxed (a property, an
/// array's items) or not.
#[derive(Clone, Copy)]
enum SchemaAt<'a> {
    Reference(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaAt<'a> {
    fn from(schema: &'a ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Self::Reference(reference),
            ReferenceOr::Item(schema) => Self::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaAt<'a> {
    fn from(schema: &'a ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Self::Reference(reference),
            ReferenceOr::Item(schema) => Self::Item(schema),
        }
    }
}

impl<'a> Sampler<'a> {
    pub fn new(document: &'a OpenAPI) -> Self {
        Self { document, known: RefCell::default() }
    }

    /// A sample of `schema`, or `None` when none would be sure to decode.
    pub fn sample(&self, schema: &'a ReferenceOr<Schema>) -> Option<Value> {
        self.build(schema.into(), 0)
    }

    /// A sample of the component schema `$ref`'d as `reference`.
    pub fn sample_reference(&self, reference: &str) -> Option<Value> {
        self.build_item(self.resolve(reference)?, 0)
    }

    fn build(&self, schema: SchemaAt<'a>, depth: usize) -> Option<Value> {
        match schema {
            SchemaAt::Item(schema) => self.build_item(schema, depth),
            SchemaAt::Reference(reference) => {
                if let Some(known) = self.known.borrow().get(&(reference, depth)) {
                    return known.clone();
                }
                let schema = self.resolve(reference)?;
                let built = self.build_item(schema, depth);
                self.known.borrow_mut().insert((reference, depth), built.clone());
                built
            }
        }
    }

    /// The document the samples come from.
    pub fn document(&self) -> &'a OpenAPI {
        self.document
    }

    fn resolve(&self, reference: &str) -> Option<&'a Schema> {
        schema_by_reference(self.document, reference).ok()
    }

    fn build_item(&self, schema: &'a Schema, depth: usize) -> Option<Value> {
        if let Some(example) = &schema.schema_data.example {
            return Some(example.clone());
        }
        if let Some(default) = &schema.schema_data.default {
            return Some(default.clone());
        }
        if depth > MAX_DEPTH * 2 {
            return None;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if let Some(Some(first)) = string.enumeration.first() {
                    return Some(Value::String(first.clone()));
                }
                if string.pattern.is_some() {
                    return None;
                }
                let text = match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "2024-01-01T00:00:00Z".to_owned(),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "2024-01-01".to_owned(),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "ZXhhbXBsZQ==".to_owned(),
                    VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
                        "uuid" => "00000000-0000-4000-8000-000000000000".to_owned(),
                        "email" => "user@example.com".to_owned(),
                        "uri" | "url" => "https://example.com/".to_owned(),
                        "ipv4" => "192.0.2.1".to_owned(),
                        "ipv6" => "2001:db8::1".to_owned(),
                        "date-time" => "2024-01-01T00:00:00Z".to_owned(),
                        _ => "example".to_owned(),
                    },
                    _ => "example".to_owned(),
                };
                let min = string.min_length.unwrap_or(0);
                let max = string.max_length.unwrap_or(usize::MAX);
                let mut text = text;
                while text.chars().count() < min {
                    text.push('x');
                }
                Some(Value::String(text.chars().take(max.max(min)).collect()))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if let Some(Some(first)) = integer.enumeration.first() {
                    return Some(json!(first));
                }
                let mut value = integer.minimum.map_or(1, |min| if integer.exclusive_minimum { min + 1 } else { min });
                if let Some(max) = integer.maximum {
                    value = value.min(if integer.exclusive_maximum { max - 1 } else { max });
                }
                Some(json!(value))
            }
            SchemaKind::Type(Type::Number(number)) => {
                if let Some(Some(first)) = number.enumeration.first() {
                    return Some(json!(first));
                }
                let mut value = number.minimum.map_or(1.0, |min| if number.exclusive_minimum { min + 1.0 } else { min });
                if let Some(max) = number.maximum {
                    value = value.min(max);
                }
                Some(json!(value))
            }
            SchemaKind::Type(Type::Boolean(_)) => Some(Value::Bool(true)),
            SchemaKind::Type(Type::Array(array)) => {
                let count = array.min_items.unwrap_or(1).max(1);
                let Some(items) = &array.items else { return Some(json!([])) };
                let one = self.build(items.into(), depth + 1)?;
                Some(Value::Array(vec![one; count.min(array.max_items.unwrap_or(count))]))
            }
            SchemaKind::Type(Type::Object(object)) => {
                let mut map = Map::new();
                for (name, property) in &object.properties {
                    let required = object.required.contains(name);
                    if !required && depth >= MAX_DEPTH {
                        continue;
                    }
                    let property = SchemaAt::from(property);
                    // A response never carries a write-only property.
                    let write_only = match property {
                        SchemaAt::Item(schema) => schema.schema_data.write_only,
                        SchemaAt::Reference(reference) => self.resolve(reference).is_some_and(|s| s.schema_data.write_only),
                    };
                    if write_only && !required {
                        continue;
                    }
                    match self.build(property, depth + 1) {
                        Some(value) => {
                            map.insert(name.clone(), value);
                        }
                        None if required => return None,
                        None => {}
                    }
                }
                Some(Value::Object(map))
            }
            SchemaKind::AllOf { all_of } => {
                let mut map = Map::new();
                for part in all_of {
                    match self.build(part.into(), depth + 1)? {
                        Value::Object(fields) => map.extend(fields),
                        other if all_of.len() == 1 => return Some(other),
                        _ => return None,
                    }
                }
                Some(Value::Object(map))
            }
            SchemaKind::OneOf { one_of: alternatives } | SchemaKind::AnyOf { any_of: alternatives } => {
                alternatives.iter().find_map(|alternative| self.build(alternative.into(), depth + 1))
            }
            SchemaKind::Any(any) => match any.enumeration.first() {
                Some(first) => Some(first.clone()),
                None if any.properties.is_empty() && any.typ.is_none() && any.format.is_none() => Some(json!({})),
                None => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(schemas: &str) -> OpenAPI {
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}");
        serde_yaml::from_str(&text).unwrap()
    }

    fn reference(name: &str) -> ReferenceOr<Schema> {
        ReferenceOr::Reference { reference: format!("#/components/schemas/{name}") }
    }

    #[test]
    fn required_fields_follow_types_formats_and_bounds() {
        let doc = document(
            "    Asset:\n      type: object\n      required: [id, size, kind, created, tags]\n      properties:\n        id: {type: string, format: uuid}\n        size: {type: integer, minimum: 5}\n        kind: {type: string, enum: [image, video]}\n        created: {type: string, format: date-time}\n        tags: {type: array, items: {type: string, minLength: 9}}\n        note: {type: string, example: hello}\n",
        );
        assert_eq!(
            Sampler::new(&doc).sample(&reference("Asset")).unwrap(),
            json!({"id": "00000000-0000-4000-8000-000000000000", "size": 5, "kind": "image", "created": "2024-01-01T00:00:00Z", "tags": ["examplexx"], "note": "hello"})
        );
    }

    #[test]
    fn a_shared_schema_is_sampled_once_per_depth_and_alike_each_time() {
        let doc = document(
            "    Money:\n      type: object\n      required: [amount]\n      properties:\n        amount: {type: integer, minimum: 3}\n    Invoice:\n      type: object\n      properties:\n        total: {$ref: '#/components/schemas/Money'}\n        items: {type: array, items: {$ref: '#/components/schemas/Money'}}\n",
        );
        let invoice = reference("Invoice");
        let sampler = Sampler::new(&doc);
        let first = sampler.sample(&invoice).unwrap();
        assert_eq!(first, json!({"total": {"amount": 3}, "items": [{"amount": 3}]}));
        // `Invoice` at depth 0, `total` at depth 1 and the array's item at depth 2.
        assert_eq!(sampler.known.borrow().len(), 3, "{:?}", sampler.known.borrow().keys().collect::<Vec<_>>());
        assert_eq!(sampler.sample(&invoice).unwrap(), first, "a remembered sample is the same");
        assert_eq!(Sampler::new(&doc).sample(&invoice).unwrap(), first);
    }

    #[test]
    fn a_required_pattern_without_example_gives_no_sample_and_recursion_ends() {
        let doc = document(
            "    Code:\n      type: object\n      required: [code]\n      properties:\n        code: {type: string, pattern: '^[A-Z]{3}$'}\n    Node:\n      type: object\n      properties:\n        child: {$ref: '#/components/schemas/Node'}\n",
        );
        assert_eq!(Sampler::new(&doc).sample(&reference("Code")), None);
        assert!(Sampler::new(&doc).sample(&reference("Node")).is_some());
    }
}
