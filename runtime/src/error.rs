//! The one error type a generated client returns.
//!
//! Errors are built where the facts are known: the pipeline
//! ([`super::Call`]) builds the ones that happen before a response, and
//! [`super::Response`] the ones that have a response, so every error names
//! its operation and an error with a response always has its status and
//! headers.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::operation::Operation;

/// Everything that can go wrong with a call, in a shape to match on.
///
/// `E` is the typed error body the spec documents (for example Indream's
/// `Problem`); it is `None` when the server sent something else, such as an
/// HTML page from a proxy, which is then kept as text.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status (or, for APIs whose
    /// envelope carries a result code, with a failing code).
    Api(ApiError<E>),
    /// The server answered 429 Too Many Requests (after any retries).
    RateLimited(ApiError<E>),
    /// The call took longer than one of its time limits.
    Timeout {
        /// The operation called.
        operation: &'static Operation,
        /// Which limit ran out.
        limit: TimeLimit,
        /// The HTTP client's error, when the limit was its own.
        source: Option<reqwest::Error>,
    },
    /// The request could not be sent or the response not received.
    Transport {
        /// The operation called.
        operation: &'static Operation,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// A success response whose body does not match the spec.
    Decode {
        /// The operation called.
        operation: &'static Operation,
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The server's request id, from the first of
        /// `ClientContext::request_id_headers` the response carries.
        request_id: Option<String>,
        /// The start of the body, for diagnosis.
        body_start: String,
        /// What did not match.
        source: serde_json::Error,
    },
    /// A success response whose body is longer than the body limit
    /// (`ClientContext::body_limit`, 16 MiB by default, or the call's
    /// `CallOptions::with_body_limit`). A `Content-Length` over the limit is
    /// refused before any of the body is read; otherwise reading stops at the
    /// limit and the rest is not read.
    BodyTooLarge {
        /// The operation called.
        operation: &'static Operation,
        /// The response status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// The length the server announced in `Content-Length`, if it did.
        content_length: Option<u64>,
    },
    /// A paginated stream cannot go on: the server repeated a cursor, or a
    /// page lacks what the spec says it carries.
    Pagination {
        /// The operation paged.
        operation: &'static Operation,
        /// What went wrong.
        message: String,
    },
    /// A parameter breaks a constraint of the spec, or a required one is
    /// missing; nothing was sent.
    Validation {
        /// The operation called.
        operation: &'static Operation,
        /// The parameter at fault, as the spec names it.
        parameter: String,
        /// Which constraint, and the value's problem.
        message: String,
    },
}

/// The time limit that ended a call (see [`super::Timeouts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLimit {
    /// One attempt took longer than `Timeouts::attempt`.
    Attempt(Duration),
    /// The whole call, retries and backoff included, took longer than
    /// `Timeouts::total`.
    Total(Duration),
    /// Connecting, or a silence between two reads, took longer than
    /// `Timeouts::connect` or `Timeouts::read`.
    Transfer,
}

impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeLimit::Attempt(limit) => write!(f, "an attempt took longer than {limit:?} (`Timeouts::attempt`)"),
            TimeLimit::Total(limit) => write!(f, "the call took longer than {limit:?} (`Timeouts::total`)"),
            TimeLimit::Transfer => f.write_str("connecting or reading stalled (`Timeouts::connect`, `Timeouts::read`)"),
        }
    }
}

/// An error response from the API.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The operation called.
    pub operation: &'static Operation,
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The server's request id, from the first of
    /// `ClientContext::request_id_headers` the response carries: quote it
    /// to the API's support.
    pub request_id: Option<String>,
    /// The typed body, when the body (as kept, see `text`) matched the
    /// documented error schema.
    pub body: Option<E>,
    /// The raw body as text, whatever its format: whole, or its first
    /// `ClientContext::error_body_limit` bytes (64 KiB by default), cut
    /// at a character boundary; see `truncated`.
    pub text: String,
    /// Whether the body was longer than the limit, and `text` holds only
    /// its start.
    pub truncated: bool,
    /// Host the request went to, with its port when the URL names one
    /// (`api.example.com`, `127.0.0.1:8080`).
    pub host: String,
    /// Advice for the user, such as the environment variable to check.
    pub hint: Option<String>,
}

