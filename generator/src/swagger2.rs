//! Swagger 2.0 in, OpenAPI 3.0.3 out, at load time, so a Swagger document
//! goes through the same tolerant pipeline as any other. Each construct is
//! mapped the way swagger2openapi, the reference converter, maps it:
//!
//! - `host` + `basePath` + `schemes` → `servers`;
//! - `consumes`/`produces` (the operation's, else the document's, else JSON)
//!   → the media types of request bodies and responses;
//! - `in: body` → `requestBody`; `in: formData` → a `multipart/form-data`
//!   body when a field is a file or the operation consumes multipart,
//!   `application/x-www-form-urlencoded` otherwise;
//! - a parameter's type keywords → its `schema`; `collectionFormat` →
//!   `style`/`explode` (`csv`, the Swagger default, is `explode: false`;
//!   `multi` is `form` exploded; `ssv` and `pipes` are space- and
//!   pipe-delimited; `tsv` has no OpenAPI 3 form and is sent as `csv`, with
//!   a warning);
//! - `definitions`, `parameters` (a body parameter becomes a request body),
//!   `responses` → `components`, and every `$ref` rewritten to match;
//! - `securityDefinitions` → `securitySchemes` (`basic` → HTTP basic; OAuth2
//!   `implicit`, `password`, `application`, `accessCode` → the 3.0 flows);
//! - `type: file` → a binary string; `x-nullable` → `nullable`;
//!   `discriminator: name` → `{propertyName: name}`; `x-ms-paths` merged
//!   into `paths` with a warning; other `x-` extensions kept.

use serde_json::{json, Map, Value};

use crate::Warning;

/// Keywords a Swagger non-body parameter carries for its type, which move
/// into the OpenAPI 3 parameter's `schema`.
const SCHEMA_KEYWORDS: [&str; 17] = [
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf", "x-nullable",
];

/// Whether `document` is Swagger 2.0 (`swagger: "2.0"`).
pub fn is_swagger_2(document: &Value) -> bool {
    document.get("swagger").and_then(Value::as_str).is_some_and(|v| v.starts_with("2."))
}

/// The converter's state: the source document, its `definitions` (taken
/// out of it), and the warnings so far.
struct Converter<'a> {
    source: &'a Value,
    definitions: Option<Value>,
    warnings: Vec<Warning>,
}

/// Converts `swagger` into a new OpenAPI 3.0.3 document.
pub fn convert(mut swagger: Value) -> (Value, Vec<Warning>) {
    // Moved into the new document rather than copied: the schemas are
    // most of a large document.
    let definitions = swagger.get_mut("definitions").map(Value::take);
    let mut converter = Converter { source: &swagger, definitions, warnings: Vec::new() };
    let document = converter.document();
    (document, converter.warnings)
}

