//! Local `$ref`s resolved, and an operation's parameters as OpenAPI defines
//! them: the path item's parameters plus the operation's, the operation's
//! winning on the same name and location.
//!
//! Every part of the model that reads parameters (serialisation,
//! constraints, idempotency, pagination, examples, uploads) reads them
//! from here, so a `$ref`'d or path-level parameter is never missed.

use openapiv3::{OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema};

/// How many `$ref` hops are followed before a chain counts as a cycle.
const MAX_REF_HOPS: usize = 32;

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` path segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// The serialisation `style` of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `form`, with its `explode`.
    Form { explode: bool },
    /// `simple` (paths, headers) and styles we send the same way.
    Simple,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// One parameter, resolved.
#[derive(Clone, Debug)]
pub struct Resolved<'a> {
    /// Where it travels.
    pub location: Location,
    /// Its serialisation style.
    pub style: Style,
    /// Name, `required`, description, examples and format.
    pub data: &'a ParameterData,
    /// Its schema, with a top-level `$ref` resolved.
    pub schema: Option<&'a Schema>,
}

impl Resolved<'_> {
    /// The name on the wire, as the spec gives it.
    pub fn name(&self) -> &str {
        self.data.extensions.get("x-sdk-name").and_then(|v| v.as_str()).unwrap_or(&self.data.name)
    }

    /// The name progenitor knows it by (renamed when two parameters of
    /// one name travel in different places).
    pub fn progenitor_name(&self) -> &str {
        &self.data.name
    }

    /// Whether this is the header `name` (header names ignore case).
    pub fn is_header(&self, name: &str) -> bool {
        self.location == Location::Header && self.name().eq_ignore_ascii_case(name)
    }
}

/// The parameters of an operation under a path item with `path_level`
/// parameters, in OpenAPI's order: the path item's first (unless the
/// operation overrides them), then the operation's.
///
/// # Errors
///
/// A message naming the `$ref` that does not resolve.
pub fn parameters<'a>(
    document: &'a OpenAPI,
    path_level: &'a [ReferenceOr<Parameter>],
    operation_level: &'a [ReferenceOr<Parameter>],
) -> Result<Vec<Resolved<'a>>, String> {
    let own: Vec<Resolved<'a>> = operation_level.iter().map(|p| resolve_one(document, p)).collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for parameter in path_level {
        let parameter = resolve_one(document, parameter)?;
        let overridden = own.iter().any(|o| o.location == parameter.location && o.data.name == parameter.data.name);
        if !overridden {
            out.push(parameter);
        }
    }
    out.extend(own);
    Ok(out)
}

fn resolve_one<'a>(document: &'a OpenAPI, parameter: &'a ReferenceOr<Parameter>) -> Result<Resolved<'a>, String> {
    let parameter = parameter_item(document, parameter)?;
    let declared_as = |key: &str| parameter.parameter_data_ref().extensions.get(key).and_then(|v| v.as_str());
    let (location, style) = match parameter {
        // Cookies and other query styles reach progenitor as `form` query
        // parameters (see `normalize`); the extensions keep the truth.
        Parameter::Query { .. } if declared_as("x-sdk-in") == Some("cookie") => (Location::Cookie, Style::Form { explode: true }),
        Parameter::Query { parameter_data, .. } if declared_as("x-sdk-style").is_some() => (Location::Query, match declared_as("x-sdk-style") {
            Some("spaceDelimited") => Style::SpaceDelimited,
            Some("pipeDelimited") => Style::PipeDelimited,
            Some("deepObject") => Style::DeepObject,
            _ => Style::Form { explode: parameter_data.explode.unwrap_or(true) },
        }),
        Parameter::Path { style, .. } => (Location::Path, match style {
            openapiv3::PathStyle::Simple | openapiv3::PathStyle::Matrix | openapiv3::PathStyle::Label => Style::Simple,
        }),
        Parameter::Query { style, parameter_data, .. } => (Location::Query, match style {
            openapiv3::QueryStyle::Form => Style::Form { explode: parameter_data.explode.unwrap_or(true) },
            openapiv3::QueryStyle::SpaceDelimited => Style::SpaceDelimited,
            openapiv3::QueryStyle::PipeDelimited => Style::PipeDelimited,
            openapiv3::QueryStyle::DeepObject => Style::DeepObject,
        }),
        Parameter::Header { .. } => (Location::Header, Style::Simple),
        Parameter::Cookie { parameter_data, .. } => (Location::Cookie, Style::Form { explode: parameter_data.explode.unwrap_or(true) }),
    };
    let data = parameter.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => Some(schema_item(document, schema)?),
        ParameterSchemaOrContent::Content(_) => None,
    };
    Ok(Resolved { location, style, data, schema })
}

fn parameter_item<'a>(document: &'a OpenAPI, parameter: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter, String> {
    item(parameter, "parameters", |name| document.components.as_ref()?.parameters.get(name))
}

/// A schema, following `$ref`s into `components.schemas`.
///
/// # Errors
///
/// A message naming the `$ref` that does not resolve.
pub fn schema_item<'a>(document: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Result<&'a Schema, String> {
    item(schema, "schemas", |name| document.components.as_ref()?.schemas.get(name))
}

/// The schema a `$ref` string names in `components.schemas`, following
/// further `$ref`s ([`schema_item`] for a `$ref` held as a string).
///
/// # Errors
///
/// A message naming the `$ref` that does not resolve.
pub fn schema_by_reference<'a>(document: &'a OpenAPI, reference: &str) -> Result<&'a Schema, String> {
    let prefix = "#/components/schemas/";
    let name = reference.strip_prefix(prefix).ok_or_else(|| format!("`$ref` `{reference}` does not point into {prefix}"))?;
    let schema = document.components.as_ref().and_then(|components| components.schemas.get(&unescape(name)));
    schema_item(document, schema.ok_or_else(|| format!("`$ref` `{reference}` does not resolve"))?)
}

/// A boxed schema (a property, an array's items) as a plain
/// `ReferenceOr<Schema>`, for the functions that take one.
pub fn unboxed(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

/// A request body, following `$ref`s into `components.requestBodies`.
///
/// # Errors
///
/// A message naming the `$ref` that does not resolve.
pub fn request_body_item<'a>(document: &'a OpenAPI, body: &'a ReferenceOr<RequestBody>) -> Result<&'a RequestBody, String> {
    item(body, "requestBodies", |name| document.components.as_ref()?.request_bodies.get(name))
}

/// A response, following `$ref`s into `components.responses`.
///
/// # Errors
///
/// A message naming the `$ref` that does not resolve.
pub fn response_item<'a>(document: &'a OpenAPI, response: &'a ReferenceOr<Response>) -> Result<&'a Response, String> {
    item(response, "responses", |name| document.components.as_ref()?.responses.get(name))
}

/// Follows `$ref`s into `#/components/<section>` until an item.
fn item<'a, T>(
    mut current: &'a ReferenceOr<T>,
    section: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<&'a T, String> {
    let prefix = format!("#/components/{section}/");
    for _ in 0..MAX_REF_HOPS {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix(&prefix)
                    .ok_or_else(|| format!("`$ref` `{reference}` does not point into {prefix}"))?;
                current = lookup(&unescape(name)).ok_or_else(|| format!("`$ref` `{reference}` does not resolve"))?;
            }
        }
    }
    Err(format!("`$ref`s into {prefix} form a cycle"))
}

/// A JSON pointer segment unescaped (`~1` is `/`, `~0` is `~`).
pub(crate) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
