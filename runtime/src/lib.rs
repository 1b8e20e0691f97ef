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

pub mod auth;
mod call;
mod context;
mod error;
mod execute;
pub mod multipart;
pub mod oauth2;
mod ncp_signature;
mod operation;
pub mod pagination;
mod response;
pub mod retry;
mod secret;
pub mod upload;
pub mod validate;

pub use auth::{Credential, CredentialSet, EnvError};
pub use call::Call;
pub use context::{normalize_base_url, ClientContext, ClientIdentity, ConfigError, Timeouts};
pub use error::{ApiError, CallError, Error, ErrorHints, TimeLimit};
pub use ncp_signature::ncp_signature_v2;
pub use operation::{Idempotency, Location, Operation, Parameter, Style, SuccessWhen};
pub use response::Response;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validate::Rule;

/// Re-exported so generated crates and their users name one reqwest version.
pub use reqwest;
