//! Local mock servers that speak a generated client's wire format, for
//! tests (cargo feature `mock`).
//!
//! A generated crate's `mock` module wraps these types with one typed
//! method per operation; this module holds what they share: a local
//! [`wiremock`] server on which every mock checks a request the way the API
//! would — method, path under the server's base path, parameters as their
//! `style` writes them, the body, the documented default headers, `Accept`,
//! the idempotency key, and the credentials of one `security` alternative
//! (NAVER Cloud signatures recomputed, not just looked for) — page chains
//! that follow `x-pagination`'s end rules, documented responses, and a
//! fallback that answers any other request with `501` and says, mock by
//! mock, why none took it.
//!
//! The checks are written from the OpenAPI rules and the vendors' pages,
//! not by calling the client's own serialisers, so a test against a mock
//! fails when the client's wire behaviour drifts. Misuse (a value that does
//! not serialise, a status the spec does not document) panics, as an
//! assertion does: this is test code. A request no mock matches is a failed
//! expectation too: dropping the server (or [`MockServer::verify`]) panics.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate, Times};

use super::ncp_signature::ncp_signature_v2;
use super::operation::{Idempotency, Location, Operation, Style};

/// The server the mocks run on, for what the typed helpers do not cover
/// ([`MockServer::wiremock`], [`Expectation::respond_with`]).
pub use wiremock;

/// How far an NCP timestamp may be from the server's clock: the API
/// Gateway refuses requests older (or newer) than five minutes.
const NCP_TIMESTAMP_WINDOW_MS: u128 = 5 * 60 * 1000;

/// The status of the fallback answer: a request no mock matches. Not a
/// status the clients retry, so the test sees it at once.
const UNMATCHED_STATUS: u16 = 501;

/// One security scheme as the mock server checks it, with the test
/// credential it accepts (the generated `MockServer::credentials()`).
#[derive(Clone, Copy, Debug)]
pub struct Scheme {
    /// The scheme's name in the spec.
    pub name: &'static str,
    /// How a request carries the credential.
    pub check: SchemeCheck,
}

/// How a request must carry one scheme's test credential.
#[derive(Clone, Copy, Debug)]
pub enum SchemeCheck {
    /// The key in the header `header`.
    HeaderApiKey {
        /// The header name.
        header: &'static str,
        /// The accepted key.
        key: &'static str,
    },
    /// The key in the query parameter `parameter`.
    QueryApiKey {
        /// The parameter name.
        parameter: &'static str,
        /// The accepted key.
        key: &'static str,
    },
    /// The key in the cookie `cookie`.
    CookieApiKey {
        /// The cookie name.
        cookie: &'static str,
        /// The accepted key.
        key: &'static str,
    },
    /// `Authorization: Bearer <token>` (bearer, OAuth2, OpenID Connect).
    Bearer {
        /// The accepted token.
        token: &'static str,
    },
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        /// The accepted user name.
        username: &'static str,
        /// The accepted password.
        password: &'static str,
    },
    /// A literal `Authorization` value.
    FixedAuthorization {
        /// The value.
        value: &'static str,
    },
    /// NAVER Cloud API Gateway signature v2: the access key, a timestamp
    /// within five minutes, and the signature of this very request.
    NcpSignatureV2 {
        /// The accepted access key.
        access_key: &'static str,
        /// The secret key the signature is recomputed with.
        secret_key: &'static str,
    },
}

impl SchemeCheck {
    /// Why `request` does not carry this credential, if it does not.
    fn verify(&self, request: &Request) -> Result<(), String> {
        let authorization = || header_text(request, "authorization").ok_or_else(|| "no `Authorization` header".to_owned());
        let expect_authorization = |expected: &str| {
            let found = authorization()?;
            if found == expected {
                Ok(())
            } else {
                Err(format!("`Authorization` is `{found}`, expected `{expected}`"))
            }
        };
        match *self {
            SchemeCheck::HeaderApiKey { header, key } => match header_text(request, header) {
                Some(found) if found == key => Ok(()),
                Some(found) => Err(format!("header `{header}` is `{found}`, expected `{key}`")),
                None => Err(format!("no `{header}` header")),
            },
            SchemeCheck::QueryApiKey { parameter, key } => {
                let found = query_values(request, parameter);
                if found.iter().any(|value| value == key) {
                    Ok(())
                } else {
                    Err(format!("query parameter `{parameter}` is {found:?}, expected `{key}`"))
                }
            }
            SchemeCheck::CookieApiKey { cookie, key } => match cookie_value(request, cookie) {
                Some(found) if found == key => Ok(()),
                Some(found) => Err(format!("cookie `{cookie}` is `{found}`, expected `{key}`")),
                None => Err(format!("no `{cookie}` cookie")),
            },
            SchemeCheck::Bearer { token } => expect_authorization(&format!("Bearer {token}")),
            SchemeCheck::FixedAuthorization { value } => expect_authorization(value),
            SchemeCheck::Basic { username, password } => {
                let found = authorization()?;
                let encoded = found.strip_prefix("Basic ").ok_or_else(|| format!("`Authorization` is `{found}`, not Basic"))?;
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| format!("`Authorization: Basic {encoded}` is not base64 of UTF-8 text"))?;
                let expected = format!("{username}:{password}");
                if decoded == expected {
                    Ok(())
                } else {
                    Err(format!("Basic credentials are `{decoded}`, expected `{expected}`"))
                }
            }
            SchemeCheck::NcpSignatureV2 { access_key, secret_key } => verify_ncp(request, access_key, secret_key),
        }
    }
}

