//! The pipeline every call goes through, in named steps: build the request
//! from the [`Call`], then attempt it (credentials, redirects, the attempt
//! time limit) as often as the retry policy, the client's retry budget and
//! the operation allow, all within the call's total deadline.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, Request, StatusCode};
use tokio::time::Instant;

use super::call::Call;
use super::context::ClientContext;
use super::error::{CallError, TimeLimit};
use super::intercept::{AttemptInfo, AttemptOutcome};
use super::operation::{Idempotency, Operation};
use super::response::Response;
use super::retry::{Attempt, RetryPolicy};
use super::telemetry::{AttemptTrace, CallTrace};

/// How many redirects one attempt follows before returning the 3xx response.
const MAX_REDIRECTS: usize = 10;

/// Sends `call` and returns the final response, whatever its status.
///
/// - A problem recorded while the call was built is returned first: nothing
///   is sent.
/// - A call whose body is in memory gets `Timeouts::attempt` per attempt and
///   `Timeouts::total` for the whole call, retries and backoff included (the
///   deadline also bounds reading a decoded body, see [`Response`]). A
///   streamed body has neither (unless the call's options set a timeout):
///   the client's read timeout ends a stall.
/// - Retries follow the client's [`RetryPolicy`](super::RetryPolicy) (or the
///   call's), only for operations that may be repeated and bodies that can
///   be replayed, and each takes one from the client's
///   [`RetryBudget`](super::RetryBudget); a call that ends in a success
///   status refunds part of one.
/// - Interceptors are called around every attempt, before credentials.
pub(crate) async fn execute(call: Call<'_>) -> Result<Response, CallError> {
    let trace = CallTrace::start(call.operation);
    let mut attempts = 0;
    let result = trace.run(run(call, &trace, &mut attempts)).await;
    trace.finish(attempts, result.as_ref().map(|response| (response.status(), response.request_id())));
    result
}

async fn run(call: Call<'_>, trace: &CallTrace, attempts: &mut u32) -> Result<Response, CallError> {
    if let Some(problem) = call.problem {
        return Err(problem);
    }
    let operation = call.operation;
    let context = call.context;
    let options = call.options.unwrap_or_default();
    let mut headers = call.headers;
    if !call.cookies.is_empty() {
        let cookies = HeaderValue::from_str(&call.cookies.join("; ")).map_err(|_| CallError::validation(operation, "Cookie", "is not a valid header value"))?;
        headers.insert(COOKIE, cookies);
    }
    add_extra_headers(context, operation, &mut headers, options.headers())?;
    let request = build_request(call.base_url, operation, call.path, call.query, headers, call.body, options.idempotency_key())?;
    let replayable = request.body().is_none_or(|body| body.as_bytes().is_some());
    let host = host_of(request.url());
    let total = options.timeout().unwrap_or(context.timeouts.total);
    // A total too long to add to the clock (`Duration::MAX`) is no deadline.
    let deadline = (replayable || options.timeout().is_some()).then(|| Instant::now().checked_add(total)).flatten();
    let pipeline = Pipeline {
        http: call.http,
        context,
        operation,
        retry: options.retry_policy().unwrap_or(&context.retry),
        attempt_limit: replayable.then_some(context.timeouts.attempt),
        deadline,
        total,
        trace,
    };
    let response = pipeline.attempt_with_retries(request, replayable, attempts).await?;
    if response.status().is_success() {
        context.retry_budget.refund();
    }
    let body_limit = options.body_limit().unwrap_or(context.body_limit);
    Ok(Response::new(response, operation, host, deadline, total, body_limit, context))
}

