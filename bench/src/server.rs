//! Local servers for the benchmarks, each in its own process.

use anyhow::{bail, Result};
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Pages in the pagination benchmark, and items per page.
pub const PAGES: usize = 1_000;
pub const PER_PAGE: usize = 100;

/// Serves `kind` on an ephemeral port, prints the address, runs until killed.
pub fn serve(kind: &str) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        match kind {
            "pages" => Mock::given(method("GET")).respond_with(CursorPages::new()).mount(&server).await,
            "sink" => return serve_sink().await,
            "single" => Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(page(0, Some("c1")))).mount(&server).await,
            other => bail!("unknown server `{other}`"),
        }
        println!("{}", server.uri());
        std::future::pending::<()>().await;
        Ok(())
    })
}

/// One Indream asset.
fn asset(id: usize) -> Value {
    json!({"assetId": format!("00000000-0000-0000-0000-{id:012}"), "type": "video", "source": "upload",
           "filename": format!("clip-{id}.mp4"), "mimetype": "video/mp4", "size": 1_048_576, "fileUrl": "https://cdn.example/clip.mp4",
           "fileKey": "assets/clip.mp4", "width": 1920, "height": 1080, "duration": 12.5})
}

/// Page `index` of the list, with `next` as its cursor.
pub fn page(index: usize, next: Option<&str>) -> Value {
    let items: Vec<Value> = (index * PER_PAGE..(index + 1) * PER_PAGE).map(asset).collect();
    json!({"data": items, "meta": {"nextPageCursor": next}})
}

/// Serves cursor `c<n>` as page `n`; the last page has a null cursor.
struct CursorPages {
    bodies: Vec<Vec<u8>>,
}

impl CursorPages {
    fn new() -> Self {
        let bodies = (0..PAGES)
            .map(|index| {
                let next = (index + 1 < PAGES).then(|| format!("c{}", index + 1));
                serde_json::to_vec(&page(index, next.as_deref())).unwrap_or_default()
            })
            .collect();
        Self { bodies }
    }
}

impl Respond for CursorPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let index = request
            .url
            .query_pairs()
            .find(|(key, _)| key == "pageCursor")
            .and_then(|(_, value)| value.trim_start_matches('c').parse::<usize>().ok())
            .unwrap_or(0);
        ResponseTemplate::new(200).set_body_raw(self.bodies[index].clone(), "application/json")
    }
}

/// A bare HTTP/1.1 server that reads and discards each request body, then
/// answers 201 with an Indream upload response: it never holds an upload.
async fn serve_sink() -> Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{}", listener.local_addr()?);
    let body = serde_json::to_vec(&json!({"data": asset(0), "meta": {}}))?;
    loop {
        let (socket, _) = listener.accept().await?;
        let body = body.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::with_capacity(1 << 20, socket);
            loop {
                let mut length = 0u64;
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut discard = (&mut reader).take(length);
                if tokio::io::copy(&mut discard, &mut tokio::io::sink()).await.is_err() {
                    return;
                }
                let head = format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
                let socket = reader.get_mut();
                if socket.write_all(head.as_bytes()).await.is_err() || socket.write_all(&body).await.is_err() {
                    return;
                }
            }
        });
    }
}
