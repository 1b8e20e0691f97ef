//! Per-client settings: credentials, retry policy, timeouts.

use std::time::Duration;

use super::auth::CredentialSet;
use super::error::ErrorHints;
use super::retry::RetryPolicy;

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
/// URL: credentials, retry policy, timeouts and error hints.
#[derive(Clone, Debug, Default)]
pub struct ClientContext {
    /// Credentials applied to each request as its operation requires.
    pub credentials: CredentialSet,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// Timeouts; `connect` and `read` are fixed when the client is built.
    pub timeouts: Timeouts,
    /// What error messages suggest when the credentials are refused.
    pub hints: ErrorHints,
    /// The client's TLS identity, for APIs that authenticate clients by
    /// certificate (OpenAPI `mutualTLS`).
    pub identity: Option<ClientIdentity>,
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
