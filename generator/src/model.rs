//! What the templates need to know about an API, read once from its spec.
//!
//! progenitor keeps its own view of operations private, so our templates
//! walk the `openapiv3` document themselves and collect the facts here:
//! naming, servers, security schemes (which progenitor ignores) and, per
//! operation, its security requirements and whether retrying it is safe.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Operation, ReferenceOr, SecurityScheme};

use crate::{GenerateError, SpecSource};

/// The facts about one API that the templates render.
#[derive(Clone, Debug)]
pub struct Api {
    /// The spec's label, such as `specs/indream.yaml`.
    pub spec_label: String,
    /// Package name, such as `indream-client`.
    pub crate_name: String,
    /// Library name, such as `indream_client`.
    pub lib_name: String,
    /// `info.title`, such as `Indream Open API`.
    pub title: String,
    /// `info.description`, if any.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// The first server, if the spec declares one.
    pub server: Option<Server>,
    /// Security schemes, in spec order.
    pub schemes: Vec<Scheme>,
    /// Operations, in spec order.
    pub operations: Vec<OperationFacts>,
    /// The document-level `security`, for operations that declare none.
    pub default_security: Vec<Vec<String>>,
    /// The call shown in the crate's example, if an operation fits.
    pub example_call: Option<ExampleCall>,
    /// Optional crates the generated types use.
    pub uses: Uses,
    /// Headers documented as required on every request (`x-default-headers`).
    pub default_headers: Vec<(String, String)>,
    /// Whether the crate has a `pagination` module (set after rendering it).
    pub paginated: bool,
}

impl Api {
    /// Whether some operation takes a streamed upload.
    pub fn has_uploads(&self) -> bool {
        self.operations.iter().any(|operation| operation.upload.is_some())
    }
}

/// Optional crates that progenitor's output refers to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    /// `uuid::Uuid` for `format: uuid`.
    pub uuid: bool,
    /// `chrono` for `format: date-time` and `date`.
    pub chrono: bool,
    /// `regress` for `pattern`.
    pub regress: bool,
}

impl Uses {
    /// Finds the optional crates named in formatted generated code.
    pub fn scan(code: &str) -> Self {
        Self { uuid: code.contains("::uuid::"), chrono: code.contains("::chrono::"), regress: code.contains("::regress::") }
    }
}

/// A builder call for the docs: the method and its required arguments.
#[derive(Clone, Debug)]
pub struct ExampleCall {
    /// Client method, such as `list_project_assets`.
    pub method_name: String,
    /// Setter name and Rust expression, per required parameter.
    pub arguments: Vec<(String, String)>,
}

/// A server URL, possibly templated with `{variables}`.
#[derive(Clone, Debug)]
pub struct Server {
    /// The URL as written in the spec.
    pub url: String,
    /// Its variables, in the order they appear in the URL.
    pub variables: Vec<ServerVariable>,
}

/// One `{variable}` of a server URL.
#[derive(Clone, Debug)]
pub struct ServerVariable {
    /// Name in the URL template.
    pub name: String,
    /// What it stands for.
    pub description: Option<String>,
}

/// One security scheme and how a user supplies its credential.
#[derive(Clone, Debug)]
pub struct Scheme {
    /// Name under `components.securitySchemes`.
    pub name: String,
    /// How the credential travels.
    pub kind: SchemeKind,
    /// The scheme's description.
    pub description: Option<String>,
    /// Name of the `Credentials` constructor for this scheme.
    pub constructor: String,
    /// Environment variables that hold the credential's parts (`x-env`).
    pub env: Vec<String>,
}

/// How a scheme's credential is put on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key in a header (name lower-cased).
    HeaderApiKey { header: String },
    /// An API key in a query parameter.
    QueryApiKey { parameter: String },
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// A literal `Authorization` value (`x-fixed-value`), such as a public token.
    FixedAuthorization { value: String },
    /// NAVER Cloud API Gateway signature v2 (`x-signature: ncp-apigw-v2`).
    NcpSignatureV2,
}