/// The NAVER Cloud API Gateway's checks: the three headers, the access
/// key, a fresh timestamp, and the signature of method, path and query as
/// they arrived.
fn verify_ncp(request: &Request, access_key: &str, secret_key: &str) -> Result<(), String> {
    let header = |name: &str| header_text(request, name).ok_or_else(|| format!("no `{name}` header"));
    let (timestamp, found_key, signature) =
        (header("x-ncp-apigw-timestamp")?, header("x-ncp-iam-access-key")?, header("x-ncp-apigw-signature-v2")?);
    if found_key != access_key {
        return Err(format!("`x-ncp-iam-access-key` is `{found_key}`, expected `{access_key}`"));
    }
    let millis: u128 = timestamp.parse().map_err(|_| format!("`x-ncp-apigw-timestamp` `{timestamp}` is not milliseconds since the epoch"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    if now.abs_diff(millis) > NCP_TIMESTAMP_WINDOW_MS {
        return Err(format!("`x-ncp-apigw-timestamp` {millis} is more than five minutes from now ({now})"));
    }
    let signed = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let expected = ncp_signature_v2(request.method.as_str(), &signed, timestamp, access_key, secret_key);
    if signature == expected {
        Ok(())
    } else {
        Err(format!("`x-ncp-apigw-signature-v2` is `{signature}`, but `{} {signed}` at {timestamp} signs as `{expected}`", request.method))
    }
}

/// How an operation pages (`x-pagination`), with the spec's JSON pointers.
#[derive(Clone, Copy, Debug)]
pub enum Paging {
    /// Each page carries the next cursor (or token); null ends the list.
    Cursor {
        /// The query parameter the next request carries the cursor in.
        parameter: &'static str,
        /// Where a page holds the next cursor.
        next: &'static str,
        /// Where a page holds its items.
        items: &'static str,
    },
    /// Each page carries its number and the page count; the list ends on
    /// the last page (or an empty one).
    Number {
        /// The query parameter with the page number (the first page is 1).
        parameter: &'static str,
        /// Where a page holds its number.
        page: &'static str,
        /// Where a page holds the page count.
        total: &'static str,
        /// Where a page holds its items.
        items: &'static str,
    },
}

impl Paging {
    fn parameter(&self) -> &'static str {
        match self {
            Paging::Cursor { parameter, .. } | Paging::Number { parameter, .. } => parameter,
        }
    }
}

/// A response the spec documents for one status: its example, or a
/// sample built from its schema.
#[derive(Clone, Copy, Debug)]
pub struct Documented {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` and body, if the response has a body.
    pub body: Option<(&'static str, &'static str)>,
}

impl Documented {
    /// A documented response without a body.
    pub const fn empty(status: u16) -> Self {
        Self { status, body: None }
    }

    /// A documented response whose body is `text`, of `content_type`.
    pub const fn with_body(status: u16, content_type: &'static str, text: &'static str) -> Self {
        Self { status, body: Some((content_type, text)) }
    }
}

/// A local server for one API's mocks: start it, point a client at
/// [`MockServer::base_url`], and mount [`Expectation`]s.
pub struct MockServer {
    server: wiremock::MockServer,
    schemes: &'static [Scheme],
    base_path: String,
    mounted: Arc<Mutex<Vec<Arc<Checks>>>>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("base_url", &self.base_url()).finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on 127.0.0.1 that accepts the test credentials of
    /// `schemes` and serves the API under `base_path` (the path of the
    /// spec's server URL, such as `/v1`, or empty).
    pub async fn start(schemes: &'static [Scheme], base_path: &str) -> Self {
        let server = Self {
            server: wiremock::MockServer::start().await,
            schemes,
            base_path: base_path.trim_end_matches('/').to_owned(),
            mounted: Arc::default(),
        };
        server.mount_fallback().await;
        server
    }

    /// The base URL to build a client with: the server's address and the
    /// API's base path.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.server.uri(), self.base_path)
    }

    /// The underlying wiremock server, to mount mocks of your own or read
    /// the requests it received.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// Panics unless every mock was requested as often as it expects and
    /// every request matched a mock (dropping the server checks the same).
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    /// Forgets every mock and received request, without checking them
    /// (call [`MockServer::verify`] first to check them).
    pub async fn reset(&self) {
        self.server.reset().await;
        lock(&self.mounted).clear();
        self.mount_fallback().await;
    }

    /// Starts a mock of `operation`: add checks, then respond.
    pub fn operation(&self, operation: &'static Operation) -> Expectation<'_> {
        Expectation { server: self, operation, path_values: Vec::new(), checks: Vec::new(), times: None, envelope: None }
    }

    /// Every request that reaches no mock is answered `501`, with the
    /// reason each mounted mock refused it, and fails verification.
    async fn mount_fallback(&self) {
        Mock::given(wiremock::matchers::any())
            .respond_with(Unmatched(self.mounted.clone()))
            .with_priority(u8::MAX)
            .named(format!("requests no mock matches (answered {UNMATCHED_STATUS})"))
            .expect(0)
            .mount(&self.server)
            .await;
    }
}

/// One operation's mock being set up: checks on the request, how often it
/// is expected, then a `respond_*` method mounts it.
pub struct Expectation<'s> {
    server: &'s MockServer,
    operation: &'static Operation,
    path_values: Vec<(&'static str, String)>,
    checks: Vec<Check>,
    times: Option<Times>,
    envelope: Option<Value>,
}

impl fmt::Debug for Expectation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("operation", &self.operation.id)
            .field("path", &self.path_values)
            .field("checks", &self.checks)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<'s> Expectation<'s> {
    /// Only requests whose path parameter `name` is `value` (`simple` style).
    #[track_caller]
    pub fn path(mut self, name: &'static str, value: impl Serialize) -> Self {
        let text = wire(to_json(&value, name)).joined();
        self.path_values.retain(|(held, _)| *held != name);
        self.path_values.push((name, text));
        self
    }

    /// Only requests whose query parameter `name` is `value`, written as
    /// the parameter's `style` says.
    #[track_caller]
    pub fn query(mut self, name: &'static str, value: impl Serialize) -> Self {
        let style = self.operation.parameter(Location::Query, name).map_or(Style::Form { explode: true }, |p| p.style);
        let check = query_check(name, style, wire(to_json(&value, name)));
        self.checks.retain(|held| held.query_name() != Some(name));
        self.checks.push(check);
        self
    }

    /// Only requests whose header `name` is `value` (`simple` style).
    #[track_caller]
    pub fn header(mut self, name: &'static str, value: impl Serialize) -> Self {
        self.checks.push(Check::Header { name: name.to_ascii_lowercase(), value: wire(to_json(&value, name)).joined() });
        self
    }

    /// Only requests whose cookie `name` is `value` (`form` style, not exploded).
    #[track_caller]
    pub fn cookie(mut self, name: &'static str, value: impl Serialize) -> Self {
        self.checks.push(Check::Cookie { name: name.to_owned(), value: wire(to_json(&value, name)).joined() });
        self
    }

    /// Only requests with this JSON body (compared as JSON values, so
    /// key order and spacing do not matter) and a JSON `Content-Type`.
    #[track_caller]
    pub fn json_body(mut self, value: impl Serialize) -> Self {
        self.checks.push(Check::JsonBody(to_json(&value, "body")));
        self
    }

    /// Only requests with this `application/x-www-form-urlencoded` body
    /// (the same pairs, in any order).
    #[track_caller]
    pub fn form_body(mut self, value: impl Serialize) -> Self {
        let text = serde_urlencoded::to_string(&value).unwrap_or_else(|error| panic!("mock of {}: the body cannot be form-encoded: {error}", self.operation.id));
        self.checks.push(Check::FormBody(sorted_pairs(&text)));
        self
    }

    /// Only requests whose body is exactly `bytes`.
    pub fn raw_body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.checks.push(Check::RawBody { bytes: bytes.into(), content_length: false });
        self
    }

    /// Only requests whose body is exactly `bytes`, sent with a
    /// `Content-Length` (as uploads are), not chunked.
    pub fn upload_body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.checks.push(Check::RawBody { bytes: bytes.into(), content_length: true });
        self
    }

    /// [`path`](Self::path) with `value` converted to `T`, the type the
    /// builder sends: a value that does not convert is a mistake in the
    /// test, which panics where the mock's setter was called.
    #[track_caller]
    pub fn path_as<T: Serialize, V: TryInto<T>>(self, name: &'static str, value: V) -> Self {
        let value = self.converted(Some(name), value);
        self.path(name, value)
    }

    /// [`query`](Self::query) with `value` converted to `T` (see [`path_as`](Self::path_as)).
    #[track_caller]
    pub fn query_as<T: Serialize, V: TryInto<T>>(self, name: &'static str, value: V) -> Self {
        let value = self.converted(Some(name), value);
        self.query(name, value)
    }

    /// [`header`](Self::header) with `value` converted to `T` (see [`path_as`](Self::path_as)).
    #[track_caller]
    pub fn header_as<T: Serialize, V: TryInto<T>>(self, name: &'static str, value: V) -> Self {
        let value = self.converted(Some(name), value);
        self.header(name, value)
    }

    /// [`cookie`](Self::cookie) with `value` converted to `T` (see [`path_as`](Self::path_as)).
    #[track_caller]
    pub fn cookie_as<T: Serialize, V: TryInto<T>>(self, name: &'static str, value: V) -> Self {
        let value = self.converted(Some(name), value);
        self.cookie(name, value)
    }

    /// [`json_body`](Self::json_body) with `value` converted to `T` (see [`path_as`](Self::path_as)).
    #[track_caller]
    pub fn json_body_as<T: Serialize, V: TryInto<T>>(self, value: V) -> Self {
        let value = self.converted(None, value);
        self.json_body(value)
    }

    /// [`form_body`](Self::form_body) with `value` converted to `T` (see [`path_as`](Self::path_as)).
    #[track_caller]
    pub fn form_body_as<T: Serialize, V: TryInto<T>>(self, value: V) -> Self {
        let value = self.converted(None, value);
        self.form_body(value)
    }

    /// `value` as a `T`, or a panic naming the operation, the parameter
    /// `name` (the body when none) and `T`.
    #[track_caller]
    fn converted<T, V: TryInto<T>>(&self, name: Option<&str>, value: V) -> T {
        match value.try_into() {
            Ok(value) => value,
            Err(_) => {
                let what = name.map_or_else(|| "the body".to_owned(), |name| format!("the value for `{name}`"));
                panic!("mock of {}: {what} does not convert to `{}`", self.operation.id, short_type_name::<T>())
            }
        }
    }

    /// Only requests whose `Content-Type` is `content_type` (parameters
    /// such as `charset` aside).
    pub fn content_type(mut self, content_type: &str) -> Self {
        self.checks.push(Check::ContentType(content_type.to_ascii_lowercase()));
        self
    }

    /// Only `multipart/form-data` requests with a part named `name` whose
    /// content is exactly `content` (a text field or a file).
    pub fn part(mut self, name: &str, content: impl Into<Vec<u8>>) -> Self {
        self.checks.push(Check::Part { name: name.to_owned(), content: content.into() });
        self
    }

    /// How many matching requests the mock expects (a number or a range);
    /// checked when the server is verified or dropped. Pages each expect
    /// one request unless this says otherwise.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// The page body [`Expectation::respond_pages`] fills in, instead of the
    /// documented one.
    #[track_caller]
    pub fn envelope(mut self, page: impl Serialize) -> Self {
        self.envelope = Some(to_json(&page, "envelope"));
        self
    }

    /// Answers with `response`, as given.
    pub async fn respond_with(self, response: ResponseTemplate) {
        let label = self.operation.id.to_owned();
        let (checks, times) = (self.checks.clone(), self.times.clone());
        self.mount(label, checks, response, times).await;
    }

    /// Answers `status` with `body` as JSON.
    #[track_caller]
    pub fn respond_json<T: Serialize + ?Sized>(self, status: u16, body: &T) -> impl std::future::Future<Output = ()> + 's {
        let text = to_json(body, "response body").to_string();
        self.respond_with(response(status, Some(("application/json", &text))))
    }

    /// Answers `status` without a body.
    pub async fn respond_status(self, status: u16) {
        self.respond_with(response(status, None)).await;
    }

    /// Answers `status` with `body` as `content_type`.
    pub async fn respond_bytes(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
        let template = response(status, None).set_body_raw(body.into(), content_type);
        self.respond_with(template).await;
    }

    /// Answers `status` as the spec documents it in `documented` (its
    /// example, or a sample built from its schema).
    ///
    /// # Panics
    ///
    /// When `documented` has no response for `status`.
    #[track_caller]
    pub fn respond_documented(self, status: u16, documented: &[Documented]) -> impl std::future::Future<Output = ()> + 's {
        let Some(found) = documented.iter().find(|response| response.status == status) else {
            let known: Vec<u16> = documented.iter().map(|response| response.status).collect();
            panic!("mock of {}: the spec documents no response for {status} with an example; documented: {known:?}", self.operation.id);
        };
        self.respond_with(response(status, found.body))
    }

    /// Answers `status` with the documented success body whose
    /// `x-success-when` field holds `value` instead of the success value:
    /// a failure the API reports inside a 2xx envelope.
    ///
    /// # Panics
    ///
    /// When the operation has no `x-success-when`, or `documented` is not
    /// a JSON body.
    #[track_caller]
    pub fn respond_failed_envelope(self, status: u16, documented: &str, value: &str) -> impl std::future::Future<Output = ()> + 's {
        let rule = self.operation.success_when.unwrap_or_else(|| panic!("mock of {}: the operation has no `x-success-when` envelope", self.operation.id));
        let mut body: Value = serde_json::from_str(documented).unwrap_or_else(|error| panic!("mock of {}: the documented body is not JSON: {error}", self.operation.id));
        set_pointer(&mut body, rule.pointer, Value::String(value.to_owned()));
        self.respond_with(response(status, Some(("application/json", &body.to_string()))))
    }

    /// Answers with `pages`, in order, each one item list, linked the way
    /// `paging` says: a cursor chain that ends with a null cursor, or page
    /// numbers from the first request's (1 when it sends none) with the
    /// page count. The body is the [envelope](Expectation::envelope), or
    /// `documented` (the documented success), with the items, the paging
    /// fields and the `x-success-when` value set. Each page expects one
    /// request unless [`Expectation::expect`] says otherwise; no pages at
    /// all answer one empty last page.
    #[track_caller]
    pub fn respond_pages(self, status: u16, paging: Paging, documented: &str, pages: Vec<Vec<Value>>) -> impl std::future::Future<Output = ()> + 's {
        let envelope = self.envelope.clone().unwrap_or_else(|| serde_json::from_str(documented).unwrap_or_else(|_| Value::Object(Default::default())));
        let pages = if pages.is_empty() { vec![Vec::new()] } else { pages };
        let parameter = paging.parameter();
        let first_check = self.checks.iter().find(|check| check.query_name() == Some(parameter)).cloned();
        let first_number = match &first_check {
            Some(Check::Query { values, .. }) => values.first().and_then(|value| value.parse::<u64>().ok()).unwrap_or(1),
            _ => 1,
        };
        let count = pages.len();
        let mut mounts = Vec::new();
        for (index, items) in pages.into_iter().enumerate() {
            let mut body = envelope.clone();
            let mut checks: Vec<Check> = self.checks.iter().filter(|check| check.query_name() != Some(parameter)).cloned().collect();
            let last = index + 1 == count;
            let label = format!("{} page {} of {count}", self.operation.id, index + 1);
            match paging {
                Paging::Cursor { next, items: pointer, .. } => {
                    checks.push(match (index, &first_check) {
                        (0, Some(check)) => check.clone(),
                        (0, None) => Check::QueryAbsent { name: parameter.to_owned() },
                        (_, _) => Check::Query { name: parameter.to_owned(), values: vec![cursor(index)] },
                    });
                    set_pointer(&mut body, next, if last { Value::Null } else { Value::String(cursor(index + 1)) });
                    set_pointer(&mut body, pointer, Value::Array(items));
                }
                Paging::Number { page, total, items: pointer, .. } => {
                    let number = first_number + index as u64;
                    checks.push(match (index, &first_check) {
                        (0, Some(check)) => check.clone(),
                        (0, None) => Check::PageNumber { name: parameter.to_owned(), number, or_absent: true },
                        (_, _) => Check::PageNumber { name: parameter.to_owned(), number, or_absent: false },
                    });
                    set_pointer(&mut body, page, Value::from(number));
                    set_pointer(&mut body, total, Value::from(first_number + count as u64 - 1));
                    set_pointer(&mut body, pointer, Value::Array(items));
                }
            }
            if let Some(rule) = self.operation.success_when {
                set_pointer(&mut body, rule.pointer, Value::String(rule.equals.to_owned()));
            }
            let template = response(status, Some(("application/json", &body.to_string())));
            mounts.push((label, checks, template));
        }
        let times = self.times.clone().unwrap_or_else(|| Times::from(1));
        async move {
            for (label, checks, template) in mounts {
                self.mount(label, checks, template, Some(times.clone())).await;
            }
        }
    }

    async fn mount(&self, label: String, checks: Vec<Check>, template: ResponseTemplate, times: Option<Times>) {
        let checks = Arc::new(Checks {
            label: label.clone(),
            operation: self.operation,
            base_path: self.server.base_path.clone(),
            schemes: self.server.schemes,
            path_values: self.path_values.clone(),
            checks,
        });
        lock(&self.server.mounted).push(checks.clone());
        let mut mock = Mock::given(Matcher(checks)).respond_with(template).named(label);
        if let Some(times) = times {
            mock = mock.expect(times);
        }
        mock.mount(&self.server.server).await;
    }
}

/// A value's sample from the spec, decoded into its generated type.
///
/// # Panics
///
/// When `json` does not decode into `T`: the spec's example does not match
/// its own schema.
#[track_caller]
pub fn sample<T: DeserializeOwned>(json: &str, type_name: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|error| panic!("the spec's sample of `{type_name}` does not decode: {error}\n{json}"))
}

/// `T`'s name without module paths (`Option<String>`, not
/// `core::option::Option<alloc::string::String>`).
fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    let mut short = String::with_capacity(full.len());
    let mut path = String::new();
    for character in full.chars().chain(std::iter::once('\0')) {
        if character.is_alphanumeric() || character == '_' || character == ':' {
            path.push(character);
            continue;
        }
        short.push_str(path.rsplit("::").next().unwrap_or_default());
        path.clear();
        if character != '\0' {
            short.push(character);
        }
    }
    short
}

/// `value` as JSON, for a page item or a body.
///
/// # Panics
///
/// When `value` does not serialise.
#[track_caller]
pub fn to_json<T: Serialize + ?Sized>(value: &T, what: &str) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| panic!("mock: {what} does not serialise as JSON: {error}"))
}

fn response(status: u16, body: Option<(&str, &str)>) -> ResponseTemplate {
    let template = ResponseTemplate::new(status).insert_header("x-request-id", "mock-request");
    match body {
        Some((content_type, text)) => template.set_body_raw(text.as_bytes().to_vec(), content_type),
        None => template,
    }
}

/// The cursor the mock puts on page `index` (0-based) to lead to the next.
fn cursor(index: usize) -> String {
    format!("mock-cursor-{}", index + 1)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock leaves a usable list.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Everything one mounted mock checks.
#[derive(Debug)]
struct Checks {
    label: String,
    operation: &'static Operation,
    base_path: String,
    schemes: &'static [Scheme],
    path_values: Vec<(&'static str, String)>,
    checks: Vec<Check>,
}

impl Checks {
    /// The first reason `request` is not this mock's, if there is one.
    fn mismatch(&self, request: &Request) -> Option<String> {
        if request.method != self.operation.method {
            return Some(format!("method is {}, expected {}", request.method, self.operation.method));
        }
        self.path(request.url.path())
            .and_then(|()| self.checks.iter().try_for_each(|check| check.verify(request)))
            .and_then(|()| self.headers(request))
            .and_then(|()| self.security(request))
            .err()
    }

    /// The path: the base path, then the template with each parameter's
    /// (percent-decoded) segment equal to its expected value, if one is set.
    fn path(&self, path: &str) -> Result<(), String> {
        let expected = format!("{}{}", self.base_path, self.operation.path);
        let mismatch = || {
            let mut shown = expected.clone();
            for (name, value) in &self.path_values {
                shown = shown.replace(&format!("{{{name}}}"), value);
            }
            format!("path is `{path}`, expected `{shown}`")
        };
        let (template, actual): (Vec<&str>, Vec<&str>) = (expected.split('/').collect(), path.split('/').collect());
        if template.len() != actual.len() {
            return Err(mismatch());
        }
        for (pattern, segment) in template.iter().zip(&actual) {
            let Some((prefix, rest)) = pattern.split_once('{') else {
                if pattern != segment {
                    return Err(mismatch());
                }
                continue;
            };
            let Some((name, suffix)) = rest.split_once('}') else { return Err(mismatch()) };
            let value = segment.strip_prefix(prefix).and_then(|s| s.strip_suffix(suffix)).ok_or_else(mismatch)?;
            if suffix.contains('{') {
                // Several parameters in one segment: their boundaries are
                // ambiguous, so only the literal parts were checked.
                continue;
            }
            match self.path_values.iter().find(|(held, _)| *held == name) {
                Some((_, expected)) if *expected != percent_decode(value) => return Err(mismatch()),
                _ if value.is_empty() => return Err(mismatch()),
                _ => {}
            }
        }
        Ok(())
    }

    /// The headers the client adds to every request of the operation:
    /// documented defaults, `Accept`, and an idempotency key.
    fn headers(&self, request: &Request) -> Result<(), String> {
        for (name, value) in self.operation.default_headers {
            // A body's own `Content-Type` wins over a documented default.
            if name.eq_ignore_ascii_case("content-type") && !request.body.is_empty() {
                continue;
            }
            match header_text(request, name) {
                Some(found) if found.eq_ignore_ascii_case(value) => {}
                found => return Err(format!("header `{name}` is {found:?}, the API requires `{value}`")),
            }
        }
        if let Some(accept) = self.operation.accept {
            match header_text(request, "accept") {
                Some(found) if found == accept => {}
                found => return Err(format!("header `Accept` is {found:?}, expected `{accept}`")),
            }
        }
        if let Idempotency::Key(name) = self.operation.idempotency {
            if header_text(request, name).is_none_or(|key| key.trim().is_empty()) {
                return Err(format!("no `{name}` header: the operation declares an idempotency key"));
            }
        }
        Ok(())
    }

    /// One `security` alternative satisfied in full (none needed when the
    /// operation lists none, or an empty one).
    fn security(&self, request: &Request) -> Result<(), String> {
        let alternatives = self.operation.security;
        if alternatives.is_empty() || alternatives.iter().any(|alternative| alternative.is_empty()) {
            return Ok(());
        }
        let mut refusals = Vec::new();
        for alternative in alternatives {
            let failures: Vec<String> = alternative
                .iter()
                .filter_map(|name| match self.schemes.iter().find(|scheme| scheme.name == *name) {
                    Some(scheme) => scheme.check.verify(request).err().map(|why| format!("{name}: {why}")),
                    None => Some(format!("{name}: the mock server has no credential for this scheme")),
                })
                .collect();
            if failures.is_empty() {
                return Ok(());
            }
            refusals.push(failures.join(", "));
        }
        Err(format!("credentials refused ({})", refusals.join("; or ")))
    }
}

/// The wiremock side of [`Checks`].
#[derive(Debug)]
struct Matcher(Arc<Checks>);

impl Match for Matcher {
    fn matches(&self, request: &Request) -> bool {
        self.0.mismatch(request).is_none()
    }
}

/// The fallback answer: `501` and, for each mounted mock, why it refused.
struct Unmatched(Arc<Mutex<Vec<Arc<Checks>>>>);

impl Respond for Unmatched {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let target = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let mut text = format!("no mock matches {} {target}", request.method);
        let mounted = lock(&self.0);
        if mounted.is_empty() {
            text.push_str(": no mock is mounted");
        }
        for checks in mounted.iter() {
            let why = checks.mismatch(request).unwrap_or_else(|| "matches, but answered no more".to_owned());
            text.push_str(&format!("\n- {}: {why}", checks.label));
        }
        ResponseTemplate::new(UNMATCHED_STATUS).set_body_raw(text.into_bytes(), "text/plain")
    }
}

/// One check on a request, besides method, path, headers and credentials.
#[derive(Clone, Debug)]
enum Check {
    /// Every value of query parameter `name`, in order.
    Query { name: String, values: Vec<String> },
    /// Query pairs that must all be present (an object parameter).
    QueryPairs { parameter: String, pairs: Vec<(String, String)> },
    /// No query parameter `name` (the first page of a cursor chain).
    QueryAbsent { name: String },
    /// Page `number` (or no page number at all, when `or_absent`).
    PageNumber { name: String, number: u64, or_absent: bool },
    Header { name: String, value: String },
    Cookie { name: String, value: String },
    JsonBody(Value),
    FormBody(Vec<(String, String)>),
    RawBody { bytes: Vec<u8>, content_length: bool },
    ContentType(String),
    Part { name: String, content: Vec<u8> },
}

impl Check {
    /// The query parameter this check is about, if it is about one.
    fn query_name(&self) -> Option<&str> {
        match self {
            Check::Query { name, .. } | Check::QueryAbsent { name } | Check::PageNumber { name, .. } => Some(name),
            Check::QueryPairs { parameter, .. } => Some(parameter),
            _ => None,
        }
    }

    fn verify(&self, request: &Request) -> Result<(), String> {
        match self {
            Check::Query { name, values } => {
                let found = query_values(request, name);
                if &found == values {
                    Ok(())
                } else {
                    Err(format!("query parameter `{name}` is {found:?}, expected {values:?}"))
                }
            }
            Check::QueryPairs { parameter, pairs } => {
                let found: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
                match pairs.iter().find(|pair| !found.contains(pair)) {
                    None => Ok(()),
                    Some((key, value)) => Err(format!("query parameter `{parameter}` lacks `{key}={value}` (query: {found:?})")),
                }
            }
            Check::QueryAbsent { name } => match query_values(request, name) {
                found if found.is_empty() => Ok(()),
                found => Err(format!("query parameter `{name}` is {found:?}, expected none on the first page")),
            },
            Check::PageNumber { name, number, or_absent } => {
                let found = query_values(request, name);
                let expected = number.to_string();
                match found.as_slice() {
                    [] if *or_absent => Ok(()),
                    [one] if *one == expected => Ok(()),
                    _ => Err(format!("query parameter `{name}` is {found:?}, expected page {number}")),
                }
            }
            Check::Header { name, value } => match header_text(request, name) {
                Some(found) if found == *value => Ok(()),
                found => Err(format!("header `{name}` is {found:?}, expected `{value}`")),
            },
            Check::Cookie { name, value } => match cookie_value(request, name) {
                Some(found) if found == *value => Ok(()),
                found => Err(format!("cookie `{name}` is {found:?}, expected `{value}`")),
            },
            Check::JsonBody(expected) => {
                let essence = content_type(request);
                if essence != "application/json" && !essence.ends_with("+json") {
                    return Err(format!("`Content-Type` is `{essence}`, expected JSON"));
                }
                match serde_json::from_slice::<Value>(&request.body) {
                    Ok(found) if found == *expected => Ok(()),
                    Ok(found) => Err(format!("JSON body is {}, expected {}", clip(&found.to_string()), clip(&expected.to_string()))),
                    Err(error) => Err(format!("the body is not JSON: {error}")),
                }
            }
            Check::FormBody(expected) => {
                let essence = content_type(request);
                if essence != "application/x-www-form-urlencoded" {
                    return Err(format!("`Content-Type` is `{essence}`, expected application/x-www-form-urlencoded"));
                }
                let found = sorted_pairs(&String::from_utf8_lossy(&request.body));
                if found == *expected {
                    Ok(())
                } else {
                    Err(format!("form body is {found:?}, expected {expected:?}"))
                }
            }
            Check::RawBody { bytes, content_length } => {
                if request.body != *bytes {
                    return Err(format!(
                        "body is {} byte(s) `{}`, expected {} byte(s) `{}`",
                        request.body.len(),
                        clip(&String::from_utf8_lossy(&request.body)),
                        bytes.len(),
                        clip(&String::from_utf8_lossy(bytes))
                    ));
                }
                match header_text(request, "content-length") {
                    Some(length) if length == bytes.len().to_string() => Ok(()),
                    None if !content_length => Ok(()),
                    found => Err(format!("`Content-Length` is {found:?}, expected `{}`", bytes.len())),
                }
            }
            Check::ContentType(expected) => match content_type(request) {
                found if found == *expected => Ok(()),
                found => Err(format!("`Content-Type` is `{found}`, expected `{expected}`")),
            },
            Check::Part { name, content } => {
                let parts = multipart_parts(request)?;
                match parts.iter().find(|(part, _)| part == name) {
                    Some((_, found)) if found == content => Ok(()),
                    Some((_, found)) => Err(format!(
                        "multipart part `{name}` is `{}`, expected `{}`",
                        clip(&String::from_utf8_lossy(found)),
                        clip(&String::from_utf8_lossy(content))
                    )),
                    None => Err(format!("no multipart part `{name}` (parts: {:?})", parts.iter().map(|(n, _)| n).collect::<Vec<_>>())),
                }
            }
        }
    }
}

/// A parameter value in the pieces OpenAPI serialisation works on.
enum Wire {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

fn wire(value: Value) -> Wire {
    match value {
        Value::Null => Wire::Absent,
        Value::Array(items) => Wire::List(items.into_iter().map(text).collect()),
        Value::Object(map) => Wire::Object(map.into_iter().map(|(key, value)| (key, text(value))).collect()),
        scalar => Wire::Scalar(text(scalar)),
    }
}

impl Wire {
    /// `simple` style (and unexploded `form`): lists and objects
    /// comma-joined, `key,value` for objects.
    fn joined(self) -> String {
        match self {
            Wire::Absent => String::new(),
            Wire::Scalar(text) => text,
            Wire::List(items) => items.join(","),
            Wire::Object(pairs) => pairs.into_iter().flat_map(|(key, value)| [key, value]).collect::<Vec<_>>().join(","),
        }
    }
}

/// A scalar as text: a string as is, others as JSON writes them.
fn text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The check for query parameter `name` holding `value`, by `style`.
fn query_check(name: &str, style: Style, value: Wire) -> Check {
    let single = |text: String| Check::Query { name: name.to_owned(), values: vec![text] };
    match (value, style) {
        (Wire::Absent, _) => Check::QueryAbsent { name: name.to_owned() },
        (Wire::Scalar(text), _) => single(text),
        (Wire::List(items), Style::Form { explode: true }) => Check::Query { name: name.to_owned(), values: items },
        (Wire::List(items), Style::SpaceDelimited) => single(items.join(" ")),
        (Wire::List(items), Style::PipeDelimited) => single(items.join("|")),
        (list @ Wire::List(_), _) => single(list.joined()),
        (Wire::Object(pairs), Style::DeepObject) => Check::QueryPairs {
            parameter: name.to_owned(),
            pairs: pairs.into_iter().map(|(key, value)| (format!("{name}[{key}]"), value)).collect(),
        },
        (Wire::Object(pairs), Style::Form { explode: true }) => Check::QueryPairs { parameter: name.to_owned(), pairs },
        (object @ Wire::Object(_), _) => single(object.joined()),
    }
}

fn query_values(request: &Request, name: &str) -> Vec<String> {
    request.url.query_pairs().filter(|(key, _)| key == name).map(|(_, value)| value.into_owned()).collect()
}

fn header_text<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// The `Content-Type` essence, lower-case, without parameters.
fn content_type(request: &Request) -> String {
    header_text(request, "content-type").unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The value of cookie `name` (percent-decoded), from every `Cookie` header.
fn cookie_value(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
}

/// Form-encoded pairs, decoded and sorted, so order does not matter.
fn sorted_pairs(text: &str) -> Vec<(String, String)> {
    let decode = |part: &str| percent_decode(&part.replace('+', " "));
    let mut pairs: Vec<(String, String)> = text
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect();
    pairs.sort();
    pairs
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|pair| std::str::from_utf8(pair).ok()).and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The named parts of a `multipart/form-data` body, with their contents.
fn multipart_parts(request: &Request) -> Result<Vec<(String, Vec<u8>)>, String> {
    let header = header_text(request, "content-type").unwrap_or_default();
    if !header.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(format!("`Content-Type` is `{header}`, expected multipart/form-data"));
    }
    let boundary = header
        .split(';')
        .filter_map(|parameter| parameter.trim().split_once('='))
        .find(|(key, _)| key.eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim_matches('"').to_owned())
        .ok_or("the multipart `Content-Type` has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    for chunk in split_bytes(&request.body, &delimiter).into_iter().skip(1) {
        if chunk.starts_with(b"--") {
            break;
        }
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let Some(split) = chunk.windows(4).position(|window| window == b"\r\n\r\n") else { continue };
        let (head, content) = (String::from_utf8_lossy(&chunk[..split]), &chunk[split + 4..]);
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let name = head
            .lines()
            .filter(|line| line.to_ascii_lowercase().starts_with("content-disposition:"))
            .flat_map(|line| line.split(';'))
            .filter_map(|parameter| parameter.trim().strip_prefix("name="))
            .map(|name| name.trim_matches('"').to_owned())
            .next();
        if let Some(name) = name {
            parts.push((name, content.to_vec()));
        }
    }
    Ok(parts)
}

fn split_bytes<'b>(bytes: &'b [u8], delimiter: &[u8]) -> Vec<&'b [u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index + delimiter.len() <= bytes.len() {
        if &bytes[index..index + delimiter.len()] == delimiter {
            out.push(&bytes[start..index]);
            index += delimiter.len();
            start = index;
        } else {
            index += 1;
        }
    }
    out.push(&bytes[start..]);
    out
}

/// Sets the value at JSON `pointer`, creating objects on the way.
fn set_pointer(root: &mut Value, pointer: &str, new: Value) {
    let segments: Vec<String> = pointer.trim_start_matches('/').split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let mut current = root;
    for (index, segment) in segments.iter().enumerate() {
        if !current.is_object() {
            *current = Value::Object(Default::default());
        }
        let Value::Object(map) = current else { return };
        if index + 1 == segments.len() {
            map.insert(segment.clone(), new);
            return;
        }
        current = map.entry(segment.clone()).or_insert_with(|| Value::Object(Default::default()));
    }
}

/// The start of a long text, for messages.
fn clip(text: &str) -> String {
    const LIMIT: usize = 300;
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_in_conversion_panics_drop_module_paths() {
        assert_eq!(short_type_name::<Option<String>>(), "Option<String>");
        assert_eq!(short_type_name::<std::num::NonZeroU64>(), "NonZero<u64>");
        assert_eq!(short_type_name::<(Vec<u8>, &str)>(), "(Vec<u8>, &str)");
        assert_eq!(short_type_name::<Documented>(), "Documented");
    }

    #[test]
    fn query_values_follow_their_style() {
        let list = || Wire::List(vec!["a".into(), "b c".into()]);
        let values = |check: Check| match check {
            Check::Query { values, .. } => values,
            other => panic!("{other:?}"),
        };
        assert_eq!(values(query_check("tag", Style::Form { explode: true }, list())), ["a", "b c"]);
        assert_eq!(values(query_check("tag", Style::Form { explode: false }, list())), ["a,b c"]);
        assert_eq!(values(query_check("tag", Style::SpaceDelimited, list())), ["a b c"]);
        assert_eq!(values(query_check("tag", Style::PipeDelimited, list())), ["a|b c"]);
        let object = Wire::Object(vec![("min".into(), "1".into())]);
        match query_check("range", Style::DeepObject, object) {
            Check::QueryPairs { pairs, .. } => assert_eq!(pairs, [("range[min]".to_owned(), "1".to_owned())]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pointers_create_what_is_missing() {
        let mut value = serde_json::json!({"meta": {"nextPageCursor": "x"}, "data": []});
        set_pointer(&mut value, "/meta/nextPageCursor", Value::Null);
        set_pointer(&mut value, "/result/pageNo", Value::from(2));
        assert_eq!(value, serde_json::json!({"meta": {"nextPageCursor": null}, "data": [], "result": {"pageNo": 2}}));
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("a%20b%2Fc%zz%"), "a b/c%zz%");
        assert_eq!(sorted_pairs("b=2&a=x+y%21"), [("a".to_owned(), "x y!".to_owned()), ("b".to_owned(), "2".to_owned())]);
    }

    #[test]
    fn multipart_parts_are_read_by_name() {
        let body = b"--XyZ\r\ncontent-disposition: form-data; name=\"title\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\ncontent-type: text/plain\r\n\r\nline 1\r\nline 2\r\n--XyZ--\r\n";
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("content-type", reqwest::header::HeaderValue::from_static("multipart/form-data; boundary=XyZ"));
        let request = Request { url: "http://localhost/".parse().unwrap(), method: reqwest::Method::POST, headers, body: body.to_vec() };
        let parts = multipart_parts(&request).unwrap();
        assert_eq!(parts, [("title".to_owned(), b"hello".to_vec()), ("file".to_owned(), b"line 1\r\nline 2".to_vec())]);
    }
}
