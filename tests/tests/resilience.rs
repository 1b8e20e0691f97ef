//! How the generated clients behave when the network or the server
//! misbehaves: retries, `Retry-After`, timeouts, undecodable bodies, and
//! client-side validation. Each test asserts how many requests the server
//! saw; delays are checked within generous bounds.

use std::num::NonZeroU64;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indream_client::{Client, Credentials, Error, RetryPolicy, Timeouts};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

fn page() -> serde_json::Value {
    json!({"data": [], "meta": {"nextPageCursor": null}})
}

/// Default policy, but with millisecond backoff so tests stay fast.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(10), Duration::from_millis(40))
}

fn client(uri: &str) -> Client {
    Client::builder(uri, Credentials::api_key("key")).retry_policy(fast_retries()).build().unwrap()
}

async fn list(client: &Client) -> Result<indream_client::types::AssetPage, Error> {
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();
    Ok(client.list_project_assets().project_id(project).send().await?.into_inner())
}

/// Answers with `responses` in order, then repeats the last one.
struct Sequence {
    responses: Vec<ResponseTemplate>,
    served: AtomicUsize,
}

impl Sequence {
    fn new(responses: Vec<ResponseTemplate>) -> Self {
        Self { responses, served: AtomicUsize::new(0) }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let index = self.served.fetch_add(1, Ordering::SeqCst).min(self.responses.len() - 1);
        self.responses[index].clone()
    }
}

async fn server_answering(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Sequence::new(responses)).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    server
}

async fn requests_seen(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn rate_limit_with_retry_after_is_waited_out_then_succeeds() {
    let server = server_answering(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(page()),
    ])
    .await;

    let started = Instant::now();
    list(&client(&server.uri())).await.unwrap();

    assert_eq!(requests_seen(&server).await, 2);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_the_rate_limit_at_once() {
    let server = server_answering(vec![ResponseTemplate::new(429).insert_header("retry-after", "120")]).await;

    let started = Instant::now();
    let error = list(&client(&server.uri())).await.unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(requests_seen(&server).await, 1);
    let Error::RateLimited(api) = &error else { panic!("rate limit expected, got {error:?}") };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
    let host = server.uri().replace("http://", "");
    let expected = format!("listProjectAssets (GET /v1/projects/{{projectId}}/assets): 429 Too Many Requests from {host} (the server asks to retry after 120 s)");
    assert!(error.to_string().starts_with(&expected), "{error}");
}

#[tokio::test]
async fn service_unavailable_twice_then_success_takes_three_requests() {
    let server = server_answering(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(page()),
    ])
    .await;

    list(&client(&server.uri())).await.unwrap();

    assert_eq!(requests_seen(&server).await, 3);
}

#[tokio::test]
async fn default_backoff_waits_between_half_a_second_and_the_cap() {
    let server = server_answering(vec![ResponseTemplate::new(503), ResponseTemplate::new(200).set_body_json(page())]).await;
    let client = Client::new(&server.uri(), Credentials::api_key("key")).unwrap();

    let started = Instant::now();
    list(&client).await.unwrap();

    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test]
