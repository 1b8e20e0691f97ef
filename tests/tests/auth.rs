//! Credentials go where each vendor documents them, only where the spec
//! requires them, never to another origin, and never into logs.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sdk_runtime::{Call, ClientContext, Credential, CredentialSet, Idempotency, Operation};
use serde_json::json;
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// Recomputes the NAVER Cloud signature of a received request from what
/// arrived on the wire, with its own HMAC, and compares it to the header.
fn ncp_signature_is_valid(request: &Request, access_key: &str, secret_key: &str) -> bool {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (Some(timestamp), Some(sent_key), Some(signature)) =
        (header("x-ncp-apigw-timestamp"), header("x-ncp-iam-access-key"), header("x-ncp-apigw-signature-v2"))
    else {
        return false;
    };
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let message = format!("{} {target}\n{timestamp}\n{access_key}", request.method);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let fresh = timestamp.parse::<u128>().is_ok_and(|ms| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
        now.abs_diff(ms) < 300_000
    });
    sent_key == access_key && signature == expected && fresh
}

/// Sends a GET of `url` (path and query as given) through the runtime's
/// pipeline with `credentials` and `security`.
async fn send(credentials: CredentialSet, security: &'static [&'static [&'static str]], url: &str) {
    let context = ClientContext { credentials, ..ClientContext::default() };
    let client = context.http_client("test").unwrap();
    let operation: &'static Operation = Box::leak(Box::new(Operation {
        id: "get",
        method: sdk_runtime::reqwest::Method::GET,
        path: "",
        parameters: &[],
        security,
        idempotency: Idempotency::Safe,
        default_headers: &[],
        accept: None,
        success_when: None,
    }));
    Call::new(&client, &context, url, operation).send().await.unwrap();
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[test]
fn ncp_worked_example_reproduces() {
    let signature = sdk_runtime::ncp_signature_v2(
        "GET",
        "/api/v1/workspaces/my-workspace/projects/1234/assets?pageNum=1&pageSize=100",
        "1700000000000",
        "ACCESS_KEY_ID",
        "SECRET_KEY",
    );
    assert_eq!(signature, "VTcbWyF+hm+B21juWMD3DvHUQQhFvnHkOmPnwy0vEVc=");
}

#[tokio::test]
async fn ncp_signature_verifies_on_a_server_for_encoded_paths_and_queries() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let credentials = CredentialSet::single(Credential::ncp_signature_v2("Ncp", "AK", "SK"));

    let url = format!("{}/api/v1/a%20b/c?pageNum=2&q=hello world&u=ü&plus=a+b&amp=x%26y&pageSize=10", server.uri());
    send(credentials, &[&["Ncp"]], &url).await;

    let requests = received(&server).await;
    assert_eq!(requests[0].url.query(), Some("pageNum=2&q=hello%20world&u=%C3%BC&plus=a+b&amp=x%26y&pageSize=10"));
    assert!(ncp_signature_is_valid(&requests[0], "AK", "SK"));
    assert!(!ncp_signature_is_valid(&requests[0], "AK", "other secret"));
}

#[tokio::test]
async fn generated_ncp_client_signs_every_request_verifiably() {
    use ncloud_media_intelligence_client::{Client, Credentials};
    let server = MockServer::start().await;
    let page = json!({"code": "0", "message": "success", "result": {"content": [], "totalCount": 0, "totalPage": 0, "pageNo": 1, "pageSize": 5}});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(page)).mount(&server).await;
    let client = Client::new(&server.uri(), Credentials::access_key("ACCESS_KEY_ID", "SECRET_KEY")).unwrap();

    for page_num in [1u64, 2, 3] {
        client
            .list_media_assets()
            .workspace_name("my workspace/é")
            .project_id("12 34")
            .page_num(std::num::NonZeroU64::new(page_num).unwrap())
            .page_size(std::num::NonZeroU64::new(5).unwrap())
            .send()
            .await
            .unwrap();
    }

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2].url.path(), "/api/v1/workspaces/my%20workspace%2F%C3%A9/projects/12%2034/assets");
    assert_eq!(requests[2].url.query(), Some("pageNum=3&pageSize=5"));
    assert!(requests.iter().all(|r| ncp_signature_is_valid(r, "ACCESS_KEY_ID", "SECRET_KEY")));
}

