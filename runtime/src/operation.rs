//! The static description of one operation that a generated crate hands to
//! the call pipeline ([`super::Call`]): what the spec says about how it is
//! sent, authenticated, retried and checked.
//!
//! A generated crate writes one `static` [`Operation`] per operation, next to
//! the code that fills in its parameters, so reading one operation top to
//! bottom tells what goes on the wire.

use std::fmt;

use reqwest::Method;

use super::validate::Rule;

/// Everything the pipeline needs to know about one operation.
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, such as `/v1/projects/{projectId}/assets`.
    pub path: &'static str,
    /// The operation's parameters (path-level ones included, `$ref`s resolved).
    pub parameters: &'static [Parameter],
    /// The `security` alternatives, each a set of scheme names that must all
    /// be satisfied; empty when the operation needs no credentials.
    pub security: &'static [&'static [&'static str]],
    /// Whether and how the operation may be sent more than once.
    pub idempotency: Idempotency,
    /// Headers the API documents as required on every request
    /// (`x-default-headers`), added when the call did not set them.
    pub default_headers: &'static [(&'static str, &'static str)],
    /// The `Accept` header, when the operation returns JSON.
    pub accept: Option<&'static str>,
    /// For APIs whose 2xx envelope carries a result code (`x-success-when`).
    pub success_when: Option<SuccessWhen>,
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Operation {
    /// `listProjectAssets (GET /v1/projects/{projectId}/assets)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.id, self.method, self.path)
    }
}

impl Operation {
    /// The parameter called `name` in `location`, if the operation has one.
    pub fn parameter(&self, location: Location, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|parameter| parameter.location == location && parameter.name == name)
    }
}

/// When an operation may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Repeating the request is safe (GET, HEAD, PUT, DELETE, OPTIONS, or
    /// `x-idempotent: true`).
    Safe,
    /// The operation declares this idempotency-key header: the call sends the
    /// caller's key, or a fresh UUID v4 when there is none, and repeats it on
    /// every attempt, which makes retrying safe.
    Key(&'static str),
    /// Repeating the request could repeat its effect: never retried.
    Unsafe,
}

/// `x-success-when`: a 2xx body succeeded only if the string at `pointer`
/// equals `equals`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuccessWhen {
    /// JSON pointer into the body.
    pub pointer: &'static str,
    /// The value meaning success.
    pub equals: &'static str,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A header (the name as the spec writes it; headers match case-insensitively).
    Header,
    /// A cookie, sent in the `Cookie` header.
    Cookie,
}

/// How a parameter's value is written, from its `style` and `explode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `form` (query): arrays repeat the name when exploded, else join with commas.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `simple` (path and header): arrays join with commas.
    Simple,
    /// `spaceDelimited` arrays (query).
    SpaceDelimited,
    /// `pipeDelimited` arrays (query).
    PipeDelimited,
    /// `deepObject` objects (query): `name[key]=value`.
    DeepObject,
}

/// One parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// The name as the spec gives it.
    pub name: &'static str,
    /// Where it travels.
    pub location: Location,
    /// How its value is serialised.
    pub style: Style,
    /// A documented constraint, checked before anything is sent.
    pub rule: Option<Rule>,
}

impl Parameter {
    /// A path parameter (`style: simple`).
    pub const fn path(name: &'static str) -> Self {
        Self { name, location: Location::Path, style: Style::Simple, rule: None }
    }

    /// A query parameter with `style`.
    pub const fn query(name: &'static str, style: Style) -> Self {
        Self { name, location: Location::Query, style, rule: None }
    }

    /// A header parameter (`style: simple`).
    pub const fn header(name: &'static str) -> Self {
        Self { name, location: Location::Header, style: Style::Simple, rule: None }
    }

    /// A cookie parameter (`style: form`).
    pub const fn cookie(name: &'static str) -> Self {
        Self { name, location: Location::Cookie, style: Style::Form { explode: true }, rule: None }
    }

    /// The same parameter, checked against `rule` before sending.
    pub const fn checked(mut self, rule: Rule) -> Self {
        self.rule = Some(rule);
        self
    }
}
