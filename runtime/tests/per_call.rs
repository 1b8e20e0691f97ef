//! Per-call options and interceptors.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sdk_runtime::reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use sdk_runtime::reqwest::{Method, Request};
use sdk_runtime::{
    AttemptInfo, AttemptOutcome, Call, CallOptions, ClientContext, Credential, CredentialSet, Error, Idempotency, Interceptor, Operation,
    RetryPolicy, TimeLimit, Timeouts,
};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{context, fast_retries, http, requests_seen};

static GET_THING: Operation = Operation {
    id: "getThing",
    method: Method::GET,
    path: "/thing",
    parameters: &[sdk_runtime::Parameter::header("x-mode")],
    security: &[&["Bearer"]],
    idempotency: Idempotency::Safe,
    default_headers: &[],
    accept: Some("application/json"),
    success_when: None,
};

static CREATE_ORDER: Operation = Operation {
    id: "createOrder",
    method: Method::POST,
    path: "/orders",
    parameters: &[],
    security: &[],
    idempotency: Idempotency::Key("Idempotency-Key"),
    default_headers: &[],
    accept: Some("application/json"),
    success_when: None,
};

static POST_UNSAFE: Operation = Operation {
    id: "postUnsafe",
    method: Method::POST,
    path: "/unsafe",
    parameters: &[],
    security: &[],
    idempotency: Idempotency::Unsafe,
    default_headers: &[],
    accept: None,
    success_when: None,
};

fn bearer_context() -> ClientContext {
    ClientContext { credentials: CredentialSet::single(Credential::bearer("Bearer", "token-1")), ..context() }
}

async fn status_of(call: Call<'_>) -> Result<u16, Error<Value>> {
    Ok(call.send().await?.status().as_u16())
}

#[tokio::test]
async fn extra_headers_are_sent_but_cannot_replace_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/thing")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let context = bearer_context();
    let http = http(&context);
    let base = server.uri();
    let options = CallOptions::new()
        .with_header(HeaderName::from_static("x-tenant"), HeaderValue::from_static("acme"))
        .with_header(HeaderName::from_static("x-mode"), HeaderValue::from_static("from-options"));

    let mut call = Call::new(&http, &context, &base, &GET_THING);
    call.header("x-mode", Ok("from-parameter"));
    call.options(&options);
    assert_eq!(status_of(call).await.unwrap(), 200);
    // The next call of the same client has no extra header.
    assert_eq!(status_of(Call::new(&http, &context, &base, &GET_THING)).await.unwrap(), 200);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("x-tenant").unwrap(), "acme");
    assert_eq!(requests[0].headers.get_all("x-mode").iter().collect::<Vec<_>>(), ["from-options"]);
    assert_eq!(requests[0].headers.get("authorization").unwrap(), "Bearer token-1");
    assert!(requests[1].headers.get("x-tenant").is_none());

    let sneaky = CallOptions::new().with_header(AUTHORIZATION, HeaderValue::from_static("Bearer other"));
    let mut call = Call::new(&http, &context, &base, &GET_THING);
    call.options(&sneaky);
    let error = status_of(call).await.unwrap_err();
    assert!(matches!(&error, Error::Validation { parameter, .. } if parameter == "authorization"), "{error:?}");
    assert!(error.to_string().contains("is set by the client's credentials"), "{error}");
    assert_eq!(requests_seen(&server).await, 2, "nothing sent");
    // Where the operation uses no credentials, the header is the caller's.
    let mut call = Call::new(&http, &context, &base, &POST_UNSAFE);
    call.options(&sneaky);
    Mock::given(path("/unsafe")).and(header("authorization", "Bearer other")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    assert_eq!(status_of(call).await.unwrap(), 204);
}

#[tokio::test]
async fn a_timeout_applies_to_its_call_only() {
    let server = MockServer::start().await;
    Mock::given(path("/thing")).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(600))).mount(&server).await;
    let context = ClientContext { retry: RetryPolicy::none(), ..bearer_context() };
    let http = http(&context);
    let base = server.uri();

    let started = Instant::now();
    let mut call = Call::new(&http, &context, &base, &GET_THING);
    call.options(&CallOptions::new().with_timeout(Duration::from_millis(150)));
    let error = status_of(call).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { limit: TimeLimit::Total(limit), .. } if limit == Duration::from_millis(150)), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(550), "{:?}", started.elapsed());

    // The client's own limits still hold for the next call.
    assert_eq!(context.timeouts, Timeouts::default());
    assert_eq!(status_of(Call::new(&http, &context, &base, &GET_THING)).await.unwrap(), 200);
}

