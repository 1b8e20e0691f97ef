//! Runs progenitor over a spec and shapes its output for our crates.
//!
//! progenitor writes the types, the request builders (structs and setters)
//! and the `Client` struct. We configure it (builder interface, merged tags,
//! our runtime's `ClientContext` as the inner type), turn its panics into
//! errors that name the operation at fault, and keep only what it does
//! well: its `Client::new` (a fixed 15-second total timeout) and each
//! builder's `send` are removed, because our `client.rs` and `operations.rs`
//! templates build clients and send requests through our own pipeline.
//! Builder fields become `pub(crate)` so that our `send` can read them.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Once};

use openapiv3::OpenAPI;
use progenitor_impl::{CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

use crate::builder_sends::{self, SendFacts};
use crate::pieces;
use crate::render::SpacedPart;
use crate::model::Uses;
use crate::open_enums::VariantRenames;
use crate::token_trees::{is_group, is_ident, is_punct, item_names, module_body};
use crate::{GenerateError, SpecSource};

/// progenitor's part of the crate, and what our templates need from it.
pub struct ProgenitorOutput {
    /// `src/generated_sdk.rs`, reshaped, ready to print.
    pub file: syn::File,
    /// Each operation's request builder, in spec order.
    pub builders: Vec<Builder>,
    /// The optional crates the generated types use.
    pub uses: Uses,
    /// The names of the types in the `types` module.
    pub types: std::collections::BTreeSet<String>,
    /// The variants the open enums renamed.
    pub renames: VariantRenames,
}

/// One request builder progenitor generated.
#[derive(Clone)]
pub struct Builder {
    /// The builder type, such as `ListProjectAssets`.
    pub name: syn::Ident,
    /// The client method, as progenitor named the operation to its hooks.
    pub method: String,
    /// Its fields (one per parameter, and `body`), with their types.
    pub fields: Vec<(String, syn::Type)>,
    /// `T` in the `Result<ResponseValue<T>, Error<E>>` its `send` returned.
    pub success: syn::Type,
    /// `E` in the `Result<ResponseValue<T>, Error<E>>` its `send` returned.
    pub error: syn::Type,
}

impl Builder {
    /// The type of the field `name`, if the builder has it.
    pub fn field(&self, name: &str) -> Option<&syn::Type> {
        self.fields.iter().find(|(field, _)| field == name).map(|(_, ty)| ty)
    }
}

/// A [`Builder`] as text, to hand to another thread: syn's trees cannot
/// cross threads.
#[derive(Clone, Debug)]
pub struct BuilderText {
    name: String,
    method: String,
    fields: Vec<(String, String)>,
    success: String,
    error: String,
}

impl From<&Builder> for BuilderText {
    fn from(builder: &Builder) -> Self {
        let text = |ty: &syn::Type| quote::ToTokens::to_token_stream(ty).to_string();
        Self {
            name: builder.name.to_string(),
            method: builder.method.clone(),
            fields: builder.fields.iter().map(|(name, ty)| (name.clone(), text(ty))).collect(),
            success: text(&builder.success),
            error: text(&builder.error),
        }
    }
}

impl BuilderText {
    /// The builders again, on this thread; each type written the same
    /// way is parsed once (most fields share a few types).
    pub fn parse_all(builders: &[BuilderText]) -> Result<Vec<Builder>, String> {
        let mut parsed = HashMap::new();
        builders.iter().map(|builder| builder.parse_with(&mut parsed)).collect()
    }

    /// The builder again, with the types `parsed` before.
    fn parse_with<'t>(&'t self, parsed: &mut HashMap<&'t str, syn::Type>) -> Result<Builder, String> {
        let mut ty = |text: &'t str| match parsed.get(text) {
            Some(ty) => Ok::<_, String>(ty.clone()),
            None => {
                let ty: syn::Type = syn::parse_str(text).map_err(|e| format!("builder {}: type `{text}`: {e}", self.name))?;
                parsed.insert(text, ty.clone());
                Ok(ty)
            }
        };
        Ok(Builder {
            name: syn::parse_str(&self.name).map_err(|e| format!("builder `{}`: {e}", self.name))?,
            method: self.method.clone(),
            fields: self.fields.iter().map(|(name, text)| Ok((name.clone(), ty(text)?))).collect::<Result<_, String>>()?,
            success: ty(&self.success)?,
            error: ty(&self.error)?,
        })
    }
}

/// What the progenitor thread hands over as soon as it has read the
/// request builders, before it parses the rest of `src/generated_sdk.rs`:
/// everything the templates need.
pub struct Handoff {
    /// The document progenitor generated from, when it is not the one it
    /// was given: without the operations progenitor failed on, and with
    /// the component schemas it failed on read as any value.
    pub changed: Option<OpenAPI>,
    /// The load warnings, and one per skipped operation or schema.
    pub warnings: Vec<crate::Warning>,
    /// Each operation's request builder, in spec order.
    pub builders: Vec<BuilderText>,
    /// The optional crates the generated types use.
    pub uses: Uses,
    /// The names of the types in the `types` module.
    pub types: std::collections::BTreeSet<String>,
}

