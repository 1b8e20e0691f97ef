//! Per-client settings and per-operation facts that [`crate::execute`] needs.

use std::time::Duration;

use crate::auth::CredentialSet;
use crate::retry::RetryPolicy;

/// Timeouts of a client.
///
/// `connect` bounds establishing a connection. `request` bounds a whole
/// ordinary call, from sending to the last byte of the response. A request
/// whose body is a stream (an upload) has no total bound, so a large file is
/// never cut off; `read` still ends a transfer that stalls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Bound on establishing a connection.
    pub connect: Duration,
    /// Bound on a whole ordinary call.
    pub request: Duration,
    /// Bound on the silence between two reads from the server.
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
            read: Duration::from_secs(60),
        }
    }
}

/// What the generator knows about one operation that matters at run time.
#[derive(Clone, Copy, Debug, Default)]
pub struct OperationPolicy {
    /// The operation's `security` requirements: alternatives of scheme names.
    pub security: &'static [&'static [&'static str]],
    /// Whether repeating the request is safe (idempotent method, or the spec
    /// declares an `Idempotency-Key` header, and no `x-idempotent: false`).
    pub idempotent: bool,
    /// Headers the API documents as required on every request
    /// (`x-default-headers`), added when the request lacks them.
    pub default_headers: &'static [(&'static str, &'static str)],
    /// Array query parameters declared `style: form, explode: false`: their
    /// repeated pairs are joined into one comma-separated value.
    pub comma_separated_query: &'static [&'static str],
    /// Documented parameter constraints, checked before sending.
    pub constraints: &'static [crate::validate::Constraint],
    /// For APIs whose 2xx envelope carries a result code
    /// (`x-success-when`): the JSON pointer and the value meaning success.
    pub success_when: Option<(&'static str, &'static str)>,
}

/// The state a generated `Client` carries besides its reqwest client and base
/// URL: credentials, retry policy and timeouts.
#[derive(Clone, Debug, Default)]
pub struct ClientContext {
    /// Credentials applied to each request as its operation requires.
    pub credentials: CredentialSet,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// Timeouts; `connect` and `read` are fixed when the client is built.
    pub timeouts: Timeouts,
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
    /// Builds the reqwest client these settings call for: rustls, the connect
    /// and read timeouts, no automatic redirects (they are followed by
    /// [`crate::execute`], which drops credentials when the origin changes),
    /// and `user_agent`.
    pub fn http_client(&self, user_agent: &str) -> Result<reqwest::Client, ConfigError> {
        self.credentials.validate().map_err(ConfigError::Credentials)?;
        Ok(reqwest::Client::builder()
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
