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
}

impl Response {
    pub(crate) fn new(
        inner: reqwest::Response,
        operation: &'static Operation,
        host: String,
        deadline: Option<Instant>,
        total: std::time::Duration,
        context: &ClientContext,
    ) -> Self {
        let request_id = request_id_in(&context.request_id_headers, inner.headers()).map(str::to_owned);
        let report = Report {
            hints: context.hints,
            credentials_from_env: context.credentials.is_from_env(),
            error_body_limit: context.error_body_limit,
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
    /// `Error::Decode` when the body does not match `T`; `Error::Api` for a
    /// failing envelope; `Error::Timeout` or `Error::Transport` when the
    /// body cannot be read in time.
    pub async fn json<T: DeserializeOwned, E: DeserializeOwned>(self) -> Result<ResponseValue<T>, Error<E>> {
        let (status, headers) = (self.inner.status(), self.inner.headers().clone());
        let (inner, parts) = self.split();
        let body = parts.read(inner).await?;
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
            Err(source) => Err(Error::Decode {
                operation: parts.operation,
                status,
                headers,
                request_id: parts.request_id,
                body_start: text_start(&body, DECODE_TEXT_LIMIT),
                source,
            }),
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
    /// Reads the whole body within the call's deadline.
    async fn read(&self, response: reqwest::Response) -> Result<bytes::Bytes, CallError> {
        let read = response.bytes();
        let body = match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, read)
                .await
                .map_err(|_| CallError::timeout(self.operation, TimeLimit::Total(self.total)))?,
            None => read.await,
        };
        body.map_err(|error| CallError::http(self.operation, error))
    }

    /// Reads the body up to `limit` bytes within the call's deadline, and
    /// says whether there was more (which is left unread).
    async fn read_start(&self, mut response: reqwest::Response, limit: usize) -> Result<(bytes::Bytes, bool), CallError> {
        let read = async {
            let mut kept = bytes::BytesMut::new();
            while let Some(chunk) = response.chunk().await? {
                let room = limit - kept.len();
                if chunk.len() > room {
                    kept.extend_from_slice(&chunk[..room]);
                    return Ok((kept.freeze(), true));
                }
                kept.extend_from_slice(&chunk);
            }
            Ok((kept.freeze(), false))
        };
        let body = match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, read)
                .await
                .map_err(|_| CallError::timeout(self.operation, TimeLimit::Total(self.total)))?,
            None => read.await,
        };
        body.map_err(|error: reqwest::Error| CallError::http(self.operation, error))
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
