//! Helpers shared by the runtime's integration tests.

#![allow(dead_code)]

use std::time::Duration;

use sdk_runtime::reqwest::Method;
use sdk_runtime::{reqwest, Call, ClientContext, Error, Idempotency, Operation, Parameter, RetryPolicy};
use serde_json::Value;
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

/// `GET /things/{id}`, safe to retry, with every kind of credential.
pub static GET_THING: Operation = Operation {
    id: "getThing",
    method: Method::GET,
    path: "/things/{id}",
    parameters: &[Parameter::path("id")],
    security: &[&["ApiKey", "Session", "Bearer", "QueryKey"]],
    idempotency: Idempotency::Safe,
    default_headers: &[],
    accept: Some("application/json"),
    success_when: None,
};

/// Calls `operation` for `id`, decoding the JSON body or the error.
pub async fn get(http: &reqwest::Client, context: &ClientContext, base_url: &str, operation: &'static Operation, id: &str) -> Result<Value, Error<Value>> {
    let mut call = Call::new(http, context, base_url, operation);
    call.path("id", Ok(id));
    let response = call.send().await?;
    match response.status().as_u16() {
        200 => Ok(response.json::<Value, Value>().await?.into_inner()),
        _ => response.error::<Value, Value>().await.map(|value| value.into_inner()),
    }
}