/// The progenitor half of a generation, run on its own thread: what
/// [`run`] does, with the [`Handoff`] sent on `handoff` (or the error) once
/// the builders are read, then progenitor's file parsed, reshaped,
/// retargeted (for a vendored runtime) and formatted with `header`.
/// Typify's and progenitor's builder modules are cut out in pieces and
/// shared with a helper thread meanwhile ([`pieces`](crate::pieces)).
pub fn run_and_format(
    spec: &SpecSource,
    document: &OpenAPI,
    mut warnings: Vec<crate::Warning>,
    header: &str,
    vendored: bool,
    handoff: mpsc::Sender<Result<Handoff, GenerateError>>,
) -> Result<String, GenerateError> {
    let fail = |reason: String| GenerateError::new(&spec.label, "progenitor output", reason);
    let queue = &pieces::Queue::default();
    crate::workers::scope(|scope| {
        let (renames_sender, renames_receiver) = mpsc::channel::<VariantRenames>();
        let (printed_sender, printed_receiver) = mpsc::channel::<pieces::Printed>();
        let helper = crate::spawn(scope, spec, "progenitor's pieces", move || {
            pieces::print_from_front(queue, &renames_receiver, &printed_sender, vendored);
            Ok(())
        })?;
        // However this thread leaves, the helper does not wait for more pieces.
        let closer = queue.closer();
        let mut document = Cow::Borrowed(document);
        let early = generate_salvaging(spec, &mut document, &mut warnings).and_then(|(tokens, uses)| {
            let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
            let renames = open_enums_of(&mut trees).map_err(fail)?;
            // The receiver lives until this scope ends.
            let _ = renames_sender.send(renames.clone());
            let mut type_builders = pieces::split_off_type_builders(&mut trees).into_iter();
            // The helper starts on the first piece while the builders are
            // read here, and the templates on the builders while the other
            // pieces are written out as text.
            if let Some(chunk) = type_builders.next() {
                queue.push(pieces::Piece { kind: pieces::Kind::TypeBuilders, text: chunk.to_string() });
            }
            let first = reshape_builders(trees, pieces::Kind::Operations.marker_item()).map_err(fail)?;
            Ok((first, uses, type_builders, renames))
        });
        let (first, uses, type_builders, renames) = match early {
            Ok(early) => early,
            Err(error) => {
                // The receiver is gone only when the caller gave up; nothing to tell.
                let _ = handoff.send(Err(error.clone()));
                return Err(error);
            }
        };
        let builders = first.builders.iter().map(BuilderText::from).collect();
        let changed = match document {
            Cow::Owned(changed) => Some(changed),
            Cow::Borrowed(_) => None,
        };
        let _ = handoff.send(Ok(Handoff { changed, warnings, builders, uses, types: first.types }));
        // The request builders, one large piece, go early; typify's small
        // ones after, for either thread to take the last of.
        if !first.module.is_empty() {
            queue.push(pieces::Piece { kind: pieces::Kind::Operations, text: first.module.to_string() });
        }
        drop(first.module);
        for chunk in type_builders {
            queue.push(pieces::Piece { kind: pieces::Kind::TypeBuilders, text: chunk.to_string() });
        }
        let kinds = queue.close();
        drop(closer);
        let mut file = reshape_rest(first.rest, None, &renames).map_err(fail)?;
        if vendored {
            crate::vendored_runtime::retarget(&mut file);
        }
        let printed = prettyplease::unparse(&file);
        // Freed while the helper prints, rather than after.
        drop(file);
        let mut parts = pieces::print_from_back(queue, kinds.len(), &renames, vendored).map_err(fail)?;
        // While the helper prints its last pieces: this thread's own text
        // is spaced out in parts too.
        let format_error = |reason: String| GenerateError::new(&spec.label, "src/generated_sdk.rs", format!("cannot format progenitor's output: {reason}"));
        let (segments, order) = pieces::split_at_markers(&printed).map_err(format_error)?;
        let segments = segments.into_iter().map(SpacedPart::new).collect();
        drop(printed);
        if !pieces::receive(&mut parts, &printed_receiver).map_err(fail)? {
            // The helper stopped without a word: it panicked (the panic goes on here).
            return Err(crate::joined(helper).err().unwrap_or_else(|| fail("the helper thread stopped".to_owned())));
        }
        let pieces = kinds.into_iter().zip(parts.into_iter().flatten()).collect();
        pieces::assemble(header, segments, &order, pieces).map_err(format_error)
    })
}

