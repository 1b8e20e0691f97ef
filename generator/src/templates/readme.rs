//! The generated crate's `README.md`.

use super::example;
use crate::model::{Api, SchemeKind};

/// Renders `README.md`: what the crate is, how to authenticate, an example,
/// the defaults for retries and timeouts, and the operations.
pub fn readme(api: &Api) -> String {
    let examples = example::examples(api);
    let block = |section: &str| examples.iter().find(|e| e.section == section).map(|e| format!("\n{}", e.readme_block())).unwrap_or_default();
    let mut out = format!("# {}\n\nTyped Rust client for the {}, generated from `{}`.\n", api.crate_name, api.title, api.spec_label);
    if let Some(format) = &api.converted_from {
        out.push_str(&format!(
            "\nThe spec is a {format} document, converted to OpenAPI 3.0 as swagger2openapi converts it \
             (`cargo xtask convert {}` prints the converted document).\n",
            api.spec_label
        ));
    }
    if let Some(description) = &api.description {
        out.push_str(&format!("\n{}\n", description.trim_end()));
    }
    out.push_str(&format!(
        "\n## Installation\n\n```toml\n[dependencies]\n{} = \"{}\"\n```\n",
        api.package.name, api.package.version
    ));
    if !examples.is_empty() {
        out.push_str(
            "\nEvery example in this README is also a doc test of the crate: `cargo test --doc` runs \
             each one against a local server that answers as the API documents.\n",
        );
    }
    out.push_str("\n## Authentication\n\n");
    if api.schemes.is_empty() {
        out.push_str("The API requires no credentials: use `Credentials::none()`.\n");
    }
    for scheme in &api.schemes {
        let how = match &scheme.kind {
            SchemeKind::HeaderApiKey { header } => format!("an API key in the `{header}` header"),
            SchemeKind::QueryApiKey { parameter } => format!("an API key in the `{parameter}` query parameter"),
            SchemeKind::CookieApiKey { cookie } => format!("an API key in the `{cookie}` cookie"),
            SchemeKind::Bearer => "a bearer token".to_owned(),
            SchemeKind::OAuth2 { client_credentials: Some(url) } => {
                format!("an OAuth2 access token (bearer), given as is or fetched with the client-credentials flow from `{url}`")
            }
            SchemeKind::OAuth2 { client_credentials: None } => "an OAuth2 or OpenID Connect access token (bearer), given as is or by a token provider".to_owned(),
            SchemeKind::Basic => "HTTP Basic (`base64(username:password)`)".to_owned(),
            SchemeKind::FixedAuthorization { value } => format!("the literal `Authorization: {value}` (public access)"),
            SchemeKind::NcpSignatureV2 => "the NAVER Cloud API Gateway signature v2, computed per request".to_owned(),
        };
        let arguments = match scheme.kind {
            SchemeKind::FixedAuthorization { .. } => "",
            SchemeKind::Basic | SchemeKind::NcpSignatureV2 => "id, secret",
            _ => "secret",
        };
        let constructor = match &scheme.kind {
            SchemeKind::OAuth2 { client_credentials: Some(_) } => {
                format!("{c}_token(token)`, `Credentials::{c}_client_credentials(id, secret)` or `Credentials::{c}_provider(provider)", c = scheme.constructor)
            }
            SchemeKind::OAuth2 { client_credentials: None } => format!("{c}_token(token)` or `Credentials::{c}_provider(provider)", c = scheme.constructor),
            _ => format!("{}({arguments})", scheme.constructor),
        };
        out.push_str(&format!("- `{}`: `Credentials::{constructor}` sends {how}.", scheme.name));
        if !scheme.env.is_empty() {
            let vars = scheme.env.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" and ");
            out.push_str(&format!(" `Credentials::from_env()` reads {vars}."));
        }
        out.push('\n');
    }
    out.push_str(
        "\nCredentials never appear in `Debug` output, and they are not sent when a server \
         redirects to another origin.\n",
    );
    if let Some(first) = examples.first() {
        out.push_str(&format!(
            "\n## Example\n\nThe base URL comes from `{}` when it is set; the examples below use this `client`.\n\n{}",
            example::base_url_env(api),
            first.readme_block()
        ));
    }
    out.push_str(&retries_and_timeouts(api));
    out.push_str(&block("Retries and timeouts"));
    out.push_str(LIMITS);
    out.push_str(
        "\n## Per-call options\n\nEvery request builder takes settings for that call only, without a copy of \
         the client: `with_header` (a header the credentials set is refused), `with_timeout` (the whole \
         call, retries included), `with_retry_policy`, `with_idempotency_key` (where the operation \
         declares a key) and `with_options(CallOptions)` for settings shared by several calls.\n",
    );
    out.push_str(&block("Per-call options"));
    out.push_str(
        "\n## Observability\n\n\
         - Tracing: with the default `tracing` feature, every call is a `call` span (operation id, \
         method, path template) and every attempt an `attempt` span (attempt number, status, latency, \
         retry reason and delay, redirect host), under the target `sdk_runtime`. No credential, \
         signature, cookie or body is ever recorded. Install any `tracing` subscriber to see them, or \
         build with `default-features = false` to drop the dependency.\n\
         - Request ids: `client.request_id(response.headers())` on a success, `error.request_id()` on \
         an error (from `x-request-id` and the usual vendor headers; change the list with \
         `ClientBuilder::request_id_headers`).\n\
         - Errors name the operation, method, path template, status, host (with its port) and request \
         id, and keep the error body up to 64 KiB (`ClientBuilder::error_body_limit`).\n\
         - Interceptors: `ClientBuilder::interceptor` runs your code around every attempt, with the \
         request before credentials are added (so it never sees them) and the outcome after.\n",
    );
    out.push_str(&block("Observability"));
    let paginated: Vec<_> = api.operations.iter().filter(|operation| operation.pagination.is_some()).collect();
    if !paginated.is_empty() {
        out.push_str(
            "\n## Pagination\n\nPaginated operations have `pages()` and `items()` on their request builder, \
             taking the same parameters as `send()`. The stream fetches one page at a time as it is \
             polled, stops after the last page, and stops with an error if the server repeats a cursor. \
             Each `Page` carries `next`, the position of the page after it. A page that fails ends \
             the stream with a `PageError`: the error, and the position of that page, so \
             `items_from(error.position().cloned())` (or `pages_from`) on the same request resumes \
             without repeating or skipping an item.\n\n",
        );
        for operation in &paginated {
            out.push_str(&format!("- `client.{}()...items()`\n", operation.method_name));
        }
        out.push_str(&block("Pagination"));
    }
    let uploads: Vec<_> = api.operations.iter().filter(|operation| operation.upload.is_some()).collect();
    if !uploads.is_empty() {
        out.push_str(
            "\n## Uploads\n\n`send_upload(Upload)` streams a file, bytes or any async reader as the body, \
             with `Content-Length` and the file's MIME type (`application/octet-stream` when unknown); \
             memory does not grow with the file. Missing or unreadable files, empty uploads and file \
             names that break the documented length are refused before any request. Uploads are never \
             retried.\n\n",
        );
        out.push_str(&block("Uploads"));
    }
    out.push_str(
        "\n## Errors\n\n\
         Every call returns `Result<_, Error>`, one type to match on:\n\n\
         - `Error::Api(api)`: an error status (or a failing result code in a 200 envelope), with \
         `api.status`, `api.headers`, `api.body` (the documented error body, when the server sent \
         one) and `api.text` (the raw body, even an HTML page from a proxy).\n\
         - `Error::RateLimited(api)`: 429 after any retries; `api.retry_after()` gives the hint.\n\
         - `Error::Timeout { limit, .. }`: the call ran out of `limit` (an attempt, the whole \
         call, or a stalled transfer).\n\
         - `Error::Transport`: the connection failed.\n\
         - `Error::Decode`: a success response that does not match the spec (or JSON nested \
         deeper than the depth limit), with its status and the start of the body.\n\
         - `Error::BodyTooLarge { limit, .. }`: a success body longer than the body limit.\n\
         - `Error::Validation`: a parameter breaks a documented constraint (a range, a length, a \
         required value); nothing was sent.\n\n\
         Every error names its operation (`error.operation()`: id, method and path template), and \
         an error with a response keeps its status and headers (`error.status()`, \
         `error.headers()`).\n\n\
         Enums are open: a value the API adds later decodes as `Other(String)` instead of failing, \
         and unknown fields are ignored.\n",
    );
    out.push_str(&block("Errors"));
    out.push_str(&testing_with_mocks(api));
    out.push_str(&super::cli_rs::readme_section(api));
    out.push_str("\n## Operations\n\n| Method | Path | Rust |\n|---|---|---|\n");
    for operation in &api.operations {
        out.push_str(&format!(
            "| {} | `{}` | `client.{}()` |\n",
            operation.http_method, operation.path, operation.method_name
        ));
    }
    if !api.warnings.is_empty() {
        out.push_str(
            "\n## Generation notes\n\nWhat the generator skipped or changed in the spec, rather than \
             refusing it (run it with `--strict` to make each of these an error):\n\n",
        );
        for warning in &api.warnings {
            out.push_str(&format!("- {}: {}\n", warning.item, warning.message.replace('\n', " ")));
        }
    }
    out
}

