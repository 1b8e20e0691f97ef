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

/// Whether `operation` can be called in an example: literal arguments, a
/// canned success, and no body to make up.
fn usable(operation: &&OperationFacts) -> bool {
    operation.example.arguments.is_some() && operation.example.success.is_some() && operation.upload.is_none() && operation.body.is_none()
}

/// The operation of the quick start: the first usable GET, else the first usable one.
fn first_operation(api: &Api) -> Option<&OperationFacts> {
    api.operations.iter().filter(usable).find(|o| o.http_method == "GET").or_else(|| api.operations.iter().find(usable))
}

/// The operation of the pagination example.
fn paged_operation(api: &Api) -> Option<&OperationFacts> {
    api.operations.iter().filter(usable).find(|o| o.pagination.is_some())
}

/// The operation of the upload example.
fn upload_operation(api: &Api) -> Option<&OperationFacts> {
    api.operations.iter().find(|o| o.upload.is_some() && o.example.arguments.is_some() && o.example.success.is_some())
}

/// Every example the crate's docs show, in section order.
pub fn examples(api: &Api) -> Vec<Example> {
    let Some(first) = first_operation(api) else {
        return Vec::new();
    };
    let mut out = vec![quick_start(api, first)];
    if let Some(paged) = paged_operation(api) {
        out.push(pagination(api, paged));
    }
    if first.idempotency == crate::model::Idempotency::Safe {
        out.push(retries(api, first));
    }
    out.push(per_call(api, first));
    out.push(observability(api, first));
    if let Some(upload) = upload_operation(api) {
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
         let outcome = {call}    .send()\n    .await;\n\
         match outcome {{\n    \
         Ok(response) => println!(\"{{:?}}\", response.status()),\n    \
         Err(Error::Api(api)) => eprintln!(\"{{}} failed with {{}}: {{:?}}\", api.operation.id, api.status, api.body),\n    \
         Err(other) => return Err(other.into()),\n}}\n",
        lib = api.lib_name,
        call = chain(operation),
    );
    Example { section: "Errors", code, setup: with_client(api, operation, &[&failure]) }
}

/// The "Testing with mocks" example, written only against the crate's
/// mock helpers (the `mock` module's docs, so it runs only with the `mock`
/// feature): pages followed to the end (or the quick start's call), an
/// upload expected once with its bytes, and a documented error status.
pub fn mock_example(api: &Api) -> Option<Example> {
    let first = first_operation(api).or_else(|| api.operations.iter().find(|o| with_sample_body(o)))?;
    let lib = &api.lib_name;
    let paged = paged_operation(api).filter(|o| o.example.item.is_some());
    let upload = upload_operation(api);
    let main = paged.unwrap_or(first);
    let mut imports = vec!["Error"];
    if paged.is_some() {
        imports.extend(["types", "TryStreamExt"]);
    } else if success_sample(first).is_some() || upload.and_then(success_sample).is_some() || with_sample_body(first) {
        imports.push("types");
    }
    if upload.is_some() {
        imports.push("Upload");
    }
    let sample_used = paged.is_some() || success_sample(first).is_some() || upload.and_then(success_sample).is_some() || with_sample_body(first);
    let mock_imports = if sample_used { "{MockServer, Sample}" } else { "MockServer" };
    let imports = match imports.as_slice() {
        [one] => one.to_string(),
        many => format!("{{{}}}", many.join(", ")),
    };
    let mut code = format!(
        "use {lib}::mock::{mock_imports};\nuse {lib}::{imports};\n\n\
         let server = MockServer::start().await;\n\
         // A client for the server, with the test credentials it checks.\n\
         let client = server.client();\n",
    );
    match paged {
        Some(operation) => {
            let item = &operation.pagination.as_ref().expect("a paged operation").item_type;
            code.push_str(&format!(
                "\n// Two pages, linked as the API links them; `items()` follows them to the end.\n\
                 let item = types::{item}::sample();\n\
                 server\n    .{method}()\n{matchers}    .respond_pages([vec![item.clone(), item.clone()], vec![item]])\n    .await;\n\
                 let items: Vec<types::{item}> = {call}    .items()\n    .try_collect()\n    .await?;\n\
                 assert_eq!(items.len(), 3);\n",
                method = operation.method_name,
                matchers = matchers(operation),
                call = chain_lines(operation),
            ));
        }
        None => {
            let status = success_status(first);
            let (respond, what) = match success_sample(first) {
                Some(ty) => (format!(".respond(&{ty}::sample())"), "a sample of the documented success"),
                None => (format!(".respond_documented({status})"), "the documented success"),
            };
            code.push_str(&format!(
                "\n// Expected once; answers {what}.\n\
                 server\n    .{method}()\n{matchers}    .expect(1)\n    {respond}\n    .await;\n\
                 let response = {call}    .send()\n    .await?;\n\
                 assert_eq!(response.status(), {status});\n",
                method = first.method_name,
                matchers = matchers(first),
                call = chain_lines(first),
            ));
        }
    }
    if let Some(operation) = upload {
        let file_name = operation.upload.as_ref().and_then(|u| u.file_name_setter.as_ref()).map(|setter| format!("    .{setter}(\"notes.txt\")\n"));
        let respond = match success_sample(operation) {
            Some(ty) => format!(".respond(&{ty}::sample())"),
            None => format!(".respond_documented({})", success_status(operation)),
        };
        code.push_str(&format!(
            "\n// Expected once, with exactly these bytes.\n\
             server\n    .{method}()\n{matchers}{file_name}    .body(&b\"file contents\"[..])\n    .expect(1)\n    {respond}\n    .await;\n\
             let upload = Upload::from_bytes(&b\"file contents\"[..]).with_file_name(\"notes.txt\");\n\
             {call}    .send_upload(upload)\n    .await?;\n",
            method = operation.method_name,
            matchers = matchers(operation),
            file_name = file_name.unwrap_or_default(),
            call = chain_lines(operation),
        ));
    }
    let documented_error = main.example.error.as_ref().and_then(|error| main.example.documented.iter().find(|c| c.status == error.status));
    let (status, respond, which) = match documented_error {
        Some(canned) => (canned.status, format!(".respond_documented({})", canned.status), "the documented"),
        None => (404, ".respond_status(404)".to_owned(), "a"),
    };
    code.push_str(&format!(
        "\n// Check the expectations so far, then forget them: now the call fails.\n\
         server.verify().await;\n\
         server.reset().await;\n\
         server\n    .{method}()\n{matchers}    {respond}\n    .await;\n\
         let outcome = {call}    .send()\n    .await;\n\
         match outcome {{\n    \
         Err(Error::Api(api)) => assert_eq!(api.status, {status}),\n    \
         _ => panic!(\"expected {which} {status}\"),\n}}\n",
        method = main.method_name,
        matchers = matchers(main),
        call = chain_lines(main),
    ));
    Some(Example { section: "Testing with mocks", code, setup: String::new() })
}

/// `client\n    .op()\n    .setter(value)\n...`: a call, one line per step.
fn chain_lines(operation: &OperationFacts) -> String {
    format!("client\n    .{}()\n{}", operation.method_name, matchers(operation))
}

/// `    .setter(value)` lines, one per required argument (and the body,
/// when it is a sample): the mock's checks, and the call's arguments.
fn matchers(operation: &OperationFacts) -> String {
    let mut out: String = arguments(operation).into_iter().map(|(setter, value)| format!("    .{setter}({value})\n")).collect();
    if with_sample_body(operation) {
        out.push_str(&format!("    .body({}::sample())\n", operation.body_type.as_deref().unwrap_or_default()));
    }
    out
}

/// Whether `operation` takes a JSON or form body the mock module has a
/// `Sample` of (see `mock_rs::samples`), and is otherwise usable.
fn with_sample_body(operation: &OperationFacts) -> bool {
    let typed = operation.body_type.as_deref().is_some_and(|ty| ty.starts_with("types::"));
    let structured = matches!(operation.body, Some(crate::model::BodyKind::Json | crate::model::BodyKind::Form));
    typed && structured && operation.example.body.is_some() && operation.example.arguments.is_some() && operation.example.success.is_some() && operation.upload.is_none()
}

/// The type of `operation`'s success body when the mock module has a
/// `Sample` of it (see `mock_rs::samples`): a JSON success with a canned
/// body, typed `types::X`.
fn success_sample(operation: &OperationFacts) -> Option<&str> {
    let success = operation.example.success.as_ref()?;
    let json = success.body.as_ref().is_some_and(|(media, _)| media.contains("json"));
    let ty = operation.success_type.as_deref().filter(|ty| ty.starts_with("types::"))?;
    (json && operation.outcomes.is_empty()).then_some(ty)
}

/// The first documented success status (200 for a range or `default`).
pub(super) fn success_status(operation: &OperationFacts) -> u16 {
    use crate::model::Status;
    let codes = operation.responses.iter().filter(|r| r.success).filter_map(|r| match r.status {
        Status::Code(code) => Some(code),
        _ => None,
    });
    codes.min().unwrap_or(200)
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
