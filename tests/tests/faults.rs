//! Fault injection: the generated Indream client against a raw TCP server
//! that lies (truncated and endless bodies, bodies of 10 GiB, headers sent
//! byte by byte, resets, redirect loops, a `Retry-After` of a year,
//! `Content-Length`s that lie, a gzip bomb), and a retry budget that holds
//! under 100 concurrent callers of a server failing everything.
//!
//! Each fault case runs one call in a process of its own
//! (`src/bin/fault-client.rs`, with every client default but the call's
//! timeout), so its peak RSS is its own; the suite asserts the error kind,
//! the deadline, the requests the server saw and a peak RSS under 64 MiB,
//! and prints a table of case, outcome, time and peak RSS (see it with
//! `cargo test -p integration-tests --test faults -- --nocapture`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indream_client::{Client, Credentials, Error, RetryBudget, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The total timeout every fault call is given.
const DEADLINE: Duration = Duration::from_secs(2);
/// How late a call may end after its deadline (process start, a loaded CI
/// machine).
const SLACK: Duration = Duration::from_millis(1500);
/// The bound on any case's peak RSS.
const MAX_RSS_KIB: u64 = 64 * 1024;
const PAGE: &str = r#"{"data":[],"meta":{"nextPageCursor":null}}"#;
const TEN_GIB: u64 = 10 * 1024 * 1024 * 1024;
const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// What the server does with each request it reads.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// A well-formed page, for comparison.
    Page,
    /// `Content-Length: 1000`, 10 bytes, then the connection is closed.
    TruncatedBody,
    /// A complete response whose JSON stops half-way.
    TruncatedJson,
    /// A valid page labelled `text/html`.
    WrongContentType,
    /// An HTML page from a proxy, labelled `text/html`, with status 200.
    HtmlPage,
    /// A valid page without `Content-Type`.
    MissingContentType,
    /// A page whose cursor holds bytes that are not UTF-8.
    InvalidUtf8,
    /// A page with an extra field of arrays nested 100 000 deep.
    DeepJson,
    /// `Content-Length` of 10 GiB, and zeros streamed until the client leaves.
    TenGibDeclared,
    /// A chunked body of 10 GiB of spaces, streamed until the client leaves.
    TenGibChunked,
    /// A chunked body that never ends, one byte every 50 ms.
    EndlessTrickle,
    /// The response head sent one byte every 50 ms.
    Slowloris,
    /// `Content-Length: 100000`, 1000 bytes, then a TCP reset.
    ResetMidBody,
    /// Five redirects, then a page.
    RedirectChain,
    /// A redirect to itself, forever.
    RedirectLoop,
    /// 503 with `Retry-After` of a year in seconds.
    RetryAfterYear,
    /// 429 with `Retry-After` an HTTP date a year ahead.
    RetryAfterYearDate,
    /// `Content-Length` shorter than the page sent.
    ContentLengthTooShort,
    /// `Content-Length` longer than the page sent, then silence.
    ContentLengthTooLong,
    /// `Content-Encoding: gzip` of 128 MiB of zeros in 825 KiB.
    GzipBomb,
    /// 500 with a chunked body of 10 GiB.
    TenGibErrorBody,
    /// 503 without `Retry-After`.
    Unavailable,
}

