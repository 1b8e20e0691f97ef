//! The generated crate's `src/auth.rs`: one `Credentials` constructor per
//! security scheme of the spec, plus `from_env` where the spec names
//! environment variables (`x-env`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_lines;
use crate::model::{Api, Scheme, SchemeKind};

/// Renders `src/auth.rs`.
pub fn auth_rs(api: &Api) -> TokenStream {
    let constructors = api.schemes.iter().map(constructor);
    let from_env = api.schemes.iter().find(|scheme| !scheme.env.is_empty()).map(from_env);
    let docs = doc_lines(&format!(
        "Credentials for the {}.\n\nBuild them with the constructor for the scheme you use; \
         the client applies them to each request whose operation requires that scheme. \
         Secrets never appear in `Debug` output.",
        api.title
    ));
    let imports = if api.schemes.is_empty() {
        quote!(use sdk_runtime::CredentialSet;)
    } else {
        quote!(use sdk_runtime::{Credential, CredentialSet};)
    };
    quote! {
        //! Credentials, one constructor per security scheme of the spec.

        #imports

        #(#[doc = #docs])*
        #[derive(Clone, Debug, Default)]
        pub struct Credentials(pub(crate) CredentialSet);

        impl Credentials {
            #(#constructors)*

            #from_env

            /// No credentials: only operations that require no security will succeed.
            pub fn none() -> Self {
                Self::default()
            }

            /// Combines two sets of credentials, for operations that require
            /// several schemes at once; `other` wins for a scheme both hold.
            pub fn and(self, other: Credentials) -> Self {
                Self(other.0.iter().cloned().fold(self.0, CredentialSet::with))
            }
        }
    }
}

fn constructor(scheme: &Scheme) -> TokenStream {
    let name = format_ident!("{}", scheme.constructor);
    let scheme_name = &scheme.name;
    let (how, parameters, credential) = match &scheme.kind {
        SchemeKind::HeaderApiKey { header } => (
            format!("An API key, sent in the `{header}` header."),
            quote!(key: impl Into<String>),
            quote!(Credential::header_api_key(#scheme_name, #header, key.into())),
        ),
        SchemeKind::QueryApiKey { parameter } => (
            format!("An API key, sent as the `{parameter}` query parameter."),
            quote!(key: impl Into<String>),
            quote!(Credential::query_api_key(#scheme_name, #parameter, key.into())),
        ),
        SchemeKind::CookieApiKey { cookie } => (
            format!("An API key, sent as the `{cookie}` cookie."),
            quote!(key: impl Into<String>),
            quote!(Credential::cookie_api_key(#scheme_name, #cookie, key.into())),
        ),
        SchemeKind::OAuth2 { client_credentials } => return oauth2_constructors(scheme, client_credentials.as_deref()),
        SchemeKind::Bearer => (
            "A bearer token, sent as `Authorization: Bearer <token>`.".to_owned(),
            quote!(token: impl Into<String>),
            quote!(Credential::bearer(#scheme_name, token.into())),
        ),
        SchemeKind::Basic => (
            "HTTP Basic credentials, sent as `Authorization: Basic base64(username:password)`.".to_owned(),
            quote!(username: impl Into<String>, password: impl Into<String>),
            quote!(Credential::basic(#scheme_name, username.into(), password.into())),
        ),
        SchemeKind::FixedAuthorization { value } => (
            format!("Public access, sent as the literal `Authorization: {value}`."),
            quote!(),
            quote!(Credential::fixed_authorization(#scheme_name, #value)),
        ),
        SchemeKind::NcpSignatureV2 => (
            "NAVER Cloud API Gateway signature v2: every request carries `x-ncp-apigw-timestamp`, \
             `x-ncp-iam-access-key` and an HMAC-SHA256 `x-ncp-apigw-signature-v2` computed from \
             the secret key."
                .to_owned(),
            quote!(access_key: impl Into<String>, secret_key: impl Into<String>),
            quote!(Credential::ncp_signature_v2(#scheme_name, access_key.into(), secret_key.into())),
        ),
    };
    let mut text = how;
    if let Some(description) = &scheme.description {
        text.push_str("\n\n");
        text.push_str(description.trim_end());
    }
    text.push_str(&format!("\n\nSatisfies the `{scheme_name}` security scheme."));
    let docs = doc_lines(&text);
    quote! {
        #(#[doc = #docs])*
        pub fn #name(#parameters) -> Self {
            Self(CredentialSet::single(#credential))
        }
    }
}

/// `<name>_token(token)`, `<name>_provider(provider)` and, with a
/// client-credentials flow, `<name>_client_credentials(id, secret)`.
fn oauth2_constructors(scheme: &Scheme, client_credentials: Option<&str>) -> TokenStream {
    let scheme_name = &scheme.name;
    let base = &scheme.constructor;
    let (token, provider) = (format_ident!("{base}_token"), format_ident!("{base}_provider"));
    let about = |how: &str| {
        let mut text = how.to_owned();
        if let Some(description) = &scheme.description {
            text.push_str("\n\n");
            text.push_str(description.trim_end());
        }
        text.push_str(&format!("\n\nSatisfies the `{scheme_name}` security scheme."));
        doc_lines(&text)
    };
    let token_docs = about("An access token obtained elsewhere, sent as `Authorization: Bearer <token>`.");
    let provider_docs = about(
        "Tokens from `provider`, asked before each request (it caches them) and again, with \
         `refresh` set, when the server answers 401; the request is then sent once more.",
    );
    let flow = client_credentials.map(|url| {
        let name = format_ident!("{base}_client_credentials");
        let docs = about(&format!(
            "The client-credentials flow: tokens are fetched from `{url}` with `client_id` and \
             `client_secret` (HTTP Basic), cached until shortly before they expire, and fetched \
             again after a 401. To ask for scopes or use another token URL, pass a \
             [`sdk_runtime::oauth2::ClientCredentials`] to [`Self::{provider}`]."
        ));
        quote! {
            #(#[doc = #docs])*
            pub fn #name(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
                let provider = sdk_runtime::oauth2::ClientCredentials::new(#url, client_id.into(), client_secret.into());
                Self::#provider(provider)
            }
        }
    });
    quote! {
        #(#[doc = #token_docs])*
        pub fn #token(token: impl Into<String>) -> Self {
            Self(CredentialSet::single(Credential::bearer(#scheme_name, token.into())))
        }

        #(#[doc = #provider_docs])*
        pub fn #provider(provider: impl sdk_runtime::oauth2::TokenProvider + 'static) -> Self {
            Self(CredentialSet::single(Credential::token_provider(#scheme_name, provider)))
        }

        #flow
    }
}

fn from_env(scheme: &Scheme) -> TokenStream {
    let name = match scheme.kind {
        SchemeKind::OAuth2 { .. } => format_ident!("{}_token", scheme.constructor),
        _ => format_ident!("{}", scheme.constructor),
    };
    let variables = &scheme.env;
    let list = variables.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" and ");
    let docs = doc_lines(&format!(
        "Reads the `{}` credentials from {list}.\n\n# Errors\n\nAn [`EnvError`](sdk_runtime::EnvError) \
         naming the first variable that is missing or empty.",
        scheme.name
    ));
    let reads = variables.iter().map(|v| quote!(sdk_runtime::auth::env_var(#v)?.expose()));
    quote! {
        #(#[doc = #docs])*
        pub fn from_env() -> Result<Self, sdk_runtime::EnvError> {
            // Marked as read from the environment, so that a refusal names the variables.
            Ok(Self(Self::#name(#(#reads),*).0.read_from_env()))
        }
    }
}
