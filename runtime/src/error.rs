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
        /// The start of the body, for diagnosis.
        body_start: String,
        /// What did not match.
        source: serde_json::Error,
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
    /// The typed body, when the body matched the documented error schema.
    pub body: Option<E>,
    /// The start of the raw body (up to 2 KiB), whatever its format.
    pub text: String,
    /// Host the request went to.
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
            | Error::Pagination { operation, .. }
            | Error::Validation { operation, .. } => operation,
        }
    }

    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) | Error::RateLimited(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
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
            Error::Decode { status, body_start, source, .. } => {
                write!(f, "cannot decode the {status} response: {source}; body starts with: {}", one_line(body_start, 200))
            }
            Error::Validation { parameter, message, .. } => write!(f, "invalid `{parameter}`: {message}; nothing was sent"),
            Error::Pagination { message, .. } => write!(f, "pagination stopped: {message}"),
        }
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
}

impl CallError {
    pub(crate) fn validation(operation: &'static Operation, parameter: impl Into<String>, message: impl Into<String>) -> Self {
        Self(Failure::Validation { operation, parameter: parameter.into(), message: message.into() })
    }

    pub(crate) fn timeout(operation: &'static Operation, limit: TimeLimit) -> Self {
        Self(Failure::Timeout { operation, limit, source: None })
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
    /// Whether another attempt could succeed: a timeout or a connection
    /// failure, not a request the client refused to build.
    pub(crate) fn is_transient(&self) -> bool {
        match &self.0 {
            Failure::Timeout { .. } => true,
            Failure::Transport { source, .. } => super::retry::is_transient(source),
            Failure::Validation { .. } => false,
        }
    }
}

impl<E> From<CallError> for Error<E> {
    fn from(error: CallError) -> Self {
        match error.0 {
            Failure::Timeout { operation, limit, source } => Error::Timeout { operation, limit, source },
            Failure::Transport { operation, source } => Error::Transport { operation, source },
            Failure::Validation { operation, parameter, message } => Error::Validation { operation, parameter, message },
        }
    }
}

/// What a crate adds to error messages: the environment variables that hold
/// its credentials, suggested on 401 and 403.
#[derive(Clone, Copy, Debug, Default)]
pub struct ErrorHints {
    /// Credential variables, such as `["INDREAM_API_KEY"]`.
    pub credential_env: &'static [&'static str],
}

impl ErrorHints {
    pub(crate) fn for_status(&self, status: StatusCode) -> Option<String> {
        match status.as_u16() {
            401 | 403 if !self.credential_env.is_empty() => Some(format!("check {}", self.credential_env.join(" and "))),
            401 | 403 => Some("check the credentials".to_owned()),
            _ => None,
        }
    }
}

/// The first `limit` bytes of `raw` as text, lossily.
pub(crate) fn text_start(raw: &[u8], limit: usize) -> String {
    let end = raw.len().min(limit);
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

fn one_line(text: &str, limit: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
