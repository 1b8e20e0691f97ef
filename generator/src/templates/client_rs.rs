//! The generated crate's `src/client.rs`: constructors and per-client
//! settings (retries, timeouts, the HTTP client).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_lines;
use crate::model::Api;

/// Renders `src/client.rs`.
pub fn client_rs(api: &Api) -> TokenStream {
    let server = server_items(api);
    let env = api.schemes.iter().find(|scheme| !scheme.env.is_empty()).map(|scheme| scheme.env.clone()).unwrap_or_default();
    quote! {
        //! Building a [`Client`]: base URL, credentials, retries, timeouts.

        use std::time::Duration;

        use sdk_runtime::{ClientContext, ConfigError, ErrorHints, RetryBudget, RetryPolicy, Timeouts};

        use crate::{Client, Credentials};

        #server

        const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        /// What error messages suggest when the credentials are refused.
        const HINTS: ErrorHints = ErrorHints { credential_env: &[#(#env),*] };

        impl Client {
            /// Creates a client for `base_url` with the default retry policy
            /// (2 retries with backoff, for requests that are safe to repeat)
            /// and timeouts (10 s to connect, 30 s per attempt, 60 s per call
            /// with its retries; uploads and downloads bounded only by 60 s of
            /// silence).
            ///
            /// # Errors
            ///
            /// [`ConfigError`] when `base_url` is not an http(s) URL or a
            /// credential cannot be sent as an HTTP header.
            pub fn new(base_url: &str, credentials: Credentials) -> Result<Self, ConfigError> {
                Self::builder(base_url, credentials).build()
            }

            /// Starts a [`ClientBuilder`] to set retries, timeouts or the HTTP client.
            pub fn builder(base_url: &str, credentials: Credentials) -> ClientBuilder {
                ClientBuilder {
                    base_url: base_url.to_owned(),
                    context: ClientContext { credentials: credentials.0, hints: HINTS, ..ClientContext::default() },
                    http_client: None,
                }
            }

            /// A copy of this client that retries with `policy`, for one call
            /// or a group of calls; the copy shares the connection pool.
            ///
            /// `client.with_retry_policy(RetryPolicy::none())` switches retries off.
            pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
                let mut copy = self.clone();
                copy.inner.retry = policy;
                copy
            }

            /// A copy of this client whose calls end after `timeout` in total,
            /// retries and backoff included (`Timeouts::total`); the copy
            /// shares the connection pool.
            pub fn with_request_timeout(&self, timeout: Duration) -> Self {
                let mut copy = self.clone();
                copy.inner.timeouts.total = timeout;
                copy
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                &self.baseurl
            }

            /// The retry policy of this client.
            pub fn retry_policy(&self) -> &RetryPolicy {
                &self.inner.retry
            }

            /// The timeouts of this client.
            pub fn timeouts(&self) -> &Timeouts {
                &self.inner.timeouts
            }

            /// The request id the server gave a response, from the first of
            /// the client's request-id headers it sent (`x-request-id` and the
            /// usual vendor headers by default; see
            /// [`ClientBuilder::request_id_headers`]). Errors carry theirs:
            /// `error.request_id()`.
            pub fn request_id<'h>(&self, response_headers: &'h reqwest::header::HeaderMap) -> Option<&'h str> {
                self.inner.request_id(response_headers)
            }
        }

        /// Configures a [`Client`] before it is built.
        #[derive(Debug)]
        pub struct ClientBuilder {
            base_url: String,
            context: ClientContext,
            http_client: Option<reqwest::Client>,
        }

        impl ClientBuilder {
            /// Sets the retry policy (default: [`RetryPolicy::default`]).
            pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.context.retry = policy;
                self
            }

            /// Sets the timeouts (default: [`Timeouts::default`]).
            pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
                self.context.timeouts = timeouts;
                self
            }

            /// Presents `identity` (a TLS client certificate) to servers that
            /// authenticate clients by certificate (`mutualTLS`).
            pub fn identity(mut self, identity: sdk_runtime::ClientIdentity) -> Self {
                self.context.identity = Some(identity);
                self
            }

            /// Calls `interceptor` around every attempt of every call: before
            /// sending (with the request, which it may change; credentials are
            /// applied after it, so it never sees them) and after the answer
            /// or the failure.
            pub fn interceptor(mut self, interceptor: impl sdk_runtime::Interceptor + 'static) -> Self {
                self.context.interceptors.push(::std::sync::Arc::new(interceptor));
                self
            }

            /// The response headers that carry the server's request id, in
            /// order of preference (default:
            /// [`sdk_runtime::DEFAULT_REQUEST_ID_HEADERS`]).
            pub fn request_id_headers(mut self, headers: impl IntoIterator<Item = reqwest::header::HeaderName>) -> Self {
                self.context.request_id_headers = headers.into_iter().collect();
                self
            }

            /// How much of an error body is kept, in bytes (default 64 KiB);
            /// `ApiError::truncated` says when a body was longer.
            pub fn error_body_limit(mut self, bytes: usize) -> Self {
                self.context.error_body_limit = bytes;
                self
            }

            /// How long a success body read into memory to be decoded may be,
            /// in bytes (default 16 MiB); a longer one is an
            /// `Error::BodyTooLarge`, refused from its `Content-Length` before
            /// reading or when reading goes past the limit. Streamed
            /// downloads are not limited. One call can change it with
            /// `with_options(CallOptions::new().with_body_limit(..))`.
            pub fn body_limit(mut self, bytes: usize) -> Self {
                self.context.body_limit = bytes;
                self
            }

            /// How deep arrays and objects may nest in a JSON body the client
            /// decodes (default 128, also serde_json's own limit); a deeper
            /// body is an `Error::Decode` naming the limit, found in one pass
            /// before decoding.
            pub fn json_depth_limit(mut self, levels: usize) -> Self {
                self.context.json_depth_limit = levels;
                self
            }

            /// Sets the retries all calls of the client (and of its copies)
            /// may make together (default: [`RetryBudget::default`],
            /// 100 retries, refilled by 0.2 per successful call);
            /// `RetryBudget::unlimited()` leaves only the retry policy.
            pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
                self.context.retry_budget = budget;
                self
            }

            /// Uses `client` for HTTP instead of building one. Its own
            /// connect and read timeouts then apply (the attempt and total
            /// limits still hold), and it should not follow redirects itself
            /// (`reqwest::redirect::Policy::none()`), so that credentials are
            /// never sent to another origin.
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.http_client = Some(client);
                self
            }

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// [`ConfigError`] when the base URL is not an http(s) URL, a
            /// credential cannot be sent as a header (whichever HTTP client
            /// is used), or the HTTP client cannot be built.
            pub fn build(self) -> Result<Client, ConfigError> {
                let baseurl = sdk_runtime::normalize_base_url(&self.base_url)?;
                self.context.validate()?;
                let client = match self.http_client {
                    Some(client) => client,
                    None => self.context.http_client(USER_AGENT)?,
                };
                Ok(Client { baseurl, client, inner: self.context })
            }
        }
    }
}

fn server_items(api: &Api) -> TokenStream {
    let Some(server) = &api.server else { return quote!() };
    let url = &server.url;
    if server.variables.is_empty() {
        let docs = doc_lines(&format!("The URL of the {} server, from the spec.", api.title));
        return quote! {
            #(#[doc = #docs])*
            pub const DEFAULT_BASE_URL: &str = #url;
        };
    }
    let names = server.variables.iter().map(|v| format_ident!("{}", v.field)).collect::<Vec<_>>();
    let mut text = format!("The server URL `{url}` with its variables filled in.\n\n# Arguments\n");
    for (variable, ident) in server.variables.iter().zip(&names) {
        let what = variable.description.as_deref().unwrap_or("server variable");
        text.push_str(&format!("\n- `{ident}`: {what}"));
    }
    let docs = doc_lines(&text);
    let replacements = server.variables.iter().zip(&names).map(|(variable, ident)| {
        let placeholder = format!("{{{}}}", variable.name);
        quote!(.replace(#placeholder, #ident))
    });
    quote! {
        #(#[doc = #docs])*
        pub fn server_url(#(#names: &str),*) -> String {
            #url.to_owned() #(#replacements)*
        }
    }
}
