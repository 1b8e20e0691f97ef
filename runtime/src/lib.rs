//! Runtime shared by every generated API client.
//!
//! Generated crates hold the typed surface of one API (types, builders,
//! operation tables); this crate holds the behaviour they all share and that
//! progenitor does not provide: credentials applied to each request
//! ([`auth`]), retries with backoff ([`retry`]), timeouts and origin-safe
//! redirects ([`execute`]), and the per-client settings that carry them
//! ([`ClientContext`]). Generated code reaches it through progenitor's
//! `ClientHooks::exec`, which hands every request to [`execute()`].

pub mod auth;
mod context;
mod execute;
mod ncp_signature;
pub mod retry;
mod secret;

pub use auth::{Credential, CredentialSet, EnvError};
pub use context::{normalize_base_url, ClientContext, ConfigError, OperationPolicy, Timeouts};
pub use execute::execute;
pub use ncp_signature::ncp_signature_v2;
pub use retry::RetryPolicy;
pub use secret::Secret;

/// Re-exported so generated crates and their users name one reqwest version.
pub use reqwest;
