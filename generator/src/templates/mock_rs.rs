//! The generated crate's `src/mock.rs` (cargo feature `mock`): typed mock
//! helpers over [`sdk_runtime::mock`], one method per operation.
//!
//! `MockServer::start()` runs a local server that accepts the crate's test
//! credentials; `server.<operation>()` starts a mock whose setters are the
//! request builder's (same names, same argument types), then `expect(n)`
//! and a `respond*` method: the typed success, pages linked as
//! `x-pagination` says, a typed error, or a documented response. The
//! runtime does the checking; this template only writes what the spec
//! says: schemes and their test credentials, the base path, each
//! operation's parameters, body kind, success type and status, paging
//! pointers and documented responses, and `Sample` values from the spec's
//! examples.
//!
//! Shaped after progenitor's `Generator::httpmock` (per-operation request
//! setters and typed responses), which we evaluated and do not use: see
//! ARCHITECTURE.md, "Mocks".

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::operations_rs::{builder_conversion, descriptor_name, error_body, ok_type};
use super::{doc_lines, example};
use crate::examples::CannedResponse;
use crate::model::{Api, BodyKind, Location, OperationFacts, OutcomeKind, SchemeKind};
use crate::progenitor_pass::Builder;

/// The test credentials the mock server accepts and its client sends.
const API_KEY: &str = "mock-api-key";
const TOKEN: &str = "mock-token";
const USERNAME: &str = "mock-user";
const PASSWORD: &str = "mock-password";
const ACCESS_KEY: &str = "mock-access-key";
const SECRET_KEY: &str = "mock-secret-key";

/// `MockServer`'s own methods, which an operation's method must not shadow.
const SERVER_METHODS: [&str; 8] = ["start", "base_url", "credentials", "client", "wiremock", "verify", "reset", "fmt"];

/// The mock's own methods, which a parameter setter must not shadow.
pub(super) const MOCK_METHODS: [&str; 13] = [
    "expect",
    "envelope",
    "body",
    "part",
    "content_type",
    "respond",
    "respond_pages",
    "respond_error",
    "respond_documented",
    "respond_status",
    "respond_with",
    "respond_failed_envelope",
    "fmt",
];

/// Renders `src/mock.rs`. `builders[i]` is progenitor's builder for
/// `api.operations[i]`.
pub fn mock_rs(api: &Api, builders: &[Builder]) -> TokenStream {
    let docs = doc_lines(&module_docs(api));
    let schemes = api.schemes.iter().map(scheme_check);
    let base_path = api.server.as_ref().map(|server| base_path(&server.url)).unwrap_or_default();
    let credentials: TokenStream = test_credentials(api).parse().unwrap_or_else(|_| quote!(crate::Credentials::none()));
    let error = error_body(builders);
    let server_methods = api.operations.iter().map(|operation| {
        let method = server_method(operation);
        let mock = mock_name(operation);
        let descriptor = descriptor_name(operation);
        let docs = doc_lines(&format!("Mocks `{}`: `{} {}`.", operation.id, operation.http_method, operation.path));
        quote! {
            #(#[doc = #docs])*
            pub fn #method(&self) -> #mock<'_> {
                #mock(self.0.operation(&crate::operations::#descriptor))
            }
        }
    });
    let mut bodies = Bodies::default();
    let mocks: Vec<TokenStream> = api.operations.iter().zip(builders).map(|(operation, builder)| operation_mock(operation, builder, &error, &mut bodies)).collect();
    let samples = samples(api, builders, &error, &mut bodies);
    let bodies = bodies.items();
    let mut file = quote! {
        #(#![doc = #docs])*

        #[allow(unused_imports)]
        use crate::types;
        #[allow(unused_imports)]
        use sdk_runtime::mock::Documented;

        /// The wiremock crate the server runs on, for responses of your own
        /// (`respond_with`) and the requests the server received.
        pub use sdk_runtime::mock::wiremock;

        /// Each security scheme and the test credential the server accepts.
        const SCHEMES: &[sdk_runtime::mock::Scheme] = &[#(#schemes),*];

        /// The path of the spec's server URL, under which the server
        /// serves the API (the client's base URL includes it).
        const BASE_PATH: &str = #base_path;

        /// A local server that answers this API's operations as its mocks say,
        /// and checks every request the way the API would (see the [module
        /// docs](self)).
        #[derive(Debug)]
        pub struct MockServer(sdk_runtime::mock::MockServer);

        impl MockServer {
            /// Starts a server on 127.0.0.1 with no mocks: every request is
            /// answered `501` until a mock takes it.
            pub async fn start() -> Self {
                Self(sdk_runtime::mock::MockServer::start(SCHEMES, BASE_PATH).await)
            }

            /// The base URL of the server, the spec's base path included.
            pub fn base_url(&self) -> String {
                self.0.base_url()
            }

            /// The test credentials the server accepts, for every security
            /// scheme of the API.
            pub fn credentials() -> crate::Credentials {
                #credentials
            }

            /// A client for this server, with [`MockServer::credentials`]
            /// and the default settings (retries included).
            pub fn client(&self) -> crate::Client {
                crate::Client::new(&self.base_url(), Self::credentials())
                    .unwrap_or_else(|error| panic!("a client for the mock server at {}: {error}", self.base_url()))
            }

            /// The underlying wiremock server, for mocks of your own and the
            /// requests it received.
            pub fn wiremock(&self) -> &sdk_runtime::mock::wiremock::MockServer {
                self.0.wiremock()
            }

            /// Panics unless every mock was requested as often as it expects
            /// and every request matched a mock (dropping the server checks
            /// the same).
            pub async fn verify(&self) {
                self.0.verify().await;
            }

            /// Forgets every mock and received request, without checking them.
            pub async fn reset(&self) {
                self.0.reset().await;
            }

            #(#server_methods)*
        }

        /// A valid value of a type, from the spec's examples (or a sample
        /// built from its schema), to put in mocked responses.
        pub trait Sample: Sized {
            /// The sample.
            fn sample() -> Self;
        }

    };
    // Moved in, not copied (see `braced`).
    file.extend([samples]);
    file.extend(mocks);
    file.extend([bodies]);
    file
}

