//! What a document that does not read as OpenAPI 3.0 gives up so that the
//! rest of it does: a part that cannot be read costs only itself, never the
//! whole API. An operation is skipped; a path item is skipped with its
//! operations; a component schema is read as any JSON value; another
//! component (or all of them, when `components` is not an object) is
//! dropped with the operations that refer to it; a security scheme, the
//! document's security requirements, a server, a tag, the external docs, or
//! the info's description, terms, contact or license are dropped. A fault
//! anywhere else (`info` itself, its title or version, `paths` itself) is
//! the document's, and it is refused.

use serde_json::{Map, Value};

use crate::model::pointer;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Components operations refer to with a `$ref`.
const REFERRED_COMPONENTS: [&str; 7] = ["parameters", "responses", "requestBodies", "headers", "examples", "links", "callbacks"];

/// The parts of `info` a crate can do without (its title and version name
/// and number the crate; [`crate::tolerate`] fills them in when missing).
const INFO_DETAILS: [&str; 4] = ["description", "termsOfService", "contact", "license"];

/// Gives up the smallest part of `document` holding the fault at `at`
/// (JSON pointer segments), and says what was given up; `None` when the
/// document cannot do without that part (or already gave it up).
pub fn give_up(document: &mut Value, at: &[String]) -> Option<String> {
    match at {
        [paths, path, method, ..] if paths == "paths" && METHODS.contains(&method.as_str()) => {
            remove(document, &[paths, path], method)?;
            Some(format!("the operation {} {path} is skipped", method.to_uppercase()))
        }
        [paths, path, ..] if paths == "paths" => {
            remove(document, &[paths], path)?;
            Some(format!("the path {path} is skipped, with its operations"))
        }
        [components, kind, name, ..] if components == "components" && kind == "schemas" => {
            let schema = object_at(document, &[components, kind])?.get_mut(name.as_str())?;
            if schema.as_object().is_some_and(Map::is_empty) {
                return None;
            }
            *schema = Value::Object(Map::new());
            Some(format!("the schema {name} is read as any JSON value"))
        }
        [components, kind, name, ..] if components == "components" && REFERRED_COMPONENTS.contains(&kind.as_str()) => {
            remove(document, &[components, kind], name)?;
            let target = pointer(&["components", kind, name]);
            let skipped = skip_operations_referring_to(document, &target);
            let operations = if skipped.is_empty() { String::new() } else { format!(", with the operations that use it ({})", skipped.join(", ")) };
            Some(format!("the component {target} is dropped{operations}"))
        }
        [components, kind, name, ..] if components == "components" && kind == "securitySchemes" => {
            remove(document, &[components, kind], name)?;
            Some(format!("the security scheme {name} is dropped (a security requirement that names it is ignored)"))
        }
        [key, ..] if key == "security" => {
            remove(document, &[], key)?;
            Some("the document's security requirements are dropped (an operation without its own sends no credentials)".to_owned())
        }
        [components] if components == "components" => {
            remove(document, &[], components)?;
            let skipped = skip_operations_referring_to(document, "#/components/");
            let operations = if skipped.is_empty() { String::new() } else { format!(", with the operations that use them ({})", skipped.join(", ")) };
            Some(format!("the components are dropped{operations}"))
        }
        [list, index, ..] if (list == "servers" || list == "tags") && document.get(list.as_str()).is_some_and(Value::is_array) => {
            let items = document.get_mut(list.as_str())?.as_array_mut()?;
            let index: usize = index.parse().ok().filter(|index| *index < items.len())?;
            items.remove(index);
            Some(format!("{list} entry {index} is dropped"))
        }
        [key, ..] if key == "externalDocs" => {
            remove(document, &[], key)?;
            Some("the external docs are dropped".to_owned())
        }
        [key, ..] if key == "servers" || key == "tags" => {
            remove(document, &[], key)?;
            Some(format!("the document's {key} are dropped"))
        }
        [info, key, ..] if info == "info" && INFO_DETAILS.contains(&key.as_str()) => {
            remove(document, &[info], key)?;
            Some(format!("the info's {key} is dropped"))
        }
        _ => None,
    }
}

/// The object at `parents` in `document`.
fn object_at<'a>(document: &'a mut Value, parents: &[&String]) -> Option<&'a mut Map<String, Value>> {
    parents.iter().try_fold(document, |value, key| value.get_mut(key.as_str()))?.as_object_mut()
}

/// Removes `key` from the object at `parents`.
fn remove(document: &mut Value, parents: &[&String], key: &str) -> Option<Value> {
    object_at(document, parents)?.remove(key)
}