/// What the runtime needs to know about one operation.
#[derive(Clone, Debug)]
pub struct OperationFacts {
    /// The spec's `operationId`.
    pub id: String,
    /// The id as progenitor names the method and reports it to hooks.
    pub method_name: String,
    /// HTTP method, upper-case.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// Security alternatives, each a list of scheme names.
    pub security: Vec<Vec<String>>,
    /// Whether retrying the operation is safe.
    pub idempotent: bool,
    /// Array query parameters sent comma-separated (`explode: false`).
    pub comma_separated_query: Vec<String>,
    /// Documented parameter constraints, checked before sending.
    pub constraints: Vec<Constraint>,
    /// `x-success-when` on the 2xx response: JSON pointer and success value.
    pub success_when: Option<(String, String)>,
    /// How the operation pages (`x-pagination`), if it does.
    pub pagination: Option<crate::pagination::Pagination>,
    /// `x-upload`: the operation takes a streamed file as its body.
    pub upload: Option<UploadFacts>,
}

/// What `x-upload: {file-name: <header>, min-bytes: <n>}` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadFacts {
    /// Builder setter of the header that carries the file name.
    pub file_name_setter: Option<String>,
    /// The fewest bytes the API accepts.
    pub min_bytes: u64,
}

/// A parameter constraint the runtime checks on the built request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// Parameter name as the spec gives it.
    pub parameter: String,
    /// Where it travels.
    pub location: ConstraintLocation,
    /// What it must satisfy.
    pub rule: ConstraintRule,
}

/// Where a constrained parameter travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintLocation {
    /// Query string.
    Query,
    /// Header (lower-cased name).
    Header,
    /// Path segment, counted from the end of the path (so a base URL with
    /// a path of its own does not shift it).
    PathFromEnd(usize),
}

/// A documented bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintRule {
    /// Integer bounds, inclusive.
    Integer { min: Option<i64>, max: Option<i64> },
    /// String length bounds, in characters, inclusive.
    Length { min: Option<usize>, max: Option<usize> },
}