/// The documented bodies and samples (JSON text), each written once as a
/// `const BODY_<n>` however many statuses and operations share it.
#[derive(Default)]
struct Bodies(Vec<String>);

impl Bodies {
    /// The name of the const holding `text`.
    fn name(&mut self, text: &str) -> syn::Ident {
        let index = self.0.iter().position(|held| held == text).unwrap_or_else(|| {
            self.0.push(text.to_owned());
            self.0.len() - 1
        });
        format_ident!("BODY_{index}")
    }

    fn items(&self) -> TokenStream {
        let items = self.0.iter().enumerate().map(|(index, text)| {
            let name = format_ident!("BODY_{index}");
            quote!(const #name: &str = #text;)
        });
        quote! {
            #(#items)*
        }
    }
}

fn module_docs(api: &Api) -> String {
    let mut docs = format!(
        "Typed mock helpers for tests (cargo feature `mock`): a local server that answers the {title}'s \
         operations as you say, and checks every request as the API would.\n\n\
         [`MockServer::start`] runs the server; `server.<operation>()` (one method per operation) \
         starts a mock whose setters are the request builder's, each a check on the request; \
         `expect` says how often it must be called, and a \
         `respond*` method mounts it: `respond` (the typed success), `respond_pages` (pages linked by \
         the API's paging fields, the last one ending the list), `respond_error` (a typed error body), \
         `respond_documented` (the response the spec documents for a status) or `respond_with` (any \
         wiremock response).\n\n\
         Every mock checks the method, the path under the base path, the parameters it was given \
         (written as their `style` says), the body, the headers the API requires (documented \
         defaults, `Accept`, idempotency keys) and the credentials of one `security` alternative \
         ([`MockServer::credentials`], which [`MockServer::client`] uses{ncp}). A request no mock \
         takes is answered `501` with the reason each mock refused it, and fails the test when the \
         server is verified or dropped, as does a mock requested more or less often than it expects.\n",
        title = api.title,
        ncp = if api.schemes.iter().any(|s| s.kind == SchemeKind::NcpSignatureV2) { "; NAVER Cloud signatures are recomputed" } else { "" },
    );
    if let Some(example) = example::mock_example(api) {
        docs.push_str(&format!("\n# Example\n\n{}", example.doc_test()));
    }
    docs
}

fn scheme_check(scheme: &crate::model::Scheme) -> TokenStream {
    let name = &scheme.name;
    let check = match &scheme.kind {
        SchemeKind::HeaderApiKey { header } => quote!(HeaderApiKey { header: #header, key: #API_KEY }),
        SchemeKind::QueryApiKey { parameter } => quote!(QueryApiKey { parameter: #parameter, key: #API_KEY }),
        SchemeKind::CookieApiKey { cookie } => quote!(CookieApiKey { cookie: #cookie, key: #API_KEY }),
        SchemeKind::OAuth2 { .. } | SchemeKind::Bearer => quote!(Bearer { token: #TOKEN }),
        SchemeKind::Basic => quote!(Basic { username: #USERNAME, password: #PASSWORD }),
        SchemeKind::FixedAuthorization { value } => quote!(FixedAuthorization { value: #value }),
        SchemeKind::NcpSignatureV2 => quote!(NcpSignatureV2 { access_key: #ACCESS_KEY, secret_key: #SECRET_KEY }),
    };
    quote!(sdk_runtime::mock::Scheme { name: #name, check: sdk_runtime::mock::SchemeCheck::#check })
}

/// `Credentials` holding every scheme's test credential, as Rust source.
fn test_credentials(api: &Api) -> String {
    let parts: Vec<String> = api
        .schemes
        .iter()
        .map(|scheme| {
            let name = &scheme.constructor;
            match scheme.kind {
                SchemeKind::HeaderApiKey { .. } | SchemeKind::QueryApiKey { .. } | SchemeKind::CookieApiKey { .. } => {
                    format!("crate::Credentials::{name}({API_KEY:?})")
                }
                SchemeKind::OAuth2 { .. } => format!("crate::Credentials::{name}_token({TOKEN:?})"),
                SchemeKind::Bearer => format!("crate::Credentials::{name}({TOKEN:?})"),
                SchemeKind::Basic => format!("crate::Credentials::{name}({USERNAME:?}, {PASSWORD:?})"),
                SchemeKind::FixedAuthorization { .. } => format!("crate::Credentials::{name}()"),
                SchemeKind::NcpSignatureV2 => format!("crate::Credentials::{name}({ACCESS_KEY:?}, {SECRET_KEY:?})"),
            }
        })
        .collect();
    match parts.split_first() {
        None => "crate::Credentials::none()".to_owned(),
        Some((first, rest)) => rest.iter().fold(first.clone(), |all, part| format!("{all}.and({part})")),
    }
}

/// The path of a server URL (`/v1` of `https://host/v1/`), or empty when
/// it has none or it is templated.
fn base_path(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None if url.starts_with('/') => url,
        None => "",
    };
    let path = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    if path.contains('{') { String::new() } else { path.to_owned() }
}

/// The `MockServer` method of `operation`: its client method's name, unless
/// `MockServer` has a method of that name.
fn server_method(operation: &OperationFacts) -> syn::Ident {
    let name = &operation.method_name;
    if SERVER_METHODS.contains(&name.as_str()) { format_ident!("mock_{name}") } else { format_ident!("{name}") }
}

/// The mock type of `operation`: its builder's name, unless it is one of
/// the module's own.
fn mock_name(operation: &OperationFacts) -> syn::Ident {
    let name = &operation.builder;
    if ["MockServer", "Sample", "Documented"].contains(&name.as_str()) { format_ident!("{name}Mock") } else { format_ident!("{name}") }
}

/// The type of a builder's JSON or form body, such as `types::NewAttachment`
/// (the type its `types::builder::` form converts to), as text.
pub fn body_type(builder: &Builder) -> Option<String> {
    let field = builder.field("body")?;
    let ty = match builder_conversion(field) {
        Some(path) => path.to_token_stream(),
        None => ok_type(field)?.to_token_stream(),
    };
    Some(ty.to_string().replace(' ', ""))
}

/// `T` of a builder field `Result<T, String>` or `Result<Option<T>, String>`.
fn field_value_type(field: &syn::Type) -> Option<syn::Type> {
    let inner = ok_type(field)?;
    if let syn::Type::Path(path) = inner {
        let last = path.path.segments.last()?;
        if last.ident == "Option" {
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                if let Some(syn::GenericArgument::Type(ty)) = args.args.first() {
                    return Some(ty.clone());
                }
            }
        }
    }
    Some(inner.clone())
}

fn type_text(ty: &impl ToTokens) -> String {
    ty.to_token_stream().to_string().replace(' ', "")
}

fn operation_mock(operation: &OperationFacts, builder: &Builder, error: &syn::Type, bodies: &mut Bodies) -> TokenStream {
    let name = mock_name(operation);
    let id = &operation.id;
    let docs = doc_lines(&format!(
        "A mock of `{id}` (`{} {}`): its setters check the request, [`expect`](Self::expect) how \
         often it comes, and a `respond*` method mounts it.",
        operation.http_method, operation.path
    ));
    let setters = operation.parameters.iter().filter_map(|parameter| {
        let ty = field_value_type(builder.field(&parameter.field)?)?;
        let setter = if MOCK_METHODS.contains(&parameter.field.as_str()) {
            format_ident!("{}_param", parameter.field)
        } else {
            format_ident!("{}", parameter.field)
        };
        let (location, runtime) = match parameter.location {
            Location::Path => ("path", quote!(path_as)),
            Location::Query => ("query", quote!(query_as)),
            Location::Header => ("header", quote!(header_as)),
            Location::Cookie => ("cookie", quote!(cookie_as)),
        };
        let wire = &parameter.name;
        let docs = doc_lines(&format!("Only requests whose `{wire}` ({location}) is `value`, as the builder's `{}` sends it.", parameter.field));
        Some(quote! {
            #(#[doc = #docs])*
            #[track_caller]
            pub fn #setter<V: ::std::convert::TryInto<#ty>>(self, value: V) -> Self {
                Self(self.0.#runtime(#wire, value))
            }
        })
    });
    let setters: Vec<TokenStream> = setters.chain(body_setters(operation, builder)).collect();
    let status = example::success_status(operation);
    let responders = success_responders(operation, builder, status);
    let pages = pages_responder(operation, builder, status, bodies);
    let envelope_failure = operation.success_when.as_ref().map(|(pointer, _)| {
        let documented = bodies.name(&documented_success(operation));
        let docs = doc_lines(&format!(
            "Answers {status} with the documented envelope whose `{pointer}` is `value`: a failure the \
             API reports inside a success status (`x-success-when`), which the client returns as an error."
        ));
        quote! {
            #(#[doc = #docs])*
            pub async fn respond_failed_envelope(self, value: &str) {
                self.0.respond_failed_envelope(#status, #documented, value).await;
            }
        }
    });
    let documented: Vec<TokenStream> = operation.example.documented.iter().map(|canned| {
        let status = canned.status;
        match &canned.body {
            Some((media, text)) => {
                let text = bodies.name(text);
                quote!(Documented::with_body(#status, #media, #text))
            }
            None => quote!(Documented::empty(#status)),
        }
    }).collect();
    let listed = operation.example.documented.iter().map(|canned| canned.status.to_string()).collect::<Vec<_>>().join(", ");
    let documented_docs = doc_lines(&format!(
        "Answers `status` as the spec documents it for `{id}` (its example, or a sample of its \
         schema); documented: {}.\n\n# Panics\n\nFor a status not listed.",
        if listed.is_empty() { "none".to_owned() } else { listed }
    ));
    quote! {
        #(#[doc = #docs])*
        #[derive(Debug)]
        pub struct #name<'s>(sdk_runtime::mock::Expectation<'s>);

        impl<'s> #name<'s> {
            #(#setters)*

            mock_methods!(#error);

            #responders

            #pages

            #(#[doc = #documented_docs])*
            #[track_caller]
            pub fn respond_documented(self, status: u16) -> impl ::std::future::Future<Output = ()> + 's {
                self.0.respond_documented(status, &[#(#documented),*])
            }

            #envelope_failure
        }
    }
}

/// Setters for the request body: typed JSON or form values, raw bytes
/// (with `Content-Length` for uploads), multipart parts.
fn body_setters(operation: &OperationFacts, builder: &Builder) -> Vec<TokenStream> {
    let typed = || -> Option<syn::Type> {
        let field = ok_type(builder.field("body")?)?;
        Some(match builder_conversion(builder.field("body")?) {
            Some(path) => syn::parse_quote!(#path),
            None => field.clone(),
        })
    };
    match &operation.body {
        None => Vec::new(),
        Some(kind @ (BodyKind::Json | BodyKind::Form)) => {
            let Some(ty) = typed() else { return Vec::new() };
            let (runtime, what) = match kind {
                BodyKind::Json => (quote!(json_body_as), "JSON body (compared as JSON values)"),
                _ => (quote!(form_body_as), "form body (the same pairs, in any order)"),
            };
            let docs = doc_lines(&format!("Only requests with this {what}, as the builder's `body` sends it."));
            vec![quote! {
                #(#[doc = #docs])*
                #[track_caller]
                pub fn body<V: ::std::convert::TryInto<#ty>>(self, value: V) -> Self {
                    Self(self.0.#runtime(value))
                }
            }]
        }
        Some(BodyKind::Raw(_)) => {
            let (runtime, docs) = match operation.upload {
                Some(_) => (quote!(upload_body), "Only requests whose body is exactly `bytes`, sent with its `Content-Length` as uploads are."),
                None => (quote!(raw_body), "Only requests whose body is exactly `bytes`."),
            };
            let docs = doc_lines(docs);
            vec![
                quote! {
                    #(#[doc = #docs])*
                    pub fn body(self, bytes: impl Into<Vec<u8>>) -> Self {
                        Self(self.0.#runtime(bytes))
                    }
                },
                quote! {
                    /// Only requests whose `Content-Type` is `content_type`.
                    pub fn content_type(self, content_type: &str) -> Self {
                        Self(self.0.content_type(content_type))
                    }
                },
            ]
        }
        Some(BodyKind::Multipart { .. }) => vec![quote! {
            /// Only `multipart/form-data` requests with a part `name` whose
            /// content is exactly `content` (a text field or a file).
            pub fn part(self, name: &str, content: impl Into<Vec<u8>>) -> Self {
                Self(self.0.part(name, content))
            }
        }],
    }
}

/// The documented success body as JSON text (`{}` when there is none).
fn documented_success(operation: &OperationFacts) -> String {
    match &operation.example.success {
        Some(CannedResponse { body: Some((media, text)), .. }) if media.contains("json") => text.clone(),
        _ => "{}".to_owned(),
    }
}

/// `respond`: the typed success (or one `respond_<status>` per outcome).
fn success_responders(operation: &OperationFacts, builder: &Builder, status: u16) -> TokenStream {
    if !operation.outcomes.is_empty() {
        let responders = operation.outcomes.iter().map(|outcome| {
            let code: u16 = outcome.status.replace(['X', 'x'], "0").parse().unwrap_or(200);
            let method = format_ident!("respond_{}", outcome.status.to_ascii_lowercase());
            let docs = doc_lines(&format!("Answers {code} for the `{}` outcome.", outcome.status));
            match &outcome.kind {
                OutcomeKind::Json(rust) => {
                    let ty: syn::Type = syn::parse_str(rust).unwrap_or_else(|_| syn::parse_quote!(::serde_json::Value));
                    quote!(#(#[doc = #docs])* pub async fn #method(self, body: &#ty) { self.0.respond_json(#code, body).await; })
                }
                OutcomeKind::Stream => quote! {
                    #(#[doc = #docs])*
                    pub async fn #method(self, content: impl Into<Vec<u8>>) {
                        self.0.respond_bytes(#code, "application/octet-stream", content).await;
                    }
                },
                OutcomeKind::Empty => quote!(#(#[doc = #docs])* pub async fn #method(self) { self.0.respond_status(#code).await; }),
            }
        });
        return quote!(#(#responders)*);
    }
    let success = &builder.success;
    match type_text(success).as_str() {
        // A WebSocket upgrade has no body to mock: `respond_status(101)`
        // or `respond_with` for the handshake.
        text if text.ends_with("Upgraded") => quote!(),
        "()" => {
            let docs = doc_lines(&format!("Answers {status}, the documented success, without a body."));
            quote!(#(#[doc = #docs])* pub async fn respond(self) { self.0.respond_status(#status).await; })
        }
        "ByteStream" => {
            let media = match &operation.example.success {
                Some(CannedResponse { body: Some((media, _)), .. }) => media.clone(),
                _ => "application/octet-stream".to_owned(),
            };
            let docs = doc_lines(&format!("Answers {status}, the documented success, with `content` as `{media}`."));
            quote! {
                #(#[doc = #docs])*
                pub async fn respond(self, content: impl Into<Vec<u8>>) {
                    self.0.respond_bytes(#status, #media, content).await;
                }
            }
        }
        _ => {
            let docs = doc_lines(&format!("Answers {status}, the documented success, with `body` as JSON."));
            quote!(#(#[doc = #docs])* pub async fn respond(self, body: &#success) { self.0.respond_json(#status, body).await; })
        }
    }
}

/// `respond_pages` and `envelope`, for an operation with `x-pagination`.
fn pages_responder(operation: &OperationFacts, builder: &Builder, status: u16, bodies: &mut Bodies) -> Option<TokenStream> {
    let pagination = operation.pagination.as_ref()?;
    let item = format_ident!("{}", pagination.item_type);
    let parameter = &pagination.parameter;
    let items = &pagination.pointers.items;
    let paging = match (&pagination.pointers.next, &pagination.pointers.page_and_total) {
        (Some(next), _) => quote!(sdk_runtime::mock::Paging::Cursor { parameter: #parameter, next: #next, items: #items }),
        (None, Some((page, total))) => {
            quote!(sdk_runtime::mock::Paging::Number { parameter: #parameter, page: #page, total: #total, items: #items })
        }
        (None, None) => return None,
    };
    let how = match &pagination.pointers.next {
        Some(next) => format!("each page but the last carries the cursor of the next in `{next}`, which the next request must send as `{parameter}`; the last carries null"),
        None => format!("each page carries its number and the page count, and the next request must ask for the next number in `{parameter}`"),
    };
    let docs = doc_lines(&format!(
        "Answers `pages`, in order, each a list of items: {how}. Each page expects one request \
         unless [`expect`](Self::expect) says otherwise; no pages at all answer one empty last page. \
         The body is the documented success (or the [`envelope`](Self::envelope)) with the items \
         and paging fields set."
    ));
    let documented = bodies.name(&documented_success(operation));
    let success = &builder.success;
    Some(quote! {
        #(#[doc = #docs])*
        #[track_caller]
        pub fn respond_pages<P, I>(self, pages: P) -> impl ::std::future::Future<Output = ()> + 's
        where
            P: IntoIterator<Item = I>,
            I: IntoIterator<Item = types::#item>,
        {
            let pages = pages
                .into_iter()
                .map(|page| page.into_iter().map(|item| sdk_runtime::mock::to_json(&item, "a page item")).collect())
                .collect();
            self.0.respond_pages(#status, #paging, #documented, pages)
        }

        /// The page `respond_pages` fills in, instead of the documented one.
        #[track_caller]
        pub fn envelope(self, page: &#success) -> Self {
            Self(self.0.envelope(page))
        }
    })
}

/// `impl Sample` for the types the mocks take, each from the spec's
/// example or sample: page items, success bodies, the error body, and
/// request bodies.
fn samples(api: &Api, builders: &[Builder], error: &syn::Type, bodies: &mut Bodies) -> TokenStream {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut add = |ty: String, json: Option<&String>| {
        if let Some(json) = json {
            if ty.starts_with("types::") && !found.iter().any(|(held, _)| *held == ty) {
                found.push((ty, json.clone()));
            }
        }
    };
    for (operation, builder) in api.operations.iter().zip(builders) {
        if let Some(pagination) = &operation.pagination {
            add(format!("types::{}", pagination.item_type), operation.example.item.as_ref());
        }
        if operation.outcomes.is_empty() {
            let json = operation.example.success.as_ref().and_then(|s| s.body.as_ref()).filter(|(media, _)| media.contains("json")).map(|(_, text)| text);
            add(type_text(&builder.success), json);
        }
        if matches!(operation.body, Some(BodyKind::Json | BodyKind::Form)) {
            if let Some(ty) = body_type(builder) {
                add(ty, operation.example.body.as_ref());
            }
        }
    }
    for operation in &api.operations {
        let json = operation.example.documented.iter().filter(|c| c.status >= 400).find_map(|c| c.body.as_ref().filter(|(m, _)| m.contains("json")));
        add(type_text(error), json.map(|(_, text)| text));
    }
    let impls = found.into_iter().map(|(ty, json)| {
        let json = bodies.name(&json);
        let path: syn::Type = syn::parse_str(&ty).unwrap_or_else(|_| syn::parse_quote!(()));
        let short = ty.trim_start_matches("types::").to_owned();
        quote! {
            impl Sample for #path {
                fn sample() -> Self {
                    sdk_runtime::mock::sample(#json, #short)
                }
            }
        }
    });
    quote!(#(#impls)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_the_literal_path_of_the_server_url() {
        assert_eq!(base_path("https://api.cloud.scenario.com/v1"), "/v1");
        assert_eq!(base_path("https://api.indream.ai"), "");
        assert_eq!(base_path("https://{tenant}.mediapocket.fi/"), "");
        assert_eq!(base_path("https://host/{version}/api"), "");
        assert_eq!(base_path("/api/v3/"), "/api/v3");
        assert_eq!(base_path("https://host/v2?debug=1"), "/v2");
    }
}
