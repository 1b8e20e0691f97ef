//! What the templates need to know about an API, read once from its spec.
//!
//! progenitor keeps its own view of operations private, so our templates
//! walk the `openapiv3` document themselves and collect the facts here:
//! naming, servers, security schemes (which progenitor ignores) and, per
//! operation, its security requirements and whether retrying it is safe.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Operation, ReferenceOr, SecurityScheme};

pub use crate::resolve::{Location, Style};
use crate::{names, resolve, GenerateError, SpecSource};

/// The facts about one API that the templates render.
#[derive(Clone, Debug)]
pub struct Api {
    /// The spec's label, such as `specs/indream.yaml`.
    pub spec_label: String,
    /// The format the spec was converted from (`Swagger 2.0`), if any.
    pub converted_from: Option<String>,
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
    /// Optional crates the generated types use.
    pub uses: Uses,
    /// Headers documented as required on every request (`x-default-headers`).
    pub default_headers: Vec<(String, String)>,
    /// Whether the crate has a `pagination` module (set after rendering it).
    pub paginated: bool,
    /// What was skipped or changed to generate the crate, one line each.
    pub warnings: Vec<crate::Warning>,
    /// The package metadata (set by `generate_with`).
    pub package: crate::package::Package,
    /// Whether the runtime is the crate's own `sdk_runtime` module.
    pub vendored_runtime: bool,
}

impl Api {
    /// Whether some operation takes a streamed upload.
    pub fn has_uploads(&self) -> bool {
        self.operations.iter().any(|operation| operation.upload.is_some())
    }
}

/// Optional crates that the generated types use, as typify and progenitor
/// report them, plus those a spec names in `x-rust-type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    /// `uuid::Uuid` for `format: uuid`.
    pub uuid: bool,
    /// `chrono` for `format: date-time` and `date`.
    pub chrono: bool,
    /// `regress` for `pattern`.
    pub regress: bool,
    /// `futures` for streams.
    pub futures: bool,
}

impl Uses {
    /// The crates that `x-rust-type` extensions anywhere in `document`'s
    /// components name (`chrono`, `uuid`; the others are not optional).
    pub fn named_by_rust_types(document: &OpenAPI) -> Self {
        fn crates(value: &serde_json::Value, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(krate) = map.get("x-rust-type").and_then(|t| t.get("crate")).and_then(|c| c.as_str()) {
                        out.push(krate.to_owned());
                    }
                    map.values().for_each(|child| crates(child, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|child| crates(child, out)),
                _ => {}
            }
        }
        let mut named = Vec::new();
        crates(&serde_json::to_value(&document.components).unwrap_or_default(), &mut named);
        Self { chrono: named.iter().any(|k| k == "chrono"), uuid: named.iter().any(|k| k == "uuid"), ..Self::default() }
    }

    /// The crates either uses.
    pub fn and(self, other: Self) -> Self {
        Self {
            uuid: self.uuid || other.uuid,
            chrono: self.chrono || other.chrono,
            regress: self.regress || other.regress,
            futures: self.futures || other.futures,
        }
    }
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
    /// Its Rust name (snake case, a valid identifier, unique in the URL).
    pub field: String,
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
    /// An API key in a cookie.
    CookieApiKey { cookie: String },
    /// An OAuth2 or OpenID Connect access token as a bearer token, given as
    /// is or by a token provider; `client_credentials` is the token URL of
    /// the spec's client-credentials flow, if it has one.
    OAuth2 { client_credentials: Option<String> },
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
    /// The client method progenitor generates, such as `list_project_assets`.
    pub method_name: String,
    /// The request builder progenitor generates, such as `ListProjectAssets`.
    pub builder: String,
    /// HTTP method, upper-case.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// Security alternatives, each a list of scheme names.
    pub security: Vec<Vec<String>>,
    /// Whether and how the operation may be retried.
    pub idempotency: Idempotency,
    /// Parameters, path-level ones included and `$ref`s resolved.
    pub parameters: Vec<ParameterFacts>,
    /// How the request body is sent, if there is one.
    pub body: Option<BodyKind>,
    /// The documented response statuses, and which of them succeed.
    pub responses: Vec<ResponseFacts>,
    /// Whether the operation asks for JSON (`Accept: application/json`).
    pub accepts_json: bool,
    /// `x-success-when` on the 2xx response: JSON pointer and success value.
    pub success_when: Option<(String, String)>,
    /// How the operation pages (`x-pagination`), if it does.
    pub pagination: Option<crate::pagination::Pagination>,
    /// `x-upload`: the operation takes a streamed file as its body.
    pub upload: Option<UploadFacts>,
    /// Success responses with different bodies, decoded into an enum of
    /// outcomes (empty when the successes share one body).
    pub outcomes: Vec<Outcome>,
    /// Literal arguments and canned responses for the crate's doc examples.
    pub example: crate::examples::OperationExample,
    /// The spec's summary and descriptions, for the command line's help.
    pub help: crate::help::OperationHelp,
    /// The Rust type of the success body as progenitor names it, such as
    /// `types::AssetPage` (set once the builders are matched).
    pub success_type: Option<String>,
    /// The Rust type of a JSON or form request body, such as
    /// `types::NewAttachment` (set once the builders are matched).
    pub body_type: Option<String>,
}