impl Api {
    /// Collects the facts from a loaded spec, rejecting what the templates
    /// cannot render with an error naming the item at fault.
    pub fn from_spec(spec: &SpecSource, document: &OpenAPI) -> Result<Self, GenerateError> {
        let schemes = security_schemes(spec, document)?;
        let default_security = document.security.clone().unwrap_or_default();
        let mut operations = Vec::new();
        for (path, item) in document.paths.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                return Err(GenerateError::new(&spec.label, pointer(&["paths", path]), "a `$ref` path item is not supported"));
            };
            for (method, operation) in item.iter() {
                operations.push(operation_facts(spec, document, &schemes, &default_security, path, &item.parameters, method, operation)?);
            }
        }
        let crate_name = format!("{}-client", spec.slug);
        let default_security = requirement_names(&default_security);
        let example_call = example_call(document);
        Ok(Self {
            spec_label: spec.label.clone(),
            lib_name: crate_name.to_snake_case(),
            crate_name,
            title: document.info.title.clone(),
            description: document.info.description.clone(),
            version: document.info.version.clone(),
            server: document.servers.first().map(|server| Server {
                url: server.url.clone(),
                variables: url_variables(&server.url)
                    .into_iter()
                    .map(|name| ServerVariable {
                        description: server
                            .variables
                            .as_ref()
                            .and_then(|vars| vars.get(&name))
                            .and_then(|var| var.description.clone()),
                        name,
                    })
                    .collect(),
            }),
            schemes,
            operations,
            default_security,
            example_call,
            uses: Uses::default(),
            default_headers: default_headers(spec, document)?,
            paginated: false,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn operation_facts(
    spec: &SpecSource,
    document: &OpenAPI,
    schemes: &[Scheme],
    default_security: &[openapiv3::SecurityRequirement],
    path: &str,
    path_parameters: &[ReferenceOr<openapiv3::Parameter>],
    method: &str,
    operation: &Operation,
) -> Result<OperationFacts, GenerateError> {
    let here = pointer(&["paths", path, method]);
    let id = operation
        .operation_id
        .clone()
        .ok_or_else(|| GenerateError::new(&spec.label, &here, format!("{} {path} has no operationId", method.to_uppercase())))?;
    let requirements = operation.security.as_deref().unwrap_or(default_security);
    let mut security = Vec::new();
    for requirement in requirements {
        let mut alternative = Vec::new();
        for name in requirement.keys() {
            if !schemes.iter().any(|scheme| &scheme.name == name) {
                return Err(GenerateError::new(
                    &spec.label,
                    format!("operation {id}"),
                    format!("security requirement names `{name}`, which is not in components.securitySchemes"),
                ));
            }
            alternative.push(name.clone());
        }
        security.push(alternative);
    }
    let declares_idempotency_key = operation.parameters.iter().any(|parameter| match parameter {
        ReferenceOr::Item(openapiv3::Parameter::Header { parameter_data, .. }) => {
            parameter_data.name.eq_ignore_ascii_case("idempotency-key")
        }
        _ => false,
    });
    let by_method = matches!(method, "get" | "head" | "put" | "delete" | "options");
    let success_when = success_when(spec, &id, operation)?;
    let id_for_errors = id.clone();
    let declared = operation.extensions.get("x-idempotent").and_then(|v| v.as_bool());
    Ok(OperationFacts {
        method_name: id.to_snake_case(),
        id,
        http_method: method.to_uppercase(),
        path: path.to_owned(),
        security,
        idempotent: declared.unwrap_or(by_method || declares_idempotency_key),
        constraints: constraints(path, path_parameters.iter().chain(&operation.parameters)),
        success_when,
        upload: upload_facts(operation).map_err(|message| GenerateError::new(&spec.label, format!("operation {id_for_errors}"), message))?,
        pagination: crate::pagination::read(document, operation)
            .map_err(|message| GenerateError::new(&spec.label, format!("operation {id_for_errors}"), message))?,
        comma_separated_query: operation
            .parameters
            .iter()
            .filter_map(|parameter| match parameter {
                ReferenceOr::Item(openapiv3::Parameter::Query { parameter_data, style: openapiv3::QueryStyle::Form, .. })
                    if parameter_data.explode == Some(false) =>
                {
                    Some(parameter_data.name.clone())
                }
                _ => None,
            })
            .collect(),
    })
}

fn security_schemes(spec: &SpecSource, document: &OpenAPI) -> Result<Vec<Scheme>, GenerateError> {
    let Some(components) = &document.components else { return Ok(Vec::new()) };
    let mut schemes = Vec::new();
    for (name, scheme) in components.security_schemes.iter() {
        let here = pointer(&["components", "securitySchemes", name]);
        let fail = |message: String| GenerateError::new(&spec.label, &here, message);
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(fail("a `$ref` security scheme is not supported".to_owned()));
        };
        let extensions = SchemeExtensions(scheme);
        let fixed_value = extensions.get("x-fixed-value").and_then(|v| v.as_str()).map(str::to_owned);
        let (kind, description, default_constructor) = match scheme {
            SecurityScheme::APIKey { location, name: key_name, description, .. } => {
                let kind = match (location, fixed_value) {
                    (openapiv3::APIKeyLocation::Header, Some(value)) if key_name.eq_ignore_ascii_case("authorization") => {
                        SchemeKind::FixedAuthorization { value }
                    }
                    (_, Some(_)) => return Err(fail("`x-fixed-value` is supported only on an `Authorization` header key".to_owned())),
                    (openapiv3::APIKeyLocation::Header, None) if extensions.get("x-signature").is_some() => {
                        signature_kind(extensions.get("x-signature")).map_err(fail)?
                    }
                    (openapiv3::APIKeyLocation::Header, None) => SchemeKind::HeaderApiKey { header: key_name.to_ascii_lowercase() },
                    (openapiv3::APIKeyLocation::Query, None) => SchemeKind::QueryApiKey { parameter: key_name.clone() },
                    (openapiv3::APIKeyLocation::Cookie, None) => return Err(fail("cookie API keys are not supported".to_owned())),
                };
                let constructor = match &kind {
                    SchemeKind::FixedAuthorization { .. } => "public",
                    SchemeKind::NcpSignatureV2 => "access_key",
                    _ => "api_key",
                };
                (kind, description.clone(), constructor)
            }
            SecurityScheme::HTTP { scheme: http, description, .. } => match http.to_ascii_lowercase().as_str() {
                "bearer" => (SchemeKind::Bearer, description.clone(), "bearer"),
                "basic" => (SchemeKind::Basic, description.clone(), "basic"),
                other => return Err(fail(format!("HTTP scheme `{other}` is not supported (only bearer and basic)"))),
            },
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => {
                return Err(fail("OAuth2 and OpenID Connect schemes are not supported yet".to_owned()))
            }
        };
        let env = match extensions.get("x-env") {
            None => Vec::new(),
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            Some(serde_json::Value::Array(many)) => many.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            Some(_) => return Err(fail("`x-env` must be a variable name or a list of them".to_owned())),
        };
        let parts = match kind {
            SchemeKind::FixedAuthorization { .. } => 0,
            SchemeKind::Basic | SchemeKind::NcpSignatureV2 => 2,
            _ => 1,
        };
        if !env.is_empty() && env.len() != parts {
            return Err(fail(format!("`x-env` lists {} variables but this scheme takes {parts}", env.len())));
        }
        let constructor = extensions
            .get("x-credentials-constructor")
            .and_then(|v| v.as_str())
            .unwrap_or(default_constructor)
            .to_snake_case();
        schemes.push(Scheme { name: name.clone(), kind, description, constructor, env });
    }
    let mut seen = std::collections::BTreeSet::new();
    for scheme in &schemes {
        if !seen.insert(&scheme.constructor) {
            return Err(GenerateError::new(
                &spec.label,
                pointer(&["components", "securitySchemes", &scheme.name]),
                format!("two schemes would both get the constructor `{}`; set `x-credentials-constructor` on one", scheme.constructor),
            ));
        }
    }
    Ok(schemes)
}

fn signature_kind(value: Option<&serde_json::Value>) -> Result<SchemeKind, String> {
    match value.and_then(|v| v.as_str()) {
        Some("ncp-apigw-v2") => Ok(SchemeKind::NcpSignatureV2),
        other => Err(format!("unknown `x-signature` {other:?}; supported: \"ncp-apigw-v2\"")),
    }
}

/// The `x-` extensions of a security scheme, as a lookup.
struct SchemeExtensions<'a>(&'a SecurityScheme);

