//! Paginated streams against local servers that page the way each vendor
//! documents: Indream cursors, Scenario tokens, NAVER Cloud page numbers.

use std::num::NonZeroU64;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// Serves page `n` for the query value `c<n>` of `parameter` (page 0 when
/// absent, or page `n` for the number `n` with `numbered`).
struct Pages {
    parameter: &'static str,
    numbered: bool,
    pages: Vec<ResponseTemplate>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let value = request.url.query_pairs().find(|(k, _)| k == self.parameter).map(|(_, v)| v.into_owned());
        let index = match (value, self.numbered) {
            (None, _) => 0,
            (Some(v), true) => v.parse::<usize>().unwrap() - 1,
            (Some(v), false) => v.trim_start_matches('c').parse().unwrap(),
        };
        self.pages.get(index).cloned().unwrap_or_else(|| ResponseTemplate::new(404))
    }
}

async fn serve(parameter: &'static str, numbered: bool, pages: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Pages { parameter, numbered, pages }).mount(&server).await;
    server
}

fn asset(id: usize) -> Value {
    json!({"assetId": format!("00000000-0000-0000-0000-{id:012}"), "type": "image", "source": null, "filename": format!("f{id}"),
           "mimetype": "image/png", "size": 1, "fileUrl": "u", "fileKey": "k", "width": null, "height": null, "duration": 1.5})
}

/// An Indream page of `ids`; `next` is the meta cursor (`Value::Null` or absent).
fn indream_page(ids: std::ops::Range<usize>, next: Option<Value>) -> ResponseTemplate {
    let mut meta = json!({});
    if let Some(next) = next {
        meta["nextPageCursor"] = next;
    }
    ResponseTemplate::new(200).set_body_json(json!({"data": ids.map(asset).collect::<Vec<_>>(), "meta": meta}))
}

fn indream(server: &MockServer) -> indream_client::Client {
    let retry = indream_client::RetryPolicy::default().with_backoff(std::time::Duration::from_millis(5), std::time::Duration::from_millis(20));
    indream_client::Client::builder(&server.uri(), indream_client::Credentials::api_key("key")).retry_policy(retry).build().unwrap()
}

fn project() -> uuid::Uuid {
    uuid::Uuid::parse_str(PROJECT).unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn names(items: &[indream_client::types::Asset]) -> Vec<String> {
    items.iter().map(|a| a.filename.clone()).collect()
}

#[tokio::test]
async fn cursor_stream_yields_every_item_in_order_and_stops_at_a_null_cursor() {
    let server = serve("pageCursor", false, vec![
        indream_page(0..3, Some(json!("c1"))),
        indream_page(3..5, Some(json!("c2"))),
        indream_page(5..6, Some(Value::Null)),
    ])
    .await;

    let client = indream(&server);
    let items: Vec<_> = client.list_project_assets().project_id(project()).page_size(NonZeroU64::new(3).unwrap()).items().try_collect().await.unwrap();

    assert_eq!(names(&items), ["f0", "f1", "f2", "f3", "f4", "f5"]);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 3);
    let queries: Vec<_> = seen.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect();
    assert_eq!(queries, ["pageSize=3", "pageCursor=c1&pageSize=3", "pageCursor=c2&pageSize=3"]);
    assert!(seen.iter().all(|r| r.headers["x-api-key"] == "key"));
}

