//! Tracing, request ids and error reports: what a user sees of a call.

mod common;

use sdk_runtime::reqwest::header::HeaderName;
use sdk_runtime::reqwest::{self, Method};
use sdk_runtime::{Call, ClientContext, Credential, CredentialSet, Error, ErrorHints, Idempotency, Operation, Parameter};
use serde_json::{json, Value};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{context, http};

static GET_THING: Operation = Operation {
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

async fn get(http: &reqwest::Client, context: &ClientContext, base_url: &str, operation: &'static Operation, id: &str) -> Result<Value, Error<Value>> {
    let mut call = Call::new(http, context, base_url, operation);
    call.path("id", Ok(id));
    let response = call.send().await?;
    match response.status().as_u16() {
        200 => Ok(response.json::<Value, Value>().await?.into_inner()),
        _ => response.error::<Value, Value>().await.map(|value| value.into_inner()),
    }
}

#[cfg(feature = "tracing")]
mod traces {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use base64::Engine as _;
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::fmt::MakeWriter;
    use wiremock::matchers::method;

    use super::*;

    static GET_SECRET: Operation = Operation {
        id: "getSecret",
        method: Method::GET,
        path: "/secrets/{id}",
        parameters: &[Parameter::path("id")],
        security: &[&["Basic"]],
        idempotency: Idempotency::Safe,
        default_headers: &[],
        accept: Some("application/json"),
        success_when: None,
    };

    const API_KEY: &str = "key-7f3a9c1e5b";
    const BEARER_TOKEN: &str = "tok-2b8d4e6f0a";
    const BASIC_USER: &str = "basic-user";
    const BASIC_PASSWORD: &str = "pw-9c7e5a3b1d";
    const COOKIE_VALUE: &str = "cookie-4d2f8a6c0e";
    const QUERY_KEY: &str = "qkey-1a3c5e7b9d";

    /// Everything the subscriber writes, kept for the test to read.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[tokio::test]
    async fn a_retried_and_redirected_call_is_traced_without_a_secret() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path("/things/1")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET"))
            .and(path("/things/1"))
            .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved/1"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/moved/1"))
            .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-42").set_body_json(json!({"name": "one"})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/secrets/1"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "no"})))
            .mount(&server)
            .await;
        let credentials = CredentialSet::single(Credential::header_api_key("ApiKey", "x-api-key", API_KEY))
            .with(Credential::cookie_api_key("Session", "session", COOKIE_VALUE))
            .with(Credential::bearer("Bearer", BEARER_TOKEN))
            .with(Credential::query_api_key("QueryKey", "api_key", QUERY_KEY))
            .with(Credential::basic("Basic", BASIC_USER, BASIC_PASSWORD));
        let context = ClientContext { credentials, ..context() };
        let http = http(&context);
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
            .with_ansi(false)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);

        let thing = get(&http, &context, &server.uri(), &GET_THING, "1").await.unwrap();
        let refused = get(&http, &context, &server.uri(), &GET_SECRET, "1").await.unwrap_err();
        drop(guard);

        assert_eq!(thing, json!({"name": "one"}));
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
        // The credentials did go out, so their absence below means something.
        let requests = server.received_requests().await.unwrap();
        let seen = |name: &str| requests.iter().filter(|r| r.headers.get(name).is_some()).count();
        assert_eq!(requests.len(), 4, "503, 307, 200, 401");
        assert_eq!((seen("x-api-key"), seen("authorization"), seen("cookie")), (3, 4, 3));
        assert!(requests[0].url.query().unwrap().contains(QUERY_KEY));

        let output = captured.text();
        let host = server.address().to_string();
        // The call span, once, with the template and never the filled path.
        assert!(output.contains(r#"call{operation="getThing" method="GET" path="/things/{id}""#), "{output}");
        assert!(output.contains(r#"call{operation="getSecret" method="GET" path="/secrets/{id}""#), "{output}");
        // Two attempts: the first retried on its 503, the second redirected;
        // each closed span line holds its fields (in the order recorded).
        let closed = |span: &str| -> Vec<&str> {
            output.lines().filter(|line| line.contains(span) && line.contains(": sdk_runtime: close ")).collect()
        };
        let has = |line: &str, fields: &[&str]| fields.iter().all(|field| line.contains(field));
        let attempts = closed("}:attempt{");
        assert_eq!(attempts.len(), 3, "{output}");
        let redirect_host = format!(r#"redirect_host="{host}""#);
        assert!(has(attempts[0], &["attempt{attempt=1 ", "status=503", "latency_ms=", r#"retry_reason="status 503""#, "retry_delay_ms="]), "{}", attempts[0]);
        assert!(!attempts[0].contains("redirect_host"), "{}", attempts[0]);
        assert!(has(attempts[1], &["attempt{attempt=2 ", "status=200", "latency_ms=", &redirect_host]), "{}", attempts[1]);
        assert!(!attempts[1].contains("retry_reason"), "{}", attempts[1]);
        assert!(attempts[1].contains(r#"call{operation="getThing""#), "{}", attempts[1]);
        assert!(has(attempts[2], &[r#"call{operation="getSecret""#, "attempt{attempt=1 ", "status=401"]), "{}", attempts[2]);
        assert!(output.contains(r#": sdk_runtime: retrying retry_reason="status 503" retry_delay_ms="#), "{output}");
        assert!(output.contains(&format!(r#": sdk_runtime: following redirect status=307 {redirect_host}"#)), "{output}");
        let calls = closed("call{operation=");
        let calls: Vec<&str> = calls.into_iter().filter(|line| !line.contains("}:attempt{")).collect();
        assert_eq!(calls.len(), 2, "{output}");
        assert!(has(calls[0], &["getThing", "status=200", "attempts=2", r#"request_id="req-42""#]), "{}", calls[0]);
        assert!(has(calls[1], &["getSecret", "status=401", "attempts=1"]), "{}", calls[1]);
        // Never a filled path, a query, or a secret.
        for filled in ["/things/1", "/moved/1", "/secrets/1", "api_key="] {
            assert!(!output.contains(filled), "`{filled}` in {output}");
        }
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{BASIC_USER}:{BASIC_PASSWORD}"));
        for secret in [API_KEY, BEARER_TOKEN, BASIC_PASSWORD, basic.as_str(), COOKIE_VALUE, QUERY_KEY] {
            assert!(!output.contains(secret), "secret `{secret}` in {output}");
        }
    }
}

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