/// The open enums of progenitor's file `trees` written (see
/// [`crate::open_enums::rewrite`]): the variants they rename.
fn open_enums_of(trees: &mut [TokenTree]) -> Result<VariantRenames, String> {
    module_body(trees, "types", |types| Some(crate::open_enums::rewrite(types))).transpose().map(Option::unwrap_or_default)
}

/// Generates progenitor's part of the crate (`src/generated_sdk.rs`). An
/// operation progenitor fails on is removed from `document`, or, when it
/// fails without any operation, the component schema it fails on is read
/// as any value, with a warning naming it, and the rest generated again; a
/// failure that no single operation or schema causes is an error.
pub fn run(spec: &SpecSource, document: &mut OpenAPI, warnings: &mut Vec<crate::Warning>) -> Result<ProgenitorOutput, GenerateError> {
    let mut generated = Cow::Borrowed(&*document);
    let generated_tokens = generate_salvaging(spec, &mut generated, warnings);
    if let Cow::Owned(changed) = generated {
        *document = changed;
    }
    let (tokens, uses) = generated_tokens?;
    let mut output = reshape(tokens).map_err(|reason| GenerateError::new(&spec.label, "progenitor output", reason))?;
    output.uses = uses;
    Ok(output)
}

/// progenitor's tokens for `document` and the optional crates its types
/// use, with the operations and schemas it fails on removed or read as
/// any value (see [`run`]).
fn generate_salvaging(
    spec: &SpecSource,
    document: &mut Cow<'_, OpenAPI>,
    warnings: &mut Vec<crate::Warning>,
) -> Result<(TokenStream, Uses), GenerateError> {
    loop {
        let failure = match generate_guarded(document) {
            Ok(generated) => return Ok(generated),
            Err(failure) => failure,
        };
        let (culprit, error) = blame(spec, document, failure);
        match culprit {
            Some(Culprit::Operation(path, method)) => {
                remove_operation(document.to_mut(), &path, method);
                warnings.push(crate::Warning::new(error.item, format!("skipped: {}", error.message)));
            }
            Some(Culprit::Schema(name)) => {
                if let Some(schema) = document.to_mut().components.as_mut().and_then(|components| components.schemas.get_mut(&name)) {
                    *schema = any_schema();
                }
                warnings.push(crate::Warning::new(error.item, format!("{}; the schema is read as any JSON value", error.message)));
            }
            None => return Err(error),
        }
    }
}

fn remove_operation(document: &mut OpenAPI, path: &str, method: &str) {
    if let Some(openapiv3::ReferenceOr::Item(item)) = document.paths.paths.get_mut(path) {
        for (slot_method, slot) in method_slots(item) {
            if slot_method == method {
                *slot = None;
            }
        }
    }
}

/// Crates a spec may name in `x-rust-type`, with the version generated
/// manifests depend on (`Uses::scan` adds them to `Cargo.toml`).
const RUST_TYPE_CRATES: [(&str, &str); 2] = [("chrono", "0.4.42"), ("uuid", "1.18.0")];

/// Settings shared by every generated crate.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    for (name, version) in RUST_TYPE_CRATES {
        if let Some(version) = CrateVers::parse(version) {
            settings.with_crate(name, version, None);
        }
    }
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(::sdk_runtime::ClientContext));
    settings
}

/// Why progenitor did not produce code.
enum Failure {
    Error(String),
    Panic(String),
}

/// progenitor's tokens, and the optional crates its types use, as typify
/// reports them.
fn generate_guarded(document: &OpenAPI) -> Result<(TokenStream, Uses), Failure> {
    install_quiet_panic_hook();
    QUIET.with(|quiet| quiet.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings());
        let tokens = generator.generate_tokens(document)?;
        let types = generator.get_type_space();
        let uses = Uses {
            uuid: types.uses_uuid(),
            chrono: types.uses_chrono(),
            regress: types.uses_regress(),
            futures: generator.uses_futures(),
        };
        Ok::<_, progenitor_impl::Error>((tokens, uses))
    }));
    QUIET.with(|quiet| quiet.set(false));
    match outcome {
        Ok(Ok(generated)) => Ok(generated),
        Ok(Err(error)) => Err(Failure::Error(readable(&error.to_string()))),
        Err(_) => Err(Failure::Panic(readable(&LAST_PANIC.with(|last| last.take()).unwrap_or_else(|| "unknown panic".to_owned())))),
    }
}

/// progenitor's message, on one line, up to where it starts a `Debug`
/// dump of a schema (`unhandled not schema Object(` and many lines of
/// typify internals, not the spec's words).
fn readable(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    let dump = [" Object(", " SchemaObject {", " Schema {", " Some(", " ReferenceOr", " Reference {", " Bool("]
        .iter()
        .filter_map(|marker| first.find(marker))
        .chain(debug_list_start(first))
        .min()
        .unwrap_or(first.len());
    let kept: String = first[..dump].chars().take(300).collect();
    let kept = kept.trim_end_matches([' ', ':']);
    if kept.is_empty() { "no message".to_owned() } else { kept.to_owned() }
}

