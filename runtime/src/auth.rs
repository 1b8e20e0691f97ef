//! Credentials, and how each security scheme puts them on a request.
//!
//! A generated crate wraps a [`CredentialSet`] in its own `Credentials` type
//! with one constructor per security scheme of its spec. Each [`Credential`]
//! names the scheme it satisfies, so that [`CredentialSet::apply`] can honour
//! an operation's `security` requirements: an operation that requires no
//! security receives no credentials.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

use super::ncp_signature::ncp_signature_v2;
use super::secret::Secret;

/// One credential, bound to the security scheme (by its name in the spec)
/// that it satisfies.
#[derive(Clone, Debug)]
pub struct Credential {
    scheme: &'static str,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    HeaderApiKey { header: &'static str, key: Secret },
    QueryApiKey { parameter: &'static str, key: Secret },
    CookieApiKey { cookie: &'static str, key: Secret },
    TokenProvider { provider: super::oauth2::SharedProvider },
    Bearer { token: Secret },
    Basic { username: Secret, password: Secret },
    FixedAuthorization { value: &'static str },
    NcpSignatureV2 { access_key: Secret, secret_key: Secret },
}

impl Credential {
    /// An API key sent in the header `header` (any case; header names are
    /// case-insensitive). An invalid header name is reported by
    /// [`Credential::validate`], which every client constructor runs.
    pub fn header_api_key(scheme: &'static str, header: &'static str, key: impl Into<Secret>) -> Self {
        Self::new(scheme, Kind::HeaderApiKey { header, key: key.into() })
    }

    /// An API key sent as the query parameter `parameter`.
    pub fn query_api_key(scheme: &'static str, parameter: &'static str, key: impl Into<Secret>) -> Self {
        Self::new(scheme, Kind::QueryApiKey { parameter, key: key.into() })
    }

    /// An API key sent as the cookie `cookie`, next to any other cookie.
    pub fn cookie_api_key(scheme: &'static str, cookie: &'static str, key: impl Into<Secret>) -> Self {
        Self::new(scheme, Kind::CookieApiKey { cookie, key: key.into() })
    }

    /// `Authorization: Bearer <token>` with a token from `provider`, fetched
    /// before each request (cached by the provider) and again after a 401.
    pub fn token_provider(scheme: &'static str, provider: impl super::oauth2::TokenProvider + 'static) -> Self {
        Self::new(scheme, Kind::TokenProvider { provider: super::oauth2::SharedProvider(std::sync::Arc::new(provider)) })
    }

    /// Whether this credential gets its token from a provider.
    pub fn has_provider(&self) -> bool {
        matches!(self.kind, Kind::TokenProvider { .. })
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(scheme: &'static str, token: impl Into<Secret>) -> Self {
        Self::new(scheme, Kind::Bearer { token: token.into() })
    }

    /// `Authorization: Basic base64(username:password)`.
    pub fn basic(scheme: &'static str, username: impl Into<Secret>, password: impl Into<Secret>) -> Self {
        Self::new(scheme, Kind::Basic { username: username.into(), password: password.into() })
    }

    /// A literal, public `Authorization` value fixed by the API.
    pub fn fixed_authorization(scheme: &'static str, value: &'static str) -> Self {
        Self::new(scheme, Kind::FixedAuthorization { value })
    }

    /// NAVER Cloud API Gateway signature v2: a fresh timestamp and signature
    /// on every request (see [`ncp_signature_v2`]).
    pub fn ncp_signature_v2(scheme: &'static str, access_key: impl Into<Secret>, secret_key: impl Into<Secret>) -> Self {
        Self::new(scheme, Kind::NcpSignatureV2 { access_key: access_key.into(), secret_key: secret_key.into() })
    }

    /// The headers this credential sets, when it sets any.
    fn headers_set(&self) -> Option<Vec<HeaderName>> {
        Some(match &self.kind {
            Kind::QueryApiKey { .. } => return None,
            Kind::HeaderApiKey { header, .. } => vec![HeaderName::from_bytes(header.as_bytes()).ok()?],
            Kind::CookieApiKey { .. } => vec![reqwest::header::COOKIE],
            Kind::TokenProvider { .. } | Kind::Bearer { .. } | Kind::Basic { .. } | Kind::FixedAuthorization { .. } => vec![AUTHORIZATION],
            Kind::NcpSignatureV2 { .. } => vec![
                HeaderName::from_static("x-ncp-apigw-timestamp"),
                HeaderName::from_static("x-ncp-iam-access-key"),
                HeaderName::from_static("x-ncp-apigw-signature-v2"),
            ],
        })
    }

    fn new(scheme: &'static str, kind: Kind) -> Self {
        Self { scheme, kind }
    }

    /// The name of the security scheme this credential satisfies.
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// Checks that the credential can be put on a request (header names and
    /// values must be valid HTTP), naming the scheme when it cannot.
    pub fn validate(&self) -> Result<(), String> {
        self.header_values(&reqwest::Method::GET, "/", "0").map(drop).map_err(|what| self.problem(what))
    }

    fn problem(&self, what: &str) -> String {
        format!("the credential for security scheme `{}` cannot be sent: {what}", self.scheme)
    }

    /// Adds this credential to `request`, or says why it cannot (which
    /// [`Credential::validate`] has already ruled out for a built client,
    /// except that a token provider can fail). `refresh` asks a token
    /// provider for a new token.
    async fn apply(&self, request: &mut reqwest::Request, refresh: bool) -> Result<(), String> {
        match &self.kind {
            Kind::TokenProvider { provider } => {
                let token = provider.0.token(refresh).await.map_err(|e| e.to_string())?;
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| self.problem("the token cannot be sent in a header"))?;
                value.set_sensitive(true);
                request.headers_mut().insert(AUTHORIZATION, value);
                return Ok(());
            }
            Kind::QueryApiKey { parameter, key } => {
                request.url_mut().query_pairs_mut().append_pair(parameter, key.expose());
                return Ok(());
            }
            Kind::CookieApiKey { cookie, key } => {
                let pair = format!("{cookie}={}", key.expose());
                let value = match request.headers().get(reqwest::header::COOKIE).and_then(|v| v.to_str().ok()) {
                    Some(existing) => format!("{existing}; {pair}"),
                    None => pair,
                };
                let mut value = HeaderValue::from_str(&value).map_err(|_| self.problem("the key cannot be sent in a cookie"))?;
                value.set_sensitive(true);
                request.headers_mut().insert(reqwest::header::COOKIE, value);
                return Ok(());
            }
            _ => {}
        }
        let timestamp = unix_millis().to_string();
        let path_with_query = path_with_query(request.url());
        let values = self.header_values(request.method(), &path_with_query, &timestamp).map_err(|what| self.problem(what))?;
        for (name, value) in values {
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }

    fn header_values(
        &self,
        method: &reqwest::Method,
        path_with_query: &str,
        timestamp: &str,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, &'static str> {
        let sensitive = |value: String| -> Result<HeaderValue, &'static str> {
            let mut value = HeaderValue::from_str(&value).map_err(|_| "the value contains characters a header cannot carry")?;
            value.set_sensitive(true);
            Ok(value)
        };
        Ok(match &self.kind {
            Kind::QueryApiKey { .. } => Vec::new(),
            Kind::CookieApiKey { cookie, key } => {
                sensitive(format!("{cookie}={}", key.expose()))?;
                Vec::new()
            }
            Kind::TokenProvider { .. } => Vec::new(),
            Kind::HeaderApiKey { header, key } => {
                let name = HeaderName::from_bytes(header.as_bytes()).map_err(|_| "the header name is not a valid HTTP header name")?;
                vec![(name, sensitive(key.expose().to_owned())?)]
            }
            Kind::Bearer { token } => vec![(AUTHORIZATION, sensitive(format!("Bearer {}", token.expose()))?)],
            Kind::Basic { username, password } => {
                let pair = format!("{}:{}", username.expose(), password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                vec![(AUTHORIZATION, sensitive(format!("Basic {encoded}"))?)]
            }
            Kind::FixedAuthorization { value } => {
                vec![(AUTHORIZATION, HeaderValue::from_str(value).map_err(|_| "the fixed value is not a valid header value")?)]
            }
            Kind::NcpSignatureV2 { access_key, secret_key } => {
                let signature = ncp_signature_v2(
                    method.as_str(),
                    path_with_query,
                    timestamp,
                    access_key.expose(),
                    secret_key.expose(),
                );
                vec![
                    (HeaderName::from_static("x-ncp-apigw-timestamp"), sensitive(timestamp.to_owned())?),
                    (HeaderName::from_static("x-ncp-iam-access-key"), sensitive(access_key.expose().to_owned())?),
                    (HeaderName::from_static("x-ncp-apigw-signature-v2"), sensitive(signature)?),
                ]
            }
        })
    }
}

/// The credentials a client holds, at most one per security scheme, and
/// whether they were read from the environment.
#[derive(Clone, Debug, Default)]
pub struct CredentialSet {
    credentials: Vec<Credential>,
    from_env: bool,
}

impl CredentialSet {
    /// A set holding one credential.
    pub fn single(credential: Credential) -> Self {
        Self { credentials: vec![credential], from_env: false }
    }

    /// The same set, marked as read from environment variables (a generated
    /// `Credentials::from_env` marks what it returns). Error messages about
    /// refused credentials then name the variables
    /// ([`ErrorHints`](super::ErrorHints)); credentials passed in code are
    /// never described by variables the user did not use.
    pub fn read_from_env(mut self) -> Self {
        self.from_env = true;
        self
    }

    /// Whether the set was marked with [`CredentialSet::read_from_env`].
    pub fn is_from_env(&self) -> bool {
        self.from_env
    }

    /// Adds `credential`, replacing any credential for the same scheme; the
    /// set stays marked (or not) as read from the environment.
    pub fn with(mut self, credential: Credential) -> Self {
        self.credentials.retain(|held| held.scheme != credential.scheme);
        self.credentials.push(credential);
        self
    }

    /// The held credentials, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Credential> {
        self.credentials.iter()
    }

    /// Checks every credential (see [`Credential::validate`]).
    pub fn validate(&self) -> Result<(), String> {
        self.credentials.iter().try_for_each(Credential::validate)
    }

    /// Applies the credentials that satisfy `requirements` to `request`.
    ///
    /// `requirements` lists alternatives, each a set of scheme names that must
    /// all be satisfied, as in an OpenAPI `security` array. The first
    /// alternative this set fully satisfies is applied; an empty alternative
    /// (or an empty list) means the operation needs no credentials, and then
    /// none are sent. When no alternative is satisfied the request goes out
    /// without credentials and the server's 401 says so.
    ///
    /// # Errors
    ///
    /// A message naming the scheme whose credential cannot be sent (ruled
    /// out by [`CredentialSet::validate`] for every built client).
    pub async fn apply(&self, requirements: &[&[&str]], request: &mut reqwest::Request, refresh: bool) -> Result<(), String> {
        for credential in self.chosen(requirements) {
            credential.apply(request, refresh).await?;
        }
        Ok(())
    }

    /// The headers the credentials `requirements` choose put on a request
    /// (`Authorization`, an API-key header, `Cookie`, signature headers).
    /// Per-call extra headers may not name them ([`super::CallOptions`]).
    pub fn header_names(&self, requirements: &[&[&str]]) -> Vec<HeaderName> {
        self.chosen(requirements).filter_map(Credential::headers_set).flat_map(|names| names.into_iter()).collect()
    }

    /// Whether the credentials `requirements` choose include a token
    /// provider, whose token may be refreshed after a 401.
    pub fn chooses_provider(&self, requirements: &[&[&str]]) -> bool {
        self.chosen(requirements).any(Credential::has_provider)
    }

    /// The credentials of the first alternative this set fully satisfies.
    fn chosen<'a>(&'a self, requirements: &'a [&'a [&'a str]]) -> impl Iterator<Item = &'a Credential> + 'a {
        let alternative = requirements
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| self.credentials.iter().any(|c| c.scheme == *scheme)))
            .copied()
            .unwrap_or(&[]);
        alternative.iter().filter_map(|scheme| self.credentials.iter().find(|c| c.scheme == *scheme))
    }
}

/// A credential could not be read from the environment.
#[derive(Debug, thiserror::Error)]
#[error("environment variable `{name}` {problem}")]
pub struct EnvError {
    name: &'static str,
    problem: &'static str,
}

impl EnvError {
    /// The name of the variable at fault.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// Reads a credential from the environment variable `name`.
pub fn env_var(name: &'static str) -> Result<Secret, EnvError> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Err(EnvError { name, problem: "is empty" }),
        Ok(value) => Ok(Secret::new(value)),
        Err(std::env::VarError::NotPresent) => Err(EnvError { name, problem: "is not set" }),
        Err(std::env::VarError::NotUnicode(_)) => Err(EnvError { name, problem: "is not valid UTF-8" }),
    }
}

fn path_with_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

fn unix_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default()
}
