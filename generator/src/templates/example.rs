//! The crate's examples, written once and shown twice: as plain code in
//! the README, and as doc tests in the crate docs whose hidden lines start
//! a local server (wiremock) that answers as the spec documents, so
//! `cargo test` runs every example the README shows.
//!
//! The first example builds the client; the others use its `client`.

use crate::examples::CannedResponse;
use crate::model::{Api, OperationFacts, Scheme, SchemeKind, Server};

/// One example: the section it belongs to, the code a reader sees, and
/// the hidden lines that make it run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// The README and doc section, such as `Pagination`.
    pub section: &'static str,
    /// The code as the README shows it.
    pub code: String,
    /// Hidden statements run before `code`: mock responses and the client.
    pub setup: String,
}

impl Example {
    /// The example as a doc test (lines of a ```` ``` ```` block).
    pub fn doc_test(&self) -> String {
        let mut out = String::from("```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() -> Result<(), Box<dyn std::error::Error>> {\n");
        for line in self.setup.lines() {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str(&self.code);
        out.push_str("# Ok(())\n# }\n```\n");
        out
    }

    /// The example as a README code block.
    pub fn readme_block(&self) -> String {
        format!("```rust\n{}```\n", self.code)
    }
}

/// Every example the crate's docs show, in section order.
pub fn examples(api: &Api) -> Vec<Example> {
    let usable = |operation: &&OperationFacts| {
        operation.example.arguments.is_some() && operation.example.success.is_some() && operation.upload.is_none() && operation.body.is_none()
    };
    let Some(first) = api.operations.iter().filter(usable).find(|o| o.http_method == "GET").or_else(|| api.operations.iter().find(usable)) else {
        return Vec::new();
    };
    let mut out = vec![quick_start(api, first)];
    if let Some(paged) = api.operations.iter().filter(usable).find(|o| o.pagination.is_some()) {
        out.push(pagination(api, paged));
    }
    if first.idempotency == crate::model::Idempotency::Safe {
        out.push(retries(api, first));
    }
    out.push(per_call(api, first));
    out.push(observability(api, first));
    let uploadable = |o: &&OperationFacts| o.upload.is_some() && o.example.arguments.is_some() && o.example.success.is_some();
    if let Some(upload) = api.operations.iter().find(uploadable) {
        out.push(uploads(api, upload));
    }
    out.push(errors(api, first));
    out
}

fn quick_start(api: &Api, operation: &OperationFacts) -> Example {
    let lib = &api.lib_name;
    let env = base_url_env(api);
    let (credentials, env_vars) = match api.schemes.iter().find(|scheme| !scheme.env.is_empty() && needed(operation, scheme)) {
        Some(scheme) => ("Credentials::from_env()?".to_owned(), scheme.env.clone()),
        None => (literal_credentials(api, operation), Vec::new()),
    };
    let mut code = format!(
        "use {lib}::{{Client, Credentials}};\n\n\
         let base_url = std::env::var(\"{env}\").unwrap_or_else(|_| {default});\n\
         let client = Client::new(&base_url, {credentials})?;\n",
        default = default_base_url(lib, api.server.as_ref()),
    );
    code.push_str(&send(operation, ".send()"));
    code.push_str(&print_result(operation));
    let mut setup = server_with(operation, &[success(operation)], "wiremock::matchers::any()");
    setup.push_str(&format!("std::env::set_var(\"{env}\", server.uri());\n"));
    for var in env_vars {
        setup.push_str(&format!("std::env::set_var(\"{var}\", \"example-secret\");\n"));
    }
    Example { section: "Example", code, setup }
}

fn pagination(api: &Api, operation: &OperationFacts) -> Example {
    let code = format!(
        "use {lib}::TryStreamExt;\n\n\
         let mut items = std::pin::pin!({call}.items());\n\
         while let Some(item) = items.try_next().await? {{\n    println!(\"{{item:?}}\");\n}}\n",
        lib = api.lib_name,
        call = chain(operation),
    );
    Example { section: "Pagination", code, setup: with_client(api, operation, &[success(operation)]) }
}

fn retries(api: &Api, operation: &OperationFacts) -> Example {
    let code = format!(
        "use std::time::Duration;\nuse {lib}::RetryPolicy;\n\n\
         // Up to 4 retries with backoff, and 2 minutes in all, for the calls of this copy.\n\
         let patient = client\n    .with_retry_policy(RetryPolicy::default().with_max_retries(4))\n    \
         .with_request_timeout(Duration::from_secs(120));\n\
         // The server answers 503 once: the call is retried and succeeds.\n{call}",
        lib = api.lib_name,
        call = send(operation, ".send()").replacen("client.", "patient.", 1),
    );
    let unavailable = CannedResponse { status: 503, body: None };
    Example { section: "Retries and timeouts", code, setup: with_client(api, operation, &[&unavailable, success(operation)]) }
}

fn per_call(api: &Api, operation: &OperationFacts) -> Example {
    let code = format!(
        "use std::time::Duration;\nuse {lib}::{{HeaderName, HeaderValue, RetryPolicy}};\n\n\
         // For this call only: one more header, 5 s in all, no retries.\n{call}{print}",
        lib = api.lib_name,
        call = send(
            operation,
            ".with_header(HeaderName::from_static(\"x-debug\"), HeaderValue::from_static(\"1\"))\n    \
             .with_timeout(Duration::from_secs(5))\n    .with_retry_policy(RetryPolicy::none())\n    .send()"
        ),
        print = print_result(operation),
    );
    let setup = with_client_matching(api, operation, &[success(operation)], "wiremock::matchers::header(\"x-debug\", \"1\")");
    Example { section: "Per-call options", code, setup }
}

fn observability(api: &Api, operation: &OperationFacts) -> Example {
    let lib = &api.lib_name;
    let code = format!(
        "use std::sync::atomic::{{AtomicU32, Ordering}};\nuse std::sync::Arc;\n\
         use {lib}::{{AttemptInfo, AttemptOutcome, Client, Credentials, HeaderValue, Interceptor}};\n\n\
         /// Tags every request and counts attempts, retries included.\n\
         struct Tagger(Arc<AtomicU32>);\n\n\
         impl Interceptor for Tagger {{\n    \
         fn before_attempt(&self, _attempt: &AttemptInfo, request: &mut {lib}::reqwest::Request) {{\n        \
         request.headers_mut().insert(\"x-client-tag\", HeaderValue::from_static(\"reports\"));\n    }}\n\n    \
         fn after_attempt(&self, attempt: &AttemptInfo, outcome: &AttemptOutcome<'_>) {{\n        \
         self.0.fetch_add(1, Ordering::SeqCst);\n        \
         eprintln!(\"{{}} attempt {{}}: {{:?}} in {{:?}}\", attempt.operation.id, attempt.number, outcome.status(), outcome.latency());\n    }}\n}}\n\n\
         let attempts = Arc::new(AtomicU32::new(0));\n\
         let client = Client::builder(client.base_url(), {credentials})\n    .interceptor(Tagger(attempts.clone()))\n    .build()?;\n\
         {call}\
         println!(\"request id {{:?}} after {{}} attempt(s)\", client.request_id(response.headers()), attempts.load(Ordering::SeqCst));\n",
        credentials = literal_credentials(api, operation),
        call = send(operation, ".send()"),
    );
    let setup = with_client_matching(api, operation, &[success(operation)], "wiremock::matchers::header(\"x-client-tag\", \"reports\")");
    Example { section: "Observability", code, setup }
}

fn uploads(api: &Api, operation: &OperationFacts) -> Example {
    let code = format!(
        "use {lib}::Upload;\n\n\
         let upload = Upload::from_bytes(&b\"file contents\"[..])\n    .with_file_name(\"notes.txt\")\n    \
         .on_progress(|sent, total| eprintln!(\"{{sent}}/{{total}} bytes\"));\n{call}{print}",
        lib = api.lib_name,
        call = send(operation, ".send_upload(upload)"),
        print = print_result(operation),
    );
    Example { section: "Uploads", code, setup: with_client(api, operation, &[success(operation)]) }
}

fn errors(api: &Api, operation: &OperationFacts) -> Example {
    let failure = operation.example.error.clone().unwrap_or(CannedResponse { status: 404, body: None });
    let code = format!(
        "use {lib}::Error;\n\n\
         match {call}.send().await {{\n    \
         Ok(response) => println!(\"{{:?}}\", response.status()),\n    \
         Err(Error::Api(api)) => eprintln!(\"{{}} failed with {{}}: {{:?}}\", api.operation.id, api.status, api.body),\n    \
         Err(other) => return Err(other.into()),\n}}\n",
        lib = api.lib_name,
        call = chain(operation),
    );
    Example { section: "Errors", code, setup: with_client(api, operation, &[&failure]) }
}

/// `client.op().setter(value)...` on one line per call.
fn chain(operation: &OperationFacts) -> String {
    let mut out = format!("client.{}()", operation.method_name);
    for (setter, value) in arguments(operation) {
        out.push_str(&format!(".{setter}({value})"));
    }
    out
}

/// `let response = client.op()\n    .setter(value)\n    .<finish>\n    .await?;`
fn send(operation: &OperationFacts, finish: &str) -> String {
    let mut out = format!("let response = client.{}()", operation.method_name);
    for (setter, value) in arguments(operation) {
        out.push_str(&format!("\n    .{setter}({value})"));
    }
    out.push_str(&format!("\n    {finish}\n    .await?;\n"));
    out
}

/// The required arguments, without the file-name header an upload fills.
fn arguments(operation: &OperationFacts) -> Vec<(String, String)> {
    let skipped = operation.upload.as_ref().and_then(|upload| upload.file_name_setter.clone());
    let arguments = operation.example.arguments.clone().unwrap_or_default();
    arguments.into_iter().filter(|(setter, _)| Some(setter) != skipped.as_ref()).collect()
}

fn print_result(operation: &OperationFacts) -> String {
    let streamed = operation.example.success.as_ref().and_then(|s| s.body.as_ref()).is_some_and(|(media, _)| !media.contains("json"));
    let empty = operation.example.success.as_ref().is_some_and(|s| s.body.is_none());
    if streamed || empty || !operation.outcomes.is_empty() {
        "println!(\"{}\", response.status());\n".to_owned()
    } else {
        "println!(\"{:#?}\", response.into_inner());\n".to_owned()
    }
}

fn success(operation: &OperationFacts) -> &CannedResponse {
    operation.example.success.as_ref().expect("examples() only picks operations with a success sample")
}

/// Hidden lines: a local server answering `responses` in turn (the last
/// one for every later request), then a `client` for it.
fn with_client(api: &Api, operation: &OperationFacts, responses: &[&CannedResponse]) -> String {
    with_client_matching(api, operation, responses, "wiremock::matchers::any()")
}

/// [`with_client`] for a server that only answers requests `matcher` accepts.
fn with_client_matching(api: &Api, operation: &OperationFacts, responses: &[&CannedResponse], matcher: &str) -> String {
    let mut out = server_with(operation, responses, matcher);
    out.push_str(&format!(
        "let client = {lib}::Client::new(&server.uri(), {{ use {lib}::Credentials; {credentials} }})?;\n",
        lib = api.lib_name,
        credentials = literal_credentials(api, operation),
    ));
    out
}

/// Hidden lines: a local server answering `responses` in turn (the last
/// one for every later request) to requests `matcher` accepts, each with an
/// `x-request-id`.
fn server_with(operation: &OperationFacts, responses: &[&CannedResponse], matcher: &str) -> String {
    let mut out = String::from("let server = wiremock::MockServer::start().await;\n");
    let path = path_pattern(&operation.path);
    for (index, response) in responses.iter().enumerate() {
        let last = index + 1 == responses.len();
        let body = match &response.body {
            Some((media, text)) => format!(".set_body_raw({text:?}, {media:?})"),
            None => String::new(),
        };
        out.push_str(&format!(
            "wiremock::Mock::given(wiremock::matchers::method({method:?}))\
             .and(wiremock::matchers::path_regex({path:?})).and({matcher})\
             .respond_with(wiremock::ResponseTemplate::new({status}).insert_header(\"x-request-id\", \"req-{index}\"){body})\
             {limit}.with_priority({priority}).expect(1..).mount(&server).await;\n",
            method = operation.http_method,
            status = response.status,
            limit = if last { String::new() } else { ".up_to_n_times(1)".to_owned() },
            priority = index + 1,
        ));
    }
    out
}

/// A regex for the paths of `template`, each `{parameter}` one segment.
fn path_pattern(template: &str) -> String {
    let mut out = String::from("^");
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&regex_escape(&rest[..start]));
        out.push_str("[^/]+");
        rest = rest[start..].split_once('}').map_or("", |(_, after)| after);
    }
    out.push_str(&regex_escape(rest));
    out.push('$');
    out
}