impl<'a> SchemeExtensions<'a> {
    fn get(&self, key: &str) -> Option<&'a serde_json::Value> {
        match self.0 {
            SecurityScheme::APIKey { extensions, .. }
            | SecurityScheme::HTTP { extensions, .. }
            | SecurityScheme::OAuth2 { extensions, .. }
            | SecurityScheme::OpenIDConnect { extensions, .. } => extensions.get(key),
        }
    }
}

fn default_headers(spec: &SpecSource, document: &OpenAPI) -> Result<Vec<(String, String)>, GenerateError> {
    let Some(value) = document.extensions.get("x-default-headers") else { return Ok(Vec::new()) };
    let fail = |message: &str| GenerateError::new(&spec.label, "#/x-default-headers", message);
    let map = value.as_object().ok_or_else(|| fail("must map header names to string values"))?;
    map.iter()
        .map(|(name, value)| {
            let value = value.as_str().ok_or_else(|| fail(&format!("the value of `{name}` must be a string")))?;
            let valid_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            let valid_value = value.bytes().all(|b| (0x20..0x7f).contains(&b));
            if !valid_name || !valid_value {
                return Err(fail(&format!("`{name}: {value}` is not a valid HTTP header")));
            }
            Ok((name.to_ascii_lowercase(), value.to_owned()))
        })
        .collect()
}

/// The integer ranges and string lengths of inline parameter schemas.
fn constraints<'a>(path: &str, parameters: impl Iterator<Item = &'a ReferenceOr<openapiv3::Parameter>>) -> Vec<Constraint> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut out = Vec::new();
    for parameter in parameters.filter_map(ReferenceOr::as_item) {
        let data = parameter.parameter_data_ref();
        let location = match parameter {
            openapiv3::Parameter::Query { .. } => ConstraintLocation::Query,
            openapiv3::Parameter::Header { .. } => ConstraintLocation::Header,
            openapiv3::Parameter::Path { .. } => {
                let placeholder = format!("{{{}}}", data.name);
                match segments.iter().position(|segment| *segment == placeholder) {
                    Some(index) => ConstraintLocation::PathFromEnd(segments.len() - 1 - index),
                    None => continue,
                }
            }
            openapiv3::Parameter::Cookie { .. } => continue,
        };
        let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format else { continue };
        let rule = match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(integer)) if integer.minimum.is_some() || integer.maximum.is_some() => {
                let min = integer.minimum.map(|m| if integer.exclusive_minimum { m + 1 } else { m });
                let max = integer.maximum.map(|m| if integer.exclusive_maximum { m - 1 } else { m });
                ConstraintRule::Integer { min, max }
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) if string.min_length.is_some() || string.max_length.is_some() => {
                ConstraintRule::Length { min: string.min_length, max: string.max_length }
            }
            _ => continue,
        };
        let parameter = match location {
            ConstraintLocation::Header => data.name.to_ascii_lowercase(),
            _ => data.name.clone(),
        };
        out.push(Constraint { parameter, location, rule });
    }
    out
}