#[tokio::test]
async fn query_key_bearer_and_alternatives_follow_the_requirements() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let both = CredentialSet::single(Credential::query_api_key("QueryKey", "api_key", "q-secret"))
        .with(Credential::bearer("Bearer", "b-token"));

    send(both.clone(), &[&["QueryKey"], &["Bearer"]], &format!("{}/reports?x=1", server.uri())).await;
    send(both.clone(), &[&["Missing"], &["Bearer"]], &format!("{}/items", server.uri())).await;
    send(both.clone(), &[], &format!("{}/health", server.uri())).await;
    send(both, &[&[]], &format!("{}/optional", server.uri())).await;

    let requests = received(&server).await;
    assert_eq!(requests[0].url.query(), Some("x=1&api_key=q-secret"));
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(requests[1].headers["authorization"], "Bearer b-token");
    assert_eq!(requests[1].url.query(), None);
    for unauthenticated in &requests[2..] {
        assert!(unauthenticated.headers.get("authorization").is_none());
        assert_eq!(unauthenticated.url.query(), None);
    }
}

#[tokio::test]
async fn header_credentials_never_reach_the_url() {
    use indream_client::{Client, Credentials};
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {}}))).mount(&server).await;
    let client = Client::new(&server.uri(), Credentials::api_key("header-only-secret")).unwrap();

    client.list_project_assets().project_id(uuid::Uuid::parse_str(PROJECT).unwrap()).send().await.unwrap();

    let request = &received(&server).await[0];
    assert_eq!(request.headers["x-api-key"], "header-only-secret");
    assert!(!request.url.as_str().contains("header-only-secret"));
}

/// A server that redirects every request to `target` with `status`.
async fn redirecting_to(target: &str, status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/projects/{PROJECT}/assets")))
        .respond_with(ResponseTemplate::new(status).insert_header("location", target))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn cross_origin_redirect_drops_every_credential() {
    let other = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {}}))).mount(&other).await;
    let first = redirecting_to(&format!("{}/elsewhere", other.uri()), 302).await;

    let indream = indream_client::Client::new(&first.uri(), indream_client::Credentials::api_key("k-secret")).unwrap();
    indream.list_project_assets().project_id(uuid::Uuid::parse_str(PROJECT).unwrap()).send().await.unwrap();
    let ncp = ncloud_media_intelligence_client::Client::new(
        &first.uri(),
        ncloud_media_intelligence_client::Credentials::access_key("AK", "SK"),
    )
    .unwrap();
    let scenario = scenario_client::Client::new(&first.uri(), scenario_client::Credentials::api_key("key", "secret")).unwrap();

    // Both the NCP and Scenario calls get redirected by a catch-all on `first`.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/elsewhere", other.uri()).as_str()))
        .mount(&first)
        .await;
    let _ = ncp
        .list_media_assets()
        .workspace_name("w")
        .project_id("1")
        .page_num(std::num::NonZeroU64::MIN)
        .send()
        .await;
    let _ = scenario.list_assets().send().await;

    let at_first = received(&first).await;
    assert_eq!(at_first.len(), 3);
    assert_eq!(at_first[0].headers["x-api-key"], "k-secret");
    assert!(at_first[1].headers.contains_key("x-ncp-apigw-signature-v2"));
    assert!(at_first[2].headers.contains_key("authorization"));
    let at_other = received(&other).await;
    assert_eq!(at_other.len(), 3);
    for request in &at_other {
        assert_eq!(request.url.path(), "/elsewhere");
        for name in ["x-api-key", "authorization", "x-ncp-apigw-signature-v2", "x-ncp-iam-access-key", "x-ncp-apigw-timestamp"] {
            assert!(!request.headers.contains_key(name), "{name} leaked to another origin");
        }
    }
}

#[tokio::test]
async fn same_origin_redirect_keeps_and_re_signs_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": "0", "message": "success", "result": {"content": [], "totalCount": 0, "totalPage": 0, "pageNo": 1, "pageSize": 1}})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(301).insert_header("location", "/moved?pageNum=1")).mount(&server).await;
    let client = ncloud_media_intelligence_client::Client::new(
        &server.uri(),
        ncloud_media_intelligence_client::Credentials::access_key("AK", "SK"),
    )
    .unwrap();

    client.list_media_assets().workspace_name("w").project_id("1").page_num(std::num::NonZeroU64::MIN).send().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.path(), "/moved");
    assert!(requests.iter().all(|r| ncp_signature_is_valid(r, "AK", "SK")));
}

