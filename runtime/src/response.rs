//! The final response of a call, and the ways generated code decodes it:
//! one method per kind of documented response, each building the crate's
//! [`Error`] itself, with the operation, status and headers at hand.

use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::context::{request_id_in, ClientContext};
use super::error::{text_kept, text_start, ApiError, CallError, Error, ErrorHints, TimeLimit};
use super::operation::Operation;

/// How much of an undecodable body a decode error quotes.
const DECODE_TEXT_LIMIT: usize = 512;

/// The response a call ended with, ready to be decoded.
#[derive(Debug)]
pub struct Response {
    inner: reqwest::Response,
    operation: &'static Operation,
    host: String,
    /// The call's total deadline, which also bounds reading a decoded body.
    deadline: Option<Instant>,
    total: std::time::Duration,
    request_id: Option<String>,
    report: Report,
}

/// What the client's settings say about reporting errors.
#[derive(Clone, Copy, Debug)]
struct Report {
    hints: ErrorHints,
    credentials_from_env: bool,
    error_body_limit: usize,
    /// The most of a success body [`Parts::read`] reads.
    body_limit: usize,
    json_depth_limit: usize,
}

impl Response {
    pub(crate) fn new(
        inner: reqwest::Response,
        operation: &'static Operation,
        host: String,
        deadline: Option<Instant>,
        total: std::time::Duration,
        body_limit: usize,
        context: &ClientContext,
    ) -> Self {
        let request_id = request_id_in(&context.request_id_headers, inner.headers()).map(str::to_owned);
        let report = Report {
            hints: context.hints,
            credentials_from_env: context.credentials.is_from_env(),
            error_body_limit: context.error_body_limit,
            body_limit,
            json_depth_limit: context.json_depth_limit,
        };
        Self { inner, operation, host, deadline, total, request_id, report }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.inner.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The server's request id: the value of the first of
    /// `ClientContext::request_id_headers` this response carries.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// A documented JSON body of type `T`. With `x-success-when`, a body
    /// whose result code says failure is an API error instead.
    ///
    /// # Errors
    ///
    /// `Error::Decode` when the body does not match `T` or nests arrays and
    /// objects deeper than `ClientContext::json_depth_limit`;
    /// `Error::BodyTooLarge` when it is longer than the body limit;
    /// `Error::Api` for a failing envelope; `Error::Timeout` or
    /// `Error::Transport` when the body cannot be read in time.
    pub async fn json<T: DeserializeOwned, E: DeserializeOwned>(self) -> Result<ResponseValue<T>, Error<E>> {
        let (status, headers) = (self.inner.status(), self.inner.headers().clone());
        let (inner, parts) = self.split();
        let body = parts.read(inner).await?;
        if nested_deeper_than(&body, parts.report.json_depth_limit) {
            let message = format!("JSON nested deeper than {} levels (`json_depth_limit`)", parts.report.json_depth_limit);
            return Err(parts.decode_error(status, headers, &body, serde::de::Error::custom(message)));
        }
        if let Some(rule) = parts.operation.success_when {
            let succeeded = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|value| value.pointer(rule.pointer).and_then(|v| v.as_str().map(|code| code == rule.equals)))
                .unwrap_or(true);
            if !succeeded {
                return Err(parts.api_error(status, headers, &body));
            }
        }
        match serde_json::from_slice(&body) {
            Ok(value) => Ok(ResponseValue::new(value, status, headers)),
            Err(source) => Err(parts.decode_error(status, headers, &body, source)),
        }
    }

    /// A JSON body of type `T`, wrapped as one outcome of several (an enum
    /// variant such as `Outcome::Status201`).
    ///
    /// # Errors
    ///
    /// As [`Response::json`].
    pub async fn json_as<T: DeserializeOwned, U, E: DeserializeOwned>(self, outcome: impl FnOnce(T) -> U) -> Result<ResponseValue<U>, Error<E>> {
        let value = self.json::<T, E>().await?;
        let (status, headers) = (value.status(), value.headers().clone());
        Ok(ResponseValue::new(outcome(value.into_inner()), status, headers))
    }

    /// A response without a body, as one outcome of several.
    ///
    /// # Errors
    ///
    /// None today; the signature matches the other decoders.
    #[allow(clippy::result_large_err)]
    pub fn empty_as<U, E>(self, outcome: U) -> Result<ResponseValue<U>, Error<E>> {
        Ok(ResponseValue::new(outcome, self.inner.status(), self.inner.headers().clone()))
    }

    /// A streamed body, as one outcome of several.
    ///
    /// # Errors
    ///
    /// None today; the signature matches the other decoders.
    #[allow(clippy::result_large_err)]
    pub fn stream_as<U, E>(self, outcome: impl FnOnce(ByteStream) -> U) -> Result<ResponseValue<U>, Error<E>> {
        let (status, headers) = (self.inner.status(), self.inner.headers().clone());
        let stream = ResponseValue::<ByteStream>::stream(self.inner).into_inner();
        Ok(ResponseValue::new(outcome(stream), status, headers))
    }