async fn retries_give_up_after_the_policy_and_can_be_switched_off() {
    let server = server_answering(vec![ResponseTemplate::new(500)]).await;
    let error = list(&client(&server.uri())).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(requests_seen(&server).await, 3);

    let server = server_answering(vec![ResponseTemplate::new(500)]).await;
    let _ = list(&client(&server.uri()).with_retry_policy(RetryPolicy::none())).await.unwrap_err();
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn post_that_fails_with_503_is_not_retried() {
    let server = server_answering(vec![ResponseTemplate::new(200)]).await;
    let client = mediapocket_client::Client::builder(&server.uri(), mediapocket_client::Credentials::api_key("k"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let parent = mediapocket_client::types::Id::try_from("NBmnCtuFCbI88s1cNHJX").unwrap();

    let error = client.create_asset_attachment().asset_id(parent).body_map(|b| b.title("t")).send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn failed_upload_is_not_retried() {
    let server = server_answering(vec![ResponseTemplate::new(200)]).await;

    let error = client(&server.uri()).upload_asset().x_file_name("a.bin").body(vec![1u8; 1024]).send().await.unwrap_err();

    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(requests_seen(&server).await, 1);
}

/// A raw server: resets the first `resets` connections, then answers 200.
async fn resetting_server(resets: usize) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let index = seen.fetch_add(1, Ordering::SeqCst);
            let mut request = vec![0u8; 4096];
            let _ = socket.read(&mut request).await;
            if index < resets {
                socket.set_zero_linger().unwrap();
                drop(socket);
                continue;
            }
            let body = page().to_string();
            let response = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    (address, connections)
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let (address, connections) = resetting_server(1).await;

    list(&client(&address)).await.unwrap();

    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn response_slower_than_the_timeout_is_a_timeout_error() {
    let server = server_answering(vec![ResponseTemplate::new(200).set_body_json(page()).set_delay(Duration::from_secs(3))]).await;
    let client = client(&server.uri()).with_retry_policy(RetryPolicy::none()).with_request_timeout(Duration::from_millis(200));

    let started = Instant::now();
    let error = list(&client).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.to_string().starts_with("listProjectAssets (GET /v1/projects/{projectId}/assets): timed out: the call took longer than 200ms"), "{error}");
}

#[tokio::test]
async fn streamed_upload_outlives_the_call_timeout_but_a_stalled_one_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {
            "assetId": PROJECT, "type": "file", "source": null, "filename": "slow.bin", "mimetype": "application/octet-stream",
            "size": 8, "fileUrl": "u", "fileKey": "k", "width": null, "height": null, "duration": null}, "meta": {}})))
        .mount(&server)
        .await;
    let timeouts = Timeouts { attempt: Duration::from_millis(200), total: Duration::from_millis(200), read: Duration::from_secs(2), ..Timeouts::default() };
    let client = Client::builder(&server.uri(), Credentials::api_key("key")).timeouts(timeouts).build().unwrap();
    let chunks = futures::stream::unfold(0u8, |sent| async move {
        (sent < 8).then_some(())?;
        tokio::time::sleep(Duration::from_millis(80)).await;
        Some((Ok::<_, std::io::Error>(bytes::Bytes::from(vec![sent])), sent + 1))
    });

    let started = Instant::now();
    let created = client.upload_asset().x_file_name("slow.bin").body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap();

    assert!(started.elapsed() > Duration::from_millis(600));
    assert_eq!(created.status().as_u16(), 201);

    // A server that accepts the upload and then goes silent.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut sink = vec![0u8; 65536];
        while socket.read(&mut sink).await.is_ok_and(|n| n > 0) {}
    });
    let timeouts = Timeouts { read: Duration::from_millis(300), ..Timeouts::default() };
    let client = Client::builder(&address, Credentials::api_key("key")).timeouts(timeouts).build().unwrap();
    let started = Instant::now();
    let error = client.upload_asset().x_file_name("stalled.bin").body(vec![0u8; 4096]).send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_the_body_start() {
    let server = server_answering(vec![ResponseTemplate::new(200).set_body_raw("{\"data\": [1, 2", "application/json")]).await;

    let error = list(&client(&server.uri())).await.unwrap_err();

    let Error::Decode { status, body_start, .. } = &error else { panic!("decode error expected, got {error:?}") };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body_start, "{\"data\": [1, 2");
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn html_error_page_and_empty_body_still_give_an_api_error_with_the_status() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = server_answering(vec![ResponseTemplate::new(502).set_body_raw(html, "text/html")]).await;

    let error = list(&client(&server.uri())).await.unwrap_err();

    let Error::Api(api) = &error else { panic!("API error expected, got {error:?}") };
    assert_eq!(api.status.as_u16(), 502);
    assert!(api.body.is_none());
    assert_eq!(api.text, html);
    assert_eq!(requests_seen(&server).await, 3);

    let server = server_answering(vec![ResponseTemplate::new(403)]).await;
    let error = list(&client(&server.uri())).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("API error expected, got {error:?}") };
    assert_eq!((api.status.as_u16(), api.text.as_str()), (403, ""));
    assert!(api.body.is_none());
}

#[tokio::test]
async fn unauthorized_message_says_what_to_check() {
    let problem = json!({"type": "UNAUTHORIZED", "title": "Unauthorized", "status": 401, "detail": "Invalid API key"});
    let server = server_answering(vec![ResponseTemplate::new(401).set_body_json(problem)]).await;

    let error = list(&client(&server.uri())).await.unwrap_err();

    let host = server.uri().replace("http://", "");
    assert_eq!(
        error.to_string(),
        format!(
            r#"listProjectAssets (GET /v1/projects/{{projectId}}/assets): 401 Unauthorized from {host}: check the credentials the client was built with: {{"detail":"Invalid API key","status":401,"title":"Unauthorized","type":"UNAUTHORIZED"}}"#
        )
    );
    assert_eq!(error.body().unwrap().detail, "Invalid API key");
}