/// One documented success outcome of an operation whose successes differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The status it answers, such as `201` or `2XX`.
    pub status: String,
    /// How its body decodes.
    pub kind: OutcomeKind,
}

/// How an outcome's body decodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// JSON, into the type of this component schema.
    Json(String),
    /// No body.
    Empty,
    /// A byte stream.
    Stream,
}

/// When an operation may be retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Safe to repeat (by method, or `x-idempotent: true`).
    Safe,
    /// Declares this idempotency-key header: retried with one key per call.
    Key(String),
    /// Never retried.
    Unsafe,
}

/// One parameter as it is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterFacts {
    /// Name as the spec gives it.
    pub name: String,
    /// progenitor's builder field for it.
    pub field: String,
    /// Where it travels.
    pub location: Location,
    /// How its value is written.
    pub style: Style,
    /// A documented constraint, checked before sending.
    pub rule: Option<ConstraintRule>,
}

/// How a request body goes on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// Serialised as JSON.
    Json,
    /// Serialised as `application/x-www-form-urlencoded`.
    Form,
    /// Sent as given, with this media type.
    Raw(String),
    /// `multipart/form-data`, built by the caller (`send_multipart`).
    Multipart {
        /// Whether the spec requires a body.
        required: bool,
        /// The fields the spec declares.
        fields: Vec<MultipartField>,
    },
}

/// One field of a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultipartField {
    /// The field name.
    pub name: String,
    /// Whether it carries a file.
    pub file: bool,
    /// Whether the spec requires it.
    pub required: bool,
}

impl Api {
    /// Whether some operation takes a multipart body.
    pub fn has_multipart(&self) -> bool {
        self.operations.iter().any(|operation| matches!(operation.body, Some(BodyKind::Multipart { .. })))
    }
}

/// A documented response status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// `1XX` to `5XX`: the first digit.
    Range(u16),
    /// `default`: every status not listed.
    Default,
}

/// What one documented response means for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseFacts {
    /// Which statuses it covers.
    pub status: Status,
    /// Whether they are successes (decoded as the operation's result) or
    /// errors (an `Error::Api`).
    pub success: bool,
}

