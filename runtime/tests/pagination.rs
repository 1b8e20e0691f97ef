//! Paginated streams that fail mid-way, and resume from where they failed.

mod common;

use std::pin::pin;

use futures::{Stream, StreamExt, TryStreamExt};
use progenitor_client::ResponseValue;
use sdk_runtime::pagination::{self, PageError, Position};
use sdk_runtime::reqwest::{self, Method};
use sdk_runtime::{Call, ClientContext, Error, Idempotency, Operation, Parameter, RetryPolicy, Style};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{context, http, requests_seen};

static LIST_BY_CURSOR: Operation = Operation {
    id: "listByCursor",
    method: Method::GET,
    path: "/by-cursor",
    parameters: &[Parameter::query("cursor", Style::Form { explode: true })],
    security: &[],
    idempotency: Idempotency::Safe,
    default_headers: &[],
    accept: Some("application/json"),
    success_when: None,
};

static LIST_BY_NUMBER: Operation = Operation {
    id: "listByNumber",
    method: Method::GET,
    path: "/by-number",
    parameters: &[Parameter::query("page", Style::Form { explode: true })],
    security: &[],
    idempotency: Idempotency::Safe,
    default_headers: &[],
    accept: Some("application/json"),
    success_when: None,
};

/// What a generated request builder is to the pagination functions: a
/// cloneable value with one setter for the position.
#[derive(Clone, Default)]
struct ListThings {
    cursor: Option<String>,
    page: Option<u64>,
}

#[derive(Deserialize)]
struct CursorPage {
    items: Vec<u32>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct NumberedPage {
    items: Vec<u32>,
    page: i64,
    total: i64,
}

struct Client {
    http: reqwest::Client,
    context: ClientContext,
    base_url: String,
}

impl Client {
    async fn by_cursor(&self, builder: ListThings) -> Result<ResponseValue<CursorPage>, Error<Value>> {
        let mut call = Call::new(&self.http, &self.context, &self.base_url, &LIST_BY_CURSOR);
        call.query("cursor", Ok(builder.cursor));
        decode(call.send().await?).await
    }

    async fn by_number(&self, builder: ListThings) -> Result<ResponseValue<NumberedPage>, Error<Value>> {
        let mut call = Call::new(&self.http, &self.context, &self.base_url, &LIST_BY_NUMBER);
        call.query("page", Ok(builder.page));
        decode(call.send().await?).await
    }

    /// What a generated `items_from(position)` does for a cursor-paged operation.
    fn cursor_items_from(&self, start: Option<Position>) -> impl Stream<Item = Result<u32, PageError<Value>>> + '_ {
        pagination::resumable_items(pagination::cursor_pages_from(
            &LIST_BY_CURSOR,
            ListThings::default(),
            start,
            |builder, cursor| ListThings { cursor: Some(cursor), ..builder },
            |builder| self.by_cursor(builder),
            |page: &CursorPage| page.next.clone(),
            |page: CursorPage| page.items,
        ))
    }

    /// What a generated `items_from(position)` does for a page-numbered operation.
    fn numbered_items_from(&self, start: Option<Position>) -> impl Stream<Item = Result<u32, PageError<Value>>> + '_ {
        pagination::resumable_items(pagination::numbered_pages_from(
            &LIST_BY_NUMBER,
            ListThings::default(),
            start,
            |builder, page| ListThings { page: Some(page), ..builder },
            |builder| self.by_number(builder),
            |page: &NumberedPage| (pagination::page_number(page.page), pagination::page_number(page.total)),
            |page: NumberedPage| page.items,
        ))
    }
}

/// As generated code decodes: 200 is the page, anything else an error.
async fn decode<T: serde::de::DeserializeOwned>(response: sdk_runtime::Response) -> Result<ResponseValue<T>, Error<Value>> {
    match response.status().as_u16() {
        200 => response.json().await,
        _ => response.error().await,
    }
}

async fn client(server: &MockServer) -> Client {
    let context = ClientContext { retry: RetryPolicy::none(), ..context() };
    Client { http: http(&context), context, base_url: server.uri() }
}

