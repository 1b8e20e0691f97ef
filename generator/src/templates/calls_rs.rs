//! The generated crate's `src/calls.rs`: a `send()` on every request builder
//! that runs progenitor's call and returns the crate's one `Error` type.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::model::{Api, UploadFacts};
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
        let upload = api
            .operations
            .iter()
            .find(|operation| *builder == heck::ToUpperCamelCase::to_upper_camel_case(operation.id.as_str()))
            .and_then(|operation| operation.upload.as_ref())
            .map(|upload| send_upload(upload, success));
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

                #upload
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

fn send_upload(upload: &UploadFacts, success: &syn::Type) -> TokenStream {
    let min = upload.min_bytes;
    let request = match &upload.file_name_setter {
        Some(setter) => {
            let setter = quote::format_ident!("{setter}");
            quote! {
                let mut request = self;
                if let Some(name) = upload.file_name() {
                    request = request.#setter(name);
                }
            }
        }
        None => quote!(let request = self;),
    };
    let name_doc = match &upload.file_name_setter {
        Some(setter) => format!(", and sets `{setter}` from its file name (change it with `Upload::with_file_name`)"),
        None => String::new(),
    };
    let docs = super::doc_lines(&format!(
        "Streams `upload` as the request body with its `Content-Type` and `Content-Length`{name_doc}.\n\n\
         Memory does not grow with the file; progress goes to `Upload::on_progress`. An upload is \
         never retried: its body cannot be replayed.\n\n# Errors\n\n`Error::Validation`, before \
         anything is sent, when the upload has fewer than {min} byte(s) or its file name breaks a \
         documented constraint; otherwise as [`send`](Self::send)."
    ));
    quote! {
        #(#[doc = #docs])*
        pub async fn send_upload(self, upload: sdk_runtime::upload::Upload) -> Result<ResponseValue<#success>, Error> {
            if upload.length() < #min {
                return Err(Error::Validation {
                    parameter: "body".to_owned(),
                    message: format!("the upload has {} byte(s); the API requires at least {}", upload.length(), #min),
                });
            }
            #request
            let (content_type, length) = (upload.content_type().to_owned(), upload.length());
            let request = request.body(upload.into_body());
            sdk_runtime::upload::with_body_headers(content_type, length, request.send()).await
        }
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