impl<E> ApiError<E> {
    /// The wait the server asked for in `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::retry_after(&self.headers, std::time::SystemTime::now())
    }
}

impl<E> Error<E> {
    /// The operation whose call failed.
    pub fn operation(&self) -> &'static Operation {
        match self {
            Error::Api(api) | Error::RateLimited(api) => api.operation,
            Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Pagination { operation, .. }
            | Error::Validation { operation, .. } => operation,
        }
    }

    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) | Error::RateLimited(api) => Some(api.status),
            Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The headers of the response behind this error, if there was one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(api) | Error::RateLimited(api) => Some(&api.headers),
            Error::Decode { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The server's request id, for every error that has a response
    /// (`Api`, `RateLimited`, `Decode`) whose headers carry one of
    /// `ClientContext::request_id_headers`.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) | Error::RateLimited(api) => api.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The API error, for `Api` and `RateLimited`.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(api) | Error::RateLimited(api) => Some(api),
            _ => None,
        }
    }

    /// The typed error body, when the server sent one the spec documents.
    pub fn body(&self) -> Option<&E> {
        self.api().and_then(|api| api.body.as_ref())
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation())?;
        match self {
            Error::Api(api) | Error::RateLimited(api) => {
                write!(f, "{} from {}", api.status, api.host)?;
                if let Some(id) = &api.request_id {
                    write!(f, " (request id {id})")?;
                }
                if let Some(hint) = &api.hint {
                    write!(f, ": {hint}")?;
                }
                if let (Error::RateLimited(_), Some(wait)) = (self, api.retry_after()) {
                    write!(f, " (the server asks to retry after {} s)", wait.as_secs())?;
                }
                let text = one_line(&api.text, 300);
                if !text.is_empty() {
                    write!(f, ": {text}")?;
                }
                Ok(())
            }
            Error::Timeout { limit, source, .. } => {
                write!(f, "timed out: {limit}")?;
                match source {
                    Some(source) => write_chain(f, source),
                    None => Ok(()),
                }
            }
            Error::Transport { source, .. } => {
                write!(f, "request failed")?;
                write_chain(f, source)
            }
            Error::Decode { status, request_id, body_start, source, .. } => {
                write!(f, "cannot decode the {status} response")?;
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                write!(f, ": {source}; body starts with: {}", one_line(body_start, 200))
            }
            Error::BodyTooLarge { status, limit, content_length, .. } => write_too_large(f, *status, *limit, *content_length),
            Error::Validation { parameter, message, .. } => write!(f, "invalid `{parameter}`: {message}; nothing was sent"),
            Error::Pagination { message, .. } => write!(f, "pagination stopped: {message}"),
        }
    }
}

/// The message of a body over the limit, for [`Error`] and [`CallError`].
fn write_too_large(f: &mut fmt::Formatter<'_>, status: StatusCode, limit: usize, content_length: Option<u64>) -> fmt::Result {
    write!(f, "the {status} response body is longer than the limit of {limit} bytes (`body_limit`)")?;
    match content_length {
        Some(length) => write!(f, ": Content-Length is {length}; nothing was read"),
        None => f.write_str("; reading stopped at the limit"),
    }
}

