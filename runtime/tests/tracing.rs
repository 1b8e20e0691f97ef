//! The trace of a call: spans and fields, and never a secret. Alone in its
//! test binary: `tracing` caches which call sites a subscriber wants
//! process-wide, so a test that installs a thread-local subscriber while
//! other tests run call sites without one can miss events.

mod common;

use sdk_runtime::reqwest::Method;
use sdk_runtime::{ClientContext, Credential, CredentialSet, Idempotency, Operation, Parameter};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{context, get, http, GET_THING};

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