/// Adds the call's extra headers, each replacing what the call set under
/// its name, unless the credentials this operation uses set that name.
fn add_extra_headers(context: &ClientContext, operation: &'static Operation, headers: &mut HeaderMap, extra: &HeaderMap) -> Result<(), CallError> {
    if extra.is_empty() {
        return Ok(());
    }
    let reserved = context.credentials.header_names(operation.security);
    if let Some(name) = extra.keys().find(|name| reserved.contains(name)) {
        return Err(CallError::validation(
            operation,
            name.as_str(),
            "is set by the client's credentials for this operation; an extra header cannot replace it",
        ));
    }
    for name in extra.keys() {
        headers.remove(name);
        for value in extra.get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    Ok(())
}

/// The request the call describes: URL, headers the spec adds, the
/// idempotency key (the caller's, or a fresh one), and the body.
fn build_request(
    base_url: &str,
    operation: &'static Operation,
    path: String,
    query: Vec<(String, String)>,
    mut headers: HeaderMap,
    body: Option<reqwest::Body>,
    idempotency_key: Option<&str>,
) -> Result<Request, CallError> {
    let mut url = reqwest::Url::parse(&format!("{base_url}{path}"))
        .map_err(|error| CallError::validation(operation, "path", format!("does not form a valid URL: {error}")))?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    for (name, value) in operation.default_headers {
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) else {
            return Err(CallError::validation(operation, *name, "is not a valid HTTP header"));
        };
        headers.entry(name).or_insert(value);
    }
    if let Some(accept) = operation.accept {
        let value = HeaderValue::from_str(accept).map_err(|_| CallError::validation(operation, "Accept", "is not a valid header value"))?;
        headers.entry(ACCEPT).or_insert(value);
    }
    match (operation.idempotency, idempotency_key) {
        (Idempotency::Key(name), key) => {
            let invalid = |what: &str| CallError::validation(operation, name, what);
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("is not a valid HTTP header name"))?;
            if let Some(key) = key {
                // The caller's key wins over a header parameter of the same name.
                headers.insert(header, HeaderValue::from_str(key).map_err(|_| invalid("cannot carry the given idempotency key"))?);
            } else if !headers.contains_key(&header) {
                // One key per call, generated here and so sent unchanged on
                // every retry: the server sees one logical request.
                let key = uuid::Uuid::new_v4().hyphenated().to_string();
                headers.insert(header, HeaderValue::from_str(&key).map_err(|_| invalid("cannot carry a generated key"))?);
            }
        }
        (_, Some(_)) => {
            return Err(CallError::validation(
                operation,
                "idempotency key",
                "was given, but the operation declares no idempotency-key header to send it in",
            ))
        }
        (_, None) => {}
    }
    let mut request = Request::new(operation.method.clone(), url);
    *request.headers_mut() = headers;
    *request.body_mut() = body;
    Ok(request)
}

/// What every attempt of one call shares.
struct Pipeline<'a> {
    http: &'a reqwest::Client,
    context: &'a ClientContext,
    operation: &'static Operation,
    retry: &'a RetryPolicy,
    /// `Timeouts::attempt`, for a call whose body can be replayed.
    attempt_limit: Option<Duration>,
    /// The end of the call's total time, when it has one.
    deadline: Option<Instant>,
    /// The total time, for the error when the deadline passes.
    total: Duration,
    trace: &'a CallTrace,
}