/// Where a `Debug`-printed list of values starts in `line`: ` [` and a
/// variant name (`[String("a"), Number(1.5)]`, `[Object {}, Null]`).
fn debug_list_start(line: &str) -> Option<usize> {
    line.match_indices(" [").map(|(at, _)| at).find(|&at| {
        let rest = &line[at + 2..];
        let name_end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_end);
        name.starts_with(|c: char| c.is_ascii_uppercase()) && ["(", " {", ",", "]"].iter().any(|next| after.starts_with(next))
    })
}

/// What made progenitor fail, and costs only itself.
enum Culprit {
    /// An operation, by path and method: it is skipped.
    Operation(String, &'static str),
    /// A component schema, by name: it is read as any JSON value.
    Schema(String),
}

/// A schema that takes any JSON value (`{}`).
fn any_schema() -> openapiv3::ReferenceOr<openapiv3::Schema> {
    openapiv3::ReferenceOr::Item(openapiv3::Schema { schema_data: Default::default(), schema_kind: openapiv3::SchemaKind::Any(Default::default()) })
}

fn is_any_schema(schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
    *schema == any_schema()
}

/// Names what made progenitor fail, and the error to report: an operation
/// (path and method), or, when progenitor fails without any operation, a
/// component schema. Each is bisected (generating with half of them at a
/// time) down to one that fails alone, so a spec of a thousand operations
/// costs about ten generations, not a thousand.
fn blame(spec: &SpecSource, document: &OpenAPI, failure: Failure) -> (Option<Culprit>, GenerateError) {
    let (kind, message) = match &failure {
        Failure::Error(message) => ("rejected the spec", message.clone()),
        Failure::Panic(message) => ("panicked", message.clone()),
    };
    let components = || (None, GenerateError::new(&spec.label, "#/components", format!("progenitor {kind}: {message}")));
    let fails = |subset: &[(String, &'static str, Option<String>)]| generate_guarded(&only(document, subset)).is_err();
    if fails(&[]) {
        return match blame_schema(&only(document, &[])) {
            Some(name) => {
                let at = crate::model::pointer(&["components", "schemas", &name]);
                let error = GenerateError::new(&spec.label, at, format!("progenitor {kind}: {message}"));
                (Some(Culprit::Schema(name)), error)
            }
            None => components(),
        };
    }
    let Some((path, method, operation_id)) = bisect(operations(document), |subset| fails(subset)) else { return components() };
    let item = match operation_id {
        Some(id) => format!("operation {id} ({} {path})", method.to_uppercase()),
        None => format!("operation {} {path}", method.to_uppercase()),
    };
    let error = GenerateError::new(&spec.label, item, format!("progenitor {kind}: {message}"));
    (Some(Culprit::Operation(path, method)), error)
}

/// The component schema of `document` (which has no operations) that
/// progenitor fails on while every other schema takes any value.
fn blame_schema(document: &OpenAPI) -> Option<String> {
    let schemas = &document.components.as_ref()?.schemas;
    let candidates: Vec<String> = schemas.iter().filter(|(_, schema)| !is_any_schema(schema)).map(|(name, _)| name.clone()).collect();
    let fails = |keep: &[String]| {
        let mut subset = document.clone();
        if let Some(components) = subset.components.as_mut() {
            for (name, schema) in components.schemas.iter_mut() {
                if !keep.contains(name) {
                    *schema = any_schema();
                }
            }
        }
        generate_guarded(&subset).is_err()
    };
    // Still failing with every schema read as any value: no schema is to blame.
    if fails(&[]) {
        return None;
    }
    bisect(candidates, fails)
}

/// One of `candidates` for which `fails` holds alone: halves are tried in
/// turn; when only both halves together fail, each candidate alone. None
/// when no single one fails. The caller has seen `fails` hold for all of
/// them and not for none (or every half would fail, and the first
/// candidate be blamed).
fn bisect<T: Clone>(mut candidates: Vec<T>, fails: impl Fn(&[T]) -> bool) -> Option<T> {
    // Whether `candidates` is known to fail (a half that failed).
    let mut known = false;
    while candidates.len() > 1 {
        let second = candidates.split_off(candidates.len() / 2);
        if fails(&candidates) {
            known = true;
            continue;
        }
        if fails(&second) {
            candidates = second;
            known = true;
            continue;
        }
        return candidates.into_iter().chain(second).find(|candidate| fails(std::slice::from_ref(candidate)));
    }
    let last = candidates.pop()?;
    (known || fails(std::slice::from_ref(&last))).then_some(last)
}

/// `document` with only the operations in `keep`.
fn only(document: &OpenAPI, keep: &[(String, &'static str, Option<String>)]) -> OpenAPI {
    let mut subset = document.clone();
    for (path, item) in subset.paths.paths.iter_mut() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (method, slot) in method_slots(item) {
                if !keep.iter().any(|(p, m, _)| p == path && *m == method) {
                    *slot = None;
                }
            }
        }
    }
    subset
}

fn operations(document: &OpenAPI) -> Vec<(String, &'static str, Option<String>)> {
    let mut out = Vec::new();
    for (path, item) in document.paths.paths.iter() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (method, operation) in item.iter() {
                let method = METHODS.iter().find(|m| **m == method).copied().unwrap_or("get");
                out.push((path.clone(), method, operation.operation_id.clone()));
            }
        }
    }
    out
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn method_slots(item: &mut openapiv3::PathItem) -> [(&'static str, &mut Option<openapiv3::Operation>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The text of a panic's payload (a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".to_owned())
}

/// Keeps progenitor's panics off stderr while we generate (they become
/// errors), and leaves every other panic to the previous hook.
fn install_quiet_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(panic_message(info.payload())));
            } else {
                previous(info);
            }
        }));
    });
}