#[tokio::test]
async fn a_retry_policy_applies_to_its_call_only() {
    let server = MockServer::start().await;
    Mock::given(path("/thing")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let context = bearer_context();
    let http = http(&context);
    let base = server.uri();

    let mut call = Call::new(&http, &context, &base, &GET_THING);
    call.options(&CallOptions::new().with_retry_policy(RetryPolicy::none()));
    assert_eq!(status_of(call).await.unwrap(), 503);
    assert_eq!(requests_seen(&server).await, 1);

    assert_eq!(status_of(Call::new(&http, &context, &base, &GET_THING)).await.unwrap(), 503);
    assert_eq!(requests_seen(&server).await, 1 + 3, "the client's policy: 2 retries");
}

#[tokio::test]
async fn an_idempotency_key_is_sent_on_every_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/orders")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("POST")).and(path("/orders")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let context = context();
    let http = http(&context);
    let base = server.uri();

    let mut call = Call::new(&http, &context, &base, &CREATE_ORDER);
    call.json_body(Ok(json!({"sku": "A-1"})));
    call.options(&CallOptions::new().with_idempotency_key("order-2024-0001"));
    assert_eq!(status_of(call).await.unwrap(), 201);

    let requests = server.received_requests().await.unwrap();
    let keys: Vec<&str> = requests.iter().map(|r| r.headers.get("idempotency-key").unwrap().to_str().unwrap()).collect();
    assert_eq!(keys, ["order-2024-0001"; 3]);

    // Without the option, a generated key, the same on every attempt.
    Mock::given(method("POST")).and(path("/orders")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).with_priority(1).mount(&server).await;
    let mut call = Call::new(&http, &context, &base, &CREATE_ORDER);
    call.json_body(Ok(json!({"sku": "A-2"})));
    assert_eq!(status_of(call).await.unwrap(), 201);
    let requests = server.received_requests().await.unwrap();
    let generated: Vec<&str> = requests[3..].iter().map(|r| r.headers.get("idempotency-key").unwrap().to_str().unwrap()).collect();
    assert_eq!(generated.len(), 2);
    assert_eq!(generated[0], generated[1]);
    assert_ne!(generated[0], "order-2024-0001");

    // An operation without a key header cannot take one.
    let mut call = Call::new(&http, &context, &base, &POST_UNSAFE);
    call.options(&CallOptions::new().with_idempotency_key("k"));
    let error = status_of(call).await.unwrap_err();
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert_eq!(requests_seen(&server).await, 5, "nothing sent");
}

/// Adds a header, and notes what it saw of each request.
#[derive(Default)]
struct Tagger {
    saw_credentials: Mutex<Vec<bool>>,
}

impl Interceptor for Tagger {
    fn before_attempt(&self, attempt: &AttemptInfo, request: &mut Request) {
        self.saw_credentials.lock().unwrap().push(request.headers().contains_key(AUTHORIZATION));
        let value = HeaderValue::from_str(&format!("attempt-{}", attempt.number)).unwrap();
        request.headers_mut().insert("x-tag", value);
    }
}

/// Counts attempts and records their outcomes.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(String, u32, Option<u16>)>>,
}

impl Interceptor for Recorder {
    fn before_attempt(&self, attempt: &AttemptInfo, _request: &mut Request) {
        self.seen.lock().unwrap().push(("before".into(), attempt.number, None));
    }

    fn after_attempt(&self, attempt: &AttemptInfo, outcome: &AttemptOutcome<'_>) {
        assert_eq!(attempt.operation.id, "getThing");
        let status = outcome.status().map(|status| status.as_u16());
        if let AttemptOutcome::Answered { headers, .. } = outcome {
            assert!(headers.contains_key("x-served-by"));
        }
        self.seen.lock().unwrap().push(("after".into(), attempt.number, status));
    }
}

#[tokio::test]
async fn interceptors_run_around_every_attempt() {
    let server = MockServer::start().await;
    let served = |status| ResponseTemplate::new(status).insert_header("x-served-by", "mock");
    Mock::given(path("/thing")).and(header("x-tag", "attempt-1")).respond_with(served(503)).mount(&server).await;
    Mock::given(path("/thing")).and(header("x-tag", "attempt-2")).respond_with(served(200)).mount(&server).await;
    let tagger = Arc::new(Tagger::default());
    let recorder = Arc::new(Recorder::default());
    let context = ClientContext {
        interceptors: vec![tagger.clone() as Arc<dyn Interceptor>, recorder.clone()],
        retry: fast_retries(),
        ..bearer_context()
    };
    let http = http(&context);

    assert_eq!(status_of(Call::new(&http, &context, &server.uri(), &GET_THING)).await.unwrap(), 200);

    let requests = server.received_requests().await.unwrap();
    let tags: Vec<&str> = requests.iter().map(|r| r.headers.get("x-tag").unwrap().to_str().unwrap()).collect();
    assert_eq!(tags, ["attempt-1", "attempt-2"], "one tag per attempt, not carried into the next");
    assert!(requests.iter().all(|r| r.headers.get("authorization").unwrap() == "Bearer token-1"));
    assert_eq!(*tagger.saw_credentials.lock().unwrap(), [false, false], "credentials come after interceptors");
    let seen = recorder.seen.lock().unwrap().clone();
    let expected = [("before", 1, None), ("after", 1, Some(503)), ("before", 2, None), ("after", 2, Some(200))];
    assert_eq!(seen, expected.map(|(hook, number, status)| (hook.to_owned(), number, status)));
}

#[tokio::test]
async fn interceptors_see_failed_attempts() {
    let server = MockServer::start().await;
    let recorder = Arc::new(Failures::default());
    let context = ClientContext {
        interceptors: vec![recorder.clone()],
        retry: fast_retries().with_max_retries(1),
        timeouts: Timeouts { attempt: Duration::from_millis(100), ..Timeouts::default() },
        ..bearer_context()
    };
    let http = http(&context);
    Mock::given(path("/thing")).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2))).mount(&server).await;

    let error = status_of(Call::new(&http, &context, &server.uri(), &GET_THING)).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { limit: TimeLimit::Attempt(_), .. }), "{error:?}");
    assert_eq!(*recorder.0.lock().unwrap(), ["timeout", "timeout"]);
}

#[derive(Default)]
struct Failures(Mutex<Vec<&'static str>>);

impl Interceptor for Failures {
    fn after_attempt(&self, _attempt: &AttemptInfo, outcome: &AttemptOutcome<'_>) {
        if let AttemptOutcome::Failed { error, latency, .. } = outcome {
            assert!(error.is_timeout() && *latency >= Duration::from_millis(90));
            self.0.lock().unwrap().push(error.kind());
        }
    }
}