#[tokio::test]
async fn unauthorized_message_names_the_variable_when_credentials_came_from_it() {
    let server = server_answering(vec![ResponseTemplate::new(401)]).await;
    // The only test of this file that sets INDREAM_API_KEY; a fake key for a local server.
    std::env::set_var("INDREAM_API_KEY", "from-the-environment");
    let client = Client::builder(&server.uri(), Credentials::from_env().unwrap()).retry_policy(fast_retries()).build().unwrap();

    let error = list(&client).await.unwrap_err();

    assert!(error.to_string().contains(": check INDREAM_API_KEY (read from the environment)"), "{error}");
}

#[tokio::test]
async fn ncp_envelope_with_a_failing_code_is_an_error() {
    let server = MockServer::start().await;
    let failure = json!({"code": "10001", "message": "Invalid Request", "result": {"content": [], "totalCount": 0, "totalPage": 0, "pageNo": 1, "pageSize": 1}});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(failure)).mount(&server).await;
    let client = ncloud_media_intelligence_client::Client::new(&server.uri(), ncloud_media_intelligence_client::Credentials::access_key("a", "s")).unwrap();

    let error = client.list_media_assets().workspace_name("w").project_id("1").page_num(NonZeroU64::MIN).send().await.unwrap_err();

    let ncloud_media_intelligence_client::Error::Api(api) = &error else { panic!("API error expected, got {error:?}") };
    assert_eq!(api.status.as_u16(), 200);
    let body = api.body.as_ref().unwrap();
    assert_eq!((body.code.as_deref(), body.message.as_deref()), (Some("10001"), Some("Invalid Request")));
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn documented_bounds_are_checked_before_anything_is_sent() {
    let server = server_answering(vec![ResponseTemplate::new(200).set_body_json(page())]).await;
    let client = client(&server.uri());
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();

    let too_big = client.list_project_assets().project_id(project).page_size(NonZeroU64::new(101).unwrap()).send().await.unwrap_err();
    let missing = client.list_project_assets().send().await.unwrap_err();
    let ncp = ncloud_media_intelligence_client::Client::new(&server.uri(), ncloud_media_intelligence_client::Credentials::access_key("a", "s")).unwrap();
    let ncp_error = ncp
        .list_media_assets()
        .workspace_name("w")
        .project_id("1")
        .page_num(NonZeroU64::MIN)
        .page_size(NonZeroU64::new(1001).unwrap())
        .send()
        .await
        .unwrap_err();

    assert_eq!(too_big.to_string(), "listProjectAssets (GET /v1/projects/{projectId}/assets): invalid `pageSize`: must be at most 100, got 101; nothing was sent");
    let Error::Validation { parameter, message, .. } = &missing else { panic!("validation error expected, got {missing:?}") };
    assert_eq!((parameter.as_str(), message.as_str()), ("projectId", "is required but was not set"));
    assert_eq!(ncp_error.to_string(), "listMediaAssets (GET /api/v1/workspaces/{workspace_name}/projects/{project_id}/assets): invalid `pageSize`: must be at most 1000, got 1001; nothing was sent");
    assert_eq!(requests_seen(&server).await, 0);
    client.list_project_assets().project_id(project).page_size(NonZeroU64::new(100).unwrap()).send().await.unwrap();
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn post_that_declares_an_idempotency_key_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Sequence::new(vec![ResponseTemplate::new(503), ResponseTemplate::new(201).set_body_json(json!({"id": "pay_1"}))]))
        .mount(&server)
        .await;
    let client = idempotency_key_client::Client::builder(&server.uri(), idempotency_key_client::Credentials::none())
        .retry_policy(fast_retries())
        .build()
        .unwrap();

    let created = client.create_payment().idempotency_key("key-1").body_map(|b| b.amount(5)).send().await.unwrap();

    assert_eq!(created.id.as_deref(), Some("pay_1"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.headers["idempotency-key"] == "key-1"));
}
