//! The API surface of a generated crate in API terms (operations with their
//! parameters, body and response; component types with their fields or
//! variants), kept in the crate as `api-surface.json` so that the next
//! generation can say what changed for callers and whether that breaks
//! them (semver).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde::{Deserialize, Serialize};

use crate::resolve::unboxed;

/// What callers of a generated crate can name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// Operations by client method name.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Component schemas by name.
    pub types: BTreeMap<String, TypeSurface>,
}

/// One operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// `GET /v1/things/{id}`.
    pub route: String,
    /// Parameters by builder setter.
    pub parameters: BTreeMap<String, FieldSurface>,
    /// The request body's type, if there is a body.
    pub body: Option<String>,
    /// The first success response's type, if it has a body.
    pub response: Option<String>,
}

/// A parameter or a property.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// Whether callers must give it (or can count on it).
    pub required: bool,
    /// Its type, such as `string(date-time)`, `array<Asset>`, `Asset`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// A component schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TypeSurface {
    /// An object with named properties.
    Struct {
        /// Properties by name.
        fields: BTreeMap<String, FieldSurface>,
        /// Whether callers build it (it is part of a request).
        request: bool,
    },
    /// A string enum.
    Enum {
        /// Its values.
        variants: Vec<String>,
        /// Whether callers send it.
        request: bool,
    },
    /// Anything else, by its type.
    Other {
        /// Such as `oneOf`, `array<Asset>`.
        #[serde(rename = "type")]
        kind: String,
    },
}

/// How a change affects callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled and ran against the old crate still does.
    Compatible,
    /// Some code written against the old crate breaks.
    Breaking,
}

/// One change between two surfaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Whether it breaks callers.
    pub impact: Impact,
    /// What changed, in API terms.
    pub text: String,
}

