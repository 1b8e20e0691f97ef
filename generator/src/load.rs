//! Reads a spec's YAML or JSON into an `openapiv3` document: Swagger 2.0 is
//! first converted ([`crate::swagger2`]), OpenAPI 3.2 and 3.1 rewritten as
//! 3.0 ([`crate::downgrade`]), then the document is loosened where the model
//! cannot hold it ([`crate::tolerate`]) and normalised for progenitor
//! ([`crate::normalize`]).

use crate::{GenerateError, SpecSource};

/// Parses `spec` as Swagger 2.0 or OpenAPI 3.0.x, 3.1.x or 3.2.x.
///
/// YAML errors carry their line and column; other problems name the JSON
/// pointer or the operation at fault.
pub fn load(spec: &SpecSource) -> Result<(openapiv3::OpenAPI, Vec<crate::Warning>), GenerateError> {
    load_keeping_value(spec).map(|(document, warnings, _)| (document, warnings))
}

/// What [`load`] returns, with the normalised JSON value the document was
/// read from: a large one takes milliseconds to free, which the caller can
/// do when it would otherwise wait.
pub(crate) fn load_keeping_value(spec: &SpecSource) -> Result<(openapiv3::OpenAPI, Vec<crate::Warning>, serde_json::Value), GenerateError> {
    let (mut value, mut warnings) = converted(spec)?;
    let version = value.get("openapi").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    if version.starts_with("3.2.") {
        warnings.extend(crate::downgrade::from_3_2(&mut value));
    }
    if version.starts_with("3.1.") || version.starts_with("3.2.") {
        warnings.extend(downgrade(spec, &mut value)?);
    } else if !version.starts_with("3.0.") {
        let found = if version.is_empty() { "no `openapi` field".to_owned() } else { format!("`{version}`") };
        return Err(GenerateError::new(&spec.label, "#/openapi", format!("only Swagger 2.0 and OpenAPI 3.0.x, 3.1.x and 3.2.x are supported, found {found}")));
    }
    warnings.extend(crate::tolerate::tolerate(&mut value));
    // OpenAPI 3.1 lets a document have no `paths` (webhooks only).
    if let Some(root) = value.as_object_mut() {
        root.entry("paths").or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    warnings.extend(crate::normalize::normalize(&mut value).map_err(|p| GenerateError::new(&spec.label, p.item, p.message))?);
    let document = read_salvaging(spec, &mut value, &mut warnings)?;
    Ok((document, warnings, value))
}

/// How many parts of a document [`read_salvaging`] gives up before it
/// refuses the document (each costs a reading of the whole document).
const MAX_GIVEN_UP: usize = 50;

/// Reads the normalised `value` as an OpenAPI 3.0 document. A part that
/// does not read (or nests compositions too deep) is given up, with a
/// warning naming it ([`crate::salvage`]), and the rest read again; a fault
/// the document cannot do without is an error naming its JSON pointer.
fn read_salvaging(spec: &SpecSource, value: &mut serde_json::Value, warnings: &mut Vec<crate::Warning>) -> Result<openapiv3::OpenAPI, GenerateError> {
    let mut given_up = 0;
    loop {
        // Where, why the document is refused, and why a part is given up.
        let (at, refusal, reason) = match check_deep_schemas(value, &mut Vec::new(), false) {
            Err((at, message)) => (at, message.clone(), message),
            Ok(_) => match read_in_halves(value).map_or_else(|| read_at(&[], value), Ok) {
                Ok(document) => return Ok(document),
                Err(fault) => {
                    let (at, message) = if fault.0 == ["paths"] { locate_in_paths(value).unwrap_or(fault) } else { fault };
                    (at, format!("not a valid OpenAPI 3.0 document: {message}"), format!("it is not valid OpenAPI 3.0 ({message})"))
                }
            },
        };
        let here = pointer(&at);
        let what = (given_up < MAX_GIVEN_UP).then(|| crate::salvage::give_up(value, &at)).flatten();
        let Some(what) = what else { return Err(GenerateError::new(&spec.label, here, refusal)) };
        warnings.push(crate::Warning::new(here, format!("{what}: {reason}")));
        given_up += 1;
    }
}

/// Reads `value` with its components on a second thread and the rest on
/// this one: the slowest step of a large document's reading that cannot
/// start before the previous one ends, halved. None when either part does
/// not read (or the thread cannot start): the caller reads the document
/// whole, which names the fault.
fn read_in_halves(value: &mut serde_json::Value) -> Option<openapiv3::OpenAPI> {
    use serde::Deserialize;
    // Left in place as null, which reads as no components: the map keeps
    // its order for the caller.
    let components = std::mem::take(value.get_mut("components")?);
    let (rest, read) = crate::at_once(
        || openapiv3::OpenAPI::deserialize(&*value).ok(),
        || openapiv3::Components::deserialize(&components).ok(),
    );
    if let Some(slot) = value.get_mut("components") {
        *slot = components;
    }
    let mut document = rest?;
    document.components = Some(read?);
    Some(document)
}

/// The first operation (or else path item) that does not read on its own:
/// serde reports a fault anywhere under `paths` at `#/paths` (its map is
/// flattened into `Paths`).
fn locate_in_paths(value: &serde_json::Value) -> Option<(Vec<String>, String)> {
    const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    for (path, item) in value.get("paths")?.as_object()? {
        let at = |tail: &[&str]| -> Vec<String> { ["paths", path.as_str()].iter().chain(tail).map(|s| (*s).to_owned()).collect() };
        for method in METHODS {
            if let Some(Err(fault)) = item.get(method).map(|operation| read_at::<openapiv3::Operation>(&at(&[method]), operation)) {
                return Some(fault);
            }
        }
        if let Err(fault) = read_at::<openapiv3::ReferenceOr<openapiv3::PathItem>>(&at(&[]), item) {
            return Some(fault);
        }
    }
    None
}

/// `segments` as a JSON pointer.
fn pointer(segments: &[String]) -> String {
    crate::model::pointer(&segments.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Reads `value`, found at `prefix`, as a `T`: on failure, the JSON
/// pointer segments of the part at fault and why. Read plainly first:
/// tracking the path costs a fifth of the reading, and is needed only to
/// name a fault.
fn read_at<T: serde::de::DeserializeOwned>(prefix: &[String], value: &serde_json::Value) -> Result<T, (Vec<String>, String)> {
    if let Ok(read) = T::deserialize(value) {
        return Ok(read);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let segment = |segment: &serde_path_to_error::Segment| match segment {
            // `Display` writes an index as `[0]`; a JSON pointer has `0`.
            serde_path_to_error::Segment::Seq { index } => index.to_string(),
            other => other.to_string(),
        };
        let at: Vec<String> = prefix.iter().cloned().chain(e.path().iter().map(segment)).collect();
        (at, e.inner().to_string())
    })
}

/// Schemas nested this many levels deep (or more) are read on their own
/// before the document is.
const DEEP_SCHEMA: usize = 8;

/// How many levels of composition (`allOf` in `oneOf` in ...) typify is
/// given: it merges a schema's own keywords into each member, level by
/// level, in time exponential in the depth (22 levels took hours).
const MAX_COMPOSITION: usize = 10;

/// `openapiv3` reads a schema by trying each kind of schema in turn, so a
/// schema that fails to read deep inside is tried again at every level
/// above it: time exponential in the depth (a 32-level one took hours).
/// Reading each deep schema on its own, deepest first, finds the fault in
/// time linear in the depth, naming its JSON pointer. Also refuses
/// composition nested deeper than [`MAX_COMPOSITION`]. Returns the schema
/// height of `value` and its composition depth (0 when not a schema).
fn check_deep_schemas(value: &serde_json::Value, path: &mut Vec<String>, is_schema: bool) -> Result<(usize, usize), (Vec<String>, String)> {
    use serde_json::Value;
    let Value::Object(object) = value else {
        if let Value::Array(items) = value {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                check_deep_schemas(item, path, false)?;
                path.pop();
            }
        }
        return Ok((0, 0));
    };
    let mut below = 0;
    let mut composition = 0;
    for (key, child) in object {
        // Values, not schemas: a schema's `default`, `enum` and `const`, and
        // examples anywhere. (Outside a schema, `default` is a response.)
        let value_keyword = matches!(key.as_str(), "default" | "enum" | "const") && is_schema;
        if value_keyword || matches!(key.as_str(), "example" | "examples") || key.starts_with("x-") {
            continue;
        }
        path.push(key.clone());
        let members: Vec<(String, &Value)> = match (key.as_str(), child) {
            ("properties", Value::Object(map)) if is_schema => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            ("schemas", Value::Object(map)) if path.len() == 2 && path[0] == "components" => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            ("allOf" | "oneOf" | "anyOf", Value::Array(items)) if is_schema => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => Vec::new(),
        };
        let composed = is_schema && matches!(key.as_str(), "allOf" | "oneOf" | "anyOf" | "not");
        let (height, inner) = if members.is_empty() {
            let child_is_schema = if is_schema { matches!(key.as_str(), "items" | "additionalProperties" | "not") } else { key == "schema" };
            check_deep_schemas(child, path, child_is_schema)?
        } else {
            let mut highest = (0, 0);
            for (name, member) in members {
                path.push(name);
                let (height, inner) = check_deep_schemas(member, path, true)?;
                highest = (highest.0.max(height), highest.1.max(inner));
                path.pop();
            }
            highest
        };
        path.pop();
        if is_schema {
            below = below.max(height);
        }
        if composed {
            composition = composition.max(inner + 1);
        }
    }
    if !is_schema {
        return Ok((0, 0));
    }
    if composition > MAX_COMPOSITION {
        let message = format!("allOf/oneOf/anyOf/not are nested {composition} levels deep here; at most {MAX_COMPOSITION} are supported (merging them takes time exponential in the depth)");
        return Err((path.clone(), message));
    }
    if below + 1 >= DEEP_SCHEMA {
        read_at::<openapiv3::ReferenceOr<openapiv3::Schema>>(path, value).map_err(|(at, message)| (at, format!("not a valid OpenAPI 3.0 schema: {message}")))?;
    }
    Ok((below + 1, composition))
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
    let (mut value, mut warnings) = crate::swagger2::convert(value);
    // Swagger documents in the wild use 3.1-style schema keywords too
    // (`type: [string, "null"]`); the 3.1 rewrites handle them.
    warnings.extend(downgrade(spec, &mut value)?);
    Ok((value, warnings))
}

/// The spec's YAML or JSON text as a JSON value, as written (no
/// conversion), with non-string keys as strings. JSON text is read by
/// serde_json (several times faster than a YAML parser); YAML, and JSON
/// that serde_json refuses, by serde_yaml (a large document in two parts
/// at once, [`crate::split_yaml`]), whose errors carry a line and column.
///
/// # Errors
///
/// A [`GenerateError`] naming the line and column when the text is not YAML or JSON.
pub fn parse(spec: &SpecSource) -> Result<serde_json::Value, GenerateError> {
    let json = spec.text.trim_start_matches('\u{feff}');
    if json.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str(json) {
            return Ok(value);
        }
    }
    if let Some(value) = crate::split_yaml::parse(&spec.text, to_json) {
        return Ok(value);
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(&spec.text)
        .map_err(|e| GenerateError::new(&spec.label, location(&e), format!("not valid YAML: {e}")))?;
    Ok(to_json(yaml))
}

fn downgrade(spec: &SpecSource, value: &mut serde_json::Value) -> Result<Vec<crate::Warning>, GenerateError> {
    crate::downgrade::to_3_0(value).map_err(|(item, message)| GenerateError::new(&spec.label, item, message))
}

/// YAML to JSON, with non-string keys (such as unquoted status codes) as strings.
pub(crate) fn to_json(yaml: serde_yaml::Value) -> serde_json::Value {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> serde_json::Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        parse(&SpecSource { label: name.to_owned(), slug: "seed".to_owned(), text }).unwrap()
    }

    #[test]
    fn a_document_read_in_halves_is_the_document_read_whole() {
        for name in ["indream.yaml", "mediapocket.yaml", "ncloud-media-intelligence.yaml", "scenario.yaml"] {
            let value = seed(name);
            let whole: openapiv3::OpenAPI = serde_json::from_value(value.clone()).unwrap();
            let mut read = value.clone();
            let halves = read_in_halves(&mut read).expect("both halves read");
            assert!(halves.components.as_ref().is_some_and(|components| !components.schemas.is_empty()), "{name} has component schemas");
            assert_eq!(halves, whole, "{name}");
            assert_eq!(read, value, "{name}: the value is left as it was");
        }
    }

    #[test]
    fn a_half_that_does_not_read_leaves_the_whole_to_the_caller() {
        let mut broken = seed("indream.yaml");
        broken["components"]["schemas"]["Broken"] = serde_json::json!(5);
        let before = broken.clone();
        assert!(read_in_halves(&mut broken).is_none());
        assert_eq!(broken, before, "the value is left as it was");
        let mut without = seed("indream.yaml");
        without.as_object_mut().unwrap().remove("components");
        assert!(read_in_halves(&mut without).is_none(), "no components: nothing to read apart");
        let mut bad_rest = seed("indream.yaml");
        bad_rest["info"] = serde_json::json!([]);
        assert!(read_in_halves(&mut bad_rest).is_none());
    }
}
