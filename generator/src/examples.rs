//! What the crate's doc examples need to know of one operation: literal
//! values for its required parameters, and what a server would answer on
//! success and on a documented error (from the spec's examples, else
//! [`sample`](crate::sample)d from the schemas), so every example runs
//! against a local server in `cargo test`.

use openapiv3::{Operation, ReferenceOr};
use serde_json::Value;

use crate::resolve::{self, Resolved};
use crate::sample::Sampler;

/// How an operation appears in examples.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationExample {
    /// Setter and Rust expression per required parameter; `None` when a
    /// required parameter has no literal form.
    pub arguments: Option<Vec<(String, String)>>,
    /// The first documented success, as a server would send it.
    pub success: Option<CannedResponse>,
    /// The first documented 4xx that is not retried (408, 429), as a server would send it.
    pub error: Option<CannedResponse>,
    /// Every documented status with an example or a sample (a range as its
    /// first code, `4XX` as 400), successes settled as `success` is.
    pub documented: Vec<CannedResponse>,
    /// One item of a paginated success, as JSON text (the first of the
    /// success sample's items), for mocks.
    pub item: Option<String>,
    /// The JSON (or form) request body's example or sample, as JSON text.
    pub body: Option<String>,
}

/// A response a local server sends in a doc example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannedResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` and body, if there is a body.
    pub body: Option<(String, String)>,
}

/// The example facts of `operation`.
/// `success_when` is the operation's `x-success-when` (pointer, value).
pub fn of<'a>(
    sampler: &Sampler<'a>,
    operation: &'a Operation,
    parameters: &[Resolved<'_>],
    success_when: Option<&(String, String)>,
) -> OperationExample {
    let arguments = parameters
        .iter()
        .filter(|parameter| parameter.data.required)
        .map(|parameter| {
            let value = crate::model::example_value(parameter.data, parameter.schema)?;
            Some((crate::names::field_name(parameter.progenitor_name()), value))
        })
        .collect();
    let outcomes = match operation.extensions.get("x-sdk-outcomes") {
        Some(Value::Array(outcomes)) => outcomes.as_slice(),
        _ => &[],
    };
    let mut success = match outcomes.first() {
        Some(outcome) => canned_outcome(sampler, outcome),
        None => canned(sampler, operation, |code| (200..300).contains(&code)),
    };
    let settled = |canned: &mut CannedResponse| {
        if let Some((_, text)) = canned.body.as_mut() {
            if let Ok(mut value) = serde_json::from_str::<Value>(text) {
                settle(&mut value, operation, success_when);
                *text = value.to_string();
            }
        }
    };
    if let Some(canned) = success.as_mut() {
        settled(canned);
    }
    let mut documented = Vec::new();
    for (status, response) in operation.responses.responses.iter() {
        let code = match status {
            openapiv3::StatusCode::Code(code) => *code,
            openapiv3::StatusCode::Range(range) => range * 100,
        };
        let outcome = outcomes.iter().find(|outcome| outcome["status"].as_str().is_some_and(|s| s.replace("XX", "00") == code.to_string()));
        let canned = match outcome {
            Some(outcome) => canned_outcome(sampler, outcome),
            None => resolve::response_item(sampler.document(), response).ok().and_then(|response| canned_response(sampler, code, response)),
        };
        if let Some(mut canned) = canned {
            if (200..300).contains(&code) {
                settled(&mut canned);
            }
            documented.push(canned);
        }
    }
    let item = operation
        .extensions
        .get("x-pagination")
        .and_then(|pagination| pagination.get("items")?.as_str())
        .zip(success.as_ref().and_then(|s| s.body.as_ref()))
        .and_then(|(pointer, (_, text))| serde_json::from_str::<Value>(text).ok()?.pointer(pointer)?.get(0).cloned())
        .map(|item| item.to_string());
    OperationExample {
        arguments,
        success,
        error: canned(sampler, operation, |code| (400..500).contains(&code) && code != 408 && code != 429),
        documented,
        item,
        body: request_body(sampler, operation).map(|value| value.to_string()),
    }
}