/// Removes progenitor's `impl Client { fn new; fn new_with_client }` and
/// its check that `Client` implements `ClientHooks` (nothing calls the
/// hooks now), takes each builder's `send` out (before parsing, see
/// [`builder_sends`]), and makes its enums open (see [`crate::open_enums`]).
fn reshape(tokens: TokenStream) -> Result<ProgenitorOutput, String> {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    let renames = open_enums_of(&mut trees)?;
    let first = reshape_builders(trees, TokenStream::new())?;
    let file = reshape_rest(first.rest, Some(first.module), &renames)?;
    Ok(ProgenitorOutput { file, builders: first.builders, uses: Uses::default(), types: first.types, renames })
}

/// progenitor's file with what the templates need read from its tokens
/// (its request builders and type names), before any of the file, most of
/// which the templates do not need, is parsed.
struct BuildersFirst {
    /// The file's tokens, the items of its `builder` module (if any)
    /// replaced.
    rest: TokenStream,
    /// The items of the `builder` module (without their `send`s), unparsed.
    module: TokenStream,
    /// Each operation's request builder, in spec order.
    builders: Vec<Builder>,
    /// The names of the types in the `types` module.
    types: BTreeSet<String>,
}

/// The first half of [`reshape`]: each builder's `send` taken out, and
/// what the templates need read from the tokens (the builders' structs
/// alone are parsed): the builders and the names of the types.
fn reshape_builders(mut trees: Vec<TokenTree>, left_in_module: TokenStream) -> Result<BuildersFirst, String> {
    let taken = module_body(&mut trees, "builder", |items| {
        Some(builder_sends::take_from_impls(items).map(|sends| {
            // An empty module stays empty, as it prints.
            let left = if items.is_empty() { Vec::new() } else { left_in_module.into_iter().collect() };
            (sends, std::mem::replace(items, left))
        }))
    });
    let (sends, module) = taken.transpose()?.unwrap_or_default();
    let types = module_body(&mut trees, "types", |items| Some(item_names(items, &["struct", "enum", "type"]))).unwrap_or_default();
    let builders = builder_facts(&module, sends)?;
    Ok(BuildersFirst { rest: trees.into_iter().collect(), module: module.into_iter().collect(), builders, types })
}

/// The builder of each `send` among the `builder` module's `items`, with
/// the fields of its struct (and the call options [`reshape_module`] adds).
fn builder_facts(items: &[TokenTree], sends: Vec<(String, SendFacts)>) -> Result<Vec<Builder>, String> {
    let mut structs = HashMap::new();
    for at in (0..items.len().saturating_sub(1)).filter(|&at| is_ident(&items[at], "struct")) {
        let TokenTree::Ident(name) = &items[at + 1] else { continue };
        let Some(end) = (at..items.len()).find(|&end| is_group(&items[end], Delimiter::Brace) || is_punct(&items[end], ';')) else { continue };
        let tokens: TokenStream = items[at..=end].iter().cloned().collect();
        let structure: syn::ItemStruct = syn::parse2(tokens).map_err(|e| format!("builder struct {name} does not parse: {e}"))?;
        let mut fields: Vec<(String, syn::Type)> =
            structure.fields.iter().filter_map(|field| Some((field.ident.as_ref()?.to_string(), field.ty.clone()))).collect();
        if matches!(structure.fields, syn::Fields::Named(_)) {
            fields.push((CALL_OPTIONS_FIELD.to_owned(), syn::parse_quote!(::sdk_runtime::CallOptions)));
        }
        structs.insert(name.to_string(), fields);
    }
    sends
        .into_iter()
        .map(|(name, send)| {
            let (success, error) = result_types(&send.output).ok_or_else(|| format!("{name}::send does not return Result<ResponseValue<T>, Error<E>>"))?;
            let method = send.operation_id.ok_or_else(|| format!("{name}::send names no operation"))?;
            let fields = structs.get(&name).cloned().unwrap_or_default();
            let name = syn::parse_str(&name).map_err(|e| format!("builder `{name}`: {e}"))?;
            Ok(Builder { name, method, fields, success, error })
        })
        .collect()
}