fn upload_facts(operation: &Operation) -> Result<Option<UploadFacts>, String> {
    let Some(extension) = operation.extensions.get("x-upload") else { return Ok(None) };
    let binary_body = operation
        .request_body
        .as_ref()
        .and_then(ReferenceOr::as_item)
        .is_some_and(|body| body.content.contains_key("application/octet-stream"));
    if !binary_body {
        return Err("`x-upload` needs an `application/octet-stream` request body".to_owned());
    }
    let file_name_setter = match extension.get("file-name") {
        None => None,
        Some(serde_json::Value::String(header)) => {
            let declared = operation.parameters.iter().filter_map(ReferenceOr::as_item).any(|p| {
                matches!(p, openapiv3::Parameter::Header { .. }) && p.parameter_data_ref().name.eq_ignore_ascii_case(header)
            });
            if !declared {
                return Err(format!("`x-upload.file-name` names `{header}`, which is not a header parameter of the operation"));
            }
            Some(header.to_snake_case())
        }
        Some(_) => return Err("`x-upload.file-name` must be a header name".to_owned()),
    };
    let min_bytes = extension.get("min-bytes").map(|v| v.as_u64().ok_or("`x-upload.min-bytes` must be a whole number")).transpose()?;
    Ok(Some(UploadFacts { file_name_setter, min_bytes: min_bytes.unwrap_or(0) }))
}

/// Reads `x-success-when: {pointer, equals}` from the operation's 2xx response.
fn success_when(spec: &SpecSource, id: &str, operation: &Operation) -> Result<Option<(String, String)>, GenerateError> {
    for (status, response) in operation.responses.responses.iter() {
        let ReferenceOr::Item(response) = response else { continue };
        let Some(rule) = response.extensions.get("x-success-when") else { continue };
        let field = |name: &str| rule.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        return match (field("pointer"), field("equals")) {
            (Some(pointer), Some(equals)) if pointer.starts_with('/') => Ok(Some((pointer, equals))),
            _ => Err(GenerateError::new(
                &spec.label,
                format!("operation {id}"),
                format!("`x-success-when` on response {status} needs `pointer` (a JSON pointer) and `equals` (a string)"),
            )),
        };
    }
    Ok(None)
}

fn requirement_names(requirements: &[openapiv3::SecurityRequirement]) -> Vec<Vec<String>> {
    requirements.iter().map(|requirement| requirement.keys().cloned().collect()).collect()
}

/// The first GET operation without a body, called with its required
/// parameters set to their documented examples (or plausible values).
fn example_call(document: &OpenAPI) -> Option<ExampleCall> {
    document.paths.paths.iter().find_map(|(_, item)| {
        let item = item.as_item()?;
        let operation = item.get.as_ref()?;
        let parameters = item.parameters.iter().chain(&operation.parameters);
        let arguments = parameters
            .filter_map(|parameter| parameter.as_item())
            .map(openapiv3::Parameter::parameter_data_ref)
            .filter(|data| data.required)
            .map(|data| (data.name.to_snake_case(), example_value(data)))
            .collect();
        Some(ExampleCall { method_name: operation.operation_id.as_deref()?.to_snake_case(), arguments })
    })
}

fn example_value(data: &openapiv3::ParameterData) -> String {
    let schema = match &data.format {
        openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => Some(schema),
        _ => None,
    };
    let example = data.example.clone().or_else(|| schema.and_then(|s| s.schema_data.example.clone()));
    let kind = schema.map(|s| &s.schema_kind);
    match (kind, example) {
        (Some(openapiv3::SchemaKind::Type(openapiv3::Type::String(s))), example)
            if matches!(&s.format, openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid") =>
        {
            let text = example.and_then(|e| e.as_str().map(str::to_owned)).unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".to_owned());
            format!("uuid::Uuid::parse_str({text:?})?")
        }
        (Some(openapiv3::SchemaKind::Type(openapiv3::Type::Integer(i))), example) => {
            let value = example.and_then(|e| e.as_i64()).or(i.minimum).unwrap_or(1);
            format!("{value}u64")
        }
        (_, Some(serde_json::Value::String(text))) => format!("{text:?}"),
        (_, _) => format!("{:?}", format!("my-{}", data.name.to_kebab_case())),
    }
}

/// The `{names}` in a URL template, in order.
fn url_variables(url: &str) -> Vec<String> {
    url.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

/// A JSON pointer from unescaped segments.
pub fn pointer(segments: &[&str]) -> String {
    let mut out = String::from("#");
    for segment in segments {
        out.push('/');
        out.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// Rust type-name form of a spec name, e.g. `ApiKeyAuth`.
pub fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}