impl Converter<'_> {
    fn document(&mut self) -> Value {
        let source = self.source;
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        for key in ["info", "tags", "externalDocs", "security"] {
            if let Some(value) = source.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        copy_extensions(source, &mut out, &["x-ms-paths"]);
        out.insert("servers".into(), self.servers());
        let mut paths = self.paths(source.get("paths"));
        if let Some(Value::Object(ms_paths)) = source.get("x-ms-paths") {
            let extra = self.paths(source.get("x-ms-paths"));
            if let (Value::Object(paths), Value::Object(extra)) = (&mut paths, extra) {
                for (path, item) in extra {
                    paths.entry(path).or_insert(item);
                }
            }
            self.warnings.push(Warning::new(
                "#/x-ms-paths",
                format!("{} path(s) from `x-ms-paths` are generated like `paths`, with their query part in the path", ms_paths.len()),
            ));
        }
        out.insert("paths".into(), paths);
        out.insert("components".into(), self.components());
        // The crate's README says where the document came from.
        out.insert("x-sdk-converted-from".into(), json!("Swagger 2.0"));
        let mut document = Value::Object(out);
        rewrite_refs(&mut document, source);
        document
    }

    /// `servers` from `host`, `basePath` and `schemes`.
    fn servers(&self) -> Value {
        let source = self.source;
        let base = source.get("basePath").and_then(Value::as_str).unwrap_or("").trim_end_matches('/');
        let Some(host) = source.get("host").and_then(Value::as_str) else {
            return json!([{"url": if base.is_empty() { "/" } else { base }}]);
        };
        let schemes: Vec<&str> = source
            .get("schemes")
            .and_then(Value::as_array)
            .map(|s| s.iter().filter_map(Value::as_str).collect())
            .filter(|s: &Vec<&str>| !s.is_empty())
            .unwrap_or_else(|| vec!["https"]);
        // HTTPS first: a client should prefer it when the API offers both.
        let mut ordered = schemes.clone();
        ordered.sort_by_key(|scheme| *scheme != "https");
        Value::Array(ordered.iter().map(|scheme| json!({"url": format!("{scheme}://{host}{base}")})).collect())
    }

    fn paths(&mut self, paths: Option<&Value>) -> Value {
        let mut out = Map::new();
        let Some(Value::Object(paths)) = paths else { return Value::Object(out) };
        for (path, item) in paths {
            if path.starts_with("x-") {
                out.insert(path.clone(), item.clone());
                continue;
            }
            let Some(item) = item.as_object() else { continue };
            let mut converted = Map::new();
            let shared: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            for (key, value) in item {
                match key.as_str() {
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => {
                        converted.insert(key.clone(), self.operation(value, &shared));
                    }
                    "parameters" => {
                        // Path-level body and form parameters belong to each
                        // operation's body (merged in `operation`).
                        let kept: Vec<&Value> = shared.iter().filter(|p| !self.is_body_or_form(p)).collect();
                        let plain: Vec<Value> = kept.into_iter().map(|p| self.parameter(p)).collect();
                        if !plain.is_empty() {
                            converted.insert("parameters".into(), Value::Array(plain));
                        }
                    }
                    other if other.starts_with("x-") || other == "$ref" => {
                        converted.insert(key.clone(), value.clone());
                    }
                    _ => {}
                }
            }
            out.insert(path.clone(), Value::Object(converted));
        }
        Value::Object(out)
    }

    /// Whether `parameter` (resolved) is `in: body` or `in: formData`.
    fn is_body_or_form(&self, parameter: &Value) -> bool {
        matches!(self.resolve(parameter).get("in").and_then(Value::as_str), Some("body" | "formData"))
    }

    /// Follows a `#/parameters/...` reference in the Swagger document.
    fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(target) => self.source.pointer(target).unwrap_or(value),
            None => value,
        }
    }

    fn operation(&mut self, operation: &Value, shared: &[Value]) -> Value {
        let Some(source) = operation.as_object() else { return operation.clone() };
        let mut out = Map::new();
        for (key, value) in source {
            match key.as_str() {
                "parameters" | "responses" | "consumes" | "produces" | "schemes" => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let own: Vec<Value> = source.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        // The operation's parameters override the path's of the same name and place.
        let key = |p: &Value| {
            let p = self.resolve(p);
            (p.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(), p.get("in").and_then(Value::as_str).unwrap_or_default().to_owned())
        };
        let own_keys: Vec<(String, String)> = own.iter().map(key).collect();
        let all: Vec<Value> = shared.iter().filter(|p| !own_keys.contains(&key(p))).cloned().chain(own.iter().cloned()).collect();
        let kept: Vec<&Value> = own.iter().filter(|p| !self.is_body_or_form(p)).collect();
        let plain: Vec<Value> = kept.into_iter().map(|p| self.parameter(p)).collect();
        if !plain.is_empty() {
            out.insert("parameters".into(), Value::Array(plain));
        }
        let consumes = self.media(source.get("consumes"), "consumes");
        if let Some(body) = self.request_body(&all, &consumes) {
            out.insert("requestBody".into(), body);
        }
        let produces = self.media(source.get("produces"), "produces");
        let mut responses = Map::new();
        if let Some(Value::Object(declared)) = source.get("responses") {
            for (status, response) in declared {
                let converted = if status.starts_with("x-") { response.clone() } else { self.response(response, &produces) };
                responses.insert(status.clone(), converted);
            }
        }
        out.insert("responses".into(), Value::Object(responses));
        Value::Object(out)
    }

    /// An operation's media types, else the document's; an empty list
    /// (which clears the document's, in Swagger 2.0) or none at all means JSON.
    fn media(&self, own: Option<&Value>, key: &str) -> Vec<String> {
        let listed = |value: Option<&Value>| -> Option<Vec<String>> {
            Some(value?.as_array()?.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        };
        let list = listed(own).or_else(|| listed(self.source.get(key))).unwrap_or_default();
        if list.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            list
        }
    }

    /// The request body from `in: body` or the `in: formData` parameters.
    fn request_body(&self, parameters: &[Value], consumes: &[String]) -> Option<Value> {
        let resolved: Vec<(&Value, &Value)> = parameters.iter().map(|p| (p, self.resolve(p))).collect();
        if let Some((original, body)) = resolved.iter().find(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body")) {
            if let Some(reference) = original.get("$ref").and_then(Value::as_str) {
                let name = reference.rsplit('/').next().unwrap_or_default();
                return Some(json!({"$ref": format!("#/components/requestBodies/{name}")}));
            }
            return Some(body_parameter(body, consumes));
        }
        let fields: Vec<&Value> = resolved.iter().map(|(_, p)| *p).filter(|p| p.get("in").and_then(Value::as_str) == Some("formData")).collect();
        if fields.is_empty() {
            return None;
        }
        let has_file = fields.iter().any(|f| f.get("type").and_then(Value::as_str) == Some("file"));
        let media = if has_file || consumes.iter().any(|m| m.starts_with("multipart/")) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in fields {
            let name = field.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let mut schema = self.schema_of(field);
            if let Some(description) = field.get("description") {
                schema.insert("description".into(), description.clone());
            }
            if field.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, Value::Object(schema));
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        Some(json!({"required": !required.is_empty(), "content": {media: {"schema": schema}}}))
    }

    /// A non-body parameter: its type keywords moved into `schema`, its
    /// `collectionFormat` into `style` and `explode`.
    fn parameter(&mut self, parameter: &Value) -> Value {
        if let Some(reference) = parameter.get("$ref") {
            return json!({"$ref": reference});
        }
        let Some(source) = parameter.as_object() else { return parameter.clone() };
        let mut out = Map::new();
        for (key, value) in source {
            let moved = SCHEMA_KEYWORDS.contains(&key.as_str()) || key == "collectionFormat" || key == "allowEmptyValue";
            if !moved {
                out.insert(key.clone(), value.clone());
            }
        }
        let location = source.get("in").and_then(Value::as_str).unwrap_or_default();
        if source.get("type").and_then(Value::as_str) == Some("array") {
            let format = source.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
            let (style, explode) = match (location, format) {
                ("query", "multi") => ("form", true),
                ("query", "ssv") => ("spaceDelimited", false),
                ("query", "pipes") => ("pipeDelimited", false),
                ("query", "tsv") => {
                    let name = source.get("name").and_then(Value::as_str).unwrap_or_default();
                    self.warnings.push(Warning::new(
                        format!("parameter {name}"),
                        "`collectionFormat: tsv` has no OpenAPI 3 form; the values are sent comma-separated",
                    ));
                    ("form", false)
                }
                ("query", _) => ("form", false),
                (_, _) => ("simple", false),
            };
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        if location == "query" && source.get("allowEmptyValue").is_some() {
            out.insert("allowEmptyValue".into(), source["allowEmptyValue"].clone());
        }
        out.insert("schema".into(), Value::Object(self.schema_of(parameter)));
        Value::Object(out)
    }

    /// The schema a non-body parameter or header describes with its own keywords.
    fn schema_of(&self, parameter: &Value) -> Map<String, Value> {
        let mut schema = Map::new();
        for key in SCHEMA_KEYWORDS {
            if let Some(value) = parameter.get(key) {
                schema.insert(key.to_owned(), value.clone());
            }
        }
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("binary"));
        }
        if let Some(Value::Object(items)) = schema.get_mut("items") {
            items.remove("collectionFormat");
        }
        schema
    }

    fn response(&mut self, response: &Value, produces: &[String]) -> Value {
        if let Some(reference) = response.get("$ref") {
            return json!({"$ref": reference});
        }
        let Some(source) = response.as_object() else { return response.clone() };
        let mut out = Map::new();
        out.insert("description".into(), source.get("description").cloned().unwrap_or_else(|| json!("")));
        copy_extensions(response, &mut out, &[]);
        if let Some(schema) = source.get("schema") {
            let examples = source.get("examples").and_then(Value::as_object);
            let content: Map<String, Value> = produces
                .iter()
                .map(|media| {
                    let mut entry = json!({"schema": schema});
                    if let Some(example) = examples.and_then(|e| e.get(media)) {
                        entry["example"] = example.clone();
                    }
                    (media.clone(), entry)
                })
                .collect();
            out.insert("content".into(), Value::Object(content));
        }
        if let Some(Value::Object(headers)) = source.get("headers") {
            let converted: Map<String, Value> = headers
                .iter()
                .map(|(name, header)| {
                    let mut entry = Map::new();
                    if let Some(description) = header.get("description") {
                        entry.insert("description".into(), description.clone());
                    }
                    entry.insert("schema".into(), Value::Object(self.schema_of(header)));
                    (name.clone(), Value::Object(entry))
                })
                .collect();
            out.insert("headers".into(), Value::Object(converted));
        }
        Value::Object(out)
    }

    fn components(&mut self) -> Value {
        let source = self.source;
        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = self.definitions.take() {
            let schemas: Map<String, Value> = definitions.into_iter().map(|(name, schema)| (component_name(&name), schema)).collect();
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(Value::Object(parameters)) = source.get("parameters") {
            let consumes = self.media(None, "consumes");
            let mut plain = Map::new();
            let mut bodies = Map::new();
            for (name, parameter) in parameters {
                match parameter.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        bodies.insert(name.clone(), body_parameter(parameter, &consumes));
                    }
                    // Form fields are merged into each operation's body.
                    Some("formData") => {}
                    _ => {
                        plain.insert(name.clone(), self.parameter(parameter));
                    }
                }
            }
            components.insert("parameters".into(), Value::Object(plain));
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
        if let Some(Value::Object(responses)) = source.get("responses") {
            let produces = self.media(None, "produces");
            let converted: Map<String, Value> = responses.iter().map(|(name, r)| (name.clone(), self.response(r, &produces))).collect();
            components.insert("responses".into(), Value::Object(converted));
        }
        if let Some(Value::Object(definitions)) = source.get("securityDefinitions") {
            let schemes: Map<String, Value> = definitions.iter().map(|(name, d)| (name.clone(), security_scheme(d))).collect();
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }
        Value::Object(components)
    }
}