fn regex_escape(text: &str) -> String {
    text.chars().flat_map(|c| if "\\.+*?()|[]{}^$#&-~".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
}

/// `BASE_URL` variable the quick start reads, such as `INDREAM_BASE_URL`.
pub fn base_url_env(api: &Api) -> String {
    let stem = api.crate_name.strip_suffix("-client").unwrap_or(&api.crate_name);
    format!("{}_BASE_URL", heck::ToShoutySnakeCase::to_shouty_snake_case(stem))
}

fn default_base_url(lib: &str, server: Option<&Server>) -> String {
    match server {
        Some(server) if server.variables.is_empty() => format!("{lib}::DEFAULT_BASE_URL.to_owned()"),
        Some(server) => {
            let args = server.variables.iter().map(|v| format!("\"my-{}\"", v.name)).collect::<Vec<_>>().join(", ");
            format!("{lib}::server_url({args})")
        }
        None => "\"https://api.example.com\".to_owned()".to_owned(),
    }
}

/// Whether `operation` can use `scheme` (or needs no credentials at all).
fn needed(operation: &OperationFacts, scheme: &Scheme) -> bool {
    operation.security.iter().any(|alternative| alternative.contains(&scheme.name))
}

/// Literal credentials for the first security alternative of `operation`.
fn literal_credentials(api: &Api, operation: &OperationFacts) -> String {
    let alternative = operation.security.first().cloned().unwrap_or_default();
    let parts: Vec<String> = alternative
        .iter()
        .filter_map(|name| api.schemes.iter().find(|scheme| &scheme.name == name))
        .map(|scheme| {
            let name = &scheme.constructor;
            match scheme.kind {
                SchemeKind::FixedAuthorization { .. } => format!("Credentials::{name}()"),
                SchemeKind::Basic | SchemeKind::NcpSignatureV2 => format!("Credentials::{name}(\"my-id\", \"my-secret\")"),
                SchemeKind::OAuth2 { .. } => format!("Credentials::{name}_token(\"my-token\")"),
                _ => format!("Credentials::{name}(\"my-api-key\")"),
            }
        })
        .collect();
    match parts.split_first() {
        None => "Credentials::none()".to_owned(),
        Some((first, rest)) => rest.iter().fold(first.clone(), |all, part| format!("{all}.and({part})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_match_one_segment_per_parameter() {
        assert_eq!(path_pattern("/v1/projects/{id}/assets.json"), "^/v1/projects/[^/]+/assets\\.json$");
    }
}