/// What the `mock` feature offers, with its example when the crate has one.
fn testing_with_mocks(api: &Api) -> String {
    let first = api.operations.first().map_or("operation".to_owned(), |operation| operation.method_name.clone());
    let pages = if api.paginated { ", `respond_pages` (pages linked by the API's cursors or page numbers, the last one ending the list)" } else { "" };
    let ncp = if api.schemes.iter().any(|s| s.kind == SchemeKind::NcpSignatureV2) { "; NAVER Cloud signatures are recomputed" } else { "" };
    let mut out = format!(
        "\n## Testing with mocks\n\n\
         With the `mock` feature, `mock::MockServer` runs a local server for your tests, with one \
         method per operation: `server.{first}()` takes the request builder's setters as checks on \
         the request, `expect(n)` says how often it must come, and a `respond*` method what it \
         answers: `respond` (the typed success){pages}, `respond_error` (a typed error body) or \
         `respond_documented(status)` (the response the spec documents). Every request is checked as \
         the API would check it: path, parameters, body, required headers and credentials \
         (`MockServer::credentials()`, which `server.client()` uses{ncp}). A request no mock takes \
         is answered 501 with the reason each mock refused it, and fails the test when the server is \
         verified or dropped.\n\n```toml\n[dev-dependencies]\n{} = {{ version = \"{}\", features = [\"mock\"] }}\n```\n",
        api.package.name, api.package.version
    );
    if let Some(example) = example::mock_example(api) {
        out.push_str(&format!("\n{}", example.readme_block()));
    }
    out
}

