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
