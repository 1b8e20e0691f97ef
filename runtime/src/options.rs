//! Per-call options: what one call may change of its client's settings
//! (extra headers, its total deadline, its retry policy, its idempotency
//! key, its body limit) without cloning the client.
//!
//! Generated code hands a [`CallOptions`] to [`super::Call::options`]; the
//! pipeline ([`super::Call::send`]) applies it.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::retry::RetryPolicy;

/// Settings for one call that override the client's.
///
/// - **Extra headers** are added to the request, replacing a header of the
///   same name the call set itself (a header parameter, `Accept`, a default
///   header). They may not name a header that the client's credentials set
///   for this operation (`Authorization`, an API-key header, `Cookie` for a
///   cookie API key, signature headers): such a call fails with a
///   validation error and nothing is sent, rather than one source of
///   credentials silently winning over the other. Like the call's own
///   headers, extra headers follow redirects, to another origin too: put
///   secrets in credentials, which never leave their origin.
/// - **Timeout** replaces `Timeouts::total` for this call: every attempt,
///   the waits between them and reading a decoded body. Unlike the
///   client's default, it also bounds a call whose body is a stream.
/// - **Retry policy** replaces the client's for this call
///   ([`RetryPolicy::none`] switches retries off).
/// - **Idempotency key** replaces the key the pipeline would generate (a
///   UUID v4) for an operation that declares an idempotency-key header, and
///   is sent unchanged on every retry. A call of an operation that declares
///   no such header fails with a validation error (nothing is sent): the
///   key would not make a retry safe.
/// - **Body limit** replaces `ClientContext::body_limit` for this call: how
///   long a success body read into memory to be decoded may be.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::reqwest::header::{HeaderName, HeaderValue};
/// use sdk_runtime::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .with_header(HeaderName::from_static("x-tenant"), HeaderValue::from_static("acme"))
///     .with_timeout(Duration::from_secs(5))
///     .with_retry_policy(RetryPolicy::none())
///     .with_idempotency_key("order-2024-0001")
///     .with_body_limit(256 * 1024 * 1024);
/// assert_eq!(options.timeout(), Some(Duration::from_secs(5)));
/// assert_eq!(options.body_limit(), Some(256 * 1024 * 1024));
/// assert_eq!(options.idempotency_key(), Some("order-2024-0001"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallOptions {
    headers: HeaderMap,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    idempotency_key: Option<String>,
    body_limit: Option<usize>,
}

impl CallOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the header `name: value` to the call (a second value for the
    /// same name is sent too).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Adds every header of `headers` to the call.
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        let mut current = None;
        for (name, value) in headers {
            // `None` continues the values of the name before.
            if name.is_some() {
                current = name;
            }
            if let Some(name) = &current {
                self.headers.append(name.clone(), value);
            }
        }
        self
    }

    /// Bounds this call to `timeout` in total, retries and backoff included.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries this call with `policy` instead of the client's.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends `key` as the idempotency key of this call, on every attempt.
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Lets this call read a success body of up to `bytes` into memory
    /// instead of the client's `body_limit`.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// The extra headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The timeout of this call, if it replaces the client's.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retry policy of this call, if it replaces the client's.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The idempotency key of this call, if one was given.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The body limit of this call, if it replaces the client's.
    pub fn body_limit(&self) -> Option<usize> {
        self.body_limit
    }
}