/// The retry and timeout rules, with this API's operations that are
/// retried thanks to an idempotency key.
fn retries_and_timeouts(api: &Api) -> String {
    let mut out = String::from(
        "\n## Retries and timeouts\n\n\
         - Retries: up to 2, with exponential backoff from 0.5 s capped at 8 s and jitter, on \
         connection errors, timeouts, 408, 429, 500, 502, 503 and 504. `Retry-After` is honoured \
         up to 30 s; a longer wait returns the error at once. Only operations that are safe to \
         repeat (GET, HEAD, PUT, DELETE, OPTIONS, or `x-idempotent: true`) or that declare an \
         `Idempotency-Key` header are retried, and never with a streamed body.\n",
    );
    let keyed: Vec<_> = api
        .operations
        .iter()
        .filter_map(|operation| match &operation.idempotency {
            crate::model::Idempotency::Key(header) => Some(format!("`{}` (`{header}`)", operation.method_name)),
            _ => None,
        })
        .collect();
    if !keyed.is_empty() {
        out.push_str(&format!(
            "- Idempotency keys: for {}, each call sends the key you set, or a fresh UUID v4 when \
             you set none; every retry of the call repeats the same key, so the server sees one request.\n",
            keyed.join(", ")
        ));
    }
    out.push_str(
        "- Timeouts: 10 s to connect; 30 s per attempt (up to the response headers); 60 s for the \
         whole call, retries, backoff and reading a decoded body included; and 60 s of silence \
         while reading. A streamed upload or download has no attempt or total limit: only the \
         silence limit ends it.\n\
         - Change them per client with `Client::builder(..).retry_policy(..).timeouts(Timeouts { .. })`, \
         or for a group of calls with `client.with_retry_policy(RetryPolicy::none())` and \
         `client.with_request_timeout(..)` (the total limit).\n\
         - Retry budget: all calls of a client (and of its copies) share 100 retries, refilled by \
         0.2 per successful call; when it is spent, a failing call returns its error without \
         retrying, so a server that fails everything gets at most 100 extra requests. Change it with \
         `ClientBuilder::retry_budget(RetryBudget::new(..))` (`RetryBudget::unlimited()` to switch \
         it off).\n",
    );
    out
}

/// The README's table of the limits that bound what a server can make a
/// client spend.
const LIMITS: &str = "\n## Limits\n\n\
         What a server sends cannot make the client use unbounded memory or time:\n\n\
         | Limit | Default | Knob | When it is exceeded |\n\
         |---|---|---|---|\n\
         | Success body read to decode | 16 MiB | `ClientBuilder::body_limit`, `CallOptions::with_body_limit` | `Error::BodyTooLarge`, refused from `Content-Length` or when reading passes the limit |\n\
         | Error body kept | 64 KiB | `ClientBuilder::error_body_limit` | the rest is not read; `api.truncated` |\n\
         | JSON nesting | 128 levels | `ClientBuilder::json_depth_limit` | `Error::Decode`, found in one pass before decoding |\n\
         | `Retry-After` honoured | 30 s | `RetryPolicy::with_max_retry_after` | the error is returned at once, no wait |\n\
         | Redirects per attempt | 10 | fixed | the last 3xx is returned as `Error::Api` |\n\
         | Time per call | 60 s | `Timeouts::total`, `with_timeout` | `Error::Timeout` |\n\
         | Retries of all calls | 100, +0.2 per success | `ClientBuilder::retry_budget` | the call's last error |\n\n\
         Streamed downloads are bounded by the read timeout only. Responses are never \
         decompressed (no `Content-Encoding` is asked for or decoded), so a compressed bomb stays \
         its compressed size.\n";
