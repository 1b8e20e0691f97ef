//! The generated crate's `src/calls.rs`: a `send()` on every request builder
//! that runs progenitor's call and returns the crate's one `Error` type.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::model::Api;
use crate::progenitor_pass::SendSignature;

/// Renders `src/calls.rs`.
pub fn calls_rs(api: &Api, sends: &[SendSignature]) -> TokenStream {
    let body = error_body(sends);
    let env = api.schemes.iter().find(|scheme| !scheme.env.is_empty()).map(|scheme| scheme.env.clone()).unwrap_or_default();
    let body_doc = format!(
        "The typed body is `{}`: {}.",
        body.to_token_stream().to_string().replace(' ', ""),
        if is_json_value(&body) {
            "the spec documents no single error schema, so any JSON error body is kept as a value"
        } else {
            "the error schema every operation of the spec shares"
        }
    );
    let impls = sends.iter().map(|send| {
        let SendSignature { builder, success, .. } = send;
        let docs = super::doc_lines(
            "Sends the request and decodes the response.\n\n# Errors\n\nAn [`Error`] when a parameter \
             breaks a documented constraint (nothing is sent), the call fails or times out, or the \
             server answers with an error.",
        );
        quote! {
            impl builder::#builder<'_> {
                #(#[doc = #docs])*
                pub async fn send(self) -> Result<ResponseValue<#success>, Error> {
                    sdk_runtime::call(self.send_raw(), &HINTS).await
                }
            }
        }
    });
    let error_docs = super::doc_lines(&format!(
        "Every error a call of this crate can return.\n\n{body_doc} Match on the variants to \
         tell an API error (with status, headers and body) from a rate limit, a timeout, a \
         transport failure, an undecodable response or a client-side validation error."
    ));
    quote! {
        //! `send()` for every request builder: progenitor's call, with this
        //! crate's [`Error`].

        #[allow(unused_imports)]
        use crate::{builder, types, ResponseValue};
        use sdk_runtime::ErrorHints;

        #(#[doc = #error_docs])*
        pub type Error = sdk_runtime::Error<#body>;

        /// What error messages suggest when the credentials are refused.
        const HINTS: ErrorHints = ErrorHints { credential_env: &[#(#env),*] };

        #(#impls)*
    }
}

/// The crate's error body: the operations' shared error type, or a JSON
/// value when they differ or document none.
fn error_body(sends: &[SendSignature]) -> syn::Type {
    let mut types = sends.iter().map(|send| send.error.to_token_stream().to_string());
    let first = types.next();
    let shared = first.as_ref().filter(|first| types.all(|ty| &ty == *first) && first.as_str() != "()");
    match shared {
        Some(_) => sends[0].error.clone(),
        None => syn::parse_quote!(::serde_json::Value),
    }
}

fn is_json_value(ty: &syn::Type) -> bool {
    ty.to_token_stream().to_string().replace(' ', "") == "::serde_json::Value"
}
