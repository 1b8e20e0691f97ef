//! Per-client settings: credentials, retry policy and retry budget,
//! timeouts, limits on what a server can make the client read (error and
//! success bodies), error reporting (request-id headers) and interceptors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

use super::auth::CredentialSet;
use super::error::ErrorHints;
use super::intercept::Interceptor;
use super::retry::{RetryBudget, RetryPolicy};

/// The response headers [`ClientContext::request_id_headers`] holds by
/// default, in the order they are looked for: the de-facto standard
/// `x-request-id`, `request-id` (Stripe and others), AWS's
/// `x-amzn-requestid` (API Gateway, Lambda) and `x-amz-request-id` (S3),
/// Azure's `x-ms-request-id`, and `x-correlation-id`.
pub const DEFAULT_REQUEST_ID_HEADERS: [&str; 6] =
    ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-ms-request-id", "x-correlation-id"];

/// How much of an error body [`ClientContext::error_body_limit`] keeps by
/// default: 64 KiB.
pub const DEFAULT_ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How deep arrays and objects may nest in a JSON body decoded by default
/// ([`ClientContext::json_depth_limit`]): 128, serde_json's own recursion
/// limit.
pub const DEFAULT_JSON_DEPTH_LIMIT: usize = 128;

/// How long a success body that is read into memory (to decode JSON) may
/// be by default ([`ClientContext::body_limit`]): 16 MiB. It keeps a client
/// within a small memory bound whatever the server sends; raise it for an
/// API whose documented responses are larger. Streamed bodies (downloads)
/// are not limited.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Timeouts of a client.
///
/// - `connect` bounds establishing a connection.
/// - `attempt` bounds one attempt, from sending the request to the end of
///   the response headers; an attempt that runs out is retried like a
///   connection failure when the operation may be retried.
/// - `total` bounds the whole call: every attempt, the waits between them,
///   and reading a response body that is decoded (JSON, text).
/// - `read` bounds the silence between two reads from the server.
///
/// A call whose request body is a stream (an upload) or whose response is a
/// stream (a download) has neither an attempt nor a total bound, so a large
/// file is never cut off; `read` still ends a transfer that stalls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Bound on establishing a connection.
    pub connect: Duration,
    /// Bound on one attempt, up to the response headers.
    pub attempt: Duration,
    /// Bound on the whole call, retries and backoff included.
    pub total: Duration,
    /// Bound on the silence between two reads from the server.
    pub read: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 30 s per attempt, 60 s per call, 60 s of silence.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            total: Duration::from_secs(60),
            read: Duration::from_secs(60),
        }
    }
}

/// The state a generated `Client` carries besides its reqwest client and base
/// URL: credentials, retry policy, timeouts, error reporting and
/// interceptors.
///
/// Build it with struct update syntax (`..ClientContext::default()`), so
/// that fields added later keep their defaults.
#[derive(Clone)]
pub struct ClientContext {
    /// Credentials applied to each request as its operation requires.
    pub credentials: CredentialSet,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// The retries all calls of the client may make together, so that a
    /// failing server gets a bounded number of extra requests (see
    /// [`RetryBudget`]). Clones of the context, and so copies of a client,
    /// share it. Default: [`RetryBudget::default`].
    pub retry_budget: RetryBudget,
    /// Timeouts; `connect` and `read` are fixed when the client is built.
    pub timeouts: Timeouts,
    /// What error messages suggest when the credentials are refused.
    pub hints: ErrorHints,
    /// The client's TLS identity, for APIs that authenticate clients by
    /// certificate (OpenAPI `mutualTLS`).
    pub identity: Option<ClientIdentity>,
    /// Response headers that carry the server's request id, looked for in
    /// this order; the first one present with a printable value is the
    /// call's request id ([`super::Response::request_id`],
    /// [`super::Error::request_id`], [`ClientContext::request_id`]).
    /// Default: [`DEFAULT_REQUEST_ID_HEADERS`].
    pub request_id_headers: Vec<HeaderName>,
    /// How many bytes of an error response's body are read and kept
    /// ([`super::ApiError::text`]); the rest is not read. Default:
    /// [`DEFAULT_ERROR_BODY_LIMIT`] (64 KiB).
    pub error_body_limit: usize,
    /// How many bytes of a success body read into memory to be decoded may
    /// be read; a longer body is an [`super::Error::BodyTooLarge`] (a
    /// `Content-Length` over the limit is refused before reading). Default:
    /// [`DEFAULT_BODY_LIMIT`] (16 MiB). Streamed bodies are not limited.
    pub body_limit: usize,
    /// How deep arrays and objects may nest in a decoded JSON body, checked
    /// in one pass before decoding; a deeper body is an
    /// [`super::Error::Decode`] naming the limit. Default:
    /// [`DEFAULT_JSON_DEPTH_LIMIT`] (128). Above 128, serde_json's own
    /// recursion limit still ends decoding of the typed part at 128.
    pub json_depth_limit: usize,
    /// Called around every attempt of every call, in this order before the
    /// attempt and in reverse order after it (see [`Interceptor`]).
    pub interceptors: Vec<Arc<dyn Interceptor>>,
}