    /// A documented response without a body.
    ///
    /// # Errors
    ///
    /// None today; the signature matches the other decoders, whose error
    /// is the crate's one (large) `Error`.
    #[allow(clippy::result_large_err)]
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        self.empty_as(())
    }

    /// A body handed to the caller as a stream, bounded by the client's read
    /// timeout rather than the call's deadline.
    ///
    /// # Errors
    ///
    /// None today; the signature matches the other decoders, whose error
    /// is the crate's one (large) `Error`.
    #[allow(clippy::result_large_err)]
    pub fn stream<E>(self) -> Result<ResponseValue<ByteStream>, Error<E>> {
        self.stream_as(|stream| stream)
    }

    /// An error status: always `Err`, with the body typed as `E` when it
    /// matches and kept as text either way, up to
    /// `ClientContext::error_body_limit` bytes (the rest is not read). A
    /// body that cannot be read in time leaves the text empty: the status
    /// is what matters.
    ///
    /// # Errors
    ///
    /// Always: `Error::RateLimited` for 429, `Error::Api` otherwise.
    pub async fn error<T, E: DeserializeOwned>(self) -> Result<ResponseValue<T>, Error<E>> {
        let (status, headers) = (self.inner.status(), self.inner.headers().clone());
        let (inner, parts) = self.split();
        let (body, truncated) = parts.read_start(inner, parts.report.error_body_limit).await.unwrap_or_default();
        Err(parts.api_error_of(status, headers, &body, truncated))
    }

    fn split(self) -> (reqwest::Response, Parts) {
        let parts = Parts {
            operation: self.operation,
            host: self.host,
            deadline: self.deadline,
            total: self.total,
            request_id: self.request_id,
            report: self.report,
        };
        (self.inner, parts)
    }
}

/// What decoding needs besides the response itself.
struct Parts {
    operation: &'static Operation,
    host: String,
    deadline: Option<Instant>,
    total: std::time::Duration,
    request_id: Option<String>,
    report: Report,
}

impl Parts {
    /// Reads the whole body within the call's deadline, up to the body
    /// limit: a `Content-Length` over it is refused before reading, and
    /// reading stops as soon as the body goes past it.
    async fn read(&self, mut response: reqwest::Response) -> Result<bytes::Bytes, CallError> {
        let (status, limit) = (response.status(), self.report.body_limit);
        let too_large = |content_length| CallError::too_large(self.operation, status, limit, content_length);
        if let Some(length) = response.content_length().filter(|&length| length > limit as u64) {
            return Err(too_large(Some(length)));
        }
        let read = async {
            // Chunks are kept apart and joined once (no buffer that doubles
            // as it grows), so a body costs about twice its length at most,
            // and a body over the limit about the limit.
            let (mut chunks, mut length) = (Vec::new(), 0);
            while let Some(chunk) = response.chunk().await.map_err(|error| CallError::http(self.operation, error))? {
                length += chunk.len();
                if length > limit {
                    return Err(too_large(None));
                }
                chunks.push(chunk);
            }
            Ok(match chunks.len() {
                1 => chunks.swap_remove(0),
                _ => chunks.concat().into(),
            })
        };
        self.within_deadline(read).await
    }

    /// Reads the body up to `limit` bytes within the call's deadline, and
    /// says whether there was more (which is left unread).
    async fn read_start(&self, mut response: reqwest::Response, limit: usize) -> Result<(bytes::Bytes, bool), CallError> {
        let read = async {
            let mut kept = bytes::BytesMut::new();
            while let Some(chunk) = response.chunk().await.map_err(|error| CallError::http(self.operation, error))? {
                let room = limit - kept.len();
                if chunk.len() > room {
                    kept.extend_from_slice(&chunk[..room]);
                    return Ok((kept.freeze(), true));
                }
                kept.extend_from_slice(&chunk);
            }
            Ok((kept.freeze(), false))
        };
        self.within_deadline(read).await
    }

    /// `read` within the call's deadline, when it has one.
    async fn within_deadline<T>(&self, read: impl std::future::Future<Output = Result<T, CallError>>) -> Result<T, CallError> {
        match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, read)
                .await
                .map_err(|_| CallError::timeout(self.operation, TimeLimit::Total(self.total)))?,
            None => read.await,
        }
    }

    fn decode_error<E>(&self, status: StatusCode, headers: HeaderMap, body: &[u8], source: serde_json::Error) -> Error<E> {
        Error::Decode {
            operation: self.operation,
            status,
            headers,
            request_id: self.request_id.clone(),
            body_start: text_start(body, DECODE_TEXT_LIMIT),
            source,
        }
    }

    fn api_error<E: DeserializeOwned>(&self, status: StatusCode, headers: HeaderMap, body: &[u8]) -> Error<E> {
        let limit = self.report.error_body_limit;
        self.api_error_of(status, headers, &body[..body.len().min(limit)], body.len() > limit)
    }

    /// The error for `status`, with `body` (the start of the body when
    /// `truncated`) as text and, when it matches, typed.
    fn api_error_of<E: DeserializeOwned>(&self, status: StatusCode, headers: HeaderMap, body: &[u8], truncated: bool) -> Error<E> {
        let text = text_kept(body, truncated);
        let api = ApiError {
            operation: self.operation,
            status,
            headers,
            request_id: self.request_id.clone(),
            body: serde_json::from_slice(body).ok(),
            text,
            truncated,
            host: self.host.clone(),
            hint: self.report.hints.for_status(status, self.report.credentials_from_env),
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            Error::RateLimited(api)
        } else {
            Error::Api(api)
        }
    }
}

/// Whether `json` nests arrays and objects deeper than `limit`: one pass
/// over the bytes, skipping strings, that stops at the first level too
/// deep. (serde_json stops at 128 levels itself, but only for what it
/// decodes: a field the client ignores is skipped at any depth.)
fn nested_deeper_than(json: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in json {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::nested_deeper_than;

    #[test]
    fn depth_counts_arrays_and_objects_but_not_strings() {
        assert!(!nested_deeper_than(br#"{"a": [1, {"b": []}]}"#, 4));
        assert!(nested_deeper_than(br#"{"a": [1, {"b": []}]}"#, 3));
        assert!(!nested_deeper_than(br#"{"a": "[[[[{{{{\"[[["}"#, 1));
        assert!(!nested_deeper_than(b"[][][][]", 1));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(nested_deeper_than(deep.as_bytes(), 128));
    }
}
