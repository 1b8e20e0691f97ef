//! The generated crate's `src/lib.rs`: crate docs, modules, re-exports.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, example};
use crate::model::Api;

/// Renders `src/lib.rs`.
pub fn lib_rs(api: &Api) -> TokenStream {
    let mut docs = format!("Typed client for the {}.\n", api.title);
    if let Some(description) = &api.description {
        docs.push('\n');
        docs.push_str(description.trim_end());
        docs.push('\n');
    }
    docs.push_str(&format!(
        "\nGenerated from `{}`. Every request goes through [`sdk_runtime`], which \
         applies the credentials, timeouts and retry policy set on the [`Client`].\n",
        api.spec_label,
    ));
    for example in example::examples(api) {
        docs.push_str(&format!("\n# {}\n\n{}", example.section, example.doc_test()));
    }
    let docs = doc_lines(&docs);
    let server_item = match &api.server {
        Some(server) if server.variables.is_empty() => quote!(DEFAULT_BASE_URL),
        Some(_) => quote!(server_url),
        None => quote!(),
    };
    let server_export = if api.server.is_some() { quote!(pub use client::#server_item;) } else { quote!() };
    let pagination = if api.paginated {
        quote! {
            mod pagination;
            pub use operations::PageError;
            pub use sdk_runtime::pagination::{Page, Position};
        }
    } else {
        quote!()
    };
    let uploads = if api.has_uploads() || api.has_multipart() { quote!(pub use sdk_runtime::upload::{Upload, UploadError};) } else { quote!() };
    let outcomes = api.operations.iter().any(|o| !o.outcomes.is_empty()).then(|| quote!(pub use operations::outcomes;));
    let vendored = api.vendored_runtime.then(|| {
        quote! {
            /// The runtime every operation goes through (credentials, retries,
            /// timeouts, pagination, uploads), vendored into this crate.
            pub mod sdk_runtime;
        }
    });
    let chrono = api.uses.chrono.then(|| quote!(pub use chrono;));
    let uuid = api.uses.uuid.then(|| quote!(pub use uuid;));
    let stream_ext = (api.paginated || api.uses.futures).then(|| quote!(pub use futures::{StreamExt, TryStreamExt};));
    let cli = super::has_cli(api).then(|| quote!(#[cfg(feature = "cli")] pub mod cli;));
    let multipart = if api.has_multipart() { quote!(pub use sdk_runtime::multipart::{Multipart, MultipartError};) } else { quote!() };
    quote! {
        #(#![doc = #docs])*
        #![warn(missing_debug_implementations)]

        mod auth;
        mod client;
        // `open_enum_conversions!()`, which the open enums of `types` use.
        #[macro_use]
        mod open_enums;
        // typify writes a default-value function for every default in the
        // spec, whether or not a type uses it, and checks a `minimum: 0`
        // even on an unsigned type.
        #[allow(dead_code, unused_comparisons)]
        mod generated_sdk;
        // `call_settings!()`, which `operations` uses.
        #[macro_use]
        mod call_settings;
        mod operations;
        #vendored
        #cli

        // `mock_methods!()`, which `mock` uses.
        #[cfg(feature = "mock")]
        #[macro_use]
        mod mock_methods;
        /// Typed mock helpers for tests: a local server that checks requests as the API would.
        #[cfg(feature = "mock")]
        pub mod mock;

        pub use auth::Credentials;
        pub use operations::Error;
        pub use client::ClientBuilder;
        #server_export
        pub use generated_sdk::{builder, prelude, types, ByteStream, Client, ResponseValue};
        pub use sdk_runtime::{ApiError, AttemptInfo, AttemptOutcome, CallOptions, ConfigError, EnvError, Interceptor, RetryBudget, RetryPolicy, TimeLimit, Timeouts};
        #pagination
        #uploads
        #multipart
        #outcomes

        // The types of other crates in this crate's public API, so callers
        // need not add matching versions of those crates themselves.
        pub use bytes::Bytes;
        pub use futures_core::Stream;
        #stream_ext
        pub use sdk_runtime::reqwest::{self, header::{HeaderMap, HeaderName, HeaderValue}, StatusCode};
        #chrono
        #uuid
    }
}
