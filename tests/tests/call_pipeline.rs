//! The call pipeline keeps each operation's own policy whatever its id,
//! resolves `$ref`'d and path-level parameters, sends one idempotency key
//! per call, holds its time limits across retries, and refuses bad
//! credentials when the client is built. Each test states the wire as the
//! spec (`tests/corpus/ok/call-pipeline.yaml`) describes it.

use std::time::{Duration, Instant};

use call_pipeline_client::{Client, Credentials, Error, RetryPolicy, TimeLimit, Timeouts};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Default policy with millisecond backoff.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(10), Duration::from_millis(40))
}

fn client(uri: &str) -> Client {
    Client::builder(uri, Credentials::api_key("k3y")).retry_policy(fast_retries()).build().unwrap()
}

/// Answers with `statuses` in order (JSON `{"name": "x"}` bodies), then
/// repeats the last one.
struct Statuses(Vec<u16>, std::sync::atomic::AtomicUsize);

impl Statuses {
    fn new(statuses: &[u16]) -> Self {
        Self(statuses.to_vec(), std::sync::atomic::AtomicUsize::new(0))
    }
}

impl Respond for Statuses {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst).min(self.0.len() - 1);
        ResponseTemplate::new(self.0[index]).set_body_json(json!({"name": "x"}))
    }
}

async fn server(statuses: &[u16]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(Statuses::new(statuses)).mount(&server).await;
    server
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

#[tokio::test]
async fn keyword_operation_id_keeps_its_constraints_retries_and_security() {
    let server = server(&[503, 200]).await;
    let client = client(&server.uri());

    // `limit` is a `$ref`'d parameter documented as 1..=50.
    let error = client.type_().thing_id("abcd").limit(51u64).send().await.unwrap_err();
    let Error::Validation { parameter, message, operation } = &error else { panic!("validation error expected, got {error:?}") };
    assert_eq!((parameter.as_str(), message.as_str()), ("limit", "must be at most 50, got 51"));
    assert_eq!(operation.id, "type");
    assert!(received(&server).await.is_empty());

    // A GET: retried after the 503, with the document's security on each attempt.
    let thing = client.type_().thing_id("abcd").limit(5u64).send().await.unwrap();
    assert_eq!(thing.name, "x");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.url.path() == "/things/abcd" && r.url.query() == Some("limit=5")));
    assert!(requests.iter().all(|r| header(r, "x-api-key") == Some("k3y")));
}

#[tokio::test]
async fn keyword_post_without_an_idempotency_key_is_never_retried_and_sends_no_credentials() {
    let server = server(&[503]).await;

    let error = client(&server.uri()).match_().send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.operation().id, "match");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].method.as_str(), requests[0].url.path()), ("POST", "/matches"));
    assert_eq!(header(&requests[0], "x-api-key"), None, "`match` declares `security: []`");
    assert_eq!(header(&requests[0], "idempotency-key"), None);
}

#[tokio::test]
async fn ref_idempotency_key_makes_a_digit_led_post_retried_with_one_generated_key_per_call() {
    let server = server(&[503, 503, 201]).await;
    let client = client(&server.uri());

    let created = client._2fa().thing_id("abcd").body_map(|b| b.name("x")).send().await.unwrap();

    assert_eq!(created.status().as_u16(), 201);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let key = header(&requests[0], "idempotency-key").expect("a generated key");
    let parsed = uuid::Uuid::parse_str(key).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    assert!(requests.iter().all(|r| header(r, "idempotency-key") == Some(key)), "one key on every attempt");

    // The next call is another logical request: another key.
    client._2fa().thing_id("abcd").body_map(|b| b.name("y")).send().await.unwrap();
    let requests = received(&server).await;
    assert_ne!(header(&requests[3], "idempotency-key"), Some(key));
}

#[tokio::test]
async fn caller_set_idempotency_key_is_kept_on_every_attempt() {
    let server = server(&[500, 201]).await;

    client(&server.uri())._2fa().thing_id("abcd").idempotency_key("mine-1").body_map(|b| b.name("x")).send().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| header(r, "idempotency-key") == Some("mine-1")));
}

