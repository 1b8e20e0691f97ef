//! Reads an operation's `x-pagination` extension and resolves its JSON
//! pointers through the response schema, so the templates can emit typed
//! field accesses instead of re-parsing pages as JSON.
//!
//! ```yaml
//! x-pagination: {style: cursor, request: pageCursor, next: /meta/nextPageCursor, items: /data}
//! x-pagination: {style: token, request: paginationToken, next: /nextPaginationToken, items: /assets}
//! x-pagination: {style: page, request: pageNum, page: /result/pageNo, total_pages: /result/totalPage, items: /result/content}
//! ```

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, Type};

/// How one operation pages, in Rust terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// Builder setter of the request parameter (`page_cursor`, `page_num`).
    pub setter: String,
    /// Cursor/token or page-number paging, with where the page says what is next.
    pub style: Style,
    /// Path to the items array in the response.
    pub items: Vec<Field>,
    /// Rust type of one item, such as `Asset`.
    pub item_type: String,
    /// The request parameter as the spec names it, such as `pageCursor`.
    pub parameter: String,
    /// The spec's JSON pointers, for mocks that write pages.
    pub pointers: Pointers,
}

/// `x-pagination`'s JSON pointers into a page, as the spec writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointers {
    /// The items array.
    pub items: String,
    /// The next cursor or token (cursor and token styles).
    pub next: Option<String>,
    /// The page number and the page count (page style).
    pub page_and_total: Option<(String, String)>,
}

/// The paging style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Style {
    /// The response carries the next cursor or token; null or absent ends the list.
    Cursor { next: Vec<Field> },
    /// The response carries its page number and the page count.
    Number { page: Vec<Field>, total: Vec<Field> },
}

/// One step of a path through the response: a Rust field, and whether it
/// is an `Option` (optional or nullable in the spec).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Field name as typify writes it.
    pub rust: String,
    /// Whether the field's type is `Option<_>`.
    pub optional: bool,
}

/// Reads `x-pagination` from `operation`, if present.
pub fn read(document: &OpenAPI, operation: &Operation, parameters: &[crate::resolve::Resolved<'_>]) -> Result<Option<Pagination>, String> {
    let Some(extension) = operation.extensions.get("x-pagination") else { return Ok(None) };
    let text = |key: &str| -> Result<String, String> {
        extension
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| format!("`x-pagination` needs a string `{key}`"))
    };
    let request = text("request")?;
    if !parameters.iter().any(|p| p.name() == request) {
        return Err(format!("`x-pagination.request` names `{request}`, which is not a parameter of the operation"));
    }
    let response = success_schema(operation).ok_or("`x-pagination` needs a 2xx JSON response with a schema")?;
    let path = |key: &str| -> Result<(Vec<Field>, ReferenceOr<Schema>), String> {
        let pointer = text(key)?;
        walk(document, response, &pointer).map_err(|e| format!("`x-pagination.{key}` ({pointer}): {e}"))
    };
    let style = match text("style")?.as_str() {
        "cursor" | "token" => Style::Cursor { next: path("next")?.0 },
        "page" => Style::Number { page: path("page")?.0, total: path("total_pages")?.0 },
        other => return Err(format!("unknown `x-pagination.style` `{other}`; expected cursor, token or page")),
    };
    let (items, array) = path("items")?;
    let item_type = match resolve(document, &array).map(|schema| &schema.schema_kind) {
        Some(SchemaKind::Type(Type::Array(array))) => match &array.items {
            Some(ReferenceOr::Reference { reference }) => reference.rsplit('/').next().unwrap_or_default().to_upper_camel_case(),
            _ => return Err("`x-pagination.items` must point to an array of a `$ref` schema".to_owned()),
        },
        _ => return Err("`x-pagination.items` must point to an array".to_owned()),
    };
    let pointers = Pointers {
        items: text("items")?,
        next: matches!(style, Style::Cursor { .. }).then(|| text("next")).transpose()?,
        page_and_total: matches!(style, Style::Number { .. }).then(|| Ok::<_, String>((text("page")?, text("total_pages")?))).transpose()?,
    };
    Ok(Some(Pagination { setter: crate::names::field_name(&request), style, items, item_type, parameter: request, pointers }))
}

fn success_schema(operation: &Operation) -> Option<&ReferenceOr<Schema>> {
    operation.responses.responses.iter().find_map(|(status, response)| {
        let is_success = matches!(status, openapiv3::StatusCode::Code(code) if (200..300).contains(code));
        let ReferenceOr::Item(response) = response else { return None };
        is_success.then(|| response.content.get("application/json")?.schema.as_ref()).flatten()
    })
}

/// Follows `pointer` (object properties only) from `schema`.
fn walk(document: &OpenAPI, schema: &ReferenceOr<Schema>, pointer: &str) -> Result<(Vec<Field>, ReferenceOr<Schema>), String> {
    let mut current = schema.clone();
    let mut fields = Vec::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        let name = crate::resolve::unescape(segment);
        let object = match resolve(document, &current).map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Object(object))) => object,
            _ => return Err(format!("`{name}` is looked up in something that is not an object")),
        };
        let property = object.properties.get(&name).ok_or_else(|| format!("no property `{name}`"))?;
        let property = crate::resolve::unboxed(property);
        let nullable = resolve(document, &property).is_some_and(|s| s.schema_data.nullable);
        fields.push(Field { rust: field_name(&name), optional: nullable || !object.required.contains(&name) });
        current = property;
    }
    Ok((fields, current))
}

fn resolve<'a>(document: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    crate::resolve::schema_item(document, schema).ok()
}

/// The field name typify gives a property: snake case, `_` after a keyword.
fn field_name(property: &str) -> String {
    let name = property.to_snake_case();
    if syn::parse_str::<syn::Ident>(&name).is_ok() { name } else { format!("{name}_") }
}