/// The items up to the stream's error, and the error.
async fn until_error<T>(stream: impl Stream<Item = Result<T, PageError<Value>>>) -> (Vec<T>, PageError<Value>) {
    let mut stream = pin!(stream);
    let mut items = Vec::new();
    loop {
        match stream.next().await {
            Some(Ok(item)) => items.push(item),
            Some(Err(error)) => return (items, error),
            None => panic!("the stream ended without an error"),
        }
    }
}

fn page(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn a_cursor_stream_resumes_at_the_page_that_failed() {
    let server = MockServer::start().await;
    Mock::given(path("/by-cursor")).and(query_param_is_missing("cursor")).respond_with(page(json!({"items": [1, 2], "next": "c2"}))).mount(&server).await;
    Mock::given(path("/by-cursor")).and(query_param("cursor", "c2")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/by-cursor")).and(query_param("cursor", "c2")).respond_with(page(json!({"items": [3, 4], "next": "c3"}))).mount(&server).await;
    Mock::given(path("/by-cursor")).and(query_param("cursor", "c3")).respond_with(page(json!({"items": [5], "next": null}))).mount(&server).await;
    let client = client(&server).await;

    let (first, failure) = until_error(client.cursor_items_from(None)).await;

    assert_eq!(first, [1, 2]);
    assert_eq!(failure.position(), Some(&Position::Cursor("c2".into())));
    assert_eq!(failure.error.status().map(|s| s.as_u16()), Some(500));
    assert!(failure.to_string().ends_with("; resume from cursor `c2`"), "{failure}");
    assert_eq!(requests_seen(&server).await, 2, "retries are off");

    let rest: Vec<u32> = client.cursor_items_from(failure.position).try_collect().await.unwrap();
    assert_eq!(rest, [3, 4, 5]);
    assert_eq!([first, rest].concat(), [1, 2, 3, 4, 5], "no item repeated or skipped");

}

#[tokio::test]
async fn a_numbered_stream_resumes_at_the_page_that_failed() {
    let server = MockServer::start().await;
    Mock::given(path("/by-number")).and(query_param_is_missing("page")).respond_with(page(json!({"items": [1, 2], "page": 1, "total": 3}))).mount(&server).await;
    Mock::given(path("/by-number")).and(query_param("page", "2")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/by-number")).and(query_param("page", "2")).respond_with(page(json!({"items": [3, 4], "page": 2, "total": 3}))).mount(&server).await;
    Mock::given(path("/by-number")).and(query_param("page", "3")).respond_with(page(json!({"items": [5], "page": 3, "total": 3}))).mount(&server).await;
    let client = client(&server).await;

    let (first, failure) = until_error(client.numbered_items_from(None)).await;

    assert_eq!(first, [1, 2]);
    assert_eq!(failure.position, Some(Position::Number(2)));
    assert!(matches!(failure.error, Error::Api(_)), "{:?}", failure.error);
    assert!(failure.to_string().ends_with("; resume from page 2"), "{failure}");

    let rest: Vec<u32> = client.numbered_items_from(failure.position).try_collect().await.unwrap();
    assert_eq!([first, rest].concat(), [1, 2, 3, 4, 5], "no item repeated or skipped");
}

#[tokio::test]
async fn a_failing_first_page_resumes_from_the_start_and_positions_must_match() {
    let server = MockServer::start().await;
    Mock::given(path("/by-cursor")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = client(&server).await;

    let (items, failure) = until_error(client.cursor_items_from(None)).await;
    assert!(items.is_empty());
    assert_eq!(failure.position, None, "the first page: start again");
    assert!(failure.to_string().ends_with("; resume from the first page"), "{failure}");
    let plain: Error<Value> = failure.into();
    assert_eq!(plain.status().map(|s| s.as_u16()), Some(503));

    let (_, wrong) = until_error(client.cursor_items_from(Some(Position::Number(2)))).await;
    assert!(matches!(wrong.error, Error::Pagination { .. }), "{:?}", wrong.error);
    let (_, wrong) = until_error(client.numbered_items_from(Some(Position::Cursor("c".into())))).await;
    assert!(matches!(wrong.error, Error::Pagination { .. }), "{:?}", wrong.error);
    assert_eq!(requests_seen(&server).await, 1, "nothing sent for a position of the wrong kind");
}