#[tokio::test]
async fn cursor_stream_stops_when_the_cursor_is_absent_and_pages_expose_the_next_cursor() {
    let server = serve("pageCursor", false, vec![indream_page(0..2, Some(json!("c1"))), indream_page(2..3, None)]).await;

    let pages: Vec<_> = indream(&server).list_project_assets().project_id(project()).pages().try_collect().await.unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].next.as_ref().and_then(|p| p.cursor()), Some("c1"));
    assert_eq!(pages[1].next, None);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn empty_first_page_ends_the_stream() {
    let server = serve("pageCursor", false, vec![indream_page(0..0, Some(Value::Null))]).await;

    let items: Vec<_> = indream(&server).list_project_assets().project_id(project()).items().try_collect().await.unwrap();

    assert!(items.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn stream_resumes_from_a_given_cursor() {
    let server = serve("pageCursor", false, vec![
        indream_page(0..1, Some(json!("c1"))),
        indream_page(1..2, Some(json!("c2"))),
        indream_page(2..3, None),
    ])
    .await;

    let items: Vec<_> = indream(&server).list_project_assets().project_id(project()).page_cursor("c1").items().try_collect().await.unwrap();

    assert_eq!(names(&items), ["f1", "f2"]);
    assert_eq!(requests(&server).await[0].url.query(), Some("pageCursor=c1"));
}

#[tokio::test]
async fn error_on_page_three_ends_the_stream_with_that_error() {
    let server = serve("pageCursor", false, vec![
        indream_page(0..2, Some(json!("c1"))),
        indream_page(2..4, Some(json!("c2"))),
        ResponseTemplate::new(403).set_body_json(json!({"type": "FORBIDDEN", "title": "Forbidden", "status": 403, "detail": "no"})),
    ])
    .await;

    let outcomes: Vec<_> = indream(&server).list_project_assets().project_id(project()).items().collect().await;

    assert_eq!(outcomes.len(), 5);
    assert!(outcomes[..4].iter().all(Result::is_ok));
    let error = outcomes[4].as_ref().unwrap_err();
    assert_eq!(error.error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.position(), Some(&indream_client::Position::Cursor("c2".to_owned())), "the error says where to resume");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error_instead_of_looping() {
    let server = serve("pageCursor", false, vec![
        indream_page(0..1, Some(json!("c1"))),
        indream_page(1..2, Some(json!("c2"))),
        indream_page(2..3, Some(json!("c1"))),
    ])
    .await;

    let outcomes: Vec<_> = indream(&server).list_project_assets().project_id(project()).pages().collect().await;

    assert_eq!(outcomes.len(), 3);
    let error = outcomes[2].as_ref().unwrap_err();
    assert_eq!(error.error.to_string(), "listProjectAssets (GET /v1/projects/{projectId}/assets): pagination stopped: the server returned the cursor `c1` twice; stopping instead of looping");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_page_that_fails_once_is_retried_like_any_call() {
    struct FlakyOnce(AtomicUsize, Pages);
    impl Respond for FlakyOnce {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let is_second_page = request.url.query().is_some_and(|q| q.contains("c1"));
            if is_second_page && self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                return ResponseTemplate::new(503);
            }
            self.1.respond(request)
        }
    }
    let server = MockServer::start().await;
    let pages = Pages { parameter: "pageCursor", numbered: false, pages: vec![indream_page(0..1, Some(json!("c1"))), indream_page(1..2, None)] };
    Mock::given(method("GET")).respond_with(FlakyOnce(AtomicUsize::new(0), pages)).mount(&server).await;

    let items: Vec<_> = indream(&server).list_project_assets().project_id(project()).items().try_collect().await.unwrap();

    assert_eq!(names(&items), ["f0", "f1"]);
    assert_eq!(requests(&server).await.len(), 3);
}

fn scenario_page(ids: std::ops::Range<usize>, next: Option<&str>) -> ResponseTemplate {
    let asset = |id: usize| json!({"id": format!("asset_{id}"), "url": "u", "mimeType": "image/png", "kind": "image", "privacy": "private",
        "status": "success", "source": "uploaded", "authorId": "a", "ownerId": "o", "collectionIds": [], "tags": [], "editCapabilities": [],
        "createdAt": "2023-02-03T11:19:41.579Z", "updatedAt": "2023-02-03T11:19:41.579Z", "properties": {}, "metadata": {"kind": "image", "type": "uploaded"}});
    let mut body = json!({"assets": ids.map(asset).collect::<Vec<_>>()});
    if let Some(next) = next {
        body["nextPaginationToken"] = json!(next);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn token_stream_follows_scenario_tokens_with_the_same_filters() {
    let server = serve("paginationToken", false, vec![scenario_page(0..2, Some("c1")), scenario_page(2..3, None)]).await;
    let client = scenario_client::Client::new(&server.uri(), scenario_client::Credentials::public()).unwrap();

    let ids: Vec<String> = client
        .list_assets()
        .types(vec![scenario_client::types::AssetType::Uploaded, scenario_client::types::AssetType::Canvas])
        .items()
        .map_ok(|asset| asset.id)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids, ["asset_0", "asset_1", "asset_2"]);
    let seen = requests(&server).await;
    assert_eq!(seen[1].url.query(), Some("paginationToken=c1&types=uploaded%2Ccanvas"));
    assert!(seen.iter().all(|r| r.headers["authorization"] == "public-auth-token"));
}

fn ncp_page(page: i64, total: i64, ids: std::ops::Range<i64>) -> ResponseTemplate {
    let content: Vec<_> = ids.map(|id| json!({"assetId": id})).collect();
    ResponseTemplate::new(200).set_body_json(json!({"code": "0", "message": "success",
        "result": {"content": content, "totalCount": 0, "totalPage": total, "pageNo": page, "pageSize": 2}}))
}

fn ncp(server: &MockServer) -> ncloud_media_intelligence_client::Client {
    ncloud_media_intelligence_client::Client::new(&server.uri(), ncloud_media_intelligence_client::Credentials::access_key("a", "s")).unwrap()
}

#[tokio::test]
async fn page_number_stream_stops_at_the_last_page() {
    let server = serve("pageNum", true, vec![ncp_page(1, 3, 0..2), ncp_page(2, 3, 2..4), ncp_page(3, 3, 4..5)]).await;

    let ids: Vec<i64> = ncp(&server)
        .list_media_assets()
        .workspace_name("w")
        .project_id("1")
        .page_num(NonZeroU64::MIN)
        .page_size(NonZeroU64::new(2).unwrap())
        .items()
        .map_ok(|asset| asset.asset_id.unwrap())
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids, [0, 1, 2, 3, 4]);
    let queries: Vec<_> = requests(&server).await.iter().map(|r| r.url.query().unwrap().to_owned()).collect();
    assert_eq!(queries, ["pageNum=1&pageSize=2", "pageNum=2&pageSize=2", "pageNum=3&pageSize=2"]);
}

#[tokio::test]
async fn page_number_stream_handles_zero_pages_an_empty_page_and_resuming() {
    let server = serve("pageNum", true, vec![ncp_page(1, 0, 0..0)]).await;
    let pages: Vec<_> = ncp(&server).list_media_assets().workspace_name("w").project_id("1").page_num(NonZeroU64::MIN).pages().try_collect().await.unwrap();
    assert_eq!((pages.len(), pages[0].items.len(), pages[0].next.clone()), (1, 0, None));
    assert_eq!(requests(&server).await.len(), 1);

    let server = serve("pageNum", true, vec![ncp_page(1, 9, 0..1), ncp_page(2, 9, 1..2), ncp_page(3, 9, 0..0)]).await;
    let pages: Vec<_> = ncp(&server)
        .list_media_assets()
        .workspace_name("w")
        .project_id("1")
        .page_num(NonZeroU64::new(2).unwrap())
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].next.as_ref().and_then(|p| p.number()), Some(3));
    let queries: Vec<_> = requests(&server).await.iter().map(|r| r.url.query().unwrap().to_owned()).collect();
    assert_eq!(queries, ["pageNum=2", "pageNum=3"]);
}

