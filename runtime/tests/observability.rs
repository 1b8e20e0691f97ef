//! Tracing, request ids and error reports: what a user sees of a call.

mod common;

use sdk_runtime::reqwest::header::HeaderName;
use sdk_runtime::{Call, ClientContext, Credential, CredentialSet, Error, ErrorHints};
use serde_json::{json, Value};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{context, get, http, GET_THING};


#[tokio::test]
async fn the_request_id_comes_with_errors_and_successes() {
    let server = MockServer::start().await;
    Mock::given(path("/things/1"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-amzn-requestid", "amzn-1").set_body_json(json!({"name": "one"})))
        .mount(&server)
        .await;
    Mock::given(path("/things/2"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-2").set_body_json(json!({"detail": "gone"})))
        .mount(&server)
        .await;
    Mock::given(path("/things/3"))
        .respond_with(ResponseTemplate::new(200).insert_header("request-id", "req-3").set_body_string("not json"))
        .mount(&server)
        .await;
    Mock::given(path("/things/4"))
        .respond_with(ResponseTemplate::new(500).insert_header("x-trace", "trace-4").insert_header("x-request-id", "req-4"))
        .mount(&server)
        .await;
    let context = ClientContext { retry: sdk_runtime::RetryPolicy::none(), ..context() };
    let http = http(&context);
    let base = server.uri();

    // A success: on the response, and from the decoded value's headers.
    let response = Call::new(&http, &context, &base, &GET_THING).tap(|call| call.path("id", Ok("1"))).send().await.unwrap();
    assert_eq!(response.request_id(), Some("amzn-1"));
    let value = response.json::<Value, Value>().await.unwrap();
    assert_eq!(sdk_runtime::request_id(value.headers(), &context), Some("amzn-1"));
    assert_eq!(context.request_id(value.headers()), Some("amzn-1"));

    // An error status.
    let error = get(&http, &context, &base, &GET_THING, "2").await.unwrap_err();
    assert_eq!(error.request_id(), Some("req-2"));
    assert_eq!(error.api().unwrap().request_id.as_deref(), Some("req-2"));
    assert!(error.to_string().contains("404 Not Found from ") && error.to_string().contains(" (request id req-2): "), "{error}");

    // A body that does not decode.
    let error = get(&http, &context, &base, &GET_THING, "3").await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.request_id(), Some("req-3"));
    assert!(error.to_string().contains("(request id req-3)"), "{error}");

    // The header list is the client's to choose, in its order.
    let custom = ClientContext { request_id_headers: vec![HeaderName::from_static("x-trace")], ..context.clone() };
    let error = get(&http, &custom, &base, &GET_THING, "4").await.unwrap_err();
    assert_eq!(error.request_id(), Some("trace-4"));
    let error = get(&http, &context, &base, &GET_THING, "4").await.unwrap_err();
    assert_eq!(error.request_id(), Some("req-4"));
    // No request id: none in the message either.
    let error = get(&http, &ClientContext { request_id_headers: Vec::new(), ..context.clone() }, &base, &GET_THING, "4").await.unwrap_err();
    assert_eq!(error.request_id(), None);
    assert!(!error.to_string().contains("request id"), "{error}");
}

#[tokio::test]
async fn error_bodies_are_kept_up_to_the_limit() {
    let server = MockServer::start().await;
    let big = "x".repeat(100 * 1024);
    let small = format!(r#"{{"detail": "{}"}}"#, "y".repeat(10 * 1024));
    Mock::given(path("/things/big")).respond_with(ResponseTemplate::new(500).set_body_string(big.clone())).mount(&server).await;
    Mock::given(path("/things/small")).respond_with(ResponseTemplate::new(400).set_body_string(small.clone())).mount(&server).await;
    let context = ClientContext { retry: sdk_runtime::RetryPolicy::none(), ..context() };
    assert_eq!(context.error_body_limit, 64 * 1024);
    let http = http(&context);

    let error = get(&http, &context, &server.uri(), &GET_THING, "big").await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.text.len(), 64 * 1024);
    assert_eq!(api.text, big[..64 * 1024]);
    assert!(api.truncated);

    let error = get(&http, &context, &server.uri(), &GET_THING, "small").await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.text, small);
    assert!(!api.truncated);
    assert_eq!(api.body.as_ref().unwrap()["detail"].as_str().unwrap().len(), 10 * 1024, "typed from the whole body");

    let tight = ClientContext { error_body_limit: 1000, ..context.clone() };
    let error = get(&http, &tight, &server.uri(), &GET_THING, "small").await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!((api.text.len(), api.truncated, api.body.is_none()), (1000, true, true));
}

#[tokio::test]
async fn messages_name_the_host_with_its_port_and_hint_as_the_client_was_built() {
    let server = MockServer::start().await;
    Mock::given(path("/things/1")).respond_with(ResponseTemplate::new(401).insert_header("x-request-id", "req-9")).mount(&server).await;
    let hints = ErrorHints { credential_env: &["THING_API_KEY"] };
    let credentials = CredentialSet::single(Credential::header_api_key("ApiKey", "x-api-key", "k"));
    let in_code = ClientContext { credentials: credentials.clone(), hints, ..context() };
    let from_env = ClientContext { credentials: credentials.read_from_env(), hints, ..context() };
    let http = http(&in_code);
    let host = server.address().to_string();
    assert!(host.starts_with("127.0.0.1:"));

    let error = get(&http, &in_code, &server.uri(), &GET_THING, "1").await.unwrap_err();
    assert_eq!(error.api().unwrap().host, host);
    assert_eq!(
        error.to_string(),
        format!("getThing (GET /things/{{id}}): 401 Unauthorized from {host} (request id req-9): check the credentials the client was built with")
    );

    let error = get(&http, &from_env, &server.uri(), &GET_THING, "1").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("getThing (GET /things/{{id}}): 401 Unauthorized from {host} (request id req-9): check THING_API_KEY (read from the environment)")
    );
    assert!(!in_code.credentials.is_from_env() && from_env.credentials.is_from_env());
}

/// `Call` setters take `&mut self`; this lets a test set one inline.
trait Tap: Sized {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

impl Tap for Call<'_> {}