#[test]
fn secrets_never_appear_in_debug_output_or_errors() {
    let credentials = [
        format!("{:?}", indream_client::Credentials::api_key("s3cr3t-indream")),
        format!("{:?}", scenario_client::Credentials::api_key("key-id", "s3cr3t-scenario")),
        format!("{:?}", ncloud_media_intelligence_client::Credentials::access_key("AK", "s3cr3t-ncp")),
        format!("{:?}", mediapocket_client::Credentials::api_key("s3cr3t-mediapocket")),
    ];
    for text in &credentials {
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
    let client = indream_client::Client::new("https://api.indream.ai", indream_client::Credentials::api_key("s3cr3t-client")).unwrap();
    assert!(!format!("{client:?}").contains("s3cr3t"));
    let error = indream_client::Client::new("https://api.indream.ai", indream_client::Credentials::api_key("s3cr3t\nnewline"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "the credential for security scheme `ApiKeyAuth` cannot be sent: the value contains characters a header cannot carry"
    );
}

#[test]
fn credentials_from_env_read_the_documented_variables_and_name_missing_ones() {
    // One test owns these variables, so parallel tests never race on them.
    let variables = ["INDREAM_API_KEY", "SCENARIO_API_KEY", "SCENARIO_API_SECRET", "NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY", "MEDIAPOCKET_API_KEY"];
    for name in variables {
        std::env::remove_var(name);
    }
    let missing = |result: Result<(), sdk_runtime::EnvError>| result.unwrap_err().to_string();
    assert_eq!(missing(indream_client::Credentials::from_env().map(drop)), "environment variable `INDREAM_API_KEY` is not set");
    assert_eq!(missing(mediapocket_client::Credentials::from_env().map(drop)), "environment variable `MEDIAPOCKET_API_KEY` is not set");
    std::env::set_var("SCENARIO_API_KEY", "k");
    assert_eq!(missing(scenario_client::Credentials::from_env().map(drop)), "environment variable `SCENARIO_API_SECRET` is not set");
    std::env::set_var("NCLOUD_ACCESS_KEY", "   ");
    assert_eq!(missing(ncloud_media_intelligence_client::Credentials::from_env().map(drop)), "environment variable `NCLOUD_ACCESS_KEY` is empty");

    std::env::set_var("SCENARIO_API_SECRET", "s");
    std::env::set_var("INDREAM_API_KEY", "from-env");
    let scenario = format!("{:?}", scenario_client::Credentials::from_env().unwrap());
    assert!(scenario.contains("ApiKey"));
    let indream = indream_client::Credentials::from_env().unwrap();
    assert!(format!("{indream:?}").contains("x-api-key"));
    for name in variables {
        std::env::remove_var(name);
    }
}

#[tokio::test]
async fn generated_client_sends_bearer_query_key_or_nothing_as_each_operation_requires() {
    use auth_schemes_client::{Client, Credentials};
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let both = Credentials::bearer("b-token").and(Credentials::api_key("q-secret"));
    let client = Client::new(&server.uri(), both).unwrap();

    client.health().send().await.unwrap();
    client.list_items().send().await.unwrap();
    client.list_reports().send().await.unwrap();
    Client::new(&server.uri(), Credentials::bearer("only-bearer")).unwrap().list_reports().send().await.unwrap();

    let requests = received(&server).await;
    let seen: Vec<_> = requests
        .iter()
        .map(|r| (r.url.path().to_owned(), r.url.query().map(str::to_owned), r.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned())))
        .collect();
    assert_eq!(
        seen,
        [
            ("/health".to_owned(), None, None),
            ("/items".to_owned(), None, Some("Bearer b-token".to_owned())),
            ("/reports".to_owned(), Some("api_key=q-secret".to_owned()), None),
            ("/reports".to_owned(), None, Some("Bearer only-bearer".to_owned())),
        ]
    );
}