/// What `x-upload: {file-name: <header>, min-bytes: <n>}` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadFacts {
    /// Builder setter of the header that carries the file name.
    pub file_name_setter: Option<String>,
    /// The fewest bytes the API accepts.
    pub min_bytes: u64,
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
        let mut warnings = Vec::new();
        let schemes = security_schemes(document, &mut warnings);
        let default_security = document.security.clone().unwrap_or_default();
        let sampler = crate::sample::Sampler::new(document);
        let mut operations = Vec::new();
        for (path, item) in document.paths.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                // `normalize` skips these already; a document that did
                // not go through it loses the path here.
                warnings.push(crate::Warning::new(pointer(&["paths", path]), "a `$ref` path item that names no path item is not supported; the path is skipped"));
                continue;
            };
            for (method, operation) in item.iter() {
                let facts = operation_facts(spec, document, &sampler, &schemes, &default_security, path, &item.parameters, method, operation, &mut warnings)?;
                operations.push(facts);
            }
        }
        let crate_name = format!("{}-client", spec.slug);
        let package = crate::package::Package::new(document, &crate_name, &crate::Options::default());
        let default_security = requirement_names(&default_security);
        Ok(Self {
            spec_label: crate::package::portable_label(&spec.label),
            converted_from: document.extensions.get("x-sdk-converted-from").and_then(|v| v.as_str()).map(str::to_owned),
            lib_name: crate_name.to_snake_case(),
            crate_name,
            title: document.info.title.clone(),
            description: document.info.description.clone(),
            version: document.info.version.clone(),
            server: document.servers.first().map(|server| Server {
                url: server.url.clone(),
                variables: url_variables(&server.url)
                    .into_iter()
                    .map(|(name, field)| ServerVariable {
                        field,
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
            uses: Uses::default(),
            default_headers: default_headers(spec, document)?,
            paginated: false,
            warnings,
            package,
            vendored_runtime: false,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn operation_facts<'a>(
    spec: &SpecSource,
    document: &'a OpenAPI,
    sampler: &crate::sample::Sampler<'a>,
    schemes: &[Scheme],
    default_security: &[openapiv3::SecurityRequirement],
    path: &str,
    path_parameters: &[ReferenceOr<openapiv3::Parameter>],
    method: &str,
    operation: &'a Operation,
    warnings: &mut Vec<crate::Warning>,
) -> Result<OperationFacts, GenerateError> {
    let here = pointer(&["paths", path, method]);
    let id = operation
        .operation_id
        .clone()
        .ok_or_else(|| GenerateError::new(&spec.label, &here, format!("{} {path} has no operationId", method.to_uppercase())))?;
    let fail = |message: String| GenerateError::new(&spec.label, format!("operation {id}"), message);
    let requirements = operation.security.as_deref().unwrap_or(default_security);
    let mut security = Vec::new();
    for requirement in requirements {
        let unknown: Vec<&String> = requirement.keys().filter(|name| !schemes.iter().any(|scheme| &scheme.name == *name)).collect();
        if let Some(name) = unknown.first() {
            // An alternative that needs a scheme the client cannot satisfy
            // is left out; the others still apply.
            warnings.push(crate::Warning::new(
                format!("operation {id}"),
                format!("security requirement names `{name}`, which is not a supported scheme in components.securitySchemes; that alternative is ignored"),
            ));
            continue;
        }
        security.push(requirement.keys().cloned().collect());
    }
    if !requirements.is_empty() && security.is_empty() {
        // Every alternative was left out: send what the client holds for
        // none of them, rather than claiming the operation is public.
        security.push(Vec::new());
    }
    let resolved = resolve::parameters(document, path_parameters, &operation.parameters).map_err(&fail)?;
    let key_header = resolved.iter().find(|p| p.is_header("idempotency-key")).map(|p| p.name().to_owned());
    let by_method = matches!(method, "get" | "head" | "put" | "delete" | "options");
    let idempotency = match (operation.extensions.get("x-idempotent").and_then(|v| v.as_bool()), key_header) {
        (Some(false), _) => Idempotency::Unsafe,
        (_, Some(header)) => Idempotency::Key(header),
        (Some(true), None) => Idempotency::Safe,
        (None, None) if by_method => Idempotency::Safe,
        (None, None) => Idempotency::Unsafe,
    };
    let responses = responses(document, operation).map_err(&fail)?;
    let outcomes = outcomes(operation);
    let json_outcome = outcomes.iter().any(|outcome| matches!(outcome.kind, OutcomeKind::Json(_)));
    let success_when = success_when(spec, &id, operation)?;
    Ok(OperationFacts {
        method_name: names::method_name(&id),
        builder: names::builder_name(&id),
        http_method: method.to_uppercase(),
        path: path.to_owned(),
        security,
        idempotency,
        parameters: resolved.iter().map(parameter_facts).collect(),
        body: body_kind(document, operation).map_err(&fail)?,
        accepts_json: responses.1 || json_outcome,
        responses: responses.0,
        example: crate::examples::of(sampler, operation, &resolved, success_when.as_ref()),
        help: crate::help::of(document, operation, &resolved),
        success_when,
        upload: upload_facts(operation, &resolved).map_err(&fail)?,
        pagination: crate::pagination::read(document, operation, &resolved).map_err(&fail)?,
        outcomes,
        success_type: None,
        body_type: None,
        id,
    })
}

/// `x-sdk-outcomes`, written by `normalize` for differing success bodies.
fn outcomes(operation: &Operation) -> Vec<Outcome> {
    let Some(serde_json::Value::Array(listed)) = operation.extensions.get("x-sdk-outcomes") else { return Vec::new() };
    listed
        .iter()
        .map(|outcome| Outcome {
            status: outcome["status"].as_str().unwrap_or_default().to_owned(),
            kind: match outcome["kind"].as_str() {
                Some("json") => OutcomeKind::Json(outcome["schema"].as_str().unwrap_or_default().to_owned()),
                Some("stream") => OutcomeKind::Stream,
                _ => OutcomeKind::Empty,
            },
        })
        .collect()
}

fn parameter_facts(parameter: &resolve::Resolved<'_>) -> ParameterFacts {
    ParameterFacts {
        name: parameter.name().to_owned(),
        field: names::field_name(parameter.progenitor_name()),
        location: parameter.location,
        style: parameter.style,
        rule: parameter.schema.and_then(constraint_rule),
    }
}

/// The integer range or string length a parameter schema documents.
fn constraint_rule(schema: &openapiv3::Schema) -> Option<ConstraintRule> {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Integer(integer)) if integer.minimum.is_some() || integer.maximum.is_some() => {
            let min = integer.minimum.map(|m| if integer.exclusive_minimum { m.saturating_add(1) } else { m });
            let max = integer.maximum.map(|m| if integer.exclusive_maximum { m.saturating_sub(1) } else { m });
            Some(ConstraintRule::Integer { min, max })
        }
        openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) if string.min_length.is_some() || string.max_length.is_some() => {
            Some(ConstraintRule::Length { min: string.min_length, max: string.max_length })
        }
        _ => None,
    }
}

/// How the request body is sent: normalisation has left one media type, or
/// described a multipart body in `x-sdk-multipart`.
fn body_kind(document: &OpenAPI, operation: &Operation) -> Result<Option<BodyKind>, String> {
    if let Some(multipart) = operation.extensions.get("x-sdk-multipart") {
        let fields = multipart["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|field| MultipartField {
                name: field["name"].as_str().unwrap_or_default().to_owned(),
                file: field["file"].as_bool().unwrap_or(false),
                required: field["required"].as_bool().unwrap_or(false),
            })
            .collect();
        return Ok(Some(BodyKind::Multipart { required: multipart["required"].as_bool().unwrap_or(false), fields }));
    }
    let Some(body) = &operation.request_body else { return Ok(None) };
    let body = resolve::request_body_item(document, body)?;
    if let Some(media) = body.extensions.get("x-sdk-media-type").and_then(|v| v.as_str()) {
        return Ok(Some(BodyKind::Raw(media.to_owned())));
    }
    let Some(media) = body.content.keys().next() else { return Ok(None) };
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    Ok(Some(match essence.as_str() {
        "application/json" => BodyKind::Json,
        "application/x-www-form-urlencoded" => BodyKind::Form,
        _ => BodyKind::Raw(media.clone()),
    }))
}

/// Each documented status and whether it succeeds, and whether the
/// operation asks for JSON: as progenitor decides, when the success
/// responses are JSON, or they have no body and the errors are JSON.
fn responses(document: &OpenAPI, operation: &Operation) -> Result<(Vec<ResponseFacts>, bool), String> {
    let declared_success = operation.responses.responses.keys().any(|status| match status {
        openapiv3::StatusCode::Code(code) => (200..300).contains(code),
        openapiv3::StatusCode::Range(range) => *range == 2,
    });
    let mut out = Vec::new();
    let (mut success_json, mut success_body, mut error_json) = (false, false, false);
    let entries = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let status = match status {
                openapiv3::StatusCode::Code(code) => Status::Code(*code),
                openapiv3::StatusCode::Range(range) => Status::Range(*range),
            };
            (status, response)
        })
        .chain(operation.responses.default.iter().map(|response| (Status::Default, response)));
    for (status, response) in entries {
        let response = resolve::response_item(document, response)?;
        let json = response.content.keys().any(|media| media == "application/json" || media.starts_with("application/json;"));
        let success = match status {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(range) => range == 2,
            // `default` stands for the successes only when none is listed.
            Status::Default => !declared_success,
        };
        if success {
            success_json |= json;
            success_body |= !response.content.is_empty();
        } else {
            error_json |= json;
        }
        out.push(ResponseFacts { status, success });
    }
    Ok((out, success_json || (!success_body && error_json)))
}