/// `in: body` as a request body with one entry per media type.
fn body_parameter(body: &Value, consumes: &[String]) -> Value {
    let schema = body.get("schema").cloned().unwrap_or_else(|| json!({}));
    let content: Map<String, Value> = consumes.iter().map(|media| (media.clone(), json!({"schema": schema}))).collect();
    let mut out = json!({"content": content, "required": body.get("required").and_then(Value::as_bool).unwrap_or(false)});
    if let Some(description) = body.get("description") {
        out["description"] = description.clone();
    }
    if let Some(name) = body.get("x-ms-client-name").or_else(|| body.get("name")) {
        out["x-codegen-request-body-name"] = name.clone();
    }
    out
}

fn security_scheme(definition: &Value) -> Value {
    let mut out = match definition.get("type").and_then(Value::as_str) {
        Some("basic") => json!({"type": "http", "scheme": "basic"}),
        Some("apiKey") => json!({"type": "apiKey", "name": definition.get("name"), "in": definition.get("in")}),
        Some("oauth2") => {
            let scopes = definition.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let authorization = definition.get("authorizationUrl").cloned().unwrap_or_else(|| json!(""));
            let token = definition.get("tokenUrl").cloned().unwrap_or_else(|| json!(""));
            let flows = match definition.get("flow").and_then(Value::as_str) {
                Some("implicit") => json!({"implicit": {"authorizationUrl": authorization, "scopes": scopes}}),
                Some("password") => json!({"password": {"tokenUrl": token, "scopes": scopes}}),
                Some("application") => json!({"clientCredentials": {"tokenUrl": token, "scopes": scopes}}),
                _ => json!({"authorizationCode": {"authorizationUrl": authorization, "tokenUrl": token, "scopes": scopes}}),
            };
            json!({"type": "oauth2", "flows": flows})
        }
        _ => definition.clone(),
    };
    if let (Some(description), Value::Object(map)) = (definition.get("description"), &mut out) {
        map.insert("description".into(), description.clone());
    }
    if let (Value::Object(source), Value::Object(map)) = (definition, &mut out) {
        for (key, value) in source.iter().filter(|(k, _)| k.starts_with("x-")) {
            map.insert(key.clone(), value.clone());
        }
    }
    out
}