/// Writes `: error: cause: cause…`, since reqwest's own message leaves out
/// the cause that says what actually happened.
fn write_chain(f: &mut fmt::Formatter<'_>, error: &dyn std::error::Error) -> fmt::Result {
    write!(f, ": {error}")?;
    let mut cause = error.source();
    while let Some(inner) = cause {
        write!(f, ": {inner}")?;
        cause = inner.source();
    }
    Ok(())
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout { source: Some(source), .. } | Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A call that failed before any response: the request could not be built,
/// sent, or answered in time. It becomes an [`Error`] with `?`, whatever the
/// crate's error body.
#[derive(Debug)]
pub struct CallError(Failure);

#[derive(Debug)]
enum Failure {
    Timeout { operation: &'static Operation, limit: TimeLimit, source: Option<reqwest::Error> },
    Transport { operation: &'static Operation, source: reqwest::Error },
    Validation { operation: &'static Operation, parameter: String, message: String },
    TooLarge { operation: &'static Operation, status: StatusCode, limit: usize, content_length: Option<u64> },
}

impl CallError {
    pub(crate) fn validation(operation: &'static Operation, parameter: impl Into<String>, message: impl Into<String>) -> Self {
        Self(Failure::Validation { operation, parameter: parameter.into(), message: message.into() })
    }

    pub(crate) fn timeout(operation: &'static Operation, limit: TimeLimit) -> Self {
        Self(Failure::Timeout { operation, limit, source: None })
    }

    pub(crate) fn too_large(operation: &'static Operation, status: StatusCode, limit: usize, content_length: Option<u64>) -> Self {
        Self(Failure::TooLarge { operation, status, limit, content_length })
    }

    /// Classifies an error of the HTTP client: its own timeouts (connect,
    /// read) are timeouts, everything else a transport failure.
    pub(crate) fn http(operation: &'static Operation, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Self(Failure::Timeout { operation, limit: TimeLimit::Transfer, source: Some(source) })
        } else {
            Self(Failure::Transport { operation, source })
        }
    }
}

impl CallError {
    /// The operation whose call failed.
    pub fn operation(&self) -> &'static Operation {
        match &self.0 {
            Failure::Timeout { operation, .. }
            | Failure::Transport { operation, .. }
            | Failure::Validation { operation, .. }
            | Failure::TooLarge { operation, .. } => operation,
        }
    }

    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self.0, Failure::Timeout { .. })
    }

    /// Whether the call's total deadline ran out, which ends it.
    pub(crate) fn is_total_timeout(&self) -> bool {
        matches!(self.0, Failure::Timeout { limit: TimeLimit::Total(_), .. })
    }

    /// A short, credential-free name of what went wrong, for traces:
    /// `timeout`, `connect`, `body`, `request`, `transport`, `invalid` or
    /// `too_large`.
    /// (reqwest's own message quotes the URL, which may carry an API key.)
    pub fn kind(&self) -> &'static str {
        match &self.0 {
            Failure::Timeout { .. } => "timeout",
            Failure::Transport { source, .. } if source.is_connect() => "connect",
            Failure::Transport { source, .. } if source.is_body() => "body",
            Failure::Transport { source, .. } if source.is_request() => "request",
            Failure::Transport { .. } => "transport",
            Failure::Validation { .. } => "invalid",
            Failure::TooLarge { .. } => "too_large",
        }
    }

    /// Whether another attempt could succeed: a timeout or a connection
    /// failure, not a request the client refused to build.
    pub(crate) fn is_transient(&self) -> bool {
        match &self.0 {
            Failure::Timeout { .. } => true,
            Failure::Transport { source, .. } => super::retry::is_transient(source),
            Failure::Validation { .. } | Failure::TooLarge { .. } => false,
        }
    }
}

impl fmt::Display for CallError {
    /// As the [`Error`] it becomes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Failure::Timeout { operation, limit, source } => {
                write!(f, "{operation}: timed out: {limit}")?;
                match source {
                    Some(source) => write_chain(f, source),
                    None => Ok(()),
                }
            }
            Failure::Transport { operation, source } => {
                write!(f, "{operation}: request failed")?;
                write_chain(f, source)
            }
            Failure::Validation { operation, parameter, message } => {
                write!(f, "{operation}: invalid `{parameter}`: {message}; nothing was sent")
            }
            Failure::TooLarge { operation, status, limit, content_length } => {
                write!(f, "{operation}: ")?;
                write_too_large(f, *status, *limit, *content_length)
            }
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            Failure::Timeout { source: Some(source), .. } | Failure::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl<E> From<CallError> for Error<E> {
    fn from(error: CallError) -> Self {
        match error.0 {
            Failure::Timeout { operation, limit, source } => Error::Timeout { operation, limit, source },
            Failure::Transport { operation, source } => Error::Transport { operation, source },
            Failure::Validation { operation, parameter, message } => Error::Validation { operation, parameter, message },
            Failure::TooLarge { operation, status, limit, content_length } => Error::BodyTooLarge { operation, status, limit, content_length },
        }
    }
}

