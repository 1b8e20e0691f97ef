//! The trace of a call through a generated crate: a retried and redirected
//! call's spans and fields, and no secret of any scheme anywhere in it.
//! Alone in its test binary: `tracing` caches process-wide which call sites
//! a subscriber wants, so a thread-local subscriber installed while other
//! tests run the same call sites without one can miss events.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indream_client::{Client, Credentials, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, path};
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

/// Everything a `tracing` subscriber writes, kept for the test to read.
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

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_retried_and_redirected_call_is_traced_without_any_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // listProjectAssets: 503 once, then a redirect to /moved, which answers.
    let server = MockServer::start().await;
    let list = format!("/v1/projects/{PROJECT}/assets");
    Mock::given(path(list.as_str())).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).with_priority(1).mount(&server).await;
    Mock::given(path(list.as_str()))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/moved", server.uri())))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-42").set_body_json(page()))
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": []}))).with_priority(10).mount(&server).await;

    let secrets = ["sk-indream-SECRET-1", "scenario-SECRET-2", "query-SECRET-3", "ncp-SECRET-4", "NCP-ACCESS-5"];
    let indream = Client::builder(&server.uri(), Credentials::api_key(secrets[0])).retry_policy(fast_retries()).build().unwrap();
    let response = indream.list_project_assets().project_id(project()).send().await.unwrap();
    assert_eq!(indream.request_id(response.headers()), Some("req-42"));

    // Basic auth, a query API key and an NCP signature, each in one call.
    let scenario = scenario_client::Client::new(&server.uri(), scenario_client::Credentials::api_key("id", secrets[1])).unwrap();
    scenario.list_assets().send().await.unwrap();
    let reports = auth_schemes_client::Client::new(&server.uri(), auth_schemes_client::Credentials::api_key(secrets[2])).unwrap();
    reports.list_reports().send().await.unwrap();
    let ncp = ncloud_media_intelligence_client::Client::new(&server.uri(), ncloud_media_intelligence_client::Credentials::access_key(secrets[4], secrets[3])).unwrap();
    let _ = ncp.list_media_assets().workspace_name("w").project_id("1").page_num(std::num::NonZeroU64::MIN).send().await;
    let signatures: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|request| request.headers.get("x-ncp-apigw-signature-v2").map(|v| v.to_str().unwrap().to_owned()))
        .collect();
    assert!(!signatures.is_empty());

    let trace = captured.text();
    for expected in [
        "call{operation=\"listProjectAssets\" method=\"GET\" path=\"/v1/projects/{projectId}/assets\"",
        "attempt{attempt=1",
        "attempt{attempt=2",
        "retry_reason=\"status 503\"",
        &format!("redirect_host=\"{}\"", server.uri().trim_start_matches("http://")),
        "request_id=\"req-42\"",
        "attempts=2",
        "operation=\"listAssets\"",
        "operation=\"listReports\"",
    ] {
        assert!(trace.contains(expected), "no `{expected}` in the trace:\n{trace}");
    }
    for secret in secrets.iter().map(|s| s.to_string()).chain(signatures).chain([PROJECT.to_owned()]) {
        assert!(!trace.contains(&secret), "the trace holds `{secret}`:\n{trace}");
    }
}