/// A definition name as an OpenAPI 3 component name, which may hold only
/// `A-Z a-z 0-9 . - _`: others become `_` (`Page[Pet]` → `Page_Pet_`).
fn component_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

fn copy_extensions(source: &Value, out: &mut Map<String, Value>, except: &[&str]) {
    if let Some(source) = source.as_object() {
        for (key, value) in source.iter().filter(|(k, _)| k.starts_with("x-") && !except.contains(&k.as_str())) {
            out.insert(key.clone(), value.clone());
        }
    }
}

/// Rewrites Swagger `$ref`s to their OpenAPI 3 places, and Swagger-only
/// schema keywords (`type: file`, `x-nullable`, a string `discriminator`).
fn rewrite_refs(value: &mut Value, source: &Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                if let Some(name) = reference.strip_prefix("#/definitions/") {
                    *reference = format!("#/components/schemas/{}", component_name(name));
                } else if let Some(name) = reference.strip_prefix("#/parameters/") {
                    let body = source.pointer(&format!("/parameters/{name}")).and_then(|p| p.get("in")).and_then(Value::as_str) == Some("body");
                    *reference = format!("#/components/{}/{name}", if body { "requestBodies" } else { "parameters" });
                } else if let Some(name) = reference.strip_prefix("#/responses/") {
                    *reference = format!("#/components/responses/{name}");
                }
            }
            if object.get("type").and_then(Value::as_str) == Some("file") {
                object.insert("type".into(), json!("string"));
                object.insert("format".into(), json!("binary"));
            }
            if let Some(nullable) = object.remove("x-nullable") {
                object.insert("nullable".into(), nullable);
            }
            if let Some(Value::String(property)) = object.get("discriminator").cloned() {
                object.insert("discriminator".into(), json!({"propertyName": property}));
            }
            for child in object.values_mut() {
                rewrite_refs(child, source);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|child| rewrite_refs(child, source)),
        _ => {}
    }
}