/// The second half of [`reshape`]: the `rest` of the file parsed, the
/// builder `module` put back (unless it is printed apart), progenitor's
/// constructor and hooks check removed, the enums made open (with the
/// variant `renames`) and the ignored examples stripped.
fn reshape_rest(rest: TokenStream, module: Option<TokenStream>, renames: &VariantRenames) -> Result<syn::File, String> {
    let module = match module {
        Some(module) => {
            let mut items = syn::parse2::<syn::File>(module).map_err(|e| format!("the builder module does not parse: {e}"))?.items;
            reshape_module(&mut items);
            Some(items)
        }
        None => None,
    };
    let mut file: syn::File = syn::parse2(rest).map_err(|e| format!("does not parse: {e}"))?;
    let before = file.items.len();
    file.items.retain(|item| !is_constructor_impl(item));
    if file.items.len() + 1 != before {
        return Err("expected exactly one `impl Client` holding `new`; progenitor's output changed shape".to_owned());
    }
    file.items.retain(|item| !is_hooks_assertion(item));
    let builder_module = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(builder) if builder.ident == "builder" => builder.content.as_mut().map(|(_, items)| items),
        _ => None,
    });
    if let (Some(items), Some(module)) = (builder_module, module) {
        *items = module;
    }
    crate::open_enums::apply(&mut file, renames);
    strip_ignored_examples(&mut file);
    Ok(file)
}