impl Pipeline<'_> {
    /// Attempts `request` until it succeeds, fails in a way not worth
    /// retrying, the retry policy gives up, or the deadline passes;
    /// `attempts` counts the attempts made.
    async fn attempt_with_retries(&self, request: Request, replayable: bool, attempts: &mut u32) -> Result<reqwest::Response, CallError> {
        let retryable = replayable && self.operation.idempotency != Idempotency::Unsafe;
        let mut pending = Some(request);
        let mut retry = 0;
        loop {
            let Some(request) = pending.take() else {
                unreachable!("the loop returns when no copy of the request is left")
            };
            // Each attempt sends a copy, so that the next starts from the
            // call's request (without credentials or interceptors' changes).
            let this = match retryable.then(|| request.try_clone()).flatten() {
                Some(copy) => {
                    pending = Some(request);
                    copy
                }
                None => request,
            };
            *attempts += 1;
            let (outcome, trace) = self.attempt(this, *attempts).await;
            if pending.is_none() || matches!(&outcome, Err(error) if error.is_total_timeout()) {
                return outcome;
            }
            let Some(delay) = self.retry.delay_before_retry(retry, attempt_of(&outcome)) else {
                return outcome;
            };
            // The client's budget is shared by all its calls: when it is
            // spent, the call ends with its last outcome.
            if !self.context.retry_budget.try_take() {
                return outcome;
            }
            trace.retrying(&retry_reason(&outcome), delay);
            drop((outcome, trace));
            match self.deadline {
                // A wait too long to add to a clock is past any deadline.
                Some(deadline) if Instant::now().checked_add(delay).is_none_or(|end| end >= deadline) => {
                    tokio::time::sleep_until(deadline).await;
                    return Err(CallError::timeout(self.operation, TimeLimit::Total(self.total)));
                }
                _ => tokio::time::sleep(delay).await,
            }
            retry += 1;
        }
    }

    /// Attempt `number`: the interceptors, then the request within the
    /// attempt's time limit, then the interceptors again.
    async fn attempt(&self, mut request: Request, number: u32) -> (Result<reqwest::Response, CallError>, AttemptTrace) {
        let info = AttemptInfo::new(self.operation, number);
        for interceptor in &self.context.interceptors {
            interceptor.before_attempt(&info, &mut request);
        }
        let trace = self.trace.attempt(number);
        let started = Instant::now();
        let outcome = trace.run(self.timed(self.attempt_once(request, &trace))).await;
        let latency = started.elapsed();
        trace.ended(outcome.as_ref().map(reqwest::Response::status), latency);
        let seen = match &outcome {
            Ok(response) => AttemptOutcome::Answered { status: response.status(), headers: response.headers(), latency },
            Err(error) => AttemptOutcome::Failed { error, latency },
        };
        for interceptor in self.context.interceptors.iter().rev() {
            interceptor.after_attempt(&info, &seen);
        }
        (outcome, trace)
    }

    /// `attempt` within the attempt limit and the call's deadline, whichever
    /// comes first.
    async fn timed(&self, attempt: impl std::future::Future<Output = Result<reqwest::Response, CallError>>) -> Result<reqwest::Response, CallError> {
        let limit = self.attempt_limit.and_then(|limit| Some((Instant::now().checked_add(limit)?, TimeLimit::Attempt(limit))));
        let deadline = self.deadline.map(|deadline| (deadline, TimeLimit::Total(self.total)));
        let end = match (limit, deadline) {
            (Some(limit), Some(deadline)) if deadline.0 <= limit.0 => Some(deadline),
            (Some(limit), _) => Some(limit),
            (None, deadline) => deadline,
        };
        match end {
            Some((at, limit)) => tokio::time::timeout_at(at, attempt).await.map_err(|_| CallError::timeout(self.operation, limit))?,
            None => attempt.await,
        }
    }

    /// One attempt. A 401 to a request authenticated by a token provider is
    /// sent once more with a fresh token, since the cached one may have been
    /// revoked or expired early.
    async fn attempt_once(&self, request: Request, trace: &AttemptTrace) -> Result<reqwest::Response, CallError> {
        let replay = self.context.credentials.chooses_provider(self.operation.security).then(|| request.try_clone()).flatten();
        let response = self.send_following_redirects(request, false, trace).await?;
        match replay {
            Some(replay) if response.status() == StatusCode::UNAUTHORIZED => {
                drop(response);
                self.send_following_redirects(replay, true, trace).await
            }
            _ => Ok(response),
        }
    }

    /// Sends `request` and follows redirects by hand, so that credentials
    /// are re-applied (and re-signed) for the same origin and never sent to
    /// another.
    async fn send_following_redirects(&self, mut request: Request, refresh: bool, trace: &AttemptTrace) -> Result<reqwest::Response, CallError> {
        let origin = request.url().origin();
        let mut same_origin = true;
        let mut redirects = 0;
        loop {
            // The copy is taken before credentials are applied, so a redirect
            // target starts clean and gets credentials only if it is same-origin.
            let replay = request.try_clone();
            if same_origin {
                self.context
                    .credentials
                    .apply(self.operation.security, &mut request, refresh)
                    .await
                    .map_err(|message| CallError::validation(self.operation, "credentials", message))?;
            }
            let response = self.http.execute(request).await.map_err(|error| CallError::http(self.operation, error))?;
            if redirects == MAX_REDIRECTS {
                return Ok(response);
            }
            let Some(next) = redirect_target(&response, replay) else {
                return Ok(response);
            };
            trace.redirected(response.status(), &host_of(next.url()));
            same_origin = same_origin && next.url().origin() == origin;
            redirects += 1;
            request = next;
        }
    }
}

fn attempt_of(outcome: &Result<reqwest::Response, CallError>) -> Attempt<'_> {
    match outcome {
        Ok(response) => Attempt::Answered(response),
        Err(error) => Attempt::Failed { transient: error.is_transient() },
    }
}

/// Why an attempt is retried, in words free of credentials: `status 503`,
/// `timeout`, `connect`.
fn retry_reason(outcome: &Result<reqwest::Response, CallError>) -> String {
    match outcome {
        Ok(response) => format!("status {}", response.status().as_u16()),
        Err(error) => error.kind().to_owned(),
    }
}

/// The request to send next when `response` is a redirect that can be
/// followed with `replay` (a copy of the request made before credentials).
fn redirect_target(response: &reqwest::Response, replay: Option<Request>) -> Option<Request> {
    let status = response.status();
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let target = response.url().join(location).ok()?;
    let mut next = replay?;
    let becomes_get = status == StatusCode::SEE_OTHER
        || (matches!(status.as_u16(), 301 | 302) && next.method() == Method::POST);
    if becomes_get {
        *next.method_mut() = Method::GET;
        *next.body_mut() = None;
        next.headers_mut().remove(CONTENT_TYPE);
        next.headers_mut().remove(CONTENT_LENGTH);
    }
    *next.url_mut() = target;
    Some(next)
}

/// The host, with its port when the URL names one other than the
/// scheme's default, for error messages and traces.
fn host_of(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_keep_their_port() {
        let host = |url: &str| host_of(&reqwest::Url::parse(url).unwrap());
        assert_eq!(host("https://api.example.com/v1"), "api.example.com");
        assert_eq!(host("https://api.example.com:443/v1"), "api.example.com");
        assert_eq!(host("http://127.0.0.1:8080/v1"), "127.0.0.1:8080");
        assert_eq!(host("http://[::1]:9000/"), "[::1]:9000");
    }
}
