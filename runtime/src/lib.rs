//! Runtime shared by every generated API client.
//!
//! Generated crates hold the typed surface of one API (types, builders,
//! operation tables); this crate holds the behaviour they all share and that
//! progenitor does not provide: credentials applied to each request
//! ([`auth`]), retries with backoff ([`retry`]), timeouts and origin-safe
//! redirects ([`execute`]), and the per-client settings that carry them
//! ([`ClientContext`]). Generated code reaches it through progenitor's
//! `ClientHooks::exec`, which hands every request to [`execute()`], and
//! `ClientHooks::pre`, which checks documented constraints ([`validate()`]).
//! Each call's result becomes one [`Error`] type through [`call()`].

pub mod auth;
mod call;
mod context;
mod error;
mod execute;
mod ncp_signature;
pub mod pagination;
pub mod retry;
mod secret;
pub mod upload;
pub mod validate;

pub use auth::{Credential, CredentialSet, EnvError};
pub use call::call;
pub use error::{ApiError, Error, ErrorHints};
pub use context::{normalize_base_url, ClientContext, ConfigError, OperationPolicy, Timeouts};
pub use execute::execute;
pub use ncp_signature::ncp_signature_v2;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validate::validate;

/// Re-exported so generated crates and their users name one reqwest version.
pub use reqwest;