/// Skips every operation with a `$ref` to `target` (see [`refers_to`])
/// anywhere inside it; says which (`GET /path`).
fn skip_operations_referring_to(document: &mut Value, target: &str) -> Vec<String> {
    let mut skipped = Vec::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return skipped };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for method in METHODS {
            if item.get(method).is_some_and(|operation| refers_to(operation, target)) {
                item.remove(method);
                skipped.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    skipped
}

/// Whether `value` holds a `$ref` to `target`, or, when `target` ends with
/// `/`, to anything under it.
fn refers_to(value: &Value, target: &str) -> bool {
    let names = |reference: &Value| reference.as_str().is_some_and(|reference| if target.ends_with('/') { reference.starts_with(target) } else { reference == target });
    match value {
        Value::Object(object) => object.iter().any(|(key, child)| (key == "$ref" && names(child)) || refers_to(child, target)),
        Value::Array(items) => items.iter().any(|item| refers_to(item, target)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::give_up;

    fn at(pointer: &str) -> Vec<String> {
        pointer.split('/').skip(1).map(crate::resolve::unescape).collect()
    }

    #[test]
    fn each_fault_costs_the_smallest_part_that_holds_it() {
        let mut document = json!({
            "info": {"title": "T", "license": {"name": 5}},
            "paths": {
                "/a": {"get": {"responses": 5}, "post": {"responses": {}}},
                "/b": {"get": {"parameters": [{"$ref": "#/components/parameters/P"}]}, "put": {}},
                "/c": {"parameters": 7, "get": {}},
            },
            "components": {"schemas": {"S": {"type": 7}}, "parameters": {"P": {"in": 1}}, "securitySchemes": {"K": {"type": "apiKey", "in": "nowhere"}}},
            "tags": [{"name": "x"}, {"name": 5}],
            "security": 5,
        });

        assert_eq!(give_up(&mut document, &at("#/paths/~1a/get/responses")).as_deref(), Some("the operation GET /a is skipped"));
        assert_eq!(give_up(&mut document, &at("#/paths/~1c/parameters")).as_deref(), Some("the path /c is skipped, with its operations"));
        assert_eq!(
            give_up(&mut document, &at("#/components/securitySchemes/K/in")).as_deref(),
            Some("the security scheme K is dropped (a security requirement that names it is ignored)")
        );
        assert_eq!(give_up(&mut document, &at("#/components/schemas/S/type")).as_deref(), Some("the schema S is read as any JSON value"));
        assert_eq!(give_up(&mut document, &at("#/components/schemas/S")), None, "an empty schema cannot be given up again");
        assert_eq!(
            give_up(&mut document, &at("#/components/parameters/P/in")).as_deref(),
            Some("the component #/components/parameters/P is dropped, with the operations that use it (GET /b)")
        );
        assert_eq!(give_up(&mut document, &at("#/tags/1/name")).as_deref(), Some("tags entry 1 is dropped"));
        assert_eq!(
            give_up(&mut document, &at("#/security")).as_deref(),
            Some("the document's security requirements are dropped (an operation without its own sends no credentials)")
        );
        assert_eq!(give_up(&mut document, &at("#/info/title")), None);
        assert_eq!(give_up(&mut document, &at("#/info/license/name")).as_deref(), Some("the info's license is dropped"));
        assert_eq!(give_up(&mut document, &at("#/paths")), None);

        assert_eq!(
            document,
            json!({
                "info": {"title": "T"},
                "paths": {"/a": {"post": {"responses": {}}}, "/b": {"put": {}}},
                "components": {"schemas": {"S": {}}, "parameters": {}, "securitySchemes": {}},
                "tags": [{"name": "x"}],
            })
        );
    }

    #[test]
    fn components_or_lists_of_the_wrong_type_are_dropped_whole() {
        let mut document = json!({
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/P"}]}, "put": {}}},
            "components": 5,
            "servers": true,
            "tags": "x",
        });
        assert_eq!(give_up(&mut document, &at("#/components")).as_deref(), Some("the components are dropped, with the operations that use them (GET /a)"));
        assert_eq!(give_up(&mut document, &at("#/servers")).as_deref(), Some("the document's servers are dropped"));
        assert_eq!(give_up(&mut document, &at("#/tags")).as_deref(), Some("the document's tags are dropped"));
        assert_eq!(give_up(&mut document, &at("#/paths")), None);
        assert_eq!(document, json!({"paths": {"/a": {"put": {}}}}));
    }
}