/// What a crate adds to error messages: the environment variables that hold
/// its credentials, suggested on 401 and 403.
///
/// The variables are named only when the client's credentials were read
/// from them ([`CredentialSet::read_from_env`](super::CredentialSet::read_from_env),
/// which a generated `Credentials::from_env` calls); credentials passed in
/// code get a hint about the credentials the client was given instead.
#[derive(Clone, Copy, Debug, Default)]
pub struct ErrorHints {
    /// Credential variables, such as `["INDREAM_API_KEY"]`.
    pub credential_env: &'static [&'static str],
}

impl ErrorHints {
    /// The hint for `status`, for credentials read from the environment
    /// (`from_env`) or passed in code; `None` for a status other than 401
    /// and 403.
    pub fn for_status(&self, status: StatusCode, from_env: bool) -> Option<String> {
        let refused = matches!(status.as_u16(), 401 | 403);
        match (refused, from_env && !self.credential_env.is_empty()) {
            (false, _) => None,
            (true, true) => Some(format!("check {} (read from the environment)", self.credential_env.join(" and "))),
            (true, false) => Some("check the credentials the client was built with".to_owned()),
        }
    }
}

/// The first `limit` bytes of `raw` as text, lossily; a character cut by
/// the limit is left out, so the text never ends in a replacement mark the
/// body did not have.
pub(crate) fn text_start(raw: &[u8], limit: usize) -> String {
    let end = raw.len().min(limit);
    text_kept(&raw[..end], end < raw.len())
}

/// `kept` as text, lossily; when it is the start of a longer body
/// (`truncated`), without the character the cut went through.
pub(crate) fn text_kept(kept: &[u8], truncated: bool) -> String {
    let mut end = kept.len();
    if truncated {
        // The leading byte of the last character that starts before the
        // cut, and whether the cut falls inside it.
        let lead = (end.saturating_sub(3)..end).rev().find(|&at| kept[at] & 0b1100_0000 != 0b1000_0000);
        if let Some(lead) = lead {
            let width = match kept[lead] {
                byte if byte >= 0xF0 => 4,
                byte if byte >= 0xE0 => 3,
                byte if byte >= 0xC0 => 2,
                _ => 1,
            };
            if lead + width > end {
                end = lead;
            }
        }
    }
    String::from_utf8_lossy(&kept[..end]).into_owned()
}

fn one_line(text: &str, limit: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_start_cuts_at_a_character_boundary() {
        assert_eq!(text_start(b"abcdef", 4), "abcd");
        assert_eq!(text_start(b"ab", 4), "ab");
        // 1 + 2 + 3 + 4 bytes; a cut inside a character drops it.
        let text = "a\u{e9}\u{20ac}\u{1f600}";
        let cut = |limit| text_start(text.as_bytes(), limit);
        assert_eq!(cut(2), "a");
        assert_eq!(cut(3), "a\u{e9}");
        assert_eq!(cut(5), "a\u{e9}");
        assert_eq!(cut(6), "a\u{e9}\u{20ac}");
        assert_eq!(cut(9), "a\u{e9}\u{20ac}");
        assert_eq!(cut(10), text);
    }

    #[test]
    fn hints_name_variables_only_for_credentials_from_the_environment() {
        let hints = ErrorHints { credential_env: &["API_KEY"] };
        assert_eq!(hints.for_status(StatusCode::UNAUTHORIZED, true).unwrap(), "check API_KEY (read from the environment)");
        assert_eq!(hints.for_status(StatusCode::FORBIDDEN, false).unwrap(), "check the credentials the client was built with");
        assert_eq!(ErrorHints::default().for_status(StatusCode::FORBIDDEN, true).unwrap(), "check the credentials the client was built with");
        assert_eq!(hints.for_status(StatusCode::NOT_FOUND, true), None);
    }
}
