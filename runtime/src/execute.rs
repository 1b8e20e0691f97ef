//! The pipeline every call goes through, in named steps: build the request
//! from the [`Call`], then attempt it (credentials, redirects, the attempt
//! time limit) as often as the retry policy and the operation allow, all
//! within the call's total deadline.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, Request, StatusCode};
use tokio::time::Instant;

use super::call::Call;
use super::context::ClientContext;
use super::error::{CallError, TimeLimit};
use super::operation::{Idempotency, Operation};
use super::response::Response;
use super::retry::Attempt;

/// How many redirects one attempt follows before returning the 3xx response.
const MAX_REDIRECTS: usize = 10;

/// Sends `call` and returns the final response, whatever its status.
///
/// - A problem recorded while the call was built is returned first: nothing
///   is sent.
/// - A call whose body is in memory gets `Timeouts::attempt` per attempt and
///   `Timeouts::total` for the whole call, retries and backoff included (the
///   deadline also bounds reading a decoded body, see [`Response`]). A
///   streamed body has neither: the client's read timeout ends a stall.
/// - Retries follow the client's [`RetryPolicy`](super::RetryPolicy), only
///   for operations that may be repeated and bodies that can be replayed.
pub(crate) async fn execute(call: Call<'_>) -> Result<Response, CallError> {
    if let Some(problem) = call.problem {
        return Err(problem);
    }
    let operation = call.operation;
    let context = call.context;
    let mut headers = call.headers;
    if !call.cookies.is_empty() {
        let cookies = HeaderValue::from_str(&call.cookies.join("; ")).map_err(|_| CallError::validation(operation, "Cookie", "is not a valid header value"))?;
        headers.insert(COOKIE, cookies);
    }
    let request = build_request(call.base_url, operation, call.path, call.query, headers, call.body)?;
    let replayable = request.body().is_none_or(|body| body.as_bytes().is_some());
    let host = host_of(request.url());
    let deadline = replayable.then(|| Instant::now() + context.timeouts.total);
    let attempts = attempt_with_retries(call.http, context, operation, request, replayable);
    let response = match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, attempts)
            .await
            .map_err(|_| CallError::timeout(operation, TimeLimit::Total(context.timeouts.total)))??,
        None => attempts.await?,
    };
    Ok(Response::new(response, operation, host, deadline, context))
}

/// The request the call describes: URL, headers the spec adds, the
/// idempotency key, and the body.
fn build_request(
    base_url: &str,
    operation: &'static Operation,
    path: String,
    query: Vec<(String, String)>,
    mut headers: reqwest::header::HeaderMap,
    body: Option<reqwest::Body>,
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
    if let Idempotency::Key(name) = operation.idempotency {
        let invalid = |what: &str| CallError::validation(operation, name, what);
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("is not a valid HTTP header name"))?;
        if !headers.contains_key(&header) {
            // One key per call, generated here and so sent unchanged on
            // every retry: the server sees one logical request.
            let key = uuid::Uuid::new_v4().hyphenated().to_string();
            headers.insert(header, HeaderValue::from_str(&key).map_err(|_| invalid("cannot carry a generated key"))?);
        }
    }
    let mut request = Request::new(operation.method.clone(), url);
    *request.headers_mut() = headers;
    *request.body_mut() = body;
    Ok(request)
}

/// Attempts `request` until it succeeds, fails in a way not worth retrying,
/// or the retry policy gives up.
async fn attempt_with_retries(
    http: &reqwest::Client,
    context: &ClientContext,
    operation: &'static Operation,
    request: Request,
    replayable: bool,
) -> Result<reqwest::Response, CallError> {
    let retryable = replayable && operation.idempotency != Idempotency::Unsafe;
    let limit = replayable.then_some(context.timeouts.attempt);
    let mut retry = 0;
    loop {
        let copy = if retryable { request.try_clone() } else { None };
        let Some(attempt) = copy else {
            return attempt_once(http, context, operation, request, limit).await;
        };
        let outcome = attempt_once(http, context, operation, attempt, limit).await;
        let delay = context.retry.delay_before_retry(retry, attempt_of(&outcome));
        match delay {
            Some(delay) => {
                drop(outcome);
                tokio::time::sleep(delay).await;
                retry += 1;
            }
            None => return outcome,
        }
    }
}

fn attempt_of(outcome: &Result<reqwest::Response, CallError>) -> Attempt<'_> {
    match outcome {
        Ok(response) => Attempt::Answered(response),
        Err(error) => Attempt::Failed { transient: error.is_transient() },
    }
}

/// One attempt, within `limit` (up to the response headers). A 401 to a
/// request authenticated by a token provider is sent once more with a
/// fresh token, since the cached one may have been revoked or expired early.
async fn attempt_once(
    http: &reqwest::Client,
    context: &ClientContext,
    operation: &'static Operation,
    request: Request,
    limit: Option<Duration>,
) -> Result<reqwest::Response, CallError> {
    let attempt = async {
        let replay = context.credentials.chooses_provider(operation.security).then(|| request.try_clone()).flatten();
        let response = send_following_redirects(http, context, operation, request, false).await?;
        match replay {
            Some(replay) if response.status() == StatusCode::UNAUTHORIZED => {
                drop(response);
                send_following_redirects(http, context, operation, replay, true).await
            }
            _ => Ok(response),
        }
    };
    match limit {
        Some(limit) => tokio::time::timeout(limit, attempt)
            .await
            .map_err(|_| CallError::timeout(operation, TimeLimit::Attempt(limit)))?,
        None => attempt.await,
    }
}

/// Sends `request` and follows redirects by hand, so that credentials are
/// re-applied (and re-signed) for the same origin and never sent to another.
async fn send_following_redirects(
    http: &reqwest::Client,
    context: &ClientContext,
    operation: &'static Operation,
    mut request: Request,
    refresh: bool,
) -> Result<reqwest::Response, CallError> {
    let origin = request.url().origin();
    let mut same_origin = true;
    let mut redirects = 0;
    loop {
        // The copy is taken before credentials are applied, so a redirect
        // target starts clean and gets credentials only if it is same-origin.
        let replay = request.try_clone();
        if same_origin {
            context
                .credentials
                .apply(operation.security, &mut request, refresh)
                .await
                .map_err(|message| CallError::validation(operation, "credentials", message))?;
        }
        let response = http.execute(request).await.map_err(|error| CallError::http(operation, error))?;
        if redirects == MAX_REDIRECTS {
            return Ok(response);
        }
        let Some(next) = redirect_target(&response, replay) else {
            return Ok(response);
        };
        same_origin = same_origin && next.url().origin() == origin;
        redirects += 1;
        request = next;
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

/// The host, for error messages.
fn host_of(url: &reqwest::Url) -> String {
    url.host_str().unwrap_or_default().to_owned()
}