/// The example (or sample) of a JSON or form request body.
fn request_body<'a>(sampler: &Sampler<'a>, operation: &'a Operation) -> Option<Value> {
    let body = resolve::request_body_item(sampler.document(), operation.request_body.as_ref()?).ok()?;
    let (media_type, media) = body.content.iter().next()?;
    let structured = media_type.starts_with("application/json") || media_type.contains("+json") || media_type.starts_with("application/x-www-form-urlencoded");
    if !structured {
        return None;
    }
    media_example(media).or_else(|| sampler.sample(media.schema.as_ref()?))
}

fn media_example(media: &openapiv3::MediaType) -> Option<Value> {
    media.example.clone().or_else(|| {
        media.examples.values().find_map(|example| match example {
            ReferenceOr::Item(example) => example.value.clone(),
            ReferenceOr::Reference { .. } => None,
        })
    })
}

/// The first response whose status passes `wanted`, canned; `None` when
/// its JSON body has neither an example nor a sure sample.
fn canned<'a>(sampler: &Sampler<'a>, operation: &'a Operation, wanted: impl Fn(u16) -> bool) -> Option<CannedResponse> {
    let (status, response) = operation.responses.responses.iter().find_map(|(status, response)| {
        let code = match status {
            openapiv3::StatusCode::Code(code) => *code,
            openapiv3::StatusCode::Range(range) => range * 100,
        };
        wanted(code).then_some((code, response))
    })?;
    let response = resolve::response_item(sampler.document(), response).ok()?;
    canned_response(sampler, status, response)
}

/// `response` canned with `status`; `None` when its JSON body has neither
/// an example nor a sure sample.
fn canned_response<'a>(sampler: &Sampler<'a>, status: u16, response: &'a openapiv3::Response) -> Option<CannedResponse> {
    let Some((media_type, media)) = response.content.iter().next() else {
        return Some(CannedResponse { status, body: None });
    };
    let is_json = media_type.starts_with("application/json") || media_type.contains("+json");
    if !is_json {
        return Some(CannedResponse { status, body: Some((media_type.clone(), "example".to_owned())) });
    }
    let value = media_example(media).or_else(|| sampler.sample(media.schema.as_ref()?))?;
    Some(CannedResponse { status, body: Some(("application/json".to_owned(), value.to_string())) })
}

/// The first of several success outcomes (`x-sdk-outcomes`, written by
/// `normalize` in place of the responses' bodies), canned.
fn canned_outcome(sampler: &Sampler<'_>, outcome: &Value) -> Option<CannedResponse> {
    let status = outcome["status"].as_str()?.replace("XX", "00").parse().ok()?;
    let body = match outcome["kind"].as_str() {
        Some("json") => {
            let reference = format!("#/components/schemas/{}", outcome["schema"].as_str()?);
            Some(("application/json".to_owned(), sampler.sample_reference(&reference)?.to_string()))
        }
        Some("stream") => Some(("application/octet-stream".to_owned(), "example".to_owned())),
        _ => None,
    };
    Some(CannedResponse { status, body })
}

/// Makes a success sample say what the client expects of one whole
/// answer: the success value of `x-success-when`, and a last page for
/// `x-pagination` (no next cursor, page 1 of 1), so examples end.
fn settle(value: &mut Value, operation: &Operation, success_when: Option<&(String, String)>) {
    let text = |extension: &Value, key: &str| extension.get(key).and_then(Value::as_str).map(str::to_owned);
    if let Some((pointer, expected)) = success_when {
        set(value, pointer, Value::String(expected.clone()));
    }
    if let Some(pagination) = operation.extensions.get("x-pagination") {
        if let Some(next) = text(pagination, "next") {
            set(value, &next, Value::Null);
        }
        for key in ["page", "total_pages"] {
            if let Some(pointer) = text(pagination, key) {
                set(value, &pointer, Value::from(1));
            }
        }
    }
}

/// Sets the value at JSON `pointer`, creating objects on the way.
fn set(root: &mut Value, pointer: &str, new: Value) {
    let mut current = root;
    let segments: Vec<String> = pointer.trim_start_matches('/').split('/').map(resolve::unescape).collect();
    for (index, segment) in segments.iter().enumerate() {
        let Value::Object(map) = current else { return };
        if index + 1 == segments.len() {
            map.insert(segment.clone(), new);
            return;
        }
        current = map.entry(segment.clone()).or_insert_with(|| Value::Object(Default::default()));
    }
}