/// A server paging Indream assets 0..5 by cursor (`c1`, `c2`) that, while
/// `dropping` is set, closes the connection on the request for `c1`
/// without answering. Returns its base URL; `seen` collects the cursors asked for.
async fn dropping_server(dropping: std::sync::Arc<std::sync::atomic::AtomicBool>, seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (dropping, seen) = (dropping.clone(), seen.clone());
            tokio::spawn(async move {
                let mut buffer = vec![0; 16 * 1024];
                let read = socket.read(&mut buffer).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buffer[..read]).into_owned();
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let cursor = target.split("pageCursor=").nth(1).map(|rest| rest.split('&').next().unwrap_or("").to_owned());
                seen.lock().unwrap().push(cursor.clone().unwrap_or_default());
                if cursor.as_deref() == Some("c1") && dropping.load(Ordering::SeqCst) {
                    return; // the connection drops mid-stream
                }
                let (ids, next) = match cursor.as_deref() {
                    None => (0..2, json!("c1")),
                    Some("c1") => (2..4, json!("c2")),
                    _ => (4..5, Value::Null),
                };
                let body = json!({"data": ids.map(asset).collect::<Vec<_>>(), "meta": {"nextPageCursor": next}}).to_string();
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_stream_cut_by_a_dropped_connection_resumes_from_the_failed_page_without_repeats_or_gaps() {
    let dropping = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let base = dropping_server(dropping.clone(), seen.clone()).await;
    let client = indream_client::Client::builder(&base, indream_client::Credentials::api_key("key"))
        .retry_policy(indream_client::RetryPolicy::none())
        .build()
        .unwrap();

    let first: Vec<_> = client.list_project_assets().project_id(project()).items().collect().await;
    let (read, failed): (Vec<_>, Vec<_>) = first.into_iter().partition(Result::is_ok);
    let error = failed.into_iter().next().expect("the dropped connection ends the stream with an error").unwrap_err();
    assert!(matches!(error.error, indream_client::Error::Transport { .. }), "{:?}", error.error);
    assert_eq!(error.position(), Some(&indream_client::Position::Cursor("c1".to_owned())));

    dropping.store(false, Ordering::SeqCst);
    let rest: Vec<_> = client.list_project_assets().project_id(project()).items_from(error.position().cloned()).try_collect().await.unwrap();

    let mut all: Vec<_> = read.into_iter().map(Result::unwrap).collect();
    all.extend(rest);
    assert_eq!(names(&all), ["f0", "f1", "f2", "f3", "f4"]);
    assert_eq!(*seen.lock().unwrap(), ["", "c1", "c1", "c2"], "the failed page is asked for again, and no page before it");
}