impl Surface {
    /// The surface of `document` as generated (after normalisation).
    pub fn of(document: &OpenAPI) -> Self {
        let mut surface = Surface::default();
        let mut request_types = BTreeSet::new();
        for (path, item) in document.paths.paths.iter() {
            let Some(item) = item.as_item() else { continue };
            for (method, operation) in item.iter() {
                let Some(id) = &operation.operation_id else { continue };
                let mut parameters = BTreeMap::new();
                for parameter in crate::resolve::parameters(document, &item.parameters, &operation.parameters).unwrap_or_default() {
                    let kind = parameter.schema.map(type_of_schema).unwrap_or_else(|| "any".to_owned());
                    parameters.insert(crate::names::field_name(parameter.progenitor_name()), FieldSurface { required: parameter.data.required, kind });
                }
                let body = operation.request_body.as_ref().and_then(|body| match body {
                    ReferenceOr::Item(body) => body.content.values().next().and_then(|media| media.schema.as_ref()),
                    ReferenceOr::Reference { .. } => None,
                });
                if let Some(schema) = body {
                    referenced(document, schema, &mut request_types);
                }
                let response = operation.responses.responses.iter().find_map(|(status, response)| {
                    let success = matches!(status, openapiv3::StatusCode::Code(code) if (200..300).contains(code))
                        || matches!(status, openapiv3::StatusCode::Range(2));
                    let response = crate::resolve::response_item(document, response).ok()?;
                    success.then(|| response.content.values().next()?.schema.as_ref().map(type_of)).flatten()
                });
                let operation = OperationSurface {
                    route: format!("{} {path}", method.to_uppercase()),
                    parameters,
                    body: body.map(type_of),
                    response,
                };
                surface.operations.insert(crate::names::method_name(id), operation);
            }
        }
        for (name, schema) in document.components.iter().flat_map(|components| components.schemas.iter()) {
            let request = request_types.contains(name);
            let Ok(schema) = crate::resolve::schema_item(document, schema) else { continue };
            let kind = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => TypeSurface::Struct {
                    fields: object
                        .properties
                        .iter()
                        .map(|(field, property)| {
                            let required = object.required.contains(field);
                            (field.clone(), FieldSurface { required, kind: type_of(&unboxed(property)) })
                        })
                        .collect(),
                    request,
                },
                SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                    TypeSurface::Enum { variants: string.enumeration.iter().flatten().cloned().collect(), request }
                }
                _ => TypeSurface::Other { kind: type_of_schema(schema) },
            };
            surface.types.insert(name.clone(), kind);
        }
        surface
    }

    /// The surface as the pretty JSON of `api-surface.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).map(|text| text + "\n").unwrap_or_default()
    }

    /// A surface read from `api-surface.json`, if it is one.
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// What changed from `old` to `self`, operations first, in name order.
    pub fn changes_since(&self, old: &Surface) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut change = |impact, text: String| changes.push(Change { impact, text });
        for (name, before) in &old.operations {
            let Some(after) = self.operations.get(name) else {
                change(Impact::Breaking, format!("operation `{name}` ({}) removed", before.route));
                continue;
            };
            if before.route != after.route {
                change(Impact::Compatible, format!("operation `{name}` now calls {} (was {})", after.route, before.route));
            }
            for (parameter, was) in &before.parameters {
                match after.parameters.get(parameter) {
                    None => change(Impact::Breaking, format!("operation `{name}`: parameter `{parameter}` removed")),
                    Some(now) if now.kind != was.kind => change(
                        Impact::Breaking,
                        format!("operation `{name}`: parameter `{parameter}` is now `{}` (was `{}`)", now.kind, was.kind),
                    ),
                    Some(now) if now.required && !was.required => {
                        change(Impact::Breaking, format!("operation `{name}`: parameter `{parameter}` is now required"))
                    }
                    Some(now) if !now.required && was.required => {
                        change(Impact::Compatible, format!("operation `{name}`: parameter `{parameter}` is now optional"))
                    }
                    Some(_) => {}
                }
            }
            for (parameter, now) in &after.parameters {
                if !before.parameters.contains_key(parameter) {
                    let (impact, what) = if now.required { (Impact::Breaking, "required") } else { (Impact::Compatible, "optional") };
                    change(impact, format!("operation `{name}`: {what} parameter `{parameter}` (`{}`) added", now.kind));
                }
            }
            if before.body != after.body {
                change(Impact::Breaking, format!("operation `{name}`: request body is now {} (was {})", shown(&after.body), shown(&before.body)));
            }
            if before.response != after.response {
                change(Impact::Breaking, format!("operation `{name}`: response is now {} (was {})", shown(&after.response), shown(&before.response)));
            }
        }
        for (name, after) in &self.operations {
            if !old.operations.contains_key(name) {
                change(Impact::Compatible, format!("operation `{name}` ({}) added", after.route));
            }
        }
        for (name, before) in &old.types {
            match self.types.get(name) {
                None => change(Impact::Breaking, format!("type `{name}` removed")),
                Some(after) => type_changes(name, before, after, &mut change),
            }
        }
        for name in self.types.keys().filter(|name| !old.types.contains_key(*name)) {
            change(Impact::Compatible, format!("type `{name}` added"));
        }
        changes
    }
}

fn type_changes(name: &str, before: &TypeSurface, after: &TypeSurface, change: &mut impl FnMut(Impact, String)) {
    match (before, after) {
        (TypeSurface::Struct { fields: old, .. }, TypeSurface::Struct { fields: new, request }) => {
            for (field, was) in old {
                match new.get(field) {
                    None => change(Impact::Breaking, format!("type `{name}`: field `{field}` removed")),
                    Some(now) if now.kind != was.kind => {
                        change(Impact::Breaking, format!("type `{name}`: field `{field}` is now `{}` (was `{}`)", now.kind, was.kind))
                    }
                    Some(now) if now.required != was.required => {
                        let what = if now.required { "required" } else { "optional" };
                        change(Impact::Breaking, format!("type `{name}`: field `{field}` is now {what}"))
                    }
                    Some(_) => {}
                }
            }
            for (field, now) in new.iter().filter(|(field, _)| !old.contains_key(*field)) {
                // A new field breaks code that builds the struct (a request
                // type); readers of a response are not affected.
                let impact = if now.required || *request { Impact::Breaking } else { Impact::Compatible };
                let what = if now.required { "required" } else { "optional" };
                change(impact, format!("type `{name}`: {what} field `{field}` (`{}`) added", now.kind));
            }
        }
        (TypeSurface::Enum { variants: old, .. }, TypeSurface::Enum { variants: new, request }) => {
            for variant in old.iter().filter(|v| !new.contains(v)) {
                change(Impact::Breaking, format!("enum `{name}`: variant `{variant}` removed"));
            }
            for variant in new.iter().filter(|v| !old.contains(v)) {
                // Responses decode unknown values as `Other`, so readers keep
                // working; callers that send the enum match on it too.
                let impact = if *request { Impact::Breaking } else { Impact::Compatible };
                change(impact, format!("enum `{name}`: variant `{variant}` added"));
            }
        }
        (before, after) if before != after => change(Impact::Breaking, format!("type `{name}` changed shape")),
        _ => {}
    }
}

