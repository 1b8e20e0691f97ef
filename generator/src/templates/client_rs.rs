//! The generated crate's `src/client.rs`: constructors, per-client and
//! per-call settings, and the `ClientHooks` impl that hands every request to
//! the runtime with the operation's security and idempotency.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_lines;
use crate::model::{Api, Constraint, ConstraintLocation, ConstraintRule, OperationFacts};

/// Renders `src/client.rs`.
pub fn client_rs(api: &Api) -> TokenStream {
    let server = server_items(api);
    let policies = api.operations.iter().map(policy_arm);
    let default_security = security_tokens(&api.default_security);
    let validate_imports = if api.operations.iter().any(|operation| !operation.constraints.is_empty()) {
        quote!(use sdk_runtime::validate::{Constraint, Location, Rule};)
    } else {
        quote!()
    };
    let header_names = api.default_headers.iter().map(|(name, _)| name);
    let header_values = api.default_headers.iter().map(|(_, value)| value);
    quote! {
        //! Building a [`Client`], and the hooks that route its requests
        //! through [`sdk_runtime::execute`].

        use std::time::Duration;

        use progenitor_client::{ClientHooks, OperationInfo};
        #validate_imports
        use sdk_runtime::{ClientContext, ConfigError, OperationPolicy, RetryPolicy, Timeouts};

        use crate::{Client, Credentials};

        #server

        /// Headers the API documents as required on every request.
        const DEFAULT_HEADERS: &[(&str, &str)] = &[#((#header_names, #header_values)),*];

        const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        impl Client {
            /// Creates a client for `base_url` with the default retry policy
            /// (2 retries with backoff, idempotent requests only) and timeouts
            /// (10 s to connect, 60 s per call, uploads bounded only by a 60 s
            /// read timeout).
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
                    context: ClientContext { credentials: credentials.0, ..ClientContext::default() },
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

            /// A copy of this client whose ordinary calls time out after
            /// `timeout`; the copy shares the connection pool.
            pub fn with_request_timeout(&self, timeout: Duration) -> Self {
                let mut copy = self.clone();
                copy.inner.timeouts.request = timeout;
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

            /// Uses `client` for HTTP instead of building one. Its own
            /// timeouts then apply, and it should not follow redirects itself
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
            /// credential cannot be sent as a header, or the HTTP client
            /// cannot be built.
            pub fn build(self) -> Result<Client, ConfigError> {
                let baseurl = sdk_runtime::normalize_base_url(&self.base_url)?;
                let client = match self.http_client {
                    Some(client) => client,
                    None => self.context.http_client(USER_AGENT)?,
                };
                Ok(Client { baseurl, client, inner: self.context })
            }
        }

        impl ClientHooks<ClientContext> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                sdk_runtime::validate(request, &operation_policy(info.operation_id)).map_err(progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                sdk_runtime::execute(&self.client, &self.inner, request, &operation_policy(info.operation_id)).await
            }
        }

        /// Security requirements and idempotency of each operation, from the spec.
        fn operation_policy(operation_id: &str) -> OperationPolicy {
            match operation_id {
                #(#policies)*
                _ => OperationPolicy {
                    security: #default_security,
                    idempotent: false,
                    default_headers: DEFAULT_HEADERS,
                    comma_separated_query: &[],
                    constraints: &[],
                    success_when: None,
                },
            }
        }
    }
}

fn policy_arm(operation: &OperationFacts) -> TokenStream {
    let name = &operation.method_name;
    let security = security_tokens(&operation.security);
    let idempotent = operation.idempotent;
    let csv = &operation.comma_separated_query;
    let constraints = operation.constraints.iter().map(constraint_tokens);
    let success_when = match &operation.success_when {
        Some((pointer, equals)) => quote!(Some((#pointer, #equals))),
        None => quote!(None),
    };
    quote! {
        #name => OperationPolicy {
            security: #security,
            idempotent: #idempotent,
            default_headers: DEFAULT_HEADERS,
            comma_separated_query: &[#(#csv),*],
            constraints: &[#(#constraints),*],
            success_when: #success_when,
        },
    }
}

fn constraint_tokens(constraint: &Constraint) -> TokenStream {
    let parameter = &constraint.parameter;
    let option = |value: Option<TokenStream>| value.map(|v| quote!(Some(#v))).unwrap_or(quote!(None));
    let location = match constraint.location {
        ConstraintLocation::Query => quote!(Location::Query),
        ConstraintLocation::Header => quote!(Location::Header),
        ConstraintLocation::PathFromEnd(n) => quote!(Location::PathFromEnd(#n)),
    };
    let rule = match &constraint.rule {
        ConstraintRule::Integer { min, max } => {
            let (min, max) = (option(min.map(|v| quote!(#v))), option(max.map(|v| quote!(#v))));
            quote!(Rule::Integer { min: #min, max: #max })
        }
        ConstraintRule::Length { min, max } => {
            let (min, max) = (option(min.map(|v| quote!(#v))), option(max.map(|v| quote!(#v))));
            quote!(Rule::Length { min: #min, max: #max })
        }
    };
    quote!(Constraint { parameter: #parameter, location: #location, rule: #rule })
}

fn security_tokens(security: &[Vec<String>]) -> TokenStream {
    let alternatives = security.iter().map(|alternative| quote!(&[#(#alternative),*]));
    quote!(&[#(#alternatives),*])
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
    let names = server.variables.iter().map(|v| format_ident!("{}", heck::ToSnakeCase::to_snake_case(v.name.as_str()))).collect::<Vec<_>>();
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
