//! When to retry a request, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;

/// How a client retries requests that failed in a way worth retrying.
///
/// The default makes up to 2 retries with exponential backoff from 0.5 s,
/// capped at 8 s, with jitter; it honours `Retry-After` up to 30 s and
/// returns the error instead of waiting longer. Only requests that are safe
/// to repeat are retried: idempotent methods, operations whose spec declares
/// an `Idempotency-Key` header, and never a request whose body is a stream.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_backoff(Duration::from_secs(1), Duration::from_secs(20));
/// let off = RetryPolicy::none();
/// assert_eq!(off.max_retries(), 0);
/// assert_eq!(patient.max_retries(), 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Sets how many times a request may be retried after its first attempt.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first backoff delay and the cap the doubling stops at.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest `Retry-After` the client will wait; a server asking
    /// for more gets its error returned to the caller at once.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// How many retries this policy allows.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before retry number `retry` (0-based) of a request whose
    /// last attempt ended in `outcome`, or `None` when it must not be retried.
    pub(crate) fn delay_before_retry(&self, retry: u32, outcome: Attempt<'_>) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        match outcome {
            Attempt::Failed { transient: true } => Some(self.backoff(retry)),
            Attempt::Failed { transient: false } => None,
            Attempt::Answered(response) if is_retryable_status(response.status()) => {
                match retry_after(response.headers(), SystemTime::now()) {
                    Some(wait) if wait > self.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(self.backoff(retry)),
                }
            }
            Attempt::Answered(_) => None,
        }
    }

    /// Exponential backoff with "equal jitter": half the step is fixed, the
    /// other half random, so retries from many clients spread out.
    fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Statuses that say "try again": timeouts, rate limits and server faults.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug)]
pub(crate) enum Attempt<'a> {
    /// The server answered.
    Answered(&'a reqwest::Response),
    /// No answer: the connection failed, was reset, or timed out
    /// (`transient`), or the request itself was at fault.
    Failed {
        /// Whether trying again could succeed.
        transient: bool,
    },
}

/// Errors of the HTTP client that a new attempt may not meet.
pub(crate) fn is_transient(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// Reads `Retry-After` as delay-seconds or as an HTTP-date relative to `now`.
pub fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        assert_eq!(retry_after(&headers("7"), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2026 07:28:03 GMT"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after(&headers("Wed, 21 Oct 2026 07:27:00 GMT"), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let policy = RetryPolicy::default().with_max_retries(10);
        for retry in 0..10 {
            let step = Duration::from_millis(500 * 2u64.pow(retry)).min(Duration::from_secs(8));
            let delay = policy.backoff(retry);
            assert!(delay >= step / 2 && delay <= step, "retry {retry}: {delay:?} outside {step:?}");
        }
    }
}