impl Fault {
    /// Answers the request for `path` on `stream`; the server closes the
    /// connection afterwards (every response says `Connection: close`).
    async fn serve(self, stream: &mut TcpStream, path: &str) -> std::io::Result<()> {
        let head = |status: &str, headers: &str| format!("HTTP/1.1 {status}\r\nConnection: close\r\n{headers}\r\n");
        let json = |body: &str| format!("{}{body}", head("200 OK", &format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len())));
        match self {
            Fault::Page => stream.write_all(json(PAGE).as_bytes()).await,
            Fault::TruncatedBody => {
                let response = head("200 OK", "Content-Type: application/json\r\nContent-Length: 1000\r\n") + r#"{"data": ["#;
                stream.write_all(response.as_bytes()).await
            }
            Fault::TruncatedJson => stream.write_all(json(r#"{"data": [{"id": "#).as_bytes()).await,
            Fault::WrongContentType => {
                let response = head("200 OK", &format!("Content-Type: text/html\r\nContent-Length: {}\r\n", PAGE.len())) + PAGE;
                stream.write_all(response.as_bytes()).await
            }
            Fault::HtmlPage => {
                let page = "<html><body>502 Bad Gateway</body></html>";
                let response = head("200 OK", &format!("Content-Type: text/html\r\nContent-Length: {}\r\n", page.len())) + page;
                stream.write_all(response.as_bytes()).await
            }
            Fault::MissingContentType => stream.write_all((head("200 OK", &format!("Content-Length: {}\r\n", PAGE.len())) + PAGE).as_bytes()).await,
            Fault::InvalidUtf8 => {
                let mut body = br#"{"data":[],"meta":{"nextPageCursor":""#.to_vec();
                body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
                body.extend_from_slice(br#""}}"#);
                let response = head("200 OK", &format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
                stream.write_all(response.as_bytes()).await?;
                stream.write_all(&body).await
            }
            Fault::DeepJson => {
                // Closed, valid JSON, in a field the client ignores: only
                // the depth is at fault.
                let body = format!(r#"{{"extra": {}{}, "data": [], "meta": {{"nextPageCursor": null}}}}"#, "[".repeat(100_000), "]".repeat(100_000));
                stream.write_all(json(&body).as_bytes()).await
            }
            Fault::TenGibDeclared => {
                let response = head("200 OK", &format!("Content-Type: application/json\r\nContent-Length: {TEN_GIB}\r\n"));
                stream.write_all(response.as_bytes()).await?;
                stream_bytes(stream, b' ', TEN_GIB, false).await
            }
            Fault::TenGibChunked => {
                stream.write_all(head("200 OK", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n").as_bytes()).await?;
                stream_bytes(stream, b' ', TEN_GIB, true).await
            }
            Fault::TenGibErrorBody => {
                stream.write_all(head("500 Internal Server Error", "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n").as_bytes()).await?;
                stream_bytes(stream, b'x', TEN_GIB, true).await
            }
            Fault::EndlessTrickle => {
                stream.write_all(head("200 OK", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n").as_bytes()).await?;
                loop {
                    stream.write_all(b"1\r\n \r\n").await?;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            Fault::Slowloris => {
                let response = json(PAGE);
                for byte in response.as_bytes() {
                    stream.write_all(&[*byte]).await?;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Ok(())
            }
            Fault::ResetMidBody => {
                stream.write_all(head("200 OK", "Content-Type: application/json\r\nContent-Length: 100000\r\n").as_bytes()).await?;
                stream.write_all(&[b' '; 1000]).await?;
                stream.flush().await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
                // Linger 0: closing sends RST instead of FIN (and so never
                // blocks, the reason tokio deprecates `set_linger`).
                #[allow(deprecated)]
                stream.set_linger(Some(Duration::ZERO))?;
                Ok(())
            }
            Fault::RedirectChain => {
                let hop: u32 = path.strip_prefix("/hop/").and_then(|n| n.parse().ok()).unwrap_or(0);
                if hop == 5 {
                    stream.write_all(json(PAGE).as_bytes()).await
                } else {
                    stream.write_all(head("302 Found", &format!("Location: /hop/{}\r\nContent-Length: 0\r\n", hop + 1)).as_bytes()).await
                }
            }
            Fault::RedirectLoop => stream.write_all(head("302 Found", &format!("Location: {path}\r\nContent-Length: 0\r\n")).as_bytes()).await,
            Fault::Unavailable => stream.write_all(head("503 Service Unavailable", "Content-Length: 0\r\n").as_bytes()).await,
            Fault::RetryAfterYear => stream.write_all(head("503 Service Unavailable", "Retry-After: 31536000\r\nContent-Length: 0\r\n").as_bytes()).await,
            Fault::RetryAfterYearDate => {
                let year = httpdate_in_a_year();
                stream.write_all(head("429 Too Many Requests", &format!("Retry-After: {year}\r\nContent-Length: 0\r\n")).as_bytes()).await
            }
            Fault::ContentLengthTooShort => {
                let response = head("200 OK", "Content-Type: application/json\r\nContent-Length: 10\r\n") + PAGE;
                stream.write_all(response.as_bytes()).await
            }
            Fault::ContentLengthTooLong => {
                let response = head("200 OK", &format!("Content-Type: application/json\r\nContent-Length: {}\r\n", PAGE.len() + 100)) + PAGE;
                stream.write_all(response.as_bytes()).await?;
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(())
            }
            Fault::GzipBomb => {
                let body = gzip_bomb();
                let response = head("200 OK", &format!("Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n", body.len()));
                stream.write_all(response.as_bytes()).await?;
                stream.write_all(&body).await
            }
        }
    }
}

/// Streams `total` bytes of `byte` in 64 KiB writes (as chunks when
/// `chunked`), never holding more than one in memory; stops with an error as
/// soon as the client leaves.
async fn stream_bytes(stream: &mut TcpStream, byte: u8, total: u64, chunked: bool) -> std::io::Result<()> {
    const PIECE: usize = 64 * 1024;
    let piece = if chunked {
        let mut framed = format!("{PIECE:x}\r\n").into_bytes();
        framed.extend(std::iter::repeat_n(byte, PIECE));
        framed.extend_from_slice(b"\r\n");
        framed
    } else {
        vec![byte; PIECE]
    };
    for _ in 0..total / PIECE as u64 {
        stream.write_all(&piece).await?;
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    Ok(())
}

/// An HTTP date 365 days from now.
fn httpdate_in_a_year() -> String {
    let year = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now() + Duration::from_secs(365 * 24 * 3600));
    year.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// A gzip member that inflates to 128 MiB of zeros (1 + 520 202 × 258
/// bytes), built with fixed Huffman codes: one literal zero, then matches
/// of length 258 at distance 1 (13 bits each), so it is 825 KiB on the wire.
fn gzip_bomb() -> Vec<u8> {
    const RUNS: usize = 520_202;
    const INFLATED: u32 = 1 + 258 * RUNS as u32;
    /// CRC-32 of `INFLATED` zero bytes (computed once with zlib).
    const CRC: u32 = 0x4670_dfcb;
    let mut bits = Bits::default();
    bits.put(1, 1); // the final block
    bits.put(1, 2); // fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..RUNS {
        bits.code(0b1100_0101, 8); // length 258 (code 285)
        bits.code(0, 5); // distance 1 (code 0)
    }
    bits.code(0, 7); // end of block
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    gzip.extend(bits.finish());
    gzip.extend(CRC.to_le_bytes());
    gzip.extend(INFLATED.to_le_bytes());
    gzip
}

/// A deflate bit stream: fields least significant bit first, Huffman codes
/// most significant bit first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    pending: u32,
    count: u32,
}

impl Bits {
    fn put(&mut self, value: u32, width: u32) {
        self.pending |= value << self.count;
        self.count += width;
        while self.count >= 8 {
            self.out.push((self.pending & 0xff) as u8);
            self.pending >>= 8;
            self.count -= 8;
        }
    }

    fn code(&mut self, code: u32, width: u32) {
        self.put(code.reverse_bits() >> (32 - width), width);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.out.push((self.pending & 0xff) as u8);
        }
        self.out
    }
}

/// A server answering every connection with `fault`; returns its URL and
/// the count of requests it read.
async fn serve(fault: Fault) -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let counted = Arc::clone(&counted);
            tokio::spawn(async move {
                let Some(path) = read_request(&mut stream).await else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                // The client leaving mid-answer is what several cases expect.
                let _ = fault.serve(&mut stream, &path).await;
            });
        }
    });
    (url, requests, server)
}

/// Reads a request head (the client sends no body) and returns its path.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head);
    text.split_whitespace().nth(1).map(str::to_owned)
}

/// What one case must end with.
struct Case {
    name: &'static str,
    fault: Fault,
    /// The outcome `fault-client` prints (see its `kind`).
    outcome: &'static str,
    /// The requests the server must have read.
    requests: usize,
}

const fn case(name: &'static str, fault: Fault, outcome: &'static str, requests: usize) -> Case {
    Case { name, fault, outcome, requests }
}

/// Every fault, with the typed error it must give and the requests it may
/// cost (`Retry-After` of a year is not waited for, and not retried;
/// errors of the body are not retried; a 500 is, twice).
const CASES: [Case; 21] = [
    case("well-formed page", Fault::Page, "ok", 1),
    case("truncated body (connection closed)", Fault::TruncatedBody, "transport", 1),
    case("truncated JSON", Fault::TruncatedJson, "decode", 1),
    case("JSON labelled text/html", Fault::WrongContentType, "ok", 1),
    case("HTML page with status 200", Fault::HtmlPage, "decode", 1),
    case("missing Content-Type", Fault::MissingContentType, "ok", 1),
    case("invalid UTF-8", Fault::InvalidUtf8, "decode", 1),
    case("JSON nested 100 000 deep", Fault::DeepJson, "decode", 1),
    case("10 GiB body, Content-Length", Fault::TenGibDeclared, "too-large-declared", 1),
    case("10 GiB body, chunked", Fault::TenGibChunked, "too-large-read", 1),
    case("10 GiB error body (500)", Fault::TenGibErrorBody, "api-500", 3),
    case("body that never ends (trickle)", Fault::EndlessTrickle, "timeout-total", 1),
    case("slowloris headers", Fault::Slowloris, "timeout-total", 1),
    case("connection reset mid-body", Fault::ResetMidBody, "transport", 1),
    case("redirect chain (5 hops)", Fault::RedirectChain, "ok", 6),
    case("redirect loop", Fault::RedirectLoop, "api-302", 11),
    case("503, Retry-After a year (seconds)", Fault::RetryAfterYear, "api-503", 1),
    case("429, Retry-After a year (date)", Fault::RetryAfterYearDate, "rate-limited-429", 1),
    case("Content-Length too short", Fault::ContentLengthTooShort, "decode", 1),
    case("Content-Length too long, then silence", Fault::ContentLengthTooLong, "timeout-total", 1),
    case("gzip bomb (128 MiB in 825 KiB)", Fault::GzipBomb, "decode", 1),
];

/// What `fault-client` printed.
struct Report {
    outcome: String,
    elapsed: Duration,
    peak_rss_kib: u64,
    message: String,
}

async fn run_case(case: &Case) -> (Report, usize) {
    let (url, requests, server) = serve(case.fault).await;
    let timeout = DEADLINE.as_millis().to_string();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_fault-client")).args([&url, &timeout]).output().expect("fault-client runs")
    })
    .await
    .unwrap();
    server.abort();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}: fault-client failed: {stdout}{}", case.name, String::from_utf8_lossy(&output.stderr));
    let mut lines = stdout.lines();
    let fields: Vec<&str> = lines.next().unwrap_or_default().split_whitespace().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find_map(|field| field.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
            .unwrap_or_else(|| panic!("{}: no {name} in {stdout}", case.name))
    };
    let report = Report {
        outcome: field("outcome").to_owned(),
        elapsed: Duration::from_millis(field("elapsed_ms").parse().unwrap()),
        peak_rss_kib: field("peak_rss_kib").parse().unwrap(),
        message: lines.next().unwrap_or_default().to_owned(),
    };
    (report, requests.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_in_a_typed_error_within_the_deadline_and_64_mib() {
    let mut table = String::from("| Case | Outcome | Requests | Time (ms) | Peak RSS (MiB) |\n|---|---|---|---|---|\n");
    let mut failures = Vec::new();
    for case in &CASES {
        let (report, requests) = run_case(case).await;
        table.push_str(&format!(
            "| {} | {} | {requests} | {} | {:.1} |\n",
            case.name,
            report.outcome,
            report.elapsed.as_millis(),
            report.peak_rss_kib as f64 / 1024.0
        ));
        let mut problems = Vec::new();
        if report.outcome != case.outcome {
            problems.push(format!("outcome {} instead of {}", report.outcome, case.outcome));
        }
        if requests != case.requests {
            problems.push(format!("{requests} request(s) instead of {}", case.requests));
        }
        if report.elapsed > DEADLINE + SLACK {
            problems.push(format!("took {:?}, past the {DEADLINE:?} deadline", report.elapsed));
        }
        // `VmHWM` comes from `/proc`, so the bound is checked on Linux (CI).
        if cfg!(target_os = "linux") && (report.peak_rss_kib == 0 || report.peak_rss_kib >= MAX_RSS_KIB) {
            problems.push(format!("peak RSS {} KiB, not under {MAX_RSS_KIB} KiB", report.peak_rss_kib));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {} ({})", case.name, problems.join("; "), report.message));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
}

#[tokio::test]
async fn the_errors_name_the_limit_they_hit() {
    let declared = run_case(&CASES[8]).await.0.message;
    assert!(declared.contains("longer than the limit of 16777216 bytes (`body_limit`): Content-Length is 10737418240; nothing was read"), "{declared}");
    let read = run_case(&CASES[9]).await.0.message;
    assert!(read.contains("longer than the limit of 16777216 bytes (`body_limit`); reading stopped at the limit"), "{read}");
    let deep = run_case(&CASES[7]).await.0.message;
    assert!(deep.contains("cannot decode the 200 OK response: JSON nested deeper than 128 levels (`json_depth_limit`)"), "{deep}");
}

/// 100 concurrent calls, with a client whose retries may be 2 per call
/// and whose budget is `budget`, to a server answering 503 to everything;
/// returns the requests the server saw.
async fn hundred_callers_against_503(budget: RetryBudget) -> usize {
    let (url, requests, server) = serve(Fault::Unavailable).await;
    let fast = RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(20));
    let client = Client::builder(&url, Credentials::api_key("key")).retry_policy(fast).retry_budget(budget).build().unwrap();
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();
    let calls = (0..100).map(|_| client.list_project_assets().project_id(project).send());
    let results = futures::future::join_all(calls).await;
    server.abort();
    for result in results {
        assert!(matches!(&result, Err(Error::Api(api)) if api.status == 503), "{result:?}");
    }
    requests.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_retry_budget_bounds_the_retries_of_100_concurrent_callers() {
    // Without a budget, each caller makes its 2 retries: 300 requests.
    assert_eq!(hundred_callers_against_503(RetryBudget::unlimited()).await, 300);
    // With one, the 100 first attempts plus exactly the budget.
    assert_eq!(hundred_callers_against_503(RetryBudget::new(10)).await, 110);
    assert_eq!(hundred_callers_against_503(RetryBudget::new(0)).await, 100);
    // The default budget: 100 retries.
    assert_eq!(hundred_callers_against_503(RetryBudget::default()).await, 200);
}

#[tokio::test]
async fn successes_refill_a_budget_shared_by_clients() {
    let budget = RetryBudget::new(1).with_refund_per_success(0.5);
    let fast = RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(20));
    let (failing_url, requests, failing_server) = serve(Fault::Unavailable).await;
    let failing = Client::builder(&failing_url, Credentials::api_key("key")).retry_policy(fast).retry_budget(budget.clone()).build().unwrap();
    let (url, _, server) = serve(Fault::Page).await;
    let working = Client::builder(&url, Credentials::api_key("key")).retry_budget(budget.clone()).build().unwrap();
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();
    let seen = || requests.load(Ordering::SeqCst);

    failing.list_project_assets().project_id(project).send().await.unwrap_err();
    assert_eq!((seen(), budget.available()), (2, Some(0)), "one retry, the whole budget");
    failing.list_project_assets().project_id(project).send().await.unwrap_err();
    assert_eq!(seen(), 3, "an empty budget leaves first attempts only");

    for _ in 0..2 {
        working.list_project_assets().project_id(project).send().await.unwrap();
    }
    assert_eq!(budget.available(), Some(1), "two successes refund one retry");
    failing.list_project_assets().project_id(project).send().await.unwrap_err();
    assert_eq!(seen(), 5);
    server.abort();
    failing_server.abort();
}

#[tokio::test]
async fn the_limits_can_be_changed_per_client_and_per_call() {
    let (url, _, server) = serve(Fault::Page).await;
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();
    let strict = Client::builder(&url, Credentials::api_key("key")).body_limit(10).json_depth_limit(1).build().unwrap();

    let error = strict.list_project_assets().project_id(project).send().await.unwrap_err();
    let expected = Some(PAGE.len() as u64);
    assert!(matches!(error, Error::BodyTooLarge { limit: 10, content_length, .. } if content_length == expected), "{error:?}");

    let roomier = indream_client::CallOptions::new().with_body_limit(PAGE.len());
    let error = strict.list_project_assets().project_id(project).with_options(roomier).send().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("JSON nested deeper than 1 levels (`json_depth_limit`)"), "{error}");

    let exact = Client::builder(&url, Credentials::api_key("key")).body_limit(PAGE.len()).json_depth_limit(2).build().unwrap();
    exact.list_project_assets().project_id(project).send().await.unwrap();
    server.abort();
}

#[tokio::test]
async fn a_retry_after_of_a_year_under_no_cap_still_ends_at_the_deadline() {
    let (url, requests, server) = serve(Fault::RetryAfterYear).await;
    let uncapped = RetryPolicy::default().with_max_retry_after(Duration::MAX);
    let client = Client::builder(&url, Credentials::api_key("key")).retry_policy(uncapped).build().unwrap();
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();

    let started = std::time::Instant::now();
    let error = client.list_project_assets().project_id(project).with_timeout(Duration::from_millis(300)).send().await.unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(matches!(error, Error::Timeout { limit: indream_client::TimeLimit::Total(_), .. }), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    server.abort();
}

#[tokio::test]
async fn timeouts_too_long_for_the_clock_are_no_limits_rather_than_a_panic() {
    let (url, _, server) = serve(Fault::Page).await;
    let endless = indream_client::Timeouts { attempt: Duration::MAX, total: Duration::MAX, ..indream_client::Timeouts::default() };
    let client = Client::builder(&url, Credentials::api_key("key")).timeouts(endless).build().unwrap();
    let project = uuid::Uuid::parse_str(PROJECT).unwrap();

    client.list_project_assets().project_id(project).send().await.unwrap();
    client.list_project_assets().project_id(project).with_timeout(Duration::MAX).send().await.unwrap();
    server.abort();
}
