//! One call being built: the per-call context that generated code fills in
//! from a request builder, parameter by parameter, and then sends.
//!
//! Each setter serialises its value the way the spec's `style` says, checks
//! the documented constraint, and remembers the first problem instead of
//! failing at once, so generated code reads as a plain list of what is sent;
//! [`Call::send`] reports the problem before anything goes out.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use serde::Serialize;
use serde_json::Value;

use super::context::ClientContext;
use super::options::CallOptions;
use super::error::CallError;
use super::operation::{Location, Operation, Style};
use super::response::Response;

/// A request for one operation, as the generated code builds it.
#[derive(Debug)]
pub struct Call<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) context: &'a ClientContext,
    pub(crate) base_url: &'a str,
    pub(crate) operation: &'static Operation,
    /// The path template, with each `{name}` replaced as it is set.
    pub(crate) path: String,
    /// Query pairs, in the order they were set.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    /// The body; one held in memory can be sent again on a retry, a stream
    /// (an upload) cannot.
    pub(crate) body: Option<reqwest::Body>,
    /// `name=value` pairs for the `Cookie` header.
    pub(crate) cookies: Vec<String>,
    /// The first parameter problem; reported by `send`, before sending.
    pub(crate) problem: Option<CallError>,
    /// Settings of this call that override the client's.
    pub(crate) options: Option<CallOptions>,
}

impl<'a> Call<'a> {
    /// Starts a call of `operation` on the client with these parts.
    pub fn new(http: &'a reqwest::Client, context: &'a ClientContext, base_url: &'a str, operation: &'static Operation) -> Self {
        Self {
            http,
            context,
            base_url,
            operation,
            path: operation.path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            cookies: Vec::new(),
            problem: None,
            options: None,
        }
    }

    /// Sets the path parameter `name` (the builder's value: `Err` when it was
    /// not set or did not convert).
    pub fn path<T: Serialize>(&mut self, name: &'static str, value: Result<T, String>) {
        let Some(values) = self.serialised(Location::Path, name, value) else { return };
        let Some(segment) = values.comma_joined() else { return self.fail(name, "is required but was not set") };
        self.path = self.path.replace(&format!("{{{name}}}"), &progenitor_client::encode_path(&segment));
    }

    /// Adds the query parameter `name`; an absent optional value adds nothing.
    pub fn query<T: Serialize>(&mut self, name: &'static str, value: Result<T, String>) {
        let Some(values) = self.serialised(Location::Query, name, value) else { return };
        let style = self.operation.parameter(Location::Query, name).map_or(Style::Form { explode: true }, |p| p.style);
        let joined = |items: Vec<String>, separator: &str| vec![(name.to_owned(), items.join(separator))];
        let pairs = match (values, style) {
            (Serialised::Absent, _) => return,
            (Serialised::Scalar(text), _) => vec![(name.to_owned(), text)],
            (Serialised::List(items), Style::Form { explode: true }) => {
                items.into_iter().map(|item| (name.to_owned(), item)).collect()
            }
            (Serialised::List(items), Style::SpaceDelimited) => joined(items, " "),
            (Serialised::List(items), Style::PipeDelimited) => joined(items, "|"),
            (Serialised::List(items), _) => joined(items, ","),
            (Serialised::Pairs(pairs), Style::DeepObject) => {
                pairs.into_iter().map(|(key, value)| (format!("{name}[{key}]"), value)).collect()
            }
            (Serialised::Pairs(pairs), Style::Form { explode: true }) => pairs,
            (Serialised::Pairs(pairs), _) => joined(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(), ","),
        };
        self.query.extend(pairs);
    }