impl Default for ClientContext {
    fn default() -> Self {
        Self {
            credentials: CredentialSet::default(),
            retry: RetryPolicy::default(),
            retry_budget: RetryBudget::default(),
            timeouts: Timeouts::default(),
            hints: ErrorHints::default(),
            identity: None,
            request_id_headers: DEFAULT_REQUEST_ID_HEADERS.iter().map(|name| HeaderName::from_static(name)).collect(),
            error_body_limit: DEFAULT_ERROR_BODY_LIMIT,
            body_limit: DEFAULT_BODY_LIMIT,
            json_depth_limit: DEFAULT_JSON_DEPTH_LIMIT,
            interceptors: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientContext")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("retry_budget", &self.retry_budget)
            .field("timeouts", &self.timeouts)
            .field("hints", &self.hints)
            .field("identity", &self.identity)
            .field("request_id_headers", &self.request_id_headers)
            .field("error_body_limit", &self.error_body_limit)
            .field("body_limit", &self.body_limit)
            .field("json_depth_limit", &self.json_depth_limit)
            .field("interceptors", &format_args!("[{} interceptor(s)]", self.interceptors.len()))
            .finish()
    }
}

/// A TLS client certificate and its key, presented to servers that ask.
#[derive(Clone)]
pub struct ClientIdentity(reqwest::Identity);

impl ClientIdentity {
    /// Reads a PEM bundle holding the certificate chain and the private key.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Http`] when the PEM does not hold a usable identity.
    pub fn from_pem(pem: &[u8]) -> Result<Self, ConfigError> {
        Ok(Self(reqwest::Identity::from_pem(pem)?))
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientIdentity(<redacted>)")
    }
}

/// A client could not be built from the settings it was given.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The base URL does not parse or is not http(s).
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A credential cannot be sent as given.
    #[error("{0}")]
    Credentials(String),
    /// The HTTP client could not be built (for example, no TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl ClientContext {
    /// Checks the settings that can be wrong whatever the HTTP client:
    /// every credential must be sendable. Every way of building a client
    /// calls this, so a bad credential is an error at construction and never
    /// a request sent without it.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.credentials.validate().map_err(ConfigError::Credentials)
    }

    /// The server's request id in `headers`: the value of the first of
    /// [`ClientContext::request_id_headers`] that is present and printable.
    ///
    /// Generated code calls this on a successful response's headers
    /// (`ResponseValue::headers()`); error responses carry it already
    /// ([`super::Error::request_id`]).
    pub fn request_id<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        request_id_in(&self.request_id_headers, headers)
    }

    /// Builds the reqwest client these settings call for: rustls, the connect
    /// and read timeouts, no automatic redirects (the pipeline follows them
    /// and drops credentials when the origin changes), and `user_agent`.
    pub fn http_client(&self, user_agent: &str) -> Result<reqwest::Client, ConfigError> {
        self.validate()?;
        let mut builder = reqwest::Client::builder();
        if let Some(identity) = &self.identity {
            builder = builder.identity(identity.0.clone());
        }
        Ok(builder
            .user_agent(user_agent)
            .connect_timeout(self.timeouts.connect)
            .read_timeout(self.timeouts.read)
            .redirect(reqwest::redirect::Policy::none())
            .build()?)
    }
}

/// Checks that `url` is an absolute http(s) URL and returns it without a
/// trailing slash, ready for paths to be appended.
pub fn normalize_base_url(url: &str) -> Result<String, ConfigError> {
    let error = |reason: &str| ConfigError::BaseUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = reqwest::Url::parse(url).map_err(|e| error(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(error("the scheme must be http or https"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The server's request id in `headers`, looked up with the names of
/// `context` (see [`ClientContext::request_id`]).
///
/// ```
/// use sdk_runtime::reqwest::header::{HeaderMap, HeaderValue};
/// use sdk_runtime::ClientContext;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-amzn-requestid", HeaderValue::from_static("7c9e-41"));
/// assert_eq!(sdk_runtime::request_id(&headers, &ClientContext::default()), Some("7c9e-41"));
/// ```
pub fn request_id<'h>(headers: &'h HeaderMap, context: &ClientContext) -> Option<&'h str> {
    context.request_id(headers)
}

pub(crate) fn request_id_in<'h>(names: &[HeaderName], headers: &'h HeaderMap) -> Option<&'h str> {
    names.iter().find_map(|name| {
        let value = headers.get(name)?.to_str().ok()?.trim();
        (!value.is_empty()).then_some(value)
    })
}
