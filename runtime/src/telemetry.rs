//! `tracing` spans and events of the call pipeline (cargo feature
//! `tracing`, on by default); without the feature every function here does
//! nothing and costs nothing.
//!
//! The spans, their fields and the events are listed in the crate
//! documentation (`lib.rs`, "Observability and per-call control"); keep the
//! two in step. No field or message ever holds a credential, a signature, a
//! cookie, a header value, a body or a filled URL (whose query may carry an
//! API key): errors are reported by kind ([`CallError::kind`]), not by
//! reqwest's message, which quotes the URL.

use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;

use super::error::CallError;
use super::operation::Operation;

#[cfg(feature = "tracing")]
use tracing::{field::Empty, Instrument, Span};

/// The span of one call.
pub(crate) struct CallTrace {
    #[cfg(feature = "tracing")]
    span: Span,
}

/// The span of one attempt.
pub(crate) struct AttemptTrace {
    #[cfg(feature = "tracing")]
    span: Span,
}

#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
impl CallTrace {
    /// Opens the span of a call of `operation`.
    pub(crate) fn start(operation: &'static Operation) -> Self {
        Self {
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                target: "sdk_runtime",
                "call",
                operation = operation.id,
                method = operation.method.as_str(),
                path = operation.path,
                status = Empty,
                attempts = Empty,
                request_id = Empty,
                error = Empty,
            ),
        }
    }

    /// Runs `future` inside the call's span.
    pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
        #[cfg(feature = "tracing")]
        let future = future.instrument(self.span.clone());
        future.await
    }

    /// Opens the span of attempt `number`, inside the call's.
    pub(crate) fn attempt(&self, number: u32) -> AttemptTrace {
        AttemptTrace {
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(
                target: "sdk_runtime",
                parent: &self.span,
                "attempt",
                attempt = number,
                status = Empty,
                error = Empty,
                latency_ms = Empty,
                retry_reason = Empty,
                retry_delay_ms = Empty,
                redirect_host = Empty,
            ),
        }
    }

    /// Records how the call ended: its final status and request id, or
    /// the kind of error, after `attempts` attempts.
    pub(crate) fn finish(&self, attempts: u32, outcome: Result<(StatusCode, Option<&str>), &CallError>) {
        #[cfg(feature = "tracing")]
        {
            if attempts > 0 {
                self.span.record("attempts", attempts);
            }
            match outcome {
                Ok((status, request_id)) => {
                    self.span.record("status", status.as_u16());
                    if let Some(id) = request_id {
                        self.span.record("request_id", id);
                    }
                }
                Err(error) => {
                    self.span.record("error", error.kind());
                }
            }
        }
    }
}

#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
impl AttemptTrace {
    /// Runs `future` inside the attempt's span.
    pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
        #[cfg(feature = "tracing")]
        let future = future.instrument(self.span.clone());
        future.await
    }

    /// Records how the attempt ended and how long it took.
    pub(crate) fn ended(&self, outcome: Result<StatusCode, &CallError>, latency: Duration) {
        #[cfg(feature = "tracing")]
        {
            match outcome {
                Ok(status) => self.span.record("status", status.as_u16()),
                Err(error) => self.span.record("error", error.kind()),
            };
            self.span.record("latency_ms", u64::try_from(latency.as_millis()).unwrap_or(u64::MAX));
        }
    }

    /// Records that the attempt is retried after `delay`, and why.
    pub(crate) fn retrying(&self, reason: &str, delay: Duration) {
        #[cfg(feature = "tracing")]
        {
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            self.span.record("retry_reason", reason);
            self.span.record("retry_delay_ms", delay_ms);
            tracing::info!(target: "sdk_runtime", parent: &self.span, retry_reason = reason, retry_delay_ms = delay_ms, "retrying");
        }
    }

    /// Records a redirect, answered with `status`, to `host` (host and
    /// port only: the target's path and query are not recorded).
    pub(crate) fn redirected(&self, status: StatusCode, host: &str) {
        #[cfg(feature = "tracing")]
        {
            self.span.record("redirect_host", host);
            tracing::debug!(target: "sdk_runtime", parent: &self.span, status = status.as_u16(), redirect_host = host, "following redirect");
        }
    }
}
