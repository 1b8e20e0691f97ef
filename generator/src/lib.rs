//! Turns one hand-written OpenAPI spec into the files of a typed client crate.
//!
//! The pipeline is [`load`] (YAML into `openapiv3`), [`model`] (the facts our
//! templates need, read from the spec and its `x-` extensions),
//! [`progenitor_pass`] (types and request builders from progenitor, guarded
//! against its panics), then [`templates`] for everything progenitor does not
//! write, and [`render`] to format each file. It never touches the disk: the
//! caller (`xtask`) decides where the files go.

mod builder_sends;
pub mod changelog;
mod compositions;
mod downgrade;
mod error;
mod enums;
mod examples;
pub mod help;
pub mod load;
mod matching;
pub mod model;
pub mod names;
mod normalize;
mod open_enums;
mod pieces;
pub mod package;
pub mod pagination;
pub mod progenitor_pass;
mod recursion;
pub mod reserved;
pub mod render;
pub mod resolve;
mod salvage;
mod sample;
mod split_yaml;
pub mod templates;
pub mod surface;
mod workers;
pub mod swagger2;
mod token_trees;
mod tolerate;
pub mod vendored_runtime;

use std::collections::BTreeMap;

pub use error::{GenerateError, Warning};

/// A digest of everything generation depends on besides the spec and the
/// options (the generator's and runtime's sources, the lock file): equal
/// fingerprints and inputs give equal output, which `xtask` caches on.
pub const FINGERPRINT: &str = env!("GENERATOR_FINGERPRINT");

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
    /// The package version.
    pub version: String,
    /// Facts for the person generating (such as why the version is not
    /// the spec's); never a reason to fail, even with `strict`.
    pub notes: Vec<String>,
}

/// How a generated crate is packaged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Package name; by default `<slug>-client`, or named after the
    /// spec's title with `name_after_title`.
    pub crate_name: Option<String>,
    /// Without a `crate_name`, names the crate after `info.title` (`Pet
    /// Store` → `pet-store-client`, as many words as fit Cargo's limit)
    /// instead of the spec's slug.
    pub name_after_title: bool,
    /// The version when `info.version` is not semver; by default `0.1.0`.
    pub version: Option<String>,
    /// Where the crate gets `sdk-runtime` from.
    pub runtime: Runtime,
    /// Adds an empty `[workspace]` so the crate builds outside ours.
    pub standalone: bool,
    /// Fails on the first warning instead of skipping what it names.
    pub strict: bool,
    /// The `repository` URL of the package, if any.
    pub repository: Option<String>,
    /// The `documentation` URL of the package, if any.
    pub documentation: Option<String>,
}

/// Where a generated crate gets the runtime from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Runtime {
    /// A dependency on `sdk-runtime` by version, from a registry (or a
    /// `[patch]`, as in this repository's workspace).
    #[default]
    Registry,
    /// The runtime's source copied into the crate as `mod sdk_runtime`.
    Vendored,
}

/// Generates the crate for `spec` as it lives under `generated/`.
pub fn generate(spec: &SpecSource) -> Result<GeneratedCrate, GenerateError> {
    generate_with(spec, &Options::default())
}

/// Generates the crate for `spec` with `options`.
pub fn generate_with(spec: &SpecSource, options: &Options) -> Result<GeneratedCrate, GenerateError> {
    let (document, warnings, value) = load::load_keeping_value(spec)?;
    let header = render::header(&package::portable_label(&spec.label));
    let vendored = options.runtime == Runtime::Vendored;
    // progenitor and the formatting of its (large) file run on one thread,
    // helped by a second with its two builder modules (pieces.rs), our
    // templates on this one and two more, started as soon as
    // progenitor's builders are read: syn's trees cannot cross threads, so
    // each thread parses and formats what it prints.
    workers::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        let header = header.as_str();
        let loaded = &document;
        let sdk = spawn(scope, spec, "progenitor", move || progenitor_pass::run_and_format(spec, loaded, warnings, header, vendored, sender))?;
        // The facts of the spec, read while progenitor generates; again
        // from its document in the rare case it had to change it.
        let model = model::Api::from_spec(spec, loaded);
        let facts = DocumentFacts::of(loaded);
        // Freed here, while progenitor generates, rather than before it started.
        drop(value);
        let handoff = match receiver.recv() {
            Ok(handoff) => handoff?,
            Err(_) => return Err(joined(sdk).err().unwrap_or_else(|| GenerateError::new(&spec.label, "progenitor output", "progenitor's thread stopped"))),
        };
        let mut crate_files = assemble(spec, options, header, loaded, model, facts, handoff)?;
        crate_files.files.insert("src/generated_sdk.rs".to_owned(), joined(sdk)?);
        Ok(crate_files)
    })
}