/// The `builder` module's `items` made ready for our `operations.rs`:
/// its imports allowed to go unused, each builder's fields `pub(crate)`,
/// with a call's own options added (and set to their default in `new`).
pub(crate) fn reshape_module(items: &mut [syn::Item]) {
    for item in items {
        match item {
            // progenitor imports `types` and its client helpers whether or
            // not the builders use them.
            syn::Item::Use(import) if !import.attrs.iter().any(|attr| attr.path().is_ident("allow")) => {
                import.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
            }
            syn::Item::Struct(structure) => {
                // This call's own options (headers, timeout, retry policy,
                // idempotency key), set by the `with_*` methods of
                // `operations.rs`.
                if let syn::Fields::Named(named) = &mut structure.fields {
                    named.named.push(syn::parse_quote!(#CALL_OPTIONS: ::sdk_runtime::CallOptions));
                }
                for field in structure.fields.iter_mut() {
                    field.vis = syn::parse_quote!(pub(crate));
                }
            }
            syn::Item::Impl(block) => initialise_call_options(block),
            _ => {}
        }
    }
}

/// Removes progenitor's ```` ```ignore ```` examples from the docs of the
/// client methods (the top-level `impl` blocks; each method has one that
/// is never compiled): every example a crate's docs show runs, and the
/// crate docs have a running one per topic.
pub(crate) fn strip_ignored_examples(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else { continue };
        // Docs sit on the block and its members, never inside their bodies:
        // walking every expression to find them cost more than the rest.
        let members = block.items.iter_mut().filter_map(|member| match member {
            syn::ImplItem::Fn(function) => Some(&mut function.attrs),
            syn::ImplItem::Const(constant) => Some(&mut constant.attrs),
            syn::ImplItem::Type(alias) => Some(&mut alias.attrs),
            _ => None,
        });
        for attribute in block.attrs.iter_mut().chain(members.flatten()) {
            strip_from_doc(attribute);
        }
    }
}

/// What opens an example a doc comment marks as not to be run.
pub const IGNORED_EXAMPLE: &str = "```ignore";

/// `attribute` without its ```` ```ignore ```` examples, if it is a doc comment.
fn strip_from_doc(attribute: &mut syn::Attribute) {
    let syn::Meta::NameValue(doc) = &mut attribute.meta else { return };
    if !doc.path.is_ident("doc") {
        return;
    }
    let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &doc.value else { return };
    let mut value = text.value();
    let mut stripped = false;
    while let Some(start) = value.find(IGNORED_EXAMPLE) {
        let after = start + IGNORED_EXAMPLE.len();
        let end = value[after..].find("```").map_or(value.len(), |at| after + at + 3);
        value.replace_range(start..end, "");
        stripped = true;
    }
    if stripped {
        let literal = syn::LitStr::new(value.trim_end(), text.span());
        doc.value = syn::parse_quote!(#literal);
    }
}

/// The builder field that holds a call's own options.
pub const CALL_OPTIONS_FIELD: &str = "sdk_call_options";

/// `sdk_call_options` as an identifier, for `quote!`.
struct CallOptionsField;

impl quote::ToTokens for CallOptionsField {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        tokens.extend(std::iter::once(proc_macro2::TokenTree::Ident(syn::Ident::new(CALL_OPTIONS_FIELD, proc_macro2::Span::call_site()))));
    }
}

const CALL_OPTIONS: CallOptionsField = CallOptionsField;

/// Adds `sdk_call_options: Default::default()` to the `Self { .. }` a
/// builder's `new` returns.
fn initialise_call_options(block: &mut syn::ItemImpl) {
    for member in &mut block.items {
        let syn::ImplItem::Fn(function) = member else { continue };
        if function.sig.ident != "new" {
            continue;
        }
        for statement in &mut function.block.stmts {
            if let syn::Stmt::Expr(syn::Expr::Struct(construct), _) = statement {
                if construct.path.is_ident("Self") {
                    construct.fields.push(syn::parse_quote!(#CALL_OPTIONS: Default::default()));
                }
            }
        }
    }
}

/// progenitor's `const _: () = { fn assert_client_hooks() where Client: ClientHooks<..> {} };`.
fn is_hooks_assertion(item: &syn::Item) -> bool {
    let syn::Item::Const(constant) = item else { return false };
    let syn::Expr::Block(block) = &*constant.expr else { return false };
    block.block.stmts.iter().any(|stmt| matches!(stmt, syn::Stmt::Item(syn::Item::Fn(f)) if f.sig.ident == "assert_client_hooks"))
}

/// `(T, E)` from `Result<ResponseValue<T>, Error<E>>`.
fn result_types(output: &syn::Type) -> Option<(syn::Type, syn::Type)> {
    let [ok, err] = generic_args(output)?.try_into().ok()?;
    let [success] = generic_args(&ok)?.try_into().ok()?;
    let error = generic_args(&err).and_then(|args| args.into_iter().next()).unwrap_or_else(|| syn::parse_quote!(()));
    Some((success, error))
}

fn generic_args(ty: &syn::Type) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else { return None };
    Some(
        args.args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
    )
}

fn is_constructor_impl(item: &syn::Item) -> bool {
    let syn::Item::Impl(block) = item else { return false };
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        && block.items.iter().any(|item| matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_the_candidate_that_fails_alone_or_none() {
        let candidates: Vec<u32> = (0..10).collect();
        let tries = std::cell::Cell::new(0);
        let seven = |subset: &[u32]| {
            tries.set(tries.get() + 1);
            subset.contains(&7)
        };
        assert_eq!(bisect(candidates.clone(), seven), Some(7));
        assert!(tries.get() <= 9, "{} tries for 10 candidates", tries.get());
        let both = |subset: &[u32]| subset.contains(&2) && subset.contains(&8);
        assert_eq!(bisect(candidates, both), None, "neither fails alone");
    }

    #[test]
    fn an_operation_progenitor_fails_on_is_skipped_with_a_warning_naming_it() {
        // Straight to progenitor, without `normalize`: `{id}` is declared by
        // no parameter, on which progenitor panics.
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}},
                "/things/{id}": {"get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}}},
            },
        });
        let mut document: OpenAPI = serde_json::from_value(document).unwrap();
        let spec = SpecSource { label: "specs/t.yaml".into(), slug: "t".into(), text: String::new() };
        let mut warnings = Vec::new();

        let Ok(output) = run(&spec, &mut document, &mut warnings) else { panic!("the other operation generates") };

        assert_eq!(output.builders.iter().map(|b| b.method.clone()).collect::<Vec<_>>(), ["list_things"]);
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings, ["operation getThing (GET /things/{id}): skipped: progenitor panicked: missing path name mapping id"]);
    }

    #[test]
    fn the_handoff_carries_the_document_only_when_progenitor_had_to_change_it() {
        let spec = SpecSource { label: "specs/t.yaml".into(), slug: "t".into(), text: String::new() };
        let handoff = |paths: serde_json::Value| {
            let document = serde_json::json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths});
            let document: OpenAPI = serde_json::from_value(document).unwrap();
            let (sender, receiver) = mpsc::channel();
            run_and_format(&spec, &document, Vec::new(), "header", false, sender).expect("generates");
            receiver.recv().unwrap().expect("hands off")
        };
        let list = serde_json::json!({"get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}});
        // `{id}` is declared by no parameter, on which progenitor panics.
        let get = serde_json::json!({"get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}}});

        let unchanged = handoff(serde_json::json!({"/things": list}));
        assert!(unchanged.changed.is_none(), "the model read from the loaded document stands");

        let changed = handoff(serde_json::json!({"/things": list, "/things/{id}": get}));
        let document = changed.changed.expect("the document lost an operation");
        assert!(document.paths.paths.get("/things/{id}").and_then(|item| item.as_item()).is_some_and(|item| item.get.is_none()));
        assert_eq!(changed.builders.iter().map(|builder| builder.method.clone()).collect::<Vec<_>>(), ["list_things"]);
    }

    #[test]
    fn the_tail_printed_on_its_own_thread_gives_the_file_printed_whole() {
        let spec = SpecSource { label: "specs/t.yaml".into(), slug: "t".into(), text: String::new() };
        // Enough object schemas for a tail of its own (five builder items each).
        let schemas: serde_json::Map<String, serde_json::Value> = (0..40)
            .map(|index| (format!("Thing{index}"), serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}})))
            .collect();
        let list = serde_json::json!({"get": {"operationId": "listThings", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing0"}}}}}}});
        // `{id}` is declared by no parameter, on which progenitor panics:
        // the operation is dropped and progenitor generates again.
        let get = serde_json::json!({"get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}}});
        for paths in [serde_json::json!({"/things": list}), serde_json::json!({"/things": list, "/things/{id}": get})] {
            let document = serde_json::json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths, "components": {"schemas": schemas}});
            let mut document: OpenAPI = serde_json::from_value(document).unwrap();
            let (sender, _receiver) = mpsc::channel();
            let split = run_and_format(&spec, &document, Vec::new(), "header", false, sender).expect("generates");

            let whole = run(&spec, &mut document, &mut Vec::new()).expect("generates");
            assert_eq!(split, crate::render::finish("header", &prettyplease::unparse(&whole.file)));
            assert_eq!(split.matches("impl ::std::convert::TryFrom<Thing").count(), 40, "the builder module is all there");
        }
    }

    #[test]
    fn the_builders_and_type_names_are_read_from_tokens_before_the_file_parses() {
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {
                "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
            "components": {"schemas": {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}}},
        });
        let document: OpenAPI = serde_json::from_value(document).unwrap();
        let Ok((tokens, _)) = generate_guarded(&document) else { panic!("progenitor generates") };
        // Tokens no parser accepts, among the types and the builders' impls:
        // what is parsed once the templates have what they need.
        let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
        for module in ["types", "builder"] {
            module_body(&mut trees, module, |items| {
                items.extend(quote!(impl Broken { fn }));
                Some(())
            });
        }

        let first = reshape_builders(trees, TokenStream::new()).expect("the builders are read from their tokens");

        assert_eq!(first.builders.iter().map(|builder| builder.method.clone()).collect::<Vec<_>>(), ["list_things"]);
        let builder = &first.builders[0];
        assert_eq!(quote::ToTokens::to_token_stream(&builder.success).to_string(), "types :: Thing");
        let fields: Vec<&str> = builder.fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(fields, ["client", CALL_OPTIONS_FIELD]);
        assert!(first.types.contains("Thing"), "{:?}", first.types);
        let Err(reason) = reshape_rest(first.rest, Some(first.module), &VariantRenames::new()) else { panic!("the rest does not parse") };
        assert!(reason.starts_with("the builder module does not parse"), "{reason}");
    }

    #[test]
    fn the_builder_module_keeps_a_marker_in_place_of_its_items_unless_it_has_none() {
        let marker = quote!(const MARKED: () = (););
        let empty = reshape_builders(quote!(pub mod builder {}).into_iter().collect(), marker.clone()).unwrap();
        assert_eq!(empty.rest.to_string(), "pub mod builder { }");
        let full = reshape_builders(quote!(pub mod builder { use super::types; }).into_iter().collect(), marker).unwrap();
        assert_eq!(full.rest.to_string(), "pub mod builder { const MARKED : () = () ; }");
        assert_eq!(full.module.to_string(), "use super :: types ;");
    }

    #[test]
    fn progenitor_messages_stop_before_a_debug_dump() {
        assert_eq!(readable("not yet implemented: unhandled not schema Object(\n    SchemaObject {\n"), "not yet implemented: unhandled not schema");
        assert_eq!(readable("missing path name mapping id"), "missing path name mapping id");
        assert_eq!(
            readable("multiple implied types for an un-typed enum {Number, String} [String(\"a\"), Number(1.5)]"),
            "multiple implied types for an un-typed enum {Number, String}"
        );
        assert_eq!(
            readable("multiple implied types for an un-typed enum {Object, String} [Object {}, String(\"unavailable\")]"),
            "multiple implied types for an un-typed enum {Object, String}"
        );
        assert_eq!(readable("expected one of [a, b]"), "expected one of [a, b]", "a list of words is not a dump");
        assert_eq!(readable("values [Null, Bool(true)]"), "values");
        assert_eq!(readable(""), "no message");
    }
}