/// The supported security schemes. A scheme the generator cannot use (an
/// HTTP scheme other than bearer and basic, a `$ref`, a bad `x-` extension)
/// is dropped with a warning: operations that need it are called without
/// it. Two schemes that would get one constructor name are told apart by a
/// number, with a warning.
fn security_schemes(document: &OpenAPI, warnings: &mut Vec<crate::Warning>) -> Vec<Scheme> {
    let Some(components) = &document.components else { return Vec::new() };
    let mut schemes = Vec::new();
    let mut explicit = Vec::new();
    for (name, scheme) in components.security_schemes.iter() {
        let here = pointer(&["components", "securitySchemes", name]);
        // A `$ref` to another scheme of the document is that scheme.
        let scheme = match scheme.as_item().or_else(|| referred_scheme(components, scheme)) {
            Some(scheme) => scheme_facts(name, scheme),
            None => Err("a `$ref` security scheme that names no scheme of components.securitySchemes is not supported".to_owned()),
        };
        match scheme {
            Ok((scheme, chosen)) => {
                schemes.push(scheme);
                explicit.push(chosen);
            }
            Err(message) => warnings.push(crate::Warning::new(&here, format!("{message}; operations that need it are called without it"))),
        }
    }
    // Several schemes of one kind (an API key in a header and one in a
    // cookie): each default constructor is named after its scheme instead.
    let defaults: Vec<String> = schemes.iter().map(|s| s.constructor.clone()).collect();
    for (scheme, explicit) in schemes.iter_mut().zip(&explicit) {
        if !explicit && defaults.iter().filter(|c| **c == scheme.constructor).count() > 1 {
            scheme.constructor = crate::names::field_name(&scheme.name);
        }
    }
    let mut taken = std::collections::BTreeSet::new();
    for scheme in &mut schemes {
        if taken.contains(&scheme.constructor) {
            let numbered = (2..).map(|n| format!("{}_{n}", scheme.constructor)).find(|c| !taken.contains(c)).unwrap_or_default();
            warnings.push(crate::Warning::new(
                pointer(&["components", "securitySchemes", &scheme.name]),
                format!("another scheme has the constructor `{}`; this one is `{numbered}` (set `x-credentials-constructor` to choose)", scheme.constructor),
            ));
            scheme.constructor = numbered;
        }
        taken.insert(scheme.constructor.clone());
    }
    schemes
}