#[tokio::test]
async fn ref_path_parameter_is_required_and_checked() {
    let server = server(&[200]).await;
    let client = client(&server.uri());

    let missing = client.type_().send().await.unwrap_err();
    let Error::Validation { parameter, message, .. } = &missing else { panic!("validation error expected, got {missing:?}") };
    assert_eq!((parameter.as_str(), message.as_str()), ("thing_id", "is required but was not set"));
    assert_eq!(missing.to_string(), "type (GET /things/{thing_id}): invalid `thing_id`: is required but was not set; nothing was sent");
    assert!(received(&server).await.is_empty());
}

#[test]
fn readme_example_fills_a_ref_path_parameter() {
    // The example itself runs as a doc test of mediapocket-client.
    let readme = std::fs::read_to_string(integration_tests::repo_root().join("generated/mediapocket/README.md")).unwrap();
    assert!(readme.contains("client.list_asset_attachments()\n    .asset_id(\"bDzHAAxLXsSmhL4lax8D\")\n    .send()"), "{readme}");
}

#[tokio::test]
async fn total_deadline_holds_across_retries_and_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(150)))
        .mount(&server)
        .await;
    let timeouts = Timeouts { attempt: Duration::from_secs(5), total: Duration::from_millis(500), ..Timeouts::default() };
    let client = Client::builder(&server.uri(), Credentials::api_key("k"))
        .retry_policy(fast_retries().with_max_retries(20))
        .timeouts(timeouts)
        .build()
        .unwrap();

    let started = Instant::now();
    let error = client.type_().thing_id("abcd").send().await.unwrap_err();

    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { limit: TimeLimit::Total(limit), .. } if limit == Duration::from_millis(500)), "{error:?}");
    assert!(elapsed >= Duration::from_millis(450) && elapsed < Duration::from_millis(1500), "{elapsed:?}");
    let attempts = received(&server).await.len();
    assert!((2..=4).contains(&attempts), "{attempts} attempts fit in 500 ms of 150 ms answers");
}

#[tokio::test]
async fn slow_attempt_times_out_and_is_retried_within_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "x"})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let timeouts = Timeouts { attempt: Duration::from_millis(200), total: Duration::from_secs(10), ..Timeouts::default() };
    let client = Client::builder(&server.uri(), Credentials::api_key("k"))
        .retry_policy(fast_retries().with_max_retries(1))
        .timeouts(timeouts)
        .build()
        .unwrap();

    let started = Instant::now();
    let error = client.type_().thing_id("abcd").send().await.unwrap_err();

    assert!(matches!(error, Error::Timeout { limit: TimeLimit::Attempt(_), .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(received(&server).await.len(), 2);
}

#[test]
fn bad_credential_is_an_error_at_construction_whatever_the_http_client() {
    let with_own_http = Client::builder("https://api.example.com", Credentials::api_key("bad\nkey"))
        .http_client(sdk_runtime::reqwest::Client::new())
        .build()
        .unwrap_err();
    assert_eq!(
        with_own_http.to_string(),
        "the credential for security scheme `ApiKey` cannot be sent: the value contains characters a header cannot carry"
    );
    assert!(Client::new("https://api.example.com", Credentials::api_key("bad\nkey")).is_err());
}

#[test]
fn header_api_key_accepts_any_case_and_reports_an_invalid_name() {
    let upper = sdk_runtime::Credential::header_api_key("Key", "X-API-Key", "k");
    assert_eq!(upper.validate(), Ok(()));
    let invalid = sdk_runtime::Credential::header_api_key("Key", "bad header", "k");
    assert_eq!(
        invalid.validate(),
        Err("the credential for security scheme `Key` cannot be sent: the header name is not a valid HTTP header name".to_owned())
    );
}

#[test]
fn a_client_identity_must_be_a_pem_certificate_and_key() {
    let error = sdk_runtime::ClientIdentity::from_pem(b"not a certificate").unwrap_err();
    assert!(error.to_string().starts_with("cannot build the HTTP client"), "{error}");
}
