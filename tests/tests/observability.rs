//! What a user sees of a call and can change for one call, through the
//! generated crates against local servers: request ids, errors with the
//! host's port and a 64 KiB body, per-call options and interceptors (the
//! trace of a call is checked in `tracing.rs`).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indream_client::{AttemptInfo, AttemptOutcome, Client, Credentials, Error, HeaderName, HeaderValue, Interceptor, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

fn project() -> uuid::Uuid {
    uuid::Uuid::parse_str(PROJECT).unwrap()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(20))
}

fn page() -> serde_json::Value {
    json!({"data": [], "meta": {}})
}

#[tokio::test]
async fn errors_carry_the_request_id_the_port_and_the_body_up_to_the_limit() {
    let server = MockServer::start().await;
    let long = "x".repeat(100 * 1024);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-7").set_body_string(long.clone()))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Credentials::api_key("k")).unwrap();

    let error = client.list_project_assets().project_id(project()).send().await.unwrap_err();

    assert_eq!(error.request_id(), Some("req-7"));
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.host, server.uri().trim_start_matches("http://"));
    assert_eq!(api.text.len(), 64 * 1024, "kept up to the default 64 KiB");
    assert!(api.truncated);
    let message = error.to_string();
    assert!(message.starts_with("listProjectAssets (GET /v1/projects/{projectId}/assets): 404 Not Found from 127.0.0.1:"), "{message}");
    assert!(message.contains("(request id req-7)"), "{message}");

    let small = Client::builder(&server.uri(), Credentials::api_key("k")).error_body_limit(10).build().unwrap();
    let Error::Api(api) = small.list_project_assets().project_id(project()).send().await.unwrap_err() else { panic!() };
    assert_eq!(api.text, "x".repeat(10));
}

#[tokio::test]
async fn per_call_options_change_one_call_and_not_the_next() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = Client::builder(&server.uri(), Credentials::api_key("k")).retry_policy(fast_retries()).build().unwrap();

    // One header and no retries, for this call only.
    let _ = client
        .list_project_assets()
        .project_id(project())
        .with_header(HeaderName::from_static("x-debug"), HeaderValue::from_static("1"))
        .with_retry_policy(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "no retry for this call");
    assert_eq!(requests[0].headers["x-debug"], "1");

    // The next call has neither.
    let _ = client.list_project_assets().project_id(project()).send().await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4, "the client's 2 retries apply again");
    assert!(!requests[1].headers.contains_key("x-debug"));

    // A header the credentials set is refused, and nothing is sent.
    let refused = client.list_project_assets().project_id(project()).with_header(HeaderName::from_static("x-api-key"), HeaderValue::from_static("other")).send().await;
    assert!(matches!(refused, Err(Error::Validation { .. })), "{refused:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_per_call_timeout_bounds_that_call_only() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(page()).set_delay(Duration::from_millis(300))).mount(&server).await;
    let client = Client::new(&server.uri(), Credentials::api_key("k")).unwrap();

    let started = Instant::now();
    let error = client.list_project_assets().project_id(project()).with_timeout(Duration::from_millis(100)).send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(280), "{:?}", started.elapsed());

    client.list_project_assets().project_id(project()).send().await.expect("the next call has the client's 60 s");
}

#[tokio::test]
async fn a_per_call_idempotency_key_is_sent_on_every_retry() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).with_priority(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(json!({"name": "x"}))).mount(&server).await;
    let client = call_pipeline_client::Client::builder(&server.uri(), call_pipeline_client::Credentials::api_key("k"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();

    let _ = idempotent_call(&client).await;

    let keys: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned()).collect();
    assert_eq!(keys, ["order-42", "order-42"]);
}

/// The call-pipeline fixture's POST that declares an `Idempotency-Key`.
async fn idempotent_call(client: &call_pipeline_client::Client) -> Result<(), call_pipeline_client::Error> {
    client._2fa().thing_id("abcd").with_idempotency_key("order-42").body_map(|b| b.name("x")).send().await.map(drop)
}

/// Tags requests and counts attempts.
struct Tagger(Arc<AtomicU32>);

impl Interceptor for Tagger {
    fn before_attempt(&self, _attempt: &AttemptInfo, request: &mut indream_client::reqwest::Request) {
        request.headers_mut().insert("x-tag", HeaderValue::from_static("t1"));
        assert!(!request.headers().contains_key("x-api-key"), "interceptors run before credentials");
    }

    fn after_attempt(&self, _attempt: &AttemptInfo, _outcome: &AttemptOutcome<'_>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn an_interceptor_adds_a_header_and_counts_attempts_across_a_retry() {
    let server = MockServer::start().await;
    Mock::given(path_regex("^/v1/")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).with_priority(1).mount(&server).await;
    Mock::given(path_regex("^/v1/")).respond_with(ResponseTemplate::new(200).set_body_json(page())).mount(&server).await;
    let attempts = Arc::new(AtomicU32::new(0));
    let client = Client::builder(&server.uri(), Credentials::api_key("k"))
        .retry_policy(fast_retries())
        .interceptor(Tagger(attempts.clone()))
        .build()
        .unwrap();

    client.list_project_assets().project_id(project()).send().await.unwrap();

    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers["x-tag"] == "t1" && r.headers["x-api-key"] == "k"));
}
