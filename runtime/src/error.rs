//! The one error type a generated client returns, and how progenitor's
//! errors become it.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::call::CallRecord;

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
    /// The call took longer than its timeout.
    Timeout {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The request could not be sent or the response not received.
    Transport {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// A success response whose body does not match the spec.
    Decode {
        /// The response status.
        status: Option<StatusCode>,
        /// The start of the body, for diagnosis.
        body_start: String,
        /// What did not match.
        source: serde_json::Error,
    },
    /// A paginated stream cannot go on: the server repeated a cursor, or a
    /// page lacks what the spec says it carries.
    Pagination {
        /// What went wrong.
        message: String,
    },
    /// A parameter breaks a constraint of the spec; nothing was sent.
    Validation {
        /// The parameter at fault, as the spec names it.
        parameter: String,
        /// Which constraint, and the value's problem.
        message: String,
    },
}

/// An error response from the API.
#[derive(Debug)]
pub struct ApiError<E> {
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
        crate::retry::retry_after(&self.headers, std::time::SystemTime::now())
    }
}

impl<E> Error<E> {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) | Error::RateLimited(api) => Some(api.status),
            Error::Decode { status, .. } => *status,
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
            Error::Timeout { source } => write!(f, "timed out: {source}; raise it with `with_request_timeout` or `Timeouts`"),
            Error::Transport { source } => {
                write!(f, "request failed: {source}")?;
                let mut cause = std::error::Error::source(source);
                while let Some(inner) = cause {
                    write!(f, ": {inner}")?;
                    cause = inner.source();
                }
                Ok(())
            }
            Error::Decode { status, body_start, source } => {
                let status = status.map(|s| format!("{s} ")).unwrap_or_default();
                write!(f, "cannot decode the {status}response: {source}; body starts with: {}", one_line(body_start, 200))
            }
            Error::Validation { parameter, message } => write!(f, "invalid `{parameter}`: {message}; nothing was sent"),
            Error::Pagination { message } => write!(f, "pagination stopped: {message}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout { source } | Error::Transport { source } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What a crate adds to error messages: the environment variables that hold
/// its credentials, suggested on 401 and 403.
#[derive(Clone, Copy, Debug)]
pub struct ErrorHints {
    /// Credential variables, such as `["INDREAM_API_KEY"]`.
    pub credential_env: &'static [&'static str],
}

impl ErrorHints {
    fn for_status(&self, status: StatusCode) -> Option<String> {
        match status.as_u16() {
            401 | 403 if !self.credential_env.is_empty() => Some(format!("check {}", self.credential_env.join(" and "))),
            401 | 403 => Some("check the credentials".to_owned()),
            _ => None,
        }
    }
}

/// Converts progenitor's result for one call into ours, using what
/// [`crate::execute`] recorded about the response.
pub(crate) async fn convert<T, E, R>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<R>>,
    record: CallRecord,
    hints: &ErrorHints,
) -> Result<progenitor_client::ResponseValue<T>, Error<E>>
where
    E: serde::de::DeserializeOwned,
    R: serde::Serialize,
{
    if let Some(violation) = record.violation {
        return Err(Error::Validation { parameter: violation.parameter, message: violation.message });
    }
    let error = match result {
        Ok(value) => match record.envelope_failure {
            None => return Ok(value),
            Some(body) => return Err(api_error(value.status(), value.headers().clone(), &body, &record.host, hints)),
        },
        Err(error) => error,
    };
    Err(match error {
        progenitor_client::Error::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            let typed = serde_json::to_vec(&value.into_inner()).unwrap_or_default();
            let raw = record.body.unwrap_or(bytes::Bytes::from(typed));
            api_error(status, headers, &raw, &record.host, hints)
        }
        progenitor_client::Error::UnexpectedResponse(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            let raw = match record.body {
                Some(raw) => raw,
                None => response.bytes().await.unwrap_or_default(),
            };
            api_error(status, headers, &raw, &record.host, hints)
        }
        progenitor_client::Error::InvalidResponsePayload(raw, source) => match record.status {
            Some(status) if !status.is_success() => {
                api_error(status, record.headers.unwrap_or_default(), &raw, &record.host, hints)
            }
            status => Error::Decode { status, body_start: text_start(&raw, 512), source },
        },
        progenitor_client::Error::CommunicationError(source) | progenitor_client::Error::ResponseBodyError(source)
            if source.is_timeout() =>
        {
            Error::Timeout { source }
        }
        progenitor_client::Error::CommunicationError(source)
        | progenitor_client::Error::ResponseBodyError(source)
        | progenitor_client::Error::InvalidUpgrade(source) => Error::Transport { source },
        progenitor_client::Error::InvalidRequest(message) | progenitor_client::Error::Custom(message) => {
            let (parameter, message) = parameter_of(&message);
            Error::Validation { parameter, message }
        }
    })
}

fn api_error<E: serde::de::DeserializeOwned>(
    status: StatusCode,
    headers: HeaderMap,
    raw: &[u8],
    host: &str,
    hints: &ErrorHints,
) -> Error<E> {
    let api = ApiError {
        status,
        headers,
        body: serde_json::from_slice(raw).ok(),
        text: text_start(raw, 2048),
        host: host.to_owned(),
        hint: hints.for_status(status),
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        Error::RateLimited(api)
    } else {
        Error::Api(api)
    }
}

/// progenitor and typify report builder problems as `"<name> was not
/// initialized"`, `"conversion to `Type` for <name> failed"` or `"error
/// converting supplied value for <field>: <reason>"`; name the parameter.
fn parameter_of(message: &str) -> (String, String) {
    if let Some((name, reason)) = message.strip_prefix("error converting supplied value for ").and_then(|rest| rest.split_once(": ")) {
        return (name.to_owned(), reason.to_owned());
    }
    if let Some(name) = message.strip_suffix(" was not initialized") {
        return (name.to_owned(), "is required but was not set".to_owned());
    }
    if let Some((_, rest)) = message.split_once(" for ") {
        if let Some((name, _)) = rest.split_once(" failed") {
            return (name.to_owned(), message.to_owned());
        }
    }
    ("request".to_owned(), message.to_owned())
}

fn text_start(raw: &[u8], limit: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::parameter_of;

    #[test]
    fn progenitor_builder_messages_name_the_parameter() {
        assert_eq!(parameter_of("project_id was not initialized"), ("project_id".into(), "is required but was not set".into()));
        let conversion = "conversion to `NewAttachment` for body failed: title: longer than 255 characters";
        assert_eq!(parameter_of(conversion), ("body".into(), conversion.into()));
        let field = "error converting supplied value for title: longer than 255 characters";
        assert_eq!(parameter_of(field), ("title".into(), "longer than 255 characters".into()));
        assert_eq!(parameter_of("something else"), ("request".into(), "something else".into()));
    }
}