    /// Sets the header parameter `name`; an absent optional value sets nothing.
    pub fn header<T: Serialize>(&mut self, name: &'static str, value: Result<T, String>) {
        let Some(text) = self.serialised(Location::Header, name, value).and_then(Serialised::comma_joined) else { return };
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&text)) {
            (Ok(header), Ok(value)) => {
                self.headers.insert(header, value);
            }
            (Err(_), _) => self.fail(name, "is not a valid HTTP header name"),
            (_, Err(_)) => self.fail(name, "contains characters an HTTP header cannot carry"),
        }
    }

    /// Adds the cookie `name` to the `Cookie` header; an absent optional
    /// value adds nothing. Arrays and objects are comma-joined (`style:
    /// form`, `explode: false`, the only form a cookie can carry).
    pub fn cookie<T: Serialize>(&mut self, name: &'static str, value: Result<T, String>) {
        let Some(text) = self.serialised(Location::Cookie, name, value).and_then(Serialised::comma_joined) else { return };
        self.cookies.push(format!("{name}={}", percent_encode_cookie(&text)));
    }

    /// Sends `value` as a JSON body.
    pub fn json_body<T: Serialize>(&mut self, value: Result<T, String>) {
        let Some(value) = self.body_value(value) else { return };
        match serde_json::to_vec(&value) {
            Ok(bytes) => self.set_body(bytes.into(), "application/json"),
            Err(error) => self.fail("body", format!("cannot be serialised as JSON: {error}")),
        }
    }

    /// Sends `value` as an `application/x-www-form-urlencoded` body.
    pub fn form_body<T: Serialize>(&mut self, value: Result<T, String>) {
        let Some(value) = self.body_value(value) else { return };
        match serde_urlencoded::to_string(&value) {
            Ok(text) => self.set_body(text.into(), "application/x-www-form-urlencoded"),
            Err(error) => self.fail("body", format!("cannot be form-encoded: {error}")),
        }
    }

    /// Sends `value` as is, with `content_type`. A body made from bytes in
    /// memory can be sent again on a retry; a stream cannot.
    pub fn raw_body(&mut self, value: Result<reqwest::Body, String>, content_type: &'static str) {
        let Some(body) = self.body_value(value) else { return };
        self.set_body(body, content_type);
    }

    /// Sends `form` as a `multipart/form-data` body, with its boundary and,
    /// when every part's length is known, a `Content-Length`.
    pub fn multipart_body(&mut self, form: super::multipart::Multipart) {
        let form = match form.into_form() {
            Ok(form) => form,
            Err(field) => return self.fail(&field, "has a content type that is not a valid MIME type"),
        };
        // reqwest writes the multipart framing only through a request
        // builder; this request is never sent, its body and headers are taken.
        let framed = self.http.request(reqwest::Method::POST, "http://localhost/").multipart(form).build();
        match framed {
            Ok(mut framed) => {
                for name in [CONTENT_TYPE, CONTENT_LENGTH] {
                    if let Some(value) = framed.headers_mut().remove(&name) {
                        self.headers.insert(name, value);
                    }
                }
                self.body = framed.body_mut().take();
            }
            Err(error) => self.fail("body", format!("cannot be framed as multipart/form-data: {error}")),
        }
    }

    /// Sets the `Content-Type` and `Content-Length` of an upload, so that a
    /// streamed body goes out with its real type and a length, not chunked.
    pub fn body_headers(&mut self, content_type: &str, length: u64) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.headers.insert(CONTENT_TYPE, value);
            }
            Err(_) => return self.fail("body", format!("the content type `{content_type}` is not a valid header value")),
        }
        self.headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }

    /// Applies `options` to this call: extra headers, a total timeout, a
    /// retry policy and an idempotency key that replace the client's (see
    /// [`CallOptions`] for how each applies). A later call of this method
    /// replaces the options an earlier one set.
    pub fn options(&mut self, options: &CallOptions) {
        self.options = Some(options.clone());
    }

    /// Sends the call through the pipeline: a problem recorded while the
    /// call was built is returned before anything is sent; then the request
    /// is built (default headers, `Accept`, the idempotency key) and
    /// attempted with credentials and hand-followed redirects, retried as
    /// the client's policy and the operation allow, within
    /// `Timeouts::attempt` per attempt and `Timeouts::total` for the call (a
    /// streamed body has neither, and is never retried).
    ///
    /// # Errors
    ///
    /// A [`CallError`] (which `?` turns into the crate's `Error`) when a
    /// parameter was missing or invalid (nothing is sent), or no response
    /// came within the time limits.
    pub async fn send(self) -> Result<Response, CallError> {
        super::execute::execute(self).await
    }

    fn set_body(&mut self, body: reqwest::Body, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.body = Some(body);
                self.headers.insert(CONTENT_TYPE, value);
            }
            Err(_) => self.fail("body", format!("the media type `{content_type}` is not a valid header value")),
        }
    }

    /// The body, or `None` after recording why there is none. typify's
    /// builders report a body field at fault in their own words, which name
    /// the field; the error then names it too.
    fn body_value<T>(&mut self, value: Result<T, String>) -> Option<T> {
        match value {
            Ok(value) => Some(value),
            Err(message) => {
                let (parameter, reason) = body_problem(&message);
                self.fail(&parameter, reason);
                None
            }
        }
    }

    /// The value serialised for the wire, or `None` after recording a
    /// problem (missing, unconvertible, or breaking a documented constraint).
    fn serialised<T: Serialize>(&mut self, location: Location, name: &'static str, value: Result<T, String>) -> Option<Serialised> {
        let value = match value {
            Ok(value) => value,
            Err(message) => {
                self.fail(name, builder_problem(&message));
                return None;
            }
        };
        let serialised = match serde_json::to_value(&value) {
            Ok(json) => Serialised::from_json(json),
            Err(error) => {
                self.fail(name, format!("cannot be serialised: {error}"));
                return None;
            }
        };
        if let Some(rule) = self.operation.parameter(location, name).and_then(|parameter| parameter.rule) {
            for text in serialised.texts() {
                if let Err(message) = super::validate::check(text, rule) {
                    self.fail(name, message);
                    return None;
                }
            }
        }
        Some(serialised)
    }

    fn fail(&mut self, parameter: &str, message: impl Into<String>) {
        if self.problem.is_none() {
            self.problem = Some(CallError::validation(self.operation, parameter, message));
        }
    }
}

