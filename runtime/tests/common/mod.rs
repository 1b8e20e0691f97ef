//! Helpers shared by the runtime's integration tests.

#![allow(dead_code)]

use std::time::Duration;

use sdk_runtime::{reqwest, ClientContext, RetryPolicy};
use wiremock::MockServer;

/// A retry policy with short waits, so retried tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(10), Duration::from_millis(20))
}

/// A context with fast retries and otherwise the defaults.
pub fn context() -> ClientContext {
    ClientContext { retry: fast_retries(), ..ClientContext::default() }
}

/// The HTTP client `context` calls for.
pub fn http(context: &ClientContext) -> reqwest::Client {
    context.http_client("sdk-runtime-tests/0").unwrap()
}

/// How many requests `server` has received.
pub async fn requests_seen(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}
