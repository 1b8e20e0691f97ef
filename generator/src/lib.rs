//! Turns one hand-written OpenAPI spec into the files of a typed client crate.
//!
//! The pipeline is [`load`] (YAML into `openapiv3`), [`model`] (the facts our
//! templates need, read from the spec and its `x-` extensions),
//! [`progenitor_pass`] (types and request builders from progenitor, guarded
//! against its panics), then [`templates`] for everything progenitor does not
//! write, and [`render`] to format each file. It never touches the disk: the
//! caller (`xtask`) decides where the files go.

mod downgrade;
mod error;
pub mod load;
mod matching;
pub mod model;
pub mod names;
mod normalize;
mod open_enums;
pub mod pagination;
pub mod progenitor_pass;
pub mod render;
pub mod resolve;
pub mod templates;
pub mod swagger2;
mod tolerate;

use std::collections::BTreeMap;

pub use error::{GenerateError, Warning};

/// A spec to generate from.
#[derive(Clone, Debug)]
pub struct SpecSource {
    /// How the spec is named in messages and in generated headers, such as
    /// `specs/indream.yaml`.
    pub label: String,
    /// Short name of the API (`indream`): the crate is `<slug>-client`.
    pub slug: String,
    /// The spec's YAML text.
    pub text: String,
}

/// The files of one generated crate, keyed by path relative to the crate root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// The crate's package name.
    pub name: String,
    /// Relative path (with `/` separators) to file contents.
    pub files: BTreeMap<String, String>,
    /// How many operations the crate has.
    pub operations: usize,
    /// What was skipped or changed on the way, one line each, naming the
    /// operation or JSON pointer (also listed in the crate's README).
    pub warnings: Vec<Warning>,
}

/// Where a generated crate will live, which changes its manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Package name; by default `<slug>-client`.
    pub crate_name: Option<String>,
    /// Path from the crate to `runtime/`, for its `sdk-runtime` dependency.
    pub runtime_path: String,
    /// Adds an empty `[workspace]` so the crate builds outside ours.
    pub standalone: bool,
    /// Fails on the first warning instead of skipping what it names.
    pub strict: bool,
}

impl Default for Options {
    /// The layout of `generated/<slug>/`.
    fn default() -> Self {
        Self { crate_name: None, runtime_path: "../../runtime".to_owned(), standalone: false, strict: false }
    }
}

/// Generates the crate for `spec` as it lives under `generated/`.
pub fn generate(spec: &SpecSource) -> Result<GeneratedCrate, GenerateError> {
    generate_with(spec, &Options::default())
}

/// Generates the crate for `spec` with `options`.
pub fn generate_with(spec: &SpecSource, options: &Options) -> Result<GeneratedCrate, GenerateError> {
    let (mut document, mut warnings) = load::load(spec)?;
    let sdk = progenitor_pass::run(spec, &mut document, &mut warnings)?;
    let mut api = model::Api::from_spec(spec, &document)?;
    warnings.append(&mut api.warnings);
    if let (true, Some(first)) = (options.strict, warnings.first()) {
        return Err(GenerateError::new(&spec.label, &first.item, format!("{} (--strict)", first.message)));
    }
    api.warnings = warnings;
    if let Some(name) = &options.crate_name {
        api.crate_name = name.clone();
        api.lib_name = heck::ToSnakeCase::to_snake_case(name.as_str());
    }
    let header = render::header(&spec.label);
    let sdk_text = render::syn_file(&header, &sdk.file)
        .map_err(|reason| GenerateError::new(&spec.label, "src/generated_sdk.rs", format!("cannot format progenitor's output: {reason}")))?;
    api.uses = sdk.uses.with_rust_types(&document);
    let mut files = BTreeMap::new();
    files.insert("src/generated_sdk.rs".to_owned(), sdk_text);
    let builders = matching::match_builders(spec, &api.operations, sdk.builders)?;
    for operation in &mut api.operations {
        for outcome in &mut operation.outcomes {
            let model::OutcomeKind::Json(component) = &outcome.kind else { continue };
            // typify names a component as progenitor does, or with an `X`
            // prefix where the name cannot start an identifier.
            let pascal = names::sanitize(component, names::Case::Pascal);
            let candidates = [pascal.clone(), format!("X{}", pascal.trim_start_matches('_'))];
            let rust = match candidates.iter().find(|name| sdk.types.contains(*name)) {
                Some(name) => format!("types::{name}"),
                None => {
                    api.warnings.push(Warning::new(
                        format!("operation {}", operation.id),
                        format!("the {} response's schema `{component}` has no generated type; it decodes as any JSON value", outcome.status),
                    ));
                    "::serde_json::Value".to_owned()
                }
            };
            outcome.kind = model::OutcomeKind::Json(rust);
        }
    }
    if let Some(call) = api.example_call.as_mut() {
        let success = builders.iter().find(|b| b.method == call.method_name).map(|b| quote::ToTokens::to_token_stream(&b.success).to_string());
        call.prints_body = !matches!(success.as_deref(), Some("ByteStream" | "()"));
    }
    let pagination = templates::pagination_rs(&api, &builders);
    api.paginated = pagination.is_some();
    let sources = [
        ("src/lib.rs", Some(templates::lib_rs(&api))),
        ("src/auth.rs", Some(templates::auth_rs(&api))),
        ("src/client.rs", Some(templates::client_rs(&api))),
        ("src/operations.rs", Some(templates::operations_rs(&api, &builders))),
        ("src/pagination.rs", pagination),
    ];
    for (path, tokens) in sources {
        let Some(tokens) = tokens else { continue };
        let text = render::rust_file(&header, tokens).map_err(|reason| {
            GenerateError::new(&spec.label, path, format!("generated code does not parse: {reason}"))
        })?;
        files.insert(path.to_owned(), text);
    }
    files.insert("Cargo.toml".to_owned(), format!("# {header}\n{}", templates::cargo_toml(&api, options)));
    files.insert("README.md".to_owned(), format!("<!-- {header} -->\n{}", templates::readme(&api)));
    Ok(GeneratedCrate { name: api.crate_name.clone(), files, operations: api.operations.len(), warnings: api.warnings.clone() })
}
