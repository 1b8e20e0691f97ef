//! Each serialisation and credential kind that our pipeline (not progenitor)
//! sends does exactly what the OpenAPI specification says, checked on the
//! raw request a local server received (`tests/corpus/ok/wire-kinds.yaml`).

use futures::TryStreamExt;
use serde_json::json;
use wire_kinds_client::{Client, Credentials, Multipart, Upload};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/search")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 2}))).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/report"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![7u8; 300_000], "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/files")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    server
}

fn client(uri: &str) -> Client {
    Client::new(uri, Credentials::api_key("s3ss10n").and(Credentials::oauth2_token("t0ken"))).unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn header(request: &Request, name: &str) -> Vec<String> {
    request.headers.get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn query_styles_cookies_and_array_headers_follow_the_openapi_rules() {
    let server = server().await;

    let found = client(&server.uri())
        .search()
        .filter(json!({"status": "open", "owner": "me"}))
        .tags(vec!["a b".to_owned(), "c".to_owned()])
        .ids(vec![1, 2, 3])
        .point(json!({"x": 1, "y": 2}))
        .colour(vec!["red".to_owned(), "blue".to_owned()])
        .x_trace(vec!["a".to_owned(), "b".to_owned()])
        .theme("dark mode")
        .send()
        .await
        .unwrap();

    assert_eq!(found.count, Some(2));
    let request = only_request(&server).await;
    // Fields in progenitor's order (by name); each style as OpenAPI defines it:
    // form exploded repeats, deepObject brackets, space and pipe join,
    // form unexploded objects join key,value pairs with commas.
    assert_eq!(
        request.url.query(),
        Some("colour=red&colour=blue&filter%5Bowner%5D=me&filter%5Bstatus%5D=open&ids=1%7C2%7C3&point=x%2C1%2Cy%2C2&tags=a+b+c")
    );
    assert_eq!(header(&request, "x-trace"), ["a,b"]);
    assert_eq!(header(&request, "cookie"), ["theme=dark%20mode"], "`search` needs OAuth only, so no session cookie");
    assert_eq!(header(&request, "authorization"), ["Bearer t0ken"]);
}

#[tokio::test]
async fn cookie_api_key_joins_the_cookie_header() {
    let server = server().await;

    client(&server.uri()).post_note().body("hello").send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(header(&request, "cookie"), ["session=s3ss10n"]);
    assert_eq!(header(&request, "content-type"), ["text/plain"]);
    assert_eq!(request.body, b"hello");
}

#[tokio::test]
async fn raw_body_goes_out_with_the_spec_media_type() {
    let server = server().await;

    client(&server.uri()).put_image().body(vec![0x89u8, b'P', b'N', b'G']).send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), ["image/png"]);
    assert_eq!(request.body, [0x89u8, b'P', b'N', b'G']);
}

#[tokio::test]
async fn form_body_is_url_encoded() {
    let server = server().await;

    client(&server.uri()).login().body_map(|b| b.user(Some("a b&c".to_owned())).remember(Some(true))).send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), ["application/x-www-form-urlencoded"]);
    assert_eq!(String::from_utf8(request.body.clone()).unwrap(), "remember=true&user=a+b%26c");
    assert!(header(&request, "cookie").is_empty(), "`login` declares `security: []`");
}

#[tokio::test]
async fn multipart_body_has_one_part_per_field_with_its_content_type() {
    let server = server().await;
    let form = Multipart::new()
        .text("title", "Holiday")
        .json("meta", &json!({"size": 3}))
        .unwrap()
        .file("file", Upload::from_bytes(b"abc".to_vec()).with_file_name("a.txt").with_content_type("text/plain"));

    let created = client(&server.uri()).upload_files().send_multipart(form).await.unwrap();

    assert_eq!(created.status().as_u16(), 201);
    let request = only_request(&server).await;
    let content_type = header(&request, "content-type").remove(0);
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(&content_type);
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"size\":3}}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n\
         --{b}--\r\n",
        b = boundary
    );
    assert_eq!(String::from_utf8(request.body.clone()).unwrap(), expected);
    assert_eq!(header(&request, "content-length"), [expected.len().to_string()]);
}