/// Starts `work` as a job of `scope` (see [`workers`]); a thread the
/// system cannot start is an error naming `spec` and what `name`s the job.
pub(crate) fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope workers::Scope<'scope, '_>,
    spec: &SpecSource,
    name: &str,
    work: impl FnOnce() -> Result<T, GenerateError> + Send + 'scope,
) -> Result<workers::Handle<'scope, Result<T, GenerateError>>, GenerateError> {
    scope.spawn(work).map_err(|error| GenerateError::new(&spec.label, "generation", format!("cannot start the {name} thread: {error}")))
}

/// `here` on this thread and `there` on a worker at once: both results,
/// `there`'s none when no thread can start; its panic goes on unwinding
/// here.
pub(crate) fn at_once<A, B: Send>(here: impl FnOnce() -> A, there: impl FnOnce() -> Option<B> + Send) -> (A, Option<B>) {
    workers::scope(|scope| {
        let there = scope.spawn(there);
        let here = here();
        (here, there.ok().and_then(|there| there.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))))
    })
}

/// What a job returned; its panic goes on unwinding here.
pub(crate) fn joined<T>(job: workers::Handle<'_, Result<T, GenerateError>>) -> Result<T, GenerateError> {
    job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// What the crate's files need from the document alone, besides the
/// [`model::Api`]: worked out while progenitor generates.
struct DocumentFacts {
    /// The crates the spec's `x-rust-type` extensions name.
    rust_type_uses: model::Uses,
    /// `api-surface.json`.
    surface: String,
}

impl DocumentFacts {
    fn of(document: &openapiv3::OpenAPI) -> Self {
        Self { rust_type_uses: model::Uses::named_by_rust_types(document), surface: surface::Surface::of(document).to_json() }
    }
}

/// Every file but `src/generated_sdk.rs`, from progenitor's [`Handoff`];
/// the largest templates (the mocks, the operations) render on threads of
/// their own.
///
/// [`Handoff`]: progenitor_pass::Handoff
fn assemble(
    spec: &SpecSource,
    options: &Options,
    header: &str,
    loaded: &openapiv3::OpenAPI,
    model: Result<model::Api, GenerateError>,
    facts: DocumentFacts,
    handoff: progenitor_pass::Handoff,
) -> Result<GeneratedCrate, GenerateError> {
    let progenitor_pass::Handoff { changed, mut warnings, builders, uses, types } = handoff;
    let (document, mut api, facts) = match &changed {
        Some(changed) => (changed, model::Api::from_spec(spec, changed)?, DocumentFacts::of(changed)),
        None => (loaded, model?, facts),
    };
    warnings.append(&mut api.warnings);
    if let (true, Some(first)) = (options.strict, warnings.first()) {
        return Err(GenerateError::new(&spec.label, &first.item, format!("{} (--strict)", first.message)));
    }
    api.warnings = warnings;
    let name = match &options.crate_name {
        Some(name) => Some(name.clone()),
        None if options.name_after_title => Some(package::crate_name_for_title(&document.info.title)),
        None => None,
    };
    if let Some(name) = name {
        api.lib_name = heck::ToSnakeCase::to_snake_case(name.as_str());
        api.crate_name = name;
    }
    if let Some(problem) = package::crate_name_problem(&api.crate_name) {
        let item = if options.crate_name.is_some() { "--crate-name" } else { "the crate name (from the spec's file name)" };
        return Err(GenerateError::new(&spec.label, item, problem));
    }
    api.package = package::Package::new(document, &api.crate_name, options);
    api.vendored_runtime = options.runtime == Runtime::Vendored;
    api.uses = uses.and(facts.rust_type_uses);
    let builders = parse_builders(spec, &builders)?;
    let builders = matching::match_builders(spec, &api.operations, builders)?;
    for (operation, builder) in api.operations.iter_mut().zip(&builders) {
        operation.success_type = Some(quote::ToTokens::to_token_stream(&builder.success).to_string().replace(' ', ""));
        operation.body_type = templates::body_type(builder);
    }
    for operation in &mut api.operations {
        for outcome in &mut operation.outcomes {
            let model::OutcomeKind::Json(component) = &outcome.kind else { continue };
            // typify names a component as progenitor does, or with an `X`
            // prefix where the name cannot start an identifier.
            let pascal = names::sanitize(component, names::Case::Pascal);
            let candidates = [pascal.clone(), format!("X{}", pascal.trim_start_matches('_'))];
            let rust = match candidates.iter().find(|name| types.contains(*name)) {
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
    let pagination = templates::pagination_rs(&api, &builders);
    api.paginated = pagination.is_some();
    let api = api;
    let matched: Vec<progenitor_pass::BuilderText> = builders.iter().map(Into::into).collect();
    let mut files: BTreeMap<String, String> = workers::scope(|scope| {
        // The two largest templates, each built and printed on a thread of
        // its own (from the builders as text: syn's trees stay on the
        // thread that made them).
        let on_thread = |path: &'static str, template: fn(&model::Api, &[progenitor_pass::Builder]) -> proc_macro2::TokenStream| {
            let (api, matched) = (&api, &matched);
            spawn(scope, spec, path, move || {
                let builders = parse_builders(spec, matched)?;
                format_all(spec, api, header, [(path, Some(template(api, &builders)))])
            })
        };
        let large = [on_thread("src/mock.rs", templates::mock_rs)?, on_thread("src/operations.rs", templates::operations_rs)?];
        let sources = [
            ("src/lib.rs", Some(templates::lib_rs(&api))),
            ("src/auth.rs", Some(templates::auth_rs(&api))),
            ("src/client.rs", Some(templates::client_rs(&api))),
            ("src/pagination.rs", pagination),
            ("src/cli.rs", templates::cli_rs(&api, &builders)),
        ];
        let mut files = format_all(spec, &api, header, sources)?;
        if templates::has_cli(&api) {
            let path = templates::bin_path(&api);
            let text = render::parse(templates::bin_rs(&api))
                .and_then(|file| render::syn_file(header, &file))
                .map_err(|reason| GenerateError::new(&spec.label, &path, format!("generated code does not parse: {reason}")))?;
            files.push((path, text));
        }
        for thread in large {
            files.extend(joined(thread)?);
        }
        Ok::<_, GenerateError>(files.into_iter().collect())
    })?;
    for (path, text) in templates::STATIC_FILES {
        files.insert(path.to_owned(), format!("// {header}\n\n{text}"));
    }
    if api.vendored_runtime {
        files.extend(vendored_runtime::files(&api.lib_name));
    }
    if let Some(package::License::File { name, url }) = &api.package.license {
        files.insert("LICENSE".to_owned(), templates::license_file(&api, name, url.as_deref()));
    }
    files.insert("api-surface.json".to_owned(), facts.surface);
    files.insert("Cargo.toml".to_owned(), format!("# {header}\n{}", templates::cargo_toml(&api, options)));
    files.insert("README.md".to_owned(), format!("<!-- {header} -->\n{}", templates::readme(&api)));
    let notes = api.package.version_note.iter().cloned().collect();
    Ok(GeneratedCrate {
        name: api.crate_name.clone(),
        version: api.package.version.clone(),
        files,
        operations: api.operations.len(),
        warnings: api.warnings.clone(),
        notes,
    })
}

fn parse_builders(spec: &SpecSource, builders: &[progenitor_pass::BuilderText]) -> Result<Vec<progenitor_pass::Builder>, GenerateError> {
    progenitor_pass::BuilderText::parse_all(builders).map_err(|reason| GenerateError::new(&spec.label, "progenitor output", reason))
}

/// Each template's tokens (skipping the absent ones) as a formatted file,
/// retargeted at the vendored runtime when the crate carries it.
fn format_all<const N: usize>(
    spec: &SpecSource,
    api: &model::Api,
    header: &str,
    sources: [(&str, Option<proc_macro2::TokenStream>); N],
) -> Result<Vec<(String, String)>, GenerateError> {
    let mut files = Vec::new();
    for (path, tokens) in sources {
        let Some(tokens) = tokens else { continue };
        let text = render::parse(tokens)
            .and_then(|mut file| {
                if api.vendored_runtime {
                    vendored_runtime::retarget(&mut file);
                }
                render::syn_file(header, &file)
            })
            .map_err(|reason| GenerateError::new(&spec.label, path, format!("generated code does not parse: {reason}")))?;
        files.push((path.to_owned(), text));
    }
    Ok(files)
}
