//! Names the generated crate defines itself, which an operation or a
//! parameter of the spec must not take: an operation called `builder` would
//! be a second `Client::builder`, one called `Error` a second `Error` in the
//! builder module, a parameter called `send` a second `send` on its request
//! builder. [`crate::normalize`] renames such operations (`builderOperation`)
//! and query, header and cookie parameters (`sendInQuery`); a path parameter
//! is renamed here, in its path template too.

use serde_json::Value;

use crate::model::pointer;
use crate::names::{builder_name, field_name, method_name};
use crate::Warning;

/// Methods the generated crate defines on `Client` (ours in `client.rs`,
/// progenitor's `ClientInfo`) and on `mock::MockServer`, where every
/// operation also gets a method.
pub const METHODS: &[&str] = &[
    // client.rs
    "new", "builder", "with_retry_policy", "with_request_timeout", "base_url", "retry_policy", "timeouts", "request_id",
    // progenitor's ClientInfo
    "api_version", "baseurl", "client", "inner",
    // mock.rs
    "start", "credentials", "wiremock", "verify", "reset",
];

/// Names in scope where every operation also gets a struct of its builder
/// name: progenitor's `builder` module imports some and uses the prelude's
/// unqualified (`Result<_, String>`), and `mock.rs` defines `MockServer` and
/// `Sample`.
pub const BUILDERS: &[&str] = &[
    // progenitor's builder module
    "ByteStream", "ClientHooks", "ClientInfo", "Error", "OperationInfo", "RequestBuilderExt", "ResponseValue",
    // mock.rs
    "MockServer", "Sample",
    // the prelude's types and traits
    "AsMut", "AsRef", "Box", "Clone", "Copy", "Default", "DoubleEndedIterator", "Drop", "Eq", "ExactSizeIterator",
    "Extend", "Fn", "FnMut", "FnOnce", "From", "FromIterator", "Into", "IntoIterator", "Iterator", "Option", "Ord",
    "PartialEq", "PartialOrd", "Result", "Send", "Sized", "String", "Sync", "ToOwned", "ToString", "TryFrom",
    "TryInto", "Unpin", "Vec",
];

/// Methods and fields the generated crate defines on every request builder
/// (progenitor's `new`, `body` and `client`, our `send`, per-call options and
/// pagination), where every parameter also gets a setter and a field. (A
/// mock's setters avoid its own methods themselves: `expect_param`.)
pub const SETTERS: &[&str] = &[
    // progenitor's builder
    "new", "body", "body_map", "client",
    // operations.rs
    "send", "send_upload", "send_multipart", "call", "decode", crate::progenitor_pass::CALL_OPTIONS_FIELD,
    "with_header", "with_timeout", "with_retry_policy", "with_idempotency_key", "with_options",
    // pagination.rs
    "pages", "pages_from", "items", "items_from",
];

/// The name the generated crate defines itself that `operation_id`'s method
/// or builder would clash with (`` method `builder` ``), if any.
pub fn operation_clash(operation_id: &str) -> Option<String> {
    let method = method_name(operation_id);
    let builder = builder_name(operation_id);
    if METHODS.contains(&method.as_str()) {
        Some(format!("method `{method}`"))
    } else if BUILDERS.contains(&builder.as_str()) {
        Some(format!("type `{builder}`"))
    } else {
        None
    }
}

/// Whether a parameter called `name` would have the setter of one of the
/// request builder's own methods or fields.
pub fn is_reserved_parameter(name: &str) -> bool {
    SETTERS.contains(&field_name(name).as_str())
}

/// Renames, with a warning, every path parameter whose setter would be one
/// of the request builder's own (`/clients/{client}` →
/// `/clients/{clientInPath}`), in the template and in the declarations of the
/// path item and its operations: only a path parameter's value travels, so
/// the request on the wire is unchanged. Runs after the declarations are
/// resolved (no `$ref` left among them).
pub fn rename_reserved_path_parameters(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return warnings };
    let templates: Vec<String> = paths.keys().filter(|path| variables(path).any(is_reserved_parameter)).cloned().collect();
    for template in templates {
        let mut renamed = template.clone();
        let mut renames = Vec::new();
        for variable in variables(&template).filter(|variable| is_reserved_parameter(variable)) {
            let base = format!("{variable}InPath");
            let mut candidates = std::iter::once(base.clone()).chain((2..).map(|n| format!("{base}{n}")));
            let free = |candidate: &String| {
                let next = renamed.replace(&format!("{{{variable}}}"), &format!("{{{candidate}}}"));
                !renamed.contains(&format!("{{{candidate}}}")) && !paths.contains_key(&next)
            };
            let Some(chosen) = candidates.find(free) else { continue };
            renamed = renamed.replace(&format!("{{{variable}}}"), &format!("{{{chosen}}}"));
            renames.push((variable.to_owned(), chosen));
        }
        let Some(mut item) = paths.remove(&template) else { continue };
        rename_declarations(&mut item, &renames);
        for (variable, chosen) in &renames {
            warnings.push(Warning::new(
                template.as_str(),
                format!(
                    "{}: the path parameter `{variable}` would take the request builder's own `{}`; it is renamed `{chosen}`, its setter `{}` (only its value is sent)",
                    pointer(&["paths", &template]),
                    field_name(variable),
                    field_name(chosen)
                ),
            ));
        }
        paths.insert(renamed, item);
    }
    warnings
}

/// The `{variables}` of a path template.
fn variables(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(variable, _)| variable))
}

/// Renames the path parameters of a path item and of its operations.
fn rename_declarations(item: &mut Value, renames: &[(String, String)]) {
    let Some(item) = item.as_object_mut() else { return };
    for (key, value) in item.iter_mut() {
        let list = if key == "parameters" { Some(value) } else { value.get_mut("parameters") };
        let Some(Value::Array(list)) = list else { continue };
        for parameter in list.iter_mut().filter_map(Value::as_object_mut) {
            if parameter.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
            if let Some((_, chosen)) = renames.iter().find(|(variable, _)| variable == name) {
                parameter.insert("name".to_owned(), Value::String(chosen.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_named_like_the_crates_own_items_are_reserved() {
        assert_eq!(operation_clash("builder").as_deref(), Some("method `builder`"));
        assert_eq!(operation_clash("Error").as_deref(), Some("type `Error`"));
        assert_eq!(operation_clash("string").as_deref(), Some("type `String`"));
        assert_eq!(operation_clash("mockServer").as_deref(), Some("type `MockServer`"));
        assert_eq!(operation_clash("listErrors"), None);
        assert_eq!(operation_clash("builderOperation"), None);
    }

    #[test]
    fn a_reserved_path_parameter_is_renamed_in_its_template_and_declarations() {
        let mut document = serde_json::json!({"paths": {
            "/clients/{client}/items/{id}": {
                "parameters": [{"name": "client", "in": "path"}],
                "get": {"parameters": [{"name": "id", "in": "path"}, {"name": "client", "in": "query"}]},
                "put": {"parameters": [{"name": "client", "in": "path"}]},
            },
            "/clients/{clientInPath}/items/{id}": {},
        }});
        let warnings = rename_reserved_path_parameters(&mut document);
        let item = &document["paths"]["/clients/{clientInPath2}/items/{id}"];
        assert_eq!(item["parameters"][0]["name"], "clientInPath2");
        assert_eq!(item["put"]["parameters"][0]["name"], "clientInPath2");
        assert_eq!(item["get"]["parameters"][1]["name"], "client", "a query parameter is not the path's");
        assert!(document["paths"].get("/clients/{client}/items/{id}").is_none());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("`client`"), "{}", warnings[0].message);
    }
}
