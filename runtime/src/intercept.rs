//! Interceptors: code of the user's, run around every attempt of every call
//! of a client, to add headers, count, time or log attempts.
//!
//! A client holds them in [`ClientContext::interceptors`](super::ClientContext::interceptors).

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::error::CallError;
use super::operation::Operation;

/// Called around each attempt of a call: before it is sent, with the
/// request, and after it, with its outcome. A call retried twice makes
/// three attempts, and each interceptor sees all three.
///
/// **What `before_attempt` sees.** The request as the call built it: the URL
/// with its path and query parameters, the headers (header parameters,
/// `Accept`, the API's default headers, per-call extra headers, the
/// idempotency key) and the body. Credentials are applied *after* the
/// interceptors, so an interceptor never sees an `Authorization` header,
/// an API key (header, query or cookie) or a signature; and a header an
/// interceptor sets under a name the credentials use is replaced by them.
/// Each attempt starts from the call's request afresh, so a change made
/// for one attempt is not carried into the next; within an attempt it
/// stays on the request for the redirects the pipeline follows (to another
/// origin too, unlike credentials) and for the one resend with a fresh
/// token after a 401, for which the interceptors are not called again.
///
/// **What `after_attempt` sees.** The attempt's final response (status and
/// headers, after redirects; the body is left for the caller) or the error
/// that ended it (a timeout, a connection failure), and how long it took.
/// Interceptors are called before the attempt in the order of
/// `ClientContext::interceptors`, and after it in reverse order.
///
/// Both methods do nothing by default; they run on the task that sends the
/// call, so they must be quick and must not block.
///
/// # Example
///
/// An interceptor that tags each request with a tenant header, and one that
/// counts attempts, across a retry:
///
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use sdk_runtime::reqwest::{header::HeaderValue, Method, Request};
/// use sdk_runtime::{AttemptInfo, AttemptOutcome, Call, ClientContext, Idempotency, Interceptor, Operation, RetryPolicy};
/// use wiremock::{matchers, Mock, MockServer, ResponseTemplate};
///
/// /// Tags every request with the caller's tenant.
/// struct Tenant(&'static str);
///
/// impl Interceptor for Tenant {
///     fn before_attempt(&self, _attempt: &AttemptInfo, request: &mut Request) {
///         request.headers_mut().insert("x-tenant", HeaderValue::from_static(self.0));
///     }
/// }
///
/// /// Counts attempts, retries included.
/// #[derive(Default)]
/// struct Attempts(AtomicU32);
///
/// impl Interceptor for Attempts {
///     fn after_attempt(&self, attempt: &AttemptInfo, outcome: &AttemptOutcome<'_>) {
///         self.0.fetch_add(1, Ordering::SeqCst);
///         println!("{} attempt {}: {:?} in {:?}", attempt.operation.id, attempt.number, outcome.status(), outcome.latency());
///     }
/// }
///
/// static GET_THING: Operation = Operation {
///     id: "getThing",
///     method: Method::GET,
///     path: "/things/1",
///     parameters: &[],
///     security: &[],
///     idempotency: Idempotency::Safe,
///     default_headers: &[],
///     accept: None,
///     success_when: None,
/// };
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // A server that fails once, then answers, and only to tagged requests.
/// let server = MockServer::start().await;
/// let tagged = || matchers::header("x-tenant", "acme");
/// Mock::given(tagged()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
/// Mock::given(tagged()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
///
/// let attempts = Arc::new(Attempts::default());
/// let context = ClientContext {
///     retry: RetryPolicy::default().with_backoff(Duration::from_millis(10), Duration::from_millis(10)),
///     interceptors: vec![Arc::new(Tenant("acme")) as Arc<dyn Interceptor>, attempts.clone()],
///     ..ClientContext::default()
/// };
/// let http = context.http_client("example/1.0").unwrap();
/// let base_url = server.uri();
///
/// let response = Call::new(&http, &context, &base_url, &GET_THING).send().await.unwrap();
///
/// assert_eq!(response.status(), 200);
/// assert_eq!(attempts.0.load(Ordering::SeqCst), 2);
/// # }
/// ```
pub trait Interceptor: Send + Sync {
    /// Called before attempt `attempt.number` is sent, with the request
    /// before credentials; changes to it are sent.
    fn before_attempt(&self, attempt: &AttemptInfo, request: &mut reqwest::Request) {
        let _ = (attempt, request);
    }

    /// Called when attempt `attempt.number` has ended, answered or not,
    /// before the pipeline decides whether to retry.
    fn after_attempt(&self, attempt: &AttemptInfo, outcome: &AttemptOutcome<'_>) {
        let _ = (attempt, outcome);
    }
}

/// Which attempt of which call an [`Interceptor`] is called for.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct AttemptInfo {
    /// The operation called.
    pub operation: &'static Operation,
    /// The attempt's number: 1 for the first, 2 for the first retry, …
    pub number: u32,
}

impl AttemptInfo {
    pub(crate) fn new(operation: &'static Operation, number: u32) -> Self {
        Self { operation, number }
    }
}

/// How an attempt ended, as an [`Interceptor`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The server answered (after any redirects).
    #[non_exhaustive]
    Answered {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: &'a HeaderMap,
        /// From sending the request to the response headers.
        latency: Duration,
    },
    /// No answer: a timeout, a connection failure, or credentials that
    /// could not be applied.
    #[non_exhaustive]
    Failed {
        /// What went wrong.
        error: &'a CallError,
        /// From sending the request to the failure.
        latency: Duration,
    },
}

impl AttemptOutcome<'_> {
    /// The status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            AttemptOutcome::Answered { status, .. } => Some(*status),
            AttemptOutcome::Failed { .. } => None,
        }
    }

    /// How long the attempt took.
    pub fn latency(&self) -> Duration {
        match self {
            AttemptOutcome::Answered { latency, .. } | AttemptOutcome::Failed { latency, .. } => *latency,
        }
    }
}