/// The scheme a `$ref` security scheme names in `components`, when that
/// is one of its schemes (and not a `$ref` itself).
fn referred_scheme<'a>(components: &'a openapiv3::Components, scheme: &ReferenceOr<SecurityScheme>) -> Option<&'a SecurityScheme> {
    let ReferenceOr::Reference { reference } = scheme else { return None };
    let name = crate::resolve::unescape(reference.strip_prefix("#/components/securitySchemes/")?);
    components.security_schemes.get(&name)?.as_item()
}

/// The facts of one security scheme (and whether its constructor was
/// chosen with `x-credentials-constructor`), or why it cannot be used.
fn scheme_facts(name: &str, scheme: &SecurityScheme) -> Result<(Scheme, bool), String> {
    let extensions = SchemeExtensions(scheme);
    let fixed_value = extensions.get("x-fixed-value").and_then(|v| v.as_str()).map(str::to_owned);
    let (kind, description, default_constructor) = match scheme {
        SecurityScheme::APIKey { location, name: key_name, description, .. } => {
            let kind = match (location, fixed_value) {
                (openapiv3::APIKeyLocation::Header, Some(value)) if key_name.eq_ignore_ascii_case("authorization") => {
                    if value.is_empty() || !value.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
                        return Err(format!("`x-fixed-value` {value:?} is not a valid HTTP header value (visible ASCII only)"));
                    }
                    SchemeKind::FixedAuthorization { value }
                }
                (_, Some(_)) => return Err("`x-fixed-value` is supported only on an `Authorization` header key".to_owned()),
                (openapiv3::APIKeyLocation::Header, None) if extensions.get("x-signature").is_some() => signature_kind(extensions.get("x-signature"))?,
                (openapiv3::APIKeyLocation::Header, None) => SchemeKind::HeaderApiKey { header: key_name.to_ascii_lowercase() },
                (openapiv3::APIKeyLocation::Query, None) => SchemeKind::QueryApiKey { parameter: key_name.clone() },
                (openapiv3::APIKeyLocation::Cookie, None) => SchemeKind::CookieApiKey { cookie: key_name.clone() },
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
            other => return Err(format!("HTTP scheme `{other}` is not supported (only bearer and basic)")),
        },
        // An OAuth2 or OpenID Connect access token travels as a bearer token.
        SecurityScheme::OAuth2 { description, flows, .. } => {
            let client_credentials = flows.client_credentials.as_ref().map(|flow| flow.token_url.clone());
            (SchemeKind::OAuth2 { client_credentials }, description.clone(), "oauth2")
        }
        SecurityScheme::OpenIDConnect { description, .. } => (SchemeKind::OAuth2 { client_credentials: None }, description.clone(), "openid"),
    };
    let env = match extensions.get("x-env") {
        None => Vec::new(),
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        Some(serde_json::Value::Array(many)) => many.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        Some(_) => return Err("`x-env` must be a variable name or a list of them".to_owned()),
    };
    let parts = match kind {
        SchemeKind::FixedAuthorization { .. } => 0,
        SchemeKind::Basic | SchemeKind::NcpSignatureV2 => 2,
        _ => 1,
    };
    if !env.is_empty() && env.len() != parts {
        let variables = |count: usize| if count == 1 { "1 variable".to_owned() } else { format!("{count} variables") };
        return Err(format!("`x-env` lists {} but this scheme takes {}", variables(env.len()), variables(parts)));
    }
    let chosen = extensions.get("x-credentials-constructor").and_then(|v| v.as_str()).map(str::to_snake_case);
    let explicit = chosen.is_some();
    let constructor = chosen.unwrap_or_else(|| default_constructor.to_owned());
    Ok((Scheme { name: name.to_owned(), kind, description, constructor, env }, explicit))
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

fn upload_facts(operation: &Operation, parameters: &[resolve::Resolved<'_>]) -> Result<Option<UploadFacts>, String> {
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
            let Some(declared) = parameters.iter().find(|p| p.is_header(header)) else {
                return Err(format!("`x-upload.file-name` names `{header}`, which is not a header parameter of the operation"));
            };
            Some(names::field_name(declared.progenitor_name()))
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

/// The first GET operation without a body whose required parameters
/// (path-level and `$ref`'d ones included) all have a literal: their
/// documented examples, or plausible values.
/// A Rust expression for a parameter's value, if its type takes a literal.
pub(crate) fn example_value(data: &openapiv3::ParameterData, schema: Option<&openapiv3::Schema>) -> Option<String> {
    use openapiv3::{SchemaKind, Type, VariantOrUnknownOrEmpty};
    let example = data.example.clone().or_else(|| schema.and_then(|s| s.schema_data.example.clone()));
    let kind = schema.map(|s| &s.schema_kind);
    Some(match (kind, example) {
        (Some(SchemaKind::Type(Type::String(s))), example) => match &s.format {
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => {
                let text = example.and_then(|e| e.as_str().map(str::to_owned)).unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".to_owned());
                format!("uuid::Uuid::parse_str({text:?})?")
            }
            VariantOrUnknownOrEmpty::Item(_) => return None,
            _ => match (example, s.enumeration.iter().flatten().next()) {
                (Some(serde_json::Value::String(text)), _) => format!("{text:?}"),
                (_, Some(first)) => format!("{first:?}"),
                _ => format!("{:?}", format!("my-{}", data.name.to_kebab_case())),
            },
        },
        (Some(SchemaKind::Type(Type::Integer(i))), example) => {
            let value = example.and_then(|e| e.as_i64()).or(i.minimum).unwrap_or(1).max(1);
            format!("{value}u64")
        }
        (Some(SchemaKind::Type(Type::Number(_))), example) => format!("{:?}f64", example.and_then(|e| e.as_f64()).unwrap_or(1.0)),
        (Some(SchemaKind::Type(Type::Boolean(_))), example) => example.and_then(|e| e.as_bool()).unwrap_or(true).to_string(),
        (None, Some(serde_json::Value::String(text))) => format!("{text:?}"),
        _ => return None,
    })
}

/// The `{names}` in a URL template, in order, each once, with its Rust
/// name (`{region}` → `region`, `{type}` → `type_`, `{}` → `x`; a name
/// taken already gets `_2`, `_3`...).
fn url_variables(url: &str) -> Vec<(String, String)> {
    let mut variables: Vec<(String, String)> = Vec::new();
    for name in url.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)) {
        if variables.iter().any(|(seen, _)| seen == name) {
            continue;
        }
        let wanted = crate::names::field_name(name);
        let field = std::iter::once(wanted.clone())
            .chain((2..).map(|n| format!("{}_{n}", wanted.trim_end_matches('_'))))
            .find(|candidate| variables.iter().all(|(_, taken)| taken != candidate))
            .unwrap_or(wanted);
        variables.push((name.to_owned(), field));
    }
    variables
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