/// A cookie value with the bytes a cookie cannot carry (controls, space,
/// `"`, `,`, `;`, `\\`, `%` and non-ASCII) percent-encoded.
fn percent_encode_cookie(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_graphic() && !matches!(byte, b'"' | b',' | b';' | b'\\' | b'%') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A parameter value as text for the wire.
enum Serialised {
    /// `null`, or an optional value that was not set.
    Absent,
    /// A string, number or boolean.
    Scalar(String),
    /// An array, item by item.
    List(Vec<String>),
    /// An object, property by property.
    Pairs(Vec<(String, String)>),
}

impl Serialised {
    fn from_json(json: Value) -> Self {
        match json {
            Value::Null => Serialised::Absent,
            Value::Array(items) => Serialised::List(items.into_iter().map(scalar_text).collect()),
            Value::Object(map) => Serialised::Pairs(map.into_iter().map(|(key, value)| (key, scalar_text(value))).collect()),
            scalar => Serialised::Scalar(scalar_text(scalar)),
        }
    }

    /// The `simple` (and unexploded `form`) text: a list or an object's
    /// key,value pairs joined with commas; `None` when absent.
    fn comma_joined(self) -> Option<String> {
        match self {
            Serialised::Absent => None,
            Serialised::Scalar(text) => Some(text),
            Serialised::List(items) => Some(items.join(",")),
            Serialised::Pairs(pairs) => Some(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect::<Vec<_>>().join(",")),
        }
    }

    /// Every piece of text that goes on the wire, for constraint checks.
    fn texts(&self) -> Vec<&str> {
        match self {
            Serialised::Absent => Vec::new(),
            Serialised::Scalar(text) => vec![text],
            Serialised::List(items) => items.iter().map(String::as_str).collect(),
            Serialised::Pairs(pairs) => pairs.iter().map(|(_, value)| value.as_str()).collect(),
        }
    }
}

fn scalar_text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// progenitor's builders store `"<name> was not initialized"` for a required
/// parameter that was never set, and a conversion message otherwise.
fn builder_problem(message: &str) -> String {
    if message.ends_with(" was not initialized") {
        "is required but was not set".to_owned()
    } else {
        message.to_owned()
    }
}

/// typify's struct builders report `"no value supplied for <field>"` and
/// `"error converting supplied value for <field>: <reason>"`; anything else
/// is about the body as a whole.
fn body_problem(message: &str) -> (String, String) {
    if let Some((field, reason)) = message.strip_prefix("error converting supplied value for ").and_then(|rest| rest.split_once(": ")) {
        return (field.to_owned(), reason.to_owned());
    }
    if let Some(field) = message.strip_prefix("no value supplied for ") {
        return (field.to_owned(), "is required but was not set".to_owned());
    }
    if let Some((_, reason)) = message.split_once(" for body failed: ") {
        return body_problem(reason);
    }
    ("body".to_owned(), builder_problem(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_messages_name_the_field_at_fault() {
        let field = "error converting supplied value for title: longer than 255 characters";
        assert_eq!(body_problem(field), ("title".into(), "longer than 255 characters".into()));
        assert_eq!(body_problem("no value supplied for title"), ("title".into(), "is required but was not set".into()));
        let nested = "conversion to `NewAttachment` for body failed: error converting supplied value for title: too long";
        assert_eq!(body_problem(nested), ("title".into(), "too long".into()));
        assert_eq!(body_problem("body was not initialized"), ("body".into(), "is required but was not set".into()));
        assert_eq!(builder_problem("conversion to `Id` for asset_id failed"), "conversion to `Id` for asset_id failed");
    }

    #[test]
    fn values_serialise_by_shape() {
        let texts = |json: Value| Serialised::from_json(json).texts().into_iter().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(texts(serde_json::json!("a b")), ["a b"]);
        assert_eq!(texts(serde_json::json!(12)), ["12"]);
        assert_eq!(texts(serde_json::json!(true)), ["true"]);
        assert_eq!(texts(serde_json::json!(["x", 2])), ["x", "2"]);
        assert!(texts(serde_json::json!(null)).is_empty());
    }
}
