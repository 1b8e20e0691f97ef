//! When to retry a request, how long to wait first, and how many retries
//! all calls of a client may make together.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;

/// How a client retries requests that failed in a way worth retrying.
///
/// The default makes up to 2 retries with exponential backoff from 0.5 s,
/// capped at 8 s, with jitter; it honours `Retry-After` up to 30 s and
/// returns the error instead of waiting longer (a `Retry-After` of a year,
/// or a number of seconds too large to count, is returned at once). Every
/// wait also ends at the call's total deadline. Retries also take from the
/// client's [`RetryBudget`]. Only requests that are safe
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

    /// Sets the longest `Retry-After` the client will wait (default 30 s); a
    /// server asking for more gets its error returned to the caller at once.
    /// Whatever the cap, a wait never outlasts the call's total deadline.
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
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // More seconds than a u64 holds is still "longer than any cap".
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The retries all calls of one client may make together: a token bucket
/// (like the retry quota of the AWS SDKs, or Finagle's retry budget), so
/// that a server failing every request gets a bounded number of extra
/// requests however many callers there are.
///
/// - The bucket starts full, with `capacity` retries.
/// - Every retry takes one; when the bucket is empty, a call that would be
///   retried returns its last error instead (the first attempt of a call is
///   never refused).
/// - Every call that ends in a success status puts back a fraction of a
///   retry (default 0.2, so retries stay within about a fifth of successful
///   calls in the long run), up to the capacity.
///
/// The default holds 100 retries. Clones share one bucket, so every copy of
/// a client draws from the same budget. Under a server that answers 503 to
/// everything, N concurrent callers make at most N first attempts plus
/// `capacity` retries in total.
///
/// # Example
///
/// ```
/// use sdk_runtime::RetryBudget;
///
/// let budget = RetryBudget::new(10).with_refund_per_success(0.5);
/// assert_eq!(budget.available(), Some(10));
/// assert_eq!(RetryBudget::unlimited().available(), None);
/// ```
#[derive(Clone)]
pub struct RetryBudget(Option<Arc<Bucket>>);

/// Tokens are counted in thousandths of a retry, so refunds can be fractions.
const MILLI: u64 = 1000;

struct Bucket {
    capacity: u64,
    refund: u64,
    tokens: AtomicU64,
}

impl Default for RetryBudget {
    /// 100 retries, 0.2 of a retry back per successful call.
    fn default() -> Self {
        Self::new(100)
    }
}

impl RetryBudget {
    /// A full budget of `capacity` retries, refunding 0.2 of a retry per
    /// successful call.
    pub fn new(capacity: u32) -> Self {
        let capacity = u64::from(capacity) * MILLI;
        Self(Some(Arc::new(Bucket { capacity, refund: MILLI / 5, tokens: AtomicU64::new(capacity) })))
    }

    /// No budget: only the retry policy bounds retries.
    pub fn unlimited() -> Self {
        Self(None)
    }

    /// A new full budget of the same capacity that puts back `fraction` of a
    /// retry (clamped to 0..=1) per successful call.
    pub fn with_refund_per_success(self, fraction: f64) -> Self {
        match self.0 {
            Some(bucket) => {
                // Clamped to 0..=1 first, so the product fits.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let refund = (fraction.clamp(0.0, 1.0) * MILLI as f64).round() as u64;
                Self(Some(Arc::new(Bucket { refund, tokens: AtomicU64::new(bucket.capacity), capacity: bucket.capacity })))
            }
            None => Self(None),
        }
    }

    /// The whole retries left, or `None` for an unlimited budget.
    pub fn available(&self) -> Option<u64> {
        self.0.as_ref().map(|bucket| bucket.tokens.load(Ordering::Acquire) / MILLI)
    }

    /// Takes one retry from the budget; `false` when none is left.
    pub(crate) fn try_take(&self) -> bool {
        let Some(bucket) = &self.0 else { return true };
        bucket
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| tokens.checked_sub(MILLI))
            .is_ok()
    }

    /// Puts back the refund of one successful call, up to the capacity.
    pub(crate) fn refund(&self) {
        if let Some(bucket) = &self.0 {
            // The closure always returns `Some`, so the update cannot fail.
            let _ = bucket
                .tokens
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| Some((tokens + bucket.refund).min(bucket.capacity)));
        }
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(bucket) => f
                .debug_struct("RetryBudget")
                .field("capacity", &(bucket.capacity / MILLI))
                .field("available_milli", &bucket.tokens.load(Ordering::Acquire))
                .field("refund_milli", &bucket.refund)
                .finish(),
            None => f.write_str("RetryBudget(unlimited)"),
        }
    }
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
        assert_eq!(retry_after(&headers("31536000"), now), Some(Duration::from_secs(31_536_000)));
        assert_eq!(retry_after(&headers("99999999999999999999999"), now), Some(Duration::MAX));
    }

    #[test]
    fn a_budget_refuses_retries_once_empty_and_refills_from_successes() {
        let budget = RetryBudget::new(2).with_refund_per_success(0.5);
        let shared = budget.clone();
        assert!(budget.try_take());
        assert!(shared.try_take());
        assert!(!budget.try_take(), "the clone drew from the same bucket");
        budget.refund();
        assert!(!budget.try_take(), "half a retry is not a retry");
        shared.refund();
        assert!(budget.try_take());
        for _ in 0..10 {
            budget.refund();
        }
        assert_eq!(budget.available(), Some(2), "refunds stop at the capacity");
        assert!(RetryBudget::unlimited().try_take());
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
