//! Reads a spec's YAML into an `openapiv3` document.

use crate::{GenerateError, SpecSource};

/// Parses `spec` as OpenAPI 3.0.x.
///
/// YAML errors carry their line and column; a document that is YAML but not
/// OpenAPI names the JSON pointer of the offending value.
pub fn load(spec: &SpecSource) -> Result<openapiv3::OpenAPI, GenerateError> {
    let value: serde_json::Value = serde_yaml::from_str(&spec.text)
        .map_err(|e| GenerateError::new(&spec.label, location(&e), format!("not valid YAML: {e}")))?;
    let version = value.get("openapi").and_then(|v| v.as_str()).unwrap_or_default();
    if !version.starts_with("3.0.") {
        let found = if version.is_empty() { "no `openapi` field".to_owned() } else { format!("`{version}`") };
        return Err(GenerateError::new(
            &spec.label,
            "#/openapi",
            format!("only OpenAPI 3.0.x is supported, found {found}"),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        GenerateError::new(&spec.label, "#", format!("not a valid OpenAPI 3.0 document: {e}"))
    })
}

fn location(error: &serde_yaml::Error) -> String {
    match error.location() {
        Some(at) => format!("line {}, column {}", at.line(), at.column()),
        None => "document".to_owned(),
    }
}
