//! Sends one operation's request: credentials, timeout, redirects, retries.

use reqwest::header::{HeaderName, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Request, Response, StatusCode};

use crate::call::record;
use crate::context::{ClientContext, OperationPolicy};

/// How many redirects one attempt follows before returning the 3xx response.
const MAX_REDIRECTS: usize = 10;

/// progenitor adds this header to every request; the APIs we target do not
/// use it, so it is not sent.
const PROGENITOR_API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// Executes `request` for an operation described by `operation`.
///
/// Each attempt gets fresh credentials (so signatures carry a current
/// timestamp), and a request with a replayable body gets the context's total
/// timeout unless it already has one. Retries follow the context's
/// [`RetryPolicy`](crate::RetryPolicy), and only for requests that are safe
/// to repeat: idempotent operations whose body can be replayed.
pub async fn execute(
    client: &reqwest::Client,
    context: &ClientContext,
    mut request: Request,
    operation: &OperationPolicy,
) -> reqwest::Result<Response> {
    request.headers_mut().remove(PROGENITOR_API_VERSION);
    add_default_headers(&mut request, operation.default_headers);
    add_body_headers(&mut request);
    join_comma_separated_query(request.url_mut(), operation.comma_separated_query);
    let replayable = request.try_clone().is_some();
    if replayable && request.timeout().is_none() {
        *request.timeout_mut() = Some(context.timeouts.request);
    }
    let host = request.url().host_str().unwrap_or_default().to_owned();
    record(|call| call.host = host);
    let outcome = send_with_retries(client, context, operation, request, replayable).await?;
    inspect(outcome, operation).await
}

async fn send_with_retries(
    client: &reqwest::Client,
    context: &ClientContext,
    operation: &OperationPolicy,
    request: Request,
    replayable: bool,
) -> reqwest::Result<Response> {
    if !(operation.idempotent && replayable) {
        return send_following_redirects(client, context, operation, request).await;
    }
    let mut retry = 0;
    loop {
        let Some(attempt) = request.try_clone() else {
            return send_following_redirects(client, context, operation, request).await;
        };
        let outcome = send_following_redirects(client, context, operation, attempt).await;
        match context.retry.delay_before_retry(retry, &outcome) {
            Some(delay) => {
                drop(outcome);
                tokio::time::sleep(delay).await;
                retry += 1;
            }
            None => return outcome,
        }
    }
}

/// Records the final response for [`crate::call`]. Error bodies are read here
/// (and the response rebuilt around them) so that a body progenitor cannot
/// decode, such as a proxy's HTML page, still reaches the caller with its
/// status; so are 2xx bodies whose envelope must be checked.
async fn inspect(response: Response, operation: &OperationPolicy) -> reqwest::Result<Response> {
    let status = response.status();
    let headers = response.headers().clone();
    record(|call| {
        call.status = Some(status);
        call.headers = Some(headers);
    });
    let check_envelope = status.is_success() && operation.success_when.is_some();
    if status.is_success() && !check_envelope {
        return Ok(response);
    }
    let mut builder = http::Response::builder().status(status).version(response.version());
    if let Some(headers) = builder.headers_mut() {
        headers.extend(response.headers().clone());
    }
    let body = response.bytes().await?;
    if check_envelope {
        if let Some((pointer, expected)) = operation.success_when {
            let succeeded = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|value| value.pointer(pointer).and_then(|v| v.as_str().map(|s| s == expected)))
                .unwrap_or(true);
            if !succeeded {
                record(|call| call.envelope_failure = Some(body.clone()));
            }
        }
    } else {
        record(|call| call.body = Some(body.clone()));
    }
    Ok(builder.body(body).map(Response::from).unwrap_or_else(|_| unreachable!("status and headers came from a response")))
}

fn add_default_headers(request: &mut Request, headers: &[(&'static str, &'static str)]) {
    for (name, value) in headers {
        let name = HeaderName::from_static(name);
        if !request.headers().contains_key(&name) {
            request.headers_mut().insert(name, reqwest::header::HeaderValue::from_static(value));
        }
    }
}

/// Sets the real `Content-Type` and the `Content-Length` of an upload, so a
/// streamed body is sent with a length rather than chunked.
fn add_body_headers(request: &mut Request) {
    let Some(body) = crate::upload::body_headers() else { return };
    if let Ok(content_type) = reqwest::header::HeaderValue::from_str(&body.content_type) {
        request.headers_mut().insert(CONTENT_TYPE, content_type);
    }
    request.headers_mut().insert(CONTENT_LENGTH, reqwest::header::HeaderValue::from(body.length));
}

/// Rewrites `types=a&types=b` as `types=a,b` for each name in `names`,
/// keeping the position of the first occurrence and every other pair as is.
pub(crate) fn join_comma_separated_query(url: &mut reqwest::Url, names: &[&str]) {
    if names.is_empty() || url.query().is_none() {
        return;
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in url.query_pairs() {
        let joined = names.contains(&key.as_ref()).then(|| pairs.iter_mut().find(|(k, _)| *k == key)).flatten();
        match joined {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            None => pairs.push((key.into_owned(), value.into_owned())),
        }
    }
    url.query_pairs_mut().clear().extend_pairs(pairs);
}

/// Sends `request` and follows redirects by hand, so that credentials are
/// re-applied (and re-signed) for the same origin and never sent to another.
async fn send_following_redirects(
    client: &reqwest::Client,
    context: &ClientContext,
    operation: &OperationPolicy,
    mut request: Request,
) -> reqwest::Result<Response> {
    let origin = request.url().origin();
    let mut same_origin = true;
    let mut redirects = 0;
    loop {
        // The copy is taken before credentials are applied, so a redirect
        // target starts clean and gets credentials only if it is same-origin.
        let replay = request.try_clone();
        if same_origin {
            context.credentials.apply(operation.security, &mut request);
        }
        let response = client.execute(request).await?;
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
fn redirect_target(response: &Response, replay: Option<Request>) -> Option<Request> {
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

#[cfg(test)]
mod tests {
    use super::join_comma_separated_query;

    #[test]
    fn exploded_pairs_are_joined_only_for_named_parameters() {
        let mut url = reqwest::Url::parse("https://h/p?types=a&x=1&types=b&x=2&types=c%20d").unwrap();
        join_comma_separated_query(&mut url, &["types"]);
        assert_eq!(url.query(), Some("types=a%2Cb%2Cc+d&x=1&x=2"));
    }
}
