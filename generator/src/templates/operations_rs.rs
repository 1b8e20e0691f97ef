//! The generated crate's `src/operations.rs`: for every operation, its
//! static [`sdk_runtime::Operation`] descriptor and the `send()` of its
//! request builder, generated from our own model. Read top to bottom, one
//! operation says what is sent (`call`) and how each status decodes
//! (`decode`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::doc_lines;
use crate::model::{
    Api, BodyKind, ConstraintRule, Idempotency, Location, OperationFacts, OutcomeKind, ResponseFacts, Status, Style, UploadFacts,
};
use crate::progenitor_pass::Builder;

/// Renders `src/operations.rs`. `builders[i]` is progenitor's builder for
/// `api.operations[i]` (matched by [`crate::match_builders`]).
pub fn operations_rs(api: &Api, builders: &[Builder]) -> TokenStream {
    let body = error_body(builders);
    let body_doc = format!(
        "The typed body is `{}`: {}.",
        body.to_token_stream().to_string().replace(' ', ""),
        if is_json_value(&body) {
            "the spec documents no single error schema, so any JSON error body is kept as a value"
        } else {
            "the error schema every operation of the spec shares"
        }
    );
    let error_docs = doc_lines(&format!(
        "Every error a call of this crate can return.\n\n{body_doc} Match on the variants to \
         tell an API error (with status, headers and body) from a rate limit, a timeout, a \
         transport failure, an undecodable response or a client-side validation error. Every \
         error names its operation ([`sdk_runtime::Error::operation`])."
    ));
    let header_names = api.default_headers.iter().map(|(name, _)| name);
    let header_values = api.default_headers.iter().map(|(_, value)| value);
    let operations: Vec<TokenStream> = api.operations.iter().zip(builders).map(|(operation, builder)| operation_items(operation, builder)).collect();
    let outcome_enums: Vec<TokenStream> = api.operations.iter().zip(builders).filter(|(o, _)| !o.outcomes.is_empty()).map(|(o, b)| outcome_enum(o, b)).collect();
    let outcomes = (!outcome_enums.is_empty()).then(|| {
        quote! {
            /// The typed results of operations whose success responses have
            /// different bodies: one variant per documented status.
            pub mod outcomes {
                #[allow(unused_imports)]
                use crate::{types, ByteStream};

                #(#outcome_enums)*
            }
        }
    });
    let default_headers = (!operations.is_empty()).then(|| {
        quote! {
            /// Headers the API documents as required on every request.
            const DEFAULT_HEADERS: &[(&str, &str)] = &[#((#header_names, #header_values)),*];
        }
    });
    let page_error = api.paginated.then(|| {
        quote! {
            /// The error of a page stream (`pages()`, `items()`): the [`Error`]
            /// and the position of the page that failed, to resume from with
            /// `pages_from` or `items_from`. It converts into [`Error`] with `?`.
            pub type PageError = sdk_runtime::pagination::PageError<#body>;
        }
    });
    let mut file = quote! {
        //! Every operation: its descriptor, what its builder sends, and how
        //! each response status decodes.

        #[allow(unused_imports)]
        use sdk_runtime::{Call, Idempotency, Location, Operation, Parameter, Response, Rule, Style, SuccessWhen};
        #[allow(unused_imports)]
        use sdk_runtime::reqwest::Method;

        #[allow(unused_imports)]
        use crate::{builder, types, ByteStream, ResponseValue};

        #(#[doc = #error_docs])*
        pub type Error = sdk_runtime::Error<#body>;

        #page_error

        #default_headers

        #outcomes
    };
    // Moved in, not copied (see `braced`).
    file.extend(operations);
    file
}

/// The name of an operation's descriptor, such as `LIST_PROJECT_ASSETS`.
pub fn descriptor_name(operation: &OperationFacts) -> syn::Ident {
    let name = heck::ToShoutySnakeCase::to_shouty_snake_case(operation.method_name.as_str());
    match name.chars().next() {
        Some(first) if first.is_ascii_alphabetic() => format_ident!("{name}"),
        _ => format_ident!("OPERATION_{}", name.trim_start_matches('_')),
    }
}

/// The enum of outcomes of an operation whose successes differ, such as
/// `PutAnythingOutcome { Status200(types::A), Status201(types::B) }`.
fn outcome_enum(operation: &OperationFacts, builder: &Builder) -> TokenStream {
    let name = outcome_name(builder);
    let variants = operation.outcomes.iter().map(|outcome| {
        let variant = outcome_variant(&outcome.status);
        let doc = format!("`{}` answered {}.", operation.id, outcome.status);
        match &outcome.kind {
            OutcomeKind::Json(rust) => {
                let ty: syn::Type = syn::parse_str(rust).unwrap_or_else(|_| syn::parse_quote!(::serde_json::Value));
                quote!(#[doc = #doc] #variant(#ty))
            }
            OutcomeKind::Stream => quote!(#[doc = #doc] #variant(ByteStream)),
            OutcomeKind::Empty => quote!(#[doc = #doc] #variant),
        }
    });
    let docs = doc_lines(&format!("What `{}` returned: its success responses have different bodies.", operation.id));
    let streams = operation.outcomes.iter().any(|outcome| outcome.kind == OutcomeKind::Stream);
    let debug = streams.then(|| {
        let arms = operation.outcomes.iter().map(|outcome| {
            let variant = outcome_variant(&outcome.status);
            let label = variant.to_string();
            match outcome.kind {
                OutcomeKind::Empty => quote!(Self::#variant => f.write_str(#label)),
                _ => quote!(Self::#variant(_) => write!(f, "{}(..)", #label)),
            }
        });
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self { #(#arms,)* }
                }
            }
        }
    });
    let derive = (!streams).then(|| quote!(#[derive(Debug)]));
    quote! {
        #(#[doc = #docs])*
        #derive
        pub enum #name { #(#variants,)* }
        #debug
    }
}

pub(super) fn outcome_name(builder: &Builder) -> syn::Ident {
    format_ident!("{}Outcome", builder.name)
}

/// `201` → `Status201`, `2XX` → `Status2xx`.
pub(super) fn outcome_variant(status: &str) -> syn::Ident {
    format_ident!("Status{}", status.to_ascii_lowercase())
}

fn operation_items(operation: &OperationFacts, builder: &Builder) -> TokenStream {
    let descriptor = descriptor(operation);
    let name = descriptor_name(operation);
    let builder_name = &builder.name;
    let success: syn::Type = if operation.outcomes.is_empty() {
        builder.success.clone()
    } else {
        let outcome = outcome_name(builder);
        syn::parse_quote!(outcomes::#outcome)
    };
    let success = &success;
    let line = format!("`{}`: `{} {}`.", operation.id, operation.http_method, operation.path);
    let descriptor_docs = doc_lines(&format!("What the spec says about {line}"));
    let send_docs = doc_lines(&format!(
        "Sends {line}\n\n# Errors\n\nAn [`Error`] when a parameter is missing or breaks a documented \
         constraint (nothing is sent), the call fails or times out, or the server answers with an error.",
    ));
    let call = call_fn(operation, builder, &name);
    let decode = if operation.outcomes.is_empty() { decode_fn(operation, success) } else { decode_outcomes_fn(operation, builder, success) };
    let upload = operation.upload.as_ref().map(|upload| send_upload(upload, success, &name));
    let multipart = match &operation.body {
        Some(BodyKind::Multipart { required, fields }) => Some((*required, send_multipart(fields, success))),
        _ => None,
    };
    let send = match multipart {
        Some((true, _)) => quote! {
            Err(Error::Validation {
                operation: &#name,
                parameter: "body".to_owned(),
                message: "is a required multipart/form-data body: send it with `send_multipart`".to_owned(),
            })
        },
        _ => quote!(Self::decode(self.call().send().await?).await),
    };
    let multipart = multipart.map(|(_, tokens)| tokens);
    let options = call_option_methods(operation, builder);
    quote! {
        #(#[doc = #descriptor_docs])*
        pub(crate) static #name: Operation = #descriptor;

        impl<'a> builder::#builder_name<'a> {
            #(#[doc = #send_docs])*
            pub async fn send(self) -> Result<ResponseValue<#success>, Error> {
                #send
            }

            #options

            #upload

            #multipart

            #call

            #decode
        }
    }
}

fn descriptor(operation: &OperationFacts) -> TokenStream {
    let id = &operation.id;
    let method = format_ident!("{}", operation.http_method);
    let path = &operation.path;
    let parameters = operation.parameters.iter().map(|parameter| {
        let name = &parameter.name;
        let base = match (parameter.location, parameter.style) {
            (Location::Path, _) => quote!(Parameter::path(#name)),
            (Location::Header, _) => quote!(Parameter::header(#name)),
            (Location::Cookie, _) => quote!(Parameter::cookie(#name)),
            (_, style) => {
                let style = style_tokens(style);
                quote!(Parameter::query(#name, #style))
            }
        };
        match &parameter.rule {
            Some(rule) => {
                let rule = rule_tokens(rule);
                quote!(#base.checked(#rule))
            }
            None => base,
        }
    });
    let security = operation.security.iter().map(|alternative| quote!(&[#(#alternative),*]));
    let idempotency = match &operation.idempotency {
        Idempotency::Safe => quote!(Idempotency::Safe),
        Idempotency::Key(header) => quote!(Idempotency::Key(#header)),
        Idempotency::Unsafe => quote!(Idempotency::Unsafe),
    };
    let accept = if operation.accepts_json { quote!(Some("application/json")) } else { quote!(None) };
    let success_when = match &operation.success_when {
        Some((pointer, equals)) => quote!(Some(SuccessWhen { pointer: #pointer, equals: #equals })),
        None => quote!(None),
    };
    quote! {
        Operation {
            id: #id,
            method: Method::#method,
            path: #path,
            parameters: &[#(#parameters),*],
            security: &[#(#security),*],
            idempotency: #idempotency,
            default_headers: DEFAULT_HEADERS,
            accept: #accept,
            success_when: #success_when,
        }
    }
}

fn style_tokens(style: Style) -> TokenStream {
    match style {
        Style::Form { explode } => quote!(Style::Form { explode: #explode }),
        Style::Simple => quote!(Style::Simple),
        Style::SpaceDelimited => quote!(Style::SpaceDelimited),
        Style::PipeDelimited => quote!(Style::PipeDelimited),
        Style::DeepObject => quote!(Style::DeepObject),
    }
}

fn rule_tokens(rule: &ConstraintRule) -> TokenStream {
    /// `Some(<literal>)` or `None`.
    fn bound(value: Option<Literal>) -> TokenStream {
        value.map_or(quote!(None), |literal| quote!(Some(#literal)))
    }
    match rule {
        ConstraintRule::Integer { min, max } => {
            let (min, max) = (bound(min.map(Literal::i64_unsuffixed)), bound(max.map(Literal::i64_unsuffixed)));
            quote!(Rule::Integer { min: #min, max: #max })
        }
        ConstraintRule::Length { min, max } => {
            let (min, max) = (bound(min.map(Literal::usize_unsuffixed)), bound(max.map(Literal::usize_unsuffixed)));
            quote!(Rule::Length { min: #min, max: #max })
        }
    }
}

/// `call_settings!()` (see `call_settings.rs`: `with_header`, `with_timeout`,
/// `with_retry_policy`, `with_options`, this call's own settings without a
/// copy of the client; `reserved.rs` keeps their names from parameter
/// setters) and `with_idempotency_key` where the spec declares a key.
fn call_option_methods(operation: &OperationFacts, builder: &Builder) -> TokenStream {
    let field = format_ident!("{}", crate::progenitor_pass::CALL_OPTIONS_FIELD);
    let taken = |name: &str| builder.fields.iter().any(|(field, _)| field == name);
    let mut methods = vec![quote!(call_settings!();)];
    if let (Idempotency::Key(header), false) = (&operation.idempotency, taken("with_idempotency_key")) {
        let docs = doc_lines(&format!(
            "Sends `key` as this call's `{header}`, unchanged on every retry, instead of a generated UUID v4."
        ));
        methods.push(quote! {
            #(#[doc = #docs])*
            pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
                self.#field = self.#field.with_idempotency_key(key);
                self
            }
        });
    }
    quote!(#(#methods)*)
}

/// `fn call(self) -> Call<'a>`: each builder field handed to the call the
/// way the spec says it travels.
fn call_fn(operation: &OperationFacts, builder: &Builder, descriptor: &syn::Ident) -> TokenStream {
    let fields: Vec<syn::Ident> = builder.fields.iter().filter(|(name, _)| name != "client").map(|(name, _)| format_ident!("{name}")).collect();
    let options = format_ident!("{}", crate::progenitor_pass::CALL_OPTIONS_FIELD);
    // progenitor's field order (path, then the rest by name) is the order
    // parameters go on the wire.
    let in_field_order = builder.fields.iter().filter_map(|(field, _)| operation.parameters.iter().find(|p| &p.field == field));
    let parameters = in_field_order.map(|parameter| {
        let name = &parameter.name;
        let field = format_ident!("{}", parameter.field);
        let setter = match parameter.location {
            Location::Path => quote!(path),
            Location::Query => quote!(query),
            Location::Cookie => quote!(cookie),
            Location::Header => quote!(header),
        };
        quote!(call.#setter(#name, #field);)
    });
    let body = operation.body.as_ref().map(|kind| {
        let conversion = builder.field("body").and_then(builder_conversion);
        let value = match conversion {
            Some(target) => quote!(body.and_then(|value| #target::try_from(value).map_err(|e| e.to_string()))),
            None => quote!(body),
        };
        match kind {
            BodyKind::Json => Some(quote!(call.json_body(#value);)),
            BodyKind::Form => Some(quote!(call.form_body(#value);)),
            BodyKind::Raw(media) => Some(quote!(call.raw_body(#value, #media);)),
            BodyKind::Multipart { .. } => None,
        }
    });
    let docs = doc_lines(&format!("The call `send` makes: `{} {}` with each parameter where the spec puts it.", operation.http_method, operation.path));
    let parameters: Vec<TokenStream> = parameters.chain(body.flatten()).collect();
    let new_call = quote!(Call::new(&client.client, &client.inner, &client.baseurl, &#descriptor));
    let build = quote! {
        let mut call = #new_call;
        #(#parameters)*
        call.options(&#options);
        call
    };
    quote! {
        #(#[doc = #docs])*
        fn call(self) -> Call<'a> {
            let Self { client, #(#fields),* } = self;
            #build
        }
    }
}

/// For a body held as `types::builder::X`, the `types::X` it converts to.
pub(super) fn builder_conversion(field: &syn::Type) -> Option<syn::Path> {
    let inner = ok_type(field)?;
    let syn::Type::Path(path) = inner else { return None };
    let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [types, builder, name] if types == "types" && builder == "builder" => {
            let name = format_ident!("{name}");
            Some(syn::parse_quote!(types::#name))
        }
        _ => None,
    }
}

/// `T` in `Result<T, String>`.
pub(super) fn ok_type(field: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = field else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `async fn decode(response)`: one arm per documented status, in the order
/// Rust matches them (codes, then ranges, then everything else).
fn decode_fn(operation: &OperationFacts, success: &syn::Type) -> TokenStream {
    let success_decoder = match success.to_token_stream().to_string().replace(' ', "").as_str() {
        "()" => quote!(response.empty()),
        "ByteStream" => quote!(response.stream()),
        _ => quote!(response.json().await),
    };
    let success_patterns = status_patterns(&ordered(&operation.responses), true);
    let success_arm = (!success_patterns.is_empty()).then(|| quote!(#(#success_patterns)|* => #success_decoder,));
    decode_with(operation, success, success_arm.unwrap_or_default())
}

/// `async fn decode(response)`: the `success_arms`, then one arm for the
/// documented errors, then every other status as an error.
fn decode_with(operation: &OperationFacts, success: &syn::Type, success_arms: TokenStream) -> TokenStream {
    let ordered = ordered(&operation.responses);
    let error_patterns = status_patterns(&ordered, false);
    let error_arm = (!error_patterns.is_empty()).then(|| quote!(#(#error_patterns)|* => response.error().await,));
    let docs = doc_lines(&describe_statuses(&ordered));
    quote! {
        #(#[doc = #docs])*
        async fn decode(response: Response) -> Result<ResponseValue<#success>, Error> {
            match response.status().as_u16() {
                #success_arms
                #error_arm
                _ => response.error().await,
            }
        }
    }
}

/// The match patterns of the successes (or errors): each code, then the
/// ranges, adjacent ones merged (`4XX` and `5XX` as `400..=599`).
fn status_patterns(responses: &[ResponseFacts], success: bool) -> Vec<TokenStream> {
    let mut codes = Vec::new();
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for response in responses.iter().filter(|r| r.success == success) {
        match response.status {
            Status::Code(code) => codes.push(code),
            Status::Range(range) => ranges.push((range * 100, range * 100 + 99)),
            Status::Default if success => ranges.push((200, 299)),
            Status::Default => {}
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::new();
    for (low, high) in ranges {
        match merged.last_mut() {
            Some(last) if low <= last.1 + 1 => last.1 = last.1.max(high),
            _ => merged.push((low, high)),
        }
    }
    let codes = codes.into_iter().map(|code| {
        let code = Literal::u16_unsuffixed(code);
        quote!(#code)
    });
    let ranges = merged.into_iter().map(|(low, high)| {
        let (low, high) = (Literal::u16_unsuffixed(low), Literal::u16_unsuffixed(high));
        quote!(#low..=#high)
    });
    codes.chain(ranges).collect()
}

/// `decode` for an enum of outcomes: one arm per success status, each into
/// its variant, then the errors.
fn decode_outcomes_fn(operation: &OperationFacts, builder: &Builder, success: &syn::Type) -> TokenStream {
    let name = outcome_name(builder);
    let mut outcomes: Vec<&crate::model::Outcome> = operation.outcomes.iter().collect();
    // Exact codes before ranges, as Rust matches them.
    outcomes.sort_by_key(|outcome| outcome.status.contains('X') || outcome.status.contains('x'));
    let arms = outcomes.iter().map(|outcome| {
        let variant = outcome_variant(&outcome.status);
        let pattern = match outcome.status.parse::<u16>() {
            Ok(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            Err(_) => quote!(200..=299),
        };
        let decoder = match outcome.kind {
            OutcomeKind::Json(_) => quote!(response.json_as(outcomes::#name::#variant).await),
            OutcomeKind::Stream => quote!(response.stream_as(outcomes::#name::#variant)),
            OutcomeKind::Empty => quote!(response.empty_as(outcomes::#name::#variant)),
        };
        quote!(#pattern => #decoder,)
    });
    decode_with(operation, success, quote!(#(#arms)*))
}

/// Responses in matching order: exact codes, then ranges, then `default`.
fn ordered(responses: &[ResponseFacts]) -> Vec<ResponseFacts> {
    let rank = |status: Status| match status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    };
    let mut ordered = responses.to_vec();
    ordered.sort_by_key(|response| rank(response.status));
    ordered
}

fn describe_statuses(responses: &[ResponseFacts]) -> String {
    let label = |status: Status| match status {
        Status::Code(code) => code.to_string(),
        Status::Range(range) => format!("{range}XX"),
        Status::Default => "default".to_owned(),
    };
    let list = |success: bool| responses.iter().filter(|r| r.success == success).map(|r| label(r.status)).collect::<Vec<_>>().join(", ");
    let (successes, errors) = (list(true), list(false));
    let mut text = "Decodes the response: ".to_owned();
    text.push_str(&if successes.is_empty() { "no success status is documented".to_owned() } else { format!("{successes} succeed") });
    if !errors.is_empty() {
        text.push_str(&format!("; {errors} are documented errors"));
    }
    text.push_str("; any other status is an error too.");
    text
}

fn send_multipart(fields: &[crate::model::MultipartField], success: &syn::Type) -> TokenStream {
    let mut text = String::from("Sends `form` as the `multipart/form-data` body. Files stream as they are sent; a multipart body is never retried.\n\nThe spec declares these fields:\n");
    for field in fields {
        let kind = if field.file { "a file (`Multipart::file` or `Multipart::bytes`)" } else { "a value (`Multipart::text`, or `Multipart::json` for objects and arrays)" };
        let required = if field.required { ", required" } else { "" };
        text.push_str(&format!("\n- `{}`: {kind}{required}", field.name));
    }
    if fields.is_empty() {
        text.push_str("\n(none listed)");
    }
    text.push_str("\n\n# Errors\n\nAs [`send`](Self::send).");
    let docs = doc_lines(&text);
    quote! {
        #(#[doc = #docs])*
        pub async fn send_multipart(self, form: sdk_runtime::multipart::Multipart) -> Result<ResponseValue<#success>, Error> {
            let mut call = self.call();
            call.multipart_body(form);
            Self::decode(call.send().await?).await
        }
    }
}

fn send_upload(upload: &UploadFacts, success: &syn::Type, descriptor: &syn::Ident) -> TokenStream {
    let min = upload.min_bytes;
    let request = match &upload.file_name_setter {
        Some(setter) => {
            let setter = format_ident!("{setter}");
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
    let docs = doc_lines(&format!(
        "Streams `upload` as the request body with its `Content-Type` and `Content-Length`{name_doc}.\n\n\
         Memory does not grow with the file; progress goes to `Upload::on_progress`. An upload is \
         never retried (its body cannot be replayed) and has no total time limit: the client's read \
         timeout ends a stalled transfer.\n\n# Errors\n\n`Error::Validation`, before anything is sent, \
         when the upload has fewer than {min} byte(s) or its file name breaks a documented constraint; \
         otherwise as [`send`](Self::send)."
    ));
    quote! {
        #(#[doc = #docs])*
        pub async fn send_upload(self, upload: sdk_runtime::upload::Upload) -> Result<ResponseValue<#success>, Error> {
            if upload.length() < #min {
                return Err(Error::Validation {
                    operation: &#descriptor,
                    parameter: "body".to_owned(),
                    message: format!("the upload has {} byte(s); the API requires at least {}", upload.length(), #min),
                });
            }
            #request
            let (content_type, length) = (upload.content_type().to_owned(), upload.length());
            let mut call = request.body(upload.into_body()).call();
            call.body_headers(&content_type, length);
            Self::decode(call.send().await?).await
        }
    }
}

/// The crate's error body: the operations' shared error type, or a JSON
/// value when they differ or document none.
pub(super) fn error_body(builders: &[Builder]) -> syn::Type {
    let mut types = builders.iter().map(|builder| builder.error.to_token_stream().to_string());
    let first = types.next();
    let shared = first.as_ref().filter(|first| types.all(|ty| &ty == *first) && !matches!(first.as_str(), "()" | "ByteStream"));
    match shared {
        Some(_) => builders[0].error.clone(),
        None => syn::parse_quote!(::serde_json::Value),
    }
}

fn is_json_value(ty: &syn::Type) -> bool {
    ty.to_token_stream().to_string().replace(' ', "") == "::serde_json::Value"
}
