//! What the spec says to a person about an operation: its summary and
//! description, and per parameter its description and documented values.
//! The command line template turns these into `--help`; they are read once
//! here, beside the facts the wire needs (`model`), so the template never
//! walks the document itself.

use openapiv3::{OpenAPI, Operation, ReferenceOr, SchemaKind, Type};

use crate::resolve::{self, Resolved};

/// The spec's words about one operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationHelp {
    /// `summary`, trimmed, if not empty.
    pub summary: Option<String>,
    /// `description`, trimmed, if not empty.
    pub description: Option<String>,
    /// Whether the request body is `required`.
    pub body_required: bool,
    /// The request body's `description`, if any.
    pub body_description: Option<String>,
    /// One entry per parameter, in the order of `OperationFacts::parameters`.
    pub parameters: Vec<ParameterHelp>,
}

/// The spec's words about one parameter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParameterHelp {
    /// `description` (of the parameter, else of its schema), trimmed.
    pub description: Option<String>,
    /// The documented values of a string enum (or of an array's items).
    pub values: Vec<String>,
}

/// The help facts of `operation`, whose resolved parameters are `parameters`.
pub fn of(document: &OpenAPI, operation: &Operation, parameters: &[Resolved<'_>]) -> OperationHelp {
    let body = operation.request_body.as_ref().and_then(|body| resolve::request_body_item(document, body).ok());
    OperationHelp {
        summary: text(operation.summary.as_deref()),
        description: text(operation.description.as_deref()),
        body_required: body.is_some_and(|body| body.required),
        body_description: body.and_then(|body| text(body.description.as_deref())),
        parameters: parameters
            .iter()
            .map(|parameter| ParameterHelp {
                description: text(parameter.data.description.as_deref())
                    .or_else(|| parameter.schema.and_then(|schema| text(schema.schema_data.description.as_deref()))),
                values: parameter.schema.map(|schema| values(document, schema)).unwrap_or_default(),
            })
            .collect(),
    }
}

fn text(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned)
}

/// The string values `schema` (or its array's items) enumerates.
fn values(document: &OpenAPI, schema: &openapiv3::Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => string.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Array(array)) => {
            let items = match &array.items {
                Some(ReferenceOr::Item(items)) => Some(items.as_ref()),
                Some(ReferenceOr::Reference { reference }) => reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|name| document.components.as_ref()?.schemas.get(name))
                    .and_then(|schema| resolve::schema_item(document, schema).ok()),
                None => None,
            };
            match items.map(|items| &items.schema_kind) {
                Some(SchemaKind::Type(Type::String(string))) => string.enumeration.iter().flatten().cloned().collect(),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}
