//! OAuth2 access tokens: a [`TokenProvider`] hands the client a bearer token
//! before each request (and a fresh one after a 401), and
//! [`ClientCredentials`] is the provider for the client-credentials flow: it
//! fetches a token from the token URL (within 30 s, reading at most 64 KiB
//! of the answer), caches it until shortly before it expires, and fetches a
//! new one when asked to.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::secret::Secret;

/// A boxed future, so providers can be stored as trait objects.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, TokenError>> + Send + 'a>>;

/// Where the client gets OAuth2 (or OpenID Connect) access tokens.
///
/// Implement it for flows the client does not run itself (authorization
/// code, device code, a token from another service).
pub trait TokenProvider: Send + Sync {
    /// A token for the next request: a cached one, unless `refresh` is set
    /// (the server just refused the last one) or it has expired.
    fn token(&self, refresh: bool) -> TokenFuture<'_>;
}

/// A token could not be obtained.
#[derive(Debug, thiserror::Error)]
#[error("cannot get an OAuth2 access token from {url}: {reason}")]
pub struct TokenError {
    url: String,
    reason: String,
}

impl TokenError {
    /// An error of a provider of one's own.
    pub fn new(url: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { url: url.into(), reason: reason.into() }
    }
}

/// Shared handle on a provider, as credentials hold it.
#[derive(Clone)]
pub struct SharedProvider(pub(crate) Arc<dyn TokenProvider>);

impl fmt::Debug for SharedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider(..)")
    }
}

/// How long before its announced expiry a token is replaced, so that it
/// does not expire in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// The OAuth2 client-credentials flow (RFC 6749, section 4.4): the client
/// authenticates with HTTP Basic at the token URL and receives a bearer
/// token, which is cached until shortly before `expires_in` runs out.
///
/// # Example
///
/// ```no_run
/// use sdk_runtime::oauth2::ClientCredentials;
///
/// let provider = ClientCredentials::new("https://auth.example.com/token", "my-id", "my-secret")
///     .with_scopes(["read", "write"]);
/// ```
pub struct ClientCredentials {
    token_url: String,
    client_id: Secret,
    client_secret: Secret,
    scopes: Vec<String>,
    http: reqwest::Client,
    cached: Mutex<Option<(Secret, Option<Instant>)>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// A provider for `client_id` and `client_secret` at `token_url`.
    pub fn new(token_url: impl Into<String>, client_id: impl Into<Secret>, client_secret: impl Into<Secret>) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(TOKEN_TIMEOUT)
                .timeout(TOKEN_TIMEOUT)
                .build()
                .unwrap_or_default(),
            cached: Mutex::new(None),
        }
    }

    /// Asks for these scopes (sent space-separated as `scope`).
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Fetches a new token at the token URL.
    async fn fetch(&self) -> Result<(Secret, Option<Instant>), TokenError> {
        let fail = |reason: String| TokenError::new(&self.token_url, reason);
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.client_id.expose(), self.client_secret.expose()));
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let body = serde_urlencoded::to_string(&form).map_err(|e| fail(e.to_string()))?;
        let response = self
            .http
            .post(&self.token_url)
            .header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| fail(e.to_string()))?;
        let status = response.status();
        let bytes = read_token_body(response).await.map_err(fail)?;
        if !status.is_success() {
            return Err(fail(format!("{status}: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(300)]))));
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let token: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| fail(format!("the response is not a token: {e}")))?;
        // A lifetime too long to add to the clock is no expiry at all.
        let expires = token.expires_in.and_then(|seconds| Instant::now().checked_add(Duration::from_secs(seconds).saturating_sub(EXPIRY_MARGIN)));
        Ok((Secret::new(token.access_token), expires))
    }
}

/// The most of a token endpoint's response that is read: a token response
/// is a few hundred bytes.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// The bound on connecting to the token endpoint, and on the whole request.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// The token endpoint's response body, refused past [`TOKEN_BODY_LIMIT`].
async fn read_token_body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let too_long = || format!("the response is longer than {TOKEN_BODY_LIMIT} bytes");
    if response.content_length().is_some_and(|length| length > TOKEN_BODY_LIMIT as u64) {
        return Err(too_long());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > TOKEN_BODY_LIMIT {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl TokenProvider for ClientCredentials {
    fn token(&self, refresh: bool) -> TokenFuture<'_> {
        Box::pin(async move {
            // One fetch at a time: concurrent calls wait for it and share it.
            let mut cached = self.cached.lock().await;
            let fresh = cached.as_ref().is_some_and(|(_, expires)| expires.is_none_or(|at| Instant::now() < at));
            if refresh || !fresh {
                *cached = Some(self.fetch().await?);
            }
            Ok(cached.as_ref().map(|(token, _)| token.clone()).unwrap_or_else(|| Secret::new(String::new())))
        })
    }
}