fn shown(kind: &Option<String>) -> String {
    kind.as_ref().map(|kind| format!("`{kind}`")).unwrap_or_else(|| "none".to_owned())
}

/// The semver bump a list of changes calls for, from `version`.
pub fn next_version(version: &str, changes: &[Change]) -> Option<String> {
    let impact = changes.iter().map(|change| change.impact).max()?;
    let mut next = semver::Version::parse(version).ok()?;
    next.pre = semver::Prerelease::EMPTY;
    match (impact, next.major) {
        (Impact::Breaking, 0) => {
            next.minor += 1;
            next.patch = 0;
        }
        (Impact::Breaking, _) => {
            next.major += 1;
            next.minor = 0;
            next.patch = 0;
        }
        (Impact::Compatible, 0) => next.patch += 1,
        (Impact::Compatible, _) => {
            next.minor += 1;
            next.patch = 0;
        }
    }
    Some(next.to_string())
}

fn type_of(schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next().unwrap_or(reference).to_owned(),
        ReferenceOr::Item(schema) => type_of_schema(schema),
    }
}

fn type_of_schema(schema: &Schema) -> String {
    let with_format = |name: &str, format: String| if format.is_empty() { name.to_owned() } else { format!("{name}({format})") };
    let kind = match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => with_format("string", format_name(&string.format)),
        SchemaKind::Type(Type::Integer(integer)) => with_format("integer", format_name(&integer.format)),
        SchemaKind::Type(Type::Number(number)) => with_format("number", format_name(&number.format)),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".to_owned(),
        SchemaKind::Type(Type::Array(array)) => format!("array<{}>", array.items.as_ref().map(|items| type_of(&unboxed(items))).unwrap_or_default()),
        SchemaKind::Type(Type::Object(_)) => "object".to_owned(),
        SchemaKind::OneOf { .. } => "oneOf".to_owned(),
        SchemaKind::AnyOf { .. } => "anyOf".to_owned(),
        SchemaKind::AllOf { .. } => "allOf".to_owned(),
        SchemaKind::Not { .. } => "not".to_owned(),
        SchemaKind::Any(_) => "any".to_owned(),
    };
    if schema.schema_data.nullable {
        format!("{kind}?")
    } else {
        kind
    }
}

/// `date-time`, `int64`, `uuid`, or empty.
fn format_name<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> String {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => heck::ToKebabCase::to_kebab_case(format!("{known:?}").as_str()),
        VariantOrUnknownOrEmpty::Unknown(other) => other.clone(),
        VariantOrUnknownOrEmpty::Empty => String::new(),
    }
}

/// Adds the component names `schema` reaches to `out`.
fn referenced(document: &OpenAPI, schema: &ReferenceOr<Schema>, out: &mut BTreeSet<String>) {
    let value = serde_json::to_value(schema).unwrap_or_default();
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(name) = map.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix("#/components/schemas/")) {
                    if out.insert(name.to_owned()) {
                        if let Some(target) = document.components.as_ref().and_then(|c| c.schemas.get(name)) {
                            pending.push(serde_json::to_value(target).unwrap_or_default());
                        }
                    }
                }
                pending.extend(map.into_values());
            }
            serde_json::Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
}
