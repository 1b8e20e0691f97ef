//! Runtime shared by every generated API client.
//!
//! Generated crates hold the typed surface of one API (types, builders, one
//! static [`Operation`] per operation); this crate holds the behaviour they
//! all share. Each generated `send()` fills a [`Call`] from its builder, one
//! parameter at a time (serialisation by `style`, documented constraints),
//! sends it through one pipeline ([`Call::send`]: credentials ([`auth`]),
//! timeouts, origin-safe redirects, retries ([`retry`]) with idempotency
//! keys), and decodes the [`Response`] status by status into the crate's one
//! [`Error`] type.
//!
//! # Observability and per-call control
//!
//! - **Tracing** (cargo feature `tracing`, on by default; the crate builds
//!   without it and then emits nothing). Everything has the target
//!   `sdk_runtime`:
//!   - span `call` (INFO), one per call: `operation` (the spec's operation
//!     id), `method`, `path` (the path *template*, never the filled URL);
//!     recorded when the call ends: `status`, `attempts`, `request_id`, or
//!     `error` (a kind: `timeout`, `connect`, `body`, `request`,
//!     `transport`, `invalid`);
//!   - span `attempt` (DEBUG), one per attempt, inside its call: `attempt`
//!     (1, 2, …); recorded when it ends: `status` or `error`, `latency_ms`;
//!     `retry_reason` (`status 503`, `timeout`, …) and `retry_delay_ms`
//!     when it is retried; `redirect_host` (host and port of the last
//!     redirect target) when it was redirected;
//!   - events `retrying` (INFO, `retry_reason`, `retry_delay_ms`) and
//!     `following redirect` (DEBUG, `status`, `redirect_host`).
//!
//!   No field or message holds a credential, signature, cookie, header
//!   value, body or filled URL (whose query may carry an API key).
//! - **Request ids**: [`ClientContext::request_id_headers`] names the
//!   response headers that carry the server's request id (by default
//!   [`DEFAULT_REQUEST_ID_HEADERS`]); [`Response::request_id`],
//!   [`Error::request_id`] and, for a decoded success,
//!   [`request_id`]`(value.headers(), &context)` return it.
//! - **Errors**: an API error's message names the operation (id, method,
//!   path template), the status, the host with its port and the request
//!   id; its body is kept up to [`ClientContext::error_body_limit`] (64 KiB
//!   by default); on 401 and 403 it names the credential environment
//!   variables only when the credentials were read from them
//!   ([`CredentialSet::read_from_env`]).
//! - **Limits** on what a server can make a client spend:
//!   [`ClientContext::body_limit`] ([`DEFAULT_BODY_LIMIT`], 16 MiB, for a
//!   success body read to be decoded; [`Error::BodyTooLarge`] beyond),
//!   [`ClientContext::json_depth_limit`] ([`DEFAULT_JSON_DEPTH_LIMIT`], 128),
//!   [`ClientContext::error_body_limit`], [`RetryPolicy::with_max_retry_after`]
//!   (30 s), and [`RetryBudget`], the retries all calls of a client share
//!   (100 by default).
//! - **Per-call options**: [`CallOptions`] (extra headers, total timeout,
//!   retry policy, idempotency key), applied with [`Call::options`].
//! - **Interceptors**: [`Interceptor`]s in [`ClientContext::interceptors`]
//!   are called around every attempt, before credentials are applied.
//! - **Resumable pagination**: [`pagination::cursor_pages_from`],
//!   [`pagination::numbered_pages_from`] and
//!   [`pagination::resumable_items`] end with a [`pagination::PageError`]
//!   that carries the position of the page that failed, to start a new
//!   stream from.
//! - **Mocks** (cargo feature `mock`): the `mock` module runs local servers that
//!   check requests as the API would, for the generated crates' typed
//!   mock helpers.

pub mod auth;
mod call;
mod context;
mod error;
mod execute;
mod intercept;
#[cfg(feature = "mock")]
pub mod mock;
pub mod multipart;
pub mod oauth2;
mod ncp_signature;
mod operation;
mod options;
pub mod pagination;
mod response;
pub mod retry;
mod secret;
mod telemetry;
pub mod upload;
pub mod validate;

pub use auth::{Credential, CredentialSet, EnvError};
pub use call::Call;
pub use context::{
    normalize_base_url, request_id, ClientContext, ClientIdentity, ConfigError, Timeouts, DEFAULT_BODY_LIMIT, DEFAULT_ERROR_BODY_LIMIT, DEFAULT_JSON_DEPTH_LIMIT,
    DEFAULT_REQUEST_ID_HEADERS,
};
pub use error::{ApiError, CallError, Error, ErrorHints, TimeLimit};
pub use intercept::{AttemptInfo, AttemptOutcome, Interceptor};
pub use ncp_signature::ncp_signature_v2;
pub use operation::{Idempotency, Location, Operation, Parameter, Style, SuccessWhen};
pub use options::CallOptions;
pub use response::Response;
pub use retry::{RetryBudget, RetryPolicy};
pub use secret::Secret;
pub use validate::Rule;

/// Re-exported so generated crates and their users name one reqwest version.
pub use reqwest;