#[tokio::test]
async fn required_multipart_body_must_come_through_send_multipart() {
    let server = server().await;

    let error = client(&server.uri()).upload_files().send().await.unwrap_err();

    assert_eq!(
        error.to_string(),
        "uploadFiles (POST /files): invalid `body`: is a required multipart/form-data body: send it with `send_multipart`; nothing was sent"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn binary_response_streams_chunk_by_chunk() {
    let server = server().await;

    let report = client(&server.uri()).download_report().send().await.unwrap();

    let mut stream = report.into_inner().into_inner();
    let (mut chunks, mut bytes) = (0, 0);
    while let Some(chunk) = stream.try_next().await.unwrap() {
        chunks += 1;
        bytes += chunk.len();
        assert!(chunk.iter().all(|b| *b == 7));
    }
    assert_eq!(bytes, 300_000);
    assert!(chunks > 1, "the body arrives as a stream, not one buffer");
}

/// A token endpoint that hands out `token-1`, `token-2`, ... valid for
/// `expires_in` seconds, and counts how often it was asked.
struct Tokens {
    issued: std::sync::atomic::AtomicUsize,
    expires_in: u64,
}

impl wiremock::Respond for Tokens {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let basic = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "my-id:my-secret");
        let authorised = header(request, "authorization") == [format!("Basic {basic}")];
        let form = String::from_utf8_lossy(&request.body).into_owned();
        if !authorised || form != "grant_type=client_credentials&scope=read" {
            return ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
        }
        ResponseTemplate::new(200).set_body_json(json!({"access_token": format!("token-{n}"), "token_type": "Bearer", "expires_in": self.expires_in}))
    }
}

async fn token_server(expires_in: u64) -> MockServer {
    let server = MockServer::start().await;
    let tokens = Tokens { issued: Default::default(), expires_in };
    Mock::given(method("POST")).and(path("/token")).respond_with(tokens).mount(&server).await;
    server
}

fn oauth_client(api: &MockServer, tokens: &MockServer) -> Client {
    let provider = sdk_runtime::oauth2::ClientCredentials::new(format!("{}/token", tokens.uri()), "my-id", "my-secret").with_scopes(["read"]);
    Client::new(&api.uri(), Credentials::oauth2_provider(provider)).unwrap()
}

fn bearer_tokens(requests: &[Request]) -> Vec<String> {
    requests.iter().filter(|r| r.url.path() == "/search").flat_map(|r| header(r, "authorization")).collect()
}

#[tokio::test]
async fn client_credentials_token_is_fetched_once_and_reused() {
    let (api, tokens) = (server().await, token_server(3600).await);
    let client = oauth_client(&api, &tokens);

    client.search().send().await.unwrap();
    client.search().send().await.unwrap();

    assert_eq!(tokens.received_requests().await.unwrap().len(), 1);
    assert_eq!(bearer_tokens(&api.received_requests().await.unwrap()), ["Bearer token-1", "Bearer token-1"]);
}

#[tokio::test]
async fn refused_token_is_refreshed_and_the_request_sent_again() {
    let tokens = token_server(3600).await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&api)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 1}))).mount(&api).await;

    let found = oauth_client(&api, &tokens).search().send().await.unwrap();

    assert_eq!(found.count, Some(1));
    assert_eq!(tokens.received_requests().await.unwrap().len(), 2);
    assert_eq!(bearer_tokens(&api.received_requests().await.unwrap()), ["Bearer token-1", "Bearer token-2"]);
}

#[tokio::test]
async fn expired_token_is_replaced_before_the_next_request() {
    // `expires_in: 31` leaves one second once the 30 s safety margin is taken.
    let (api, tokens) = (server().await, token_server(31).await);
    let client = oauth_client(&api, &tokens);

    client.search().send().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    client.search().send().await.unwrap();

    assert_eq!(bearer_tokens(&api.received_requests().await.unwrap()), ["Bearer token-1", "Bearer token-2"]);
}

#[tokio::test]
async fn a_token_endpoint_that_refuses_is_an_error_naming_it_and_nothing_is_sent() {
    let (api, tokens) = (server().await, token_server(3600).await);
    let provider = sdk_runtime::oauth2::ClientCredentials::new(format!("{}/token", tokens.uri()), "my-id", "wrong");
    let client = Client::new(&api.uri(), Credentials::oauth2_provider(provider)).unwrap();

    let error = client.search().send().await.unwrap_err();

    let message = error.to_string();
    assert!(message.starts_with(&format!("search (GET /search): invalid `credentials`: cannot get an OAuth2 access token from {}/token: 401 Unauthorized", tokens.uri())), "{message}");
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_lifetime_too_long_to_count_never_expires_and_does_not_panic() {
    let (api, tokens) = (server().await, token_server(u64::MAX).await);
    let client = oauth_client(&api, &tokens);

    client.search().send().await.unwrap();
    client.search().send().await.unwrap();

    assert_eq!(tokens.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_token_response_longer_than_64_kib_is_refused_unread() {
    let api = server().await;
    let tokens = MockServer::start().await;
    let huge = format!(r#"{{"access_token": "{}"}}"#, "a".repeat(100_000));
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json")).mount(&tokens).await;
    let provider = sdk_runtime::oauth2::ClientCredentials::new(format!("{}/token", tokens.uri()), "my-id", "my-secret");
    let client = Client::new(&api.uri(), Credentials::oauth2_provider(provider)).unwrap();

    let message = client.search().send().await.unwrap_err().to_string();

    assert!(message.ends_with("/token: the response is longer than 65536 bytes; nothing was sent"), "{message}");
    assert!(api.received_requests().await.unwrap().is_empty());
}
