//! Our templates: every file of a generated crate that progenitor does not
//! write. Each submodule renders one file from an [`Api`](crate::model::Api).

mod auth_rs;
mod call_settings;
mod cargo_toml;
mod cli_rs;
mod client_rs;
mod example;
mod lib_rs;
mod mock_methods_rs;
mod mock_rs;
mod open_enums_rs;
mod operations_rs;
mod pagination_rs;
mod readme;

pub use auth_rs::auth_rs;
pub use call_settings::CALL_SETTINGS_RS;
pub use cargo_toml::{cargo_toml, license_file};
pub use cli_rs::{bin_path, bin_rs, cli_rs, has_cli};
pub use client_rs::client_rs;
pub use lib_rs::lib_rs;
pub use mock_methods_rs::MOCK_METHODS_RS;
pub use mock_rs::{body_type, mock_rs};
pub use open_enums_rs::OPEN_ENUMS_RS;
pub use operations_rs::{descriptor_name, operations_rs};
pub use pagination_rs::pagination_rs;
pub use readme::readme;

/// The files the same in every crate, kept as text rather than rendered:
/// each holds a macro that a rendered file calls once per operation or
/// type. Path and text (after the `// @generated` line).
pub const STATIC_FILES: [(&str, &str); 3] =
    [("src/call_settings.rs", CALL_SETTINGS_RS), ("src/open_enums.rs", OPEN_ENUMS_RS), ("src/mock_methods.rs", MOCK_METHODS_RS)];

/// `streams` one after the other in a `{ .. }` group, their tokens moved
/// rather than copied: `quote!` copies every token of a stream it
/// interpolates, and a file's per-operation items are most of its tokens.
fn braced(streams: impl IntoIterator<Item = proc_macro2::TokenStream>) -> proc_macro2::Group {
    proc_macro2::Group::new(proc_macro2::Delimiter::Brace, streams.into_iter().collect())
}

/// Joins doc lines into one `#[doc]` string per paragraph-preserving line.
fn doc_lines(text: &str) -> Vec<String> {
    text.trim_end().lines().map(|line| format!(" {line}").trim_end().to_owned()).collect()
}
