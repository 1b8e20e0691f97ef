//! Reads a spec's YAML or JSON into an `openapiv3` document: Swagger 2.0 is
//! first converted ([`crate::swagger2`]), OpenAPI 3.1 rewritten as 3.0
//! ([`crate::downgrade`]), then the document is loosened where the model
//! cannot hold it ([`crate::tolerate`]) and normalised for progenitor
//! ([`crate::normalize`]).

use crate::{GenerateError, SpecSource};

/// Parses `spec` as Swagger 2.0, OpenAPI 3.0.x or OpenAPI 3.1.
///
/// YAML errors carry their line and column; other problems name the JSON
/// pointer or the operation at fault.
pub fn load(spec: &SpecSource) -> Result<(openapiv3::OpenAPI, Vec<crate::Warning>), GenerateError> {
    let (mut value, mut warnings) = converted(spec)?;
    let version = value.get("openapi").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    if version.starts_with("3.1.") {
        warnings.extend(downgrade(spec, &mut value)?);
    } else if !version.starts_with("3.0.") {
        let found = if version.is_empty() { "no `openapi` field".to_owned() } else { format!("`{version}`") };
        return Err(GenerateError::new(&spec.label, "#/openapi", format!("only Swagger 2.0 and OpenAPI 3.0.x and 3.1.x are supported, found {found}")));
    }
    warnings.extend(crate::tolerate::tolerate(&mut value));
    // OpenAPI 3.1 lets a document have no `paths` (webhooks only).
    if let Some(root) = value.as_object_mut() {
        root.entry("paths").or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    warnings.extend(crate::normalize::normalize(&mut value).map_err(|p| GenerateError::new(&spec.label, p.item, p.message))?);
    let document = serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().iter().map(|segment| segment.to_string()).collect::<Vec<_>>();
        let at = crate::model::pointer(&at.iter().map(String::as_str).collect::<Vec<_>>());
        GenerateError::new(&spec.label, at, format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
    })?;
    Ok((document, warnings))
}

/// The spec as a JSON value (YAML or JSON text), converted to OpenAPI 3.0
/// when it is Swagger 2.0: what `cargo xtask convert` writes.
///
/// # Errors
///
/// A [`GenerateError`] when the text is not YAML or JSON.
pub fn converted(spec: &SpecSource) -> Result<(serde_json::Value, Vec<crate::Warning>), GenerateError> {
    let value = parse(spec)?;
    if !crate::swagger2::is_swagger_2(&value) {
        return Ok((value, Vec::new()));
    }
    let (mut value, mut warnings) = crate::swagger2::convert(&value);
    // Swagger documents in the wild use 3.1-style schema keywords too
    // (`type: [string, "null"]`); the 3.1 rewrites handle them.
    warnings.extend(downgrade(spec, &mut value)?);
    Ok((value, warnings))
}

/// The text as a JSON value. JSON text is read by serde_json (several
/// times faster than a YAML parser); YAML, and JSON that serde_json
/// refuses, by serde_yaml, whose errors carry a line and column.
fn parse(spec: &SpecSource) -> Result<serde_json::Value, GenerateError> {
    if spec.text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str(spec.text.trim_start_matches('\u{feff}')) {
            return Ok(value);
        }
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(&spec.text)
        .map_err(|e| GenerateError::new(&spec.label, location(&e), format!("not valid YAML: {e}")))?;
    Ok(to_json(yaml))
}

fn downgrade(spec: &SpecSource, value: &mut serde_json::Value) -> Result<Vec<crate::Warning>, GenerateError> {
    crate::downgrade::to_3_0(value).map_err(|(item, message)| GenerateError::new(&spec.label, item, message))
}

/// YAML to JSON, with non-string keys (such as unquoted status codes) as strings.
fn to_json(yaml: serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value;
    match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        serde_yaml::Value::String(s) => s,
                        other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
                    };
                    (key, to_json(value))
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_json(tagged.value),
    }
}

fn location(error: &serde_yaml::Error) -> String {
    match error.location() {
        Some(at) => format!("line {}, column {}", at.line(), at.column()),
        None => "document".to_owned(),
    }
}
