//! The generated crate's command line, behind its `cli` feature:
//! `src/cli.rs` (a clap command with one subcommand per operation, a flag
//! per parameter, the body from a flag, a file or standard input) and
//! `src/bin/<name>.rs` (the binary, which only calls `cli::main`), plus what
//! the manifest and the README say about them.
//!
//! The command drives the crate's public request builders as a user's code
//! would: it sets each parameter with its setter, sends with `send`,
//! `send_upload` or `send_multipart`, and follows pagination with `items()`.
//! Values are parsed from flags by their Rust type, chosen where the type is
//! known (in the generated crate): `FromStr` where the type has it (text,
//! numbers, booleans, UUIDs, dates, enums), otherwise JSON. Nothing here
//! knows the wire: every request still goes through `sdk_runtime`.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::operations_rs::{builder_conversion, ok_type, outcome_name, outcome_variant};
use crate::model::{Api, BodyKind, Location, OperationFacts, OutcomeKind, Scheme, SchemeKind};
use crate::progenitor_pass::Builder;

/// The exit statuses of every generated command line, as its help and the
/// crate's README document them.
pub const EXIT_STATUSES: [(u8, &str); 5] = [
    (0, "success"),
    (1, "any other failure: a response that does not match the spec, pagination that cannot go on, output that cannot be written"),
    (2, "usage: invalid flags, values or body, missing credentials or base URL, a file that cannot be read; nothing was sent"),
    (3, "the API answered with an error status (the status, the request id and the error body are on standard error)"),
    (4, "transport: the connection failed or a time limit ran out"),
];

/// Whether the crate gets a command line: it needs one operation at least.
pub fn has_cli(api: &Api) -> bool {
    !api.operations.is_empty()
}

/// The binary's name: the crate's name without `-client` (`indream`).
pub fn bin_name(api: &Api) -> String {
    match api.crate_name.strip_suffix("-client") {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => format!("{}-cli", api.crate_name),
    }
}

/// The binary's path in the crate.
pub fn bin_path(api: &Api) -> String {
    format!("src/bin/{}.rs", bin_name(api))
}

/// The `[[bin]]` table of the manifest.
pub fn bin_manifest(api: &Api) -> String {
    format!(
        "\n# The command line: `cargo install {} --features cli`.\n[[bin]]\nname = {}\npath = {}\nrequired-features = [\"cli\"]\n",
        api.package.name,
        toml::Value::from(bin_name(api)),
        toml::Value::from(bin_path(api)),
    )
}

/// The crates the command line adds, each optional behind `cli`.
pub const DEPENDENCIES: [(&str, &str); 3] = [
    ("clap", r#"{ version = "4.5", features = ["derive", "env"] }"#),
    ("indicatif", r#""0.18""#),
    ("tokio", r#"{ version = "1", features = ["rt"] }"#),
];

/// `src/bin/<name>.rs`.
pub fn bin_rs(api: &Api) -> TokenStream {
    let lib = format_ident!("{}", api.lib_name);
    let docs = format!(" The `{}` command line: see the `cli` module of `{}`.", bin_name(api), api.lib_name);
    quote! {
        #![doc = #docs]

        fn main() -> std::process::ExitCode {
            #lib::cli::main()
        }
    }
}

/// The prefix of the variables the command line reads, such as `INDREAM`.
fn env_prefix(api: &Api) -> String {
    let stem = api.crate_name.strip_suffix("-client").unwrap_or(&api.crate_name);
    stem.to_shouty_snake_case()
}

/// The variable of a server URL's `{variable}`, such as `MEDIAPOCKET_TENANT`.
fn server_variable_env(api: &Api, variable: &str) -> String {
    format!("{}_{}", env_prefix(api), variable.to_shouty_snake_case())
}

/// One way to read a scheme's credential from the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Way {
    /// The variables, all of which must be set.
    pub variables: Vec<String>,
    /// The `Credentials` constructor they are passed to, in order.
    constructor: String,
    /// Whether `Credentials::from_env()` reads exactly these.
    from_env: bool,
}

/// How the command line reads `scheme`'s credential: the spec's `x-env`
/// variables where it names them, else `<PREFIX>_<SCHEME>` (with
/// `_USERNAME`/`_PASSWORD`, `_ACCESS_KEY`/`_SECRET_KEY`, `_TOKEN` or
/// `_CLIENT_ID`/`_CLIENT_SECRET` for schemes of several parts). A fixed
/// `Authorization` needs none (and is always sent).
pub fn ways(api: &Api, scheme: &Scheme) -> Vec<Way> {
    let prefix = format!("{}_{}", env_prefix(api), scheme.name.to_shouty_snake_case());
    let derived = |suffixes: &[&str]| -> Vec<String> {
        suffixes.iter().map(|suffix| if suffix.is_empty() { prefix.clone() } else { format!("{prefix}_{suffix}") }).collect()
    };
    let from_env = api.schemes.iter().find(|s| !s.env.is_empty()).is_some_and(|s| s.name == scheme.name);
    let declared = (!scheme.env.is_empty()).then(|| scheme.env.clone());
    let constructor = scheme.constructor.clone();
    let way = |variables: Vec<String>, constructor: String, from_env: bool| Way { variables, constructor, from_env };
    match &scheme.kind {
        SchemeKind::FixedAuthorization { .. } => Vec::new(),
        SchemeKind::Basic => vec![way(declared.unwrap_or_else(|| derived(&["USERNAME", "PASSWORD"])), constructor, from_env)],
        SchemeKind::NcpSignatureV2 => vec![way(declared.unwrap_or_else(|| derived(&["ACCESS_KEY", "SECRET_KEY"])), constructor, from_env)],
        SchemeKind::OAuth2 { client_credentials } => {
            let mut out = vec![way(declared.unwrap_or_else(|| derived(&["TOKEN"])), format!("{constructor}_token"), from_env)];
            if client_credentials.is_some() {
                out.push(way(derived(&["CLIENT_ID", "CLIENT_SECRET"]), format!("{constructor}_client_credentials"), false));
            }
            out
        }
        SchemeKind::HeaderApiKey { .. } | SchemeKind::QueryApiKey { .. } | SchemeKind::CookieApiKey { .. } | SchemeKind::Bearer => {
            vec![way(declared.unwrap_or_else(|| derived(&[""])), constructor, from_env)]
        }
    }
}

/// `A`, `A and B`, or `A (or B and C)`: what to set for `scheme`.
pub fn variables_text(api: &Api, scheme: &Scheme) -> String {
    let ways: Vec<String> = ways(api, scheme).iter().map(|way| way.variables.join(" and ")).collect();
    match ways.split_first() {
        None => String::new(),
        Some((first, [])) => first.clone(),
        Some((first, rest)) => format!("{first} (or {})", rest.join(", or ")),
    }
}

/// The crate's README section "Command line".
pub fn readme_section(api: &Api) -> String {
    if !has_cli(api) {
        return String::new();
    }
    let bin = bin_name(api);
    let mut out = format!(
        "\n## Command line\n\n\
         With the `cli` feature the crate has a binary, `{bin}`, with one subcommand per operation \
         (`{bin} --help` lists them with the spec's summaries; `{bin} <subcommand> --help` shows its \
         parameters): `cargo install {package} --features cli`. Library users who leave the \
         feature off pay nothing for it.\n\n",
        package = api.package.name,
    );
    if let Some((operation, line)) = api.operations.iter().find_map(|operation| Some((operation, sample_command(api, operation)?))) {
        out.push_str(&format!("```sh\n{line}\n```\n\n"));
        if operation.pagination.is_some() {
            out.push_str(&format!("`--all` follows the pages of `{}` and prints every item on its own line.\n\n", subcommand_name(operation)));
        }
    }
    out.push_str(
        "- Flags: one per parameter, `--kebab-case`, parsed by type (text, numbers, booleans, \
         UUIDs, RFC 3339 dates, enum values; JSON for objects); repeat a flag for several values.",
    );
    if api.operations.iter().any(|operation| matches!(operation.body, Some(BodyKind::Json | BodyKind::Form | BodyKind::Raw(_))) && operation.upload.is_none()) {
        out.push_str(" A body comes from `--body '{...}'`, `--body @file.json` or `--body -` (standard input).");
    }
    if api.has_multipart() {
        out.push_str(" A multipart body takes one flag per part (a path for a file part).");
    }
    if api.has_uploads() {
        out.push_str(" An upload streams `--file PATH`, with a progress bar on a terminal (`--no-progress` hides it).");
    }
    out.push_str(&format!(
        "\n- Output: the response as JSON on standard output, indented on a terminal and on one line \
         otherwise{}. Binary responses are written as they arrive.\n\
         - Base URL: `--base-url` or `{}`{}.\n",
        if api.paginated { "; with `--all` on a paginated operation, every item of every page as one JSON document per line (NDJSON)" } else { "" },
        super::example::base_url_env(api),
        match &api.server {
            Some(server) if server.variables.is_empty() => format!(", by default `{}`", server.url),
            Some(server) => format!(
                ", or the spec's server `{}` with {}",
                server.url,
                server
                    .variables
                    .iter()
                    .map(|v| format!("`--{}` (or `{}`)", v.name.to_kebab_case(), server_variable_env(api, &v.name)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => " (the spec names no server)".to_owned(),
        }
    ));
    let credentials: Vec<String> = api
        .schemes
        .iter()
        .filter(|scheme| !ways(api, scheme).is_empty())
        .map(|scheme| format!("`{}` from {}", scheme.name, quoted_variables(api, scheme)))
        .collect();
    if credentials.is_empty() {
        out.push_str("- Credentials: none needed.\n");
    } else {
        out.push_str(&format!(
            "- Credentials from the environment: {}. A subcommand whose operation needs credentials \
             that are not set stops before sending anything, naming the variables to set.\n",
            credentials.join("; ")
        ));
    }
    out.push_str("- Exit statuses:\n");
    for (status, meaning) in EXIT_STATUSES {
        out.push_str(&format!("  - {status}: {meaning}\n"));
    }
    out
}

fn quoted_variables(api: &Api, scheme: &Scheme) -> String {
    ways(api, scheme)
        .iter()
        .map(|way| way.variables.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" and "))
        .collect::<Vec<_>>()
        .join(", or ")
}

/// A shell line that calls `operation` with its documented example values.
fn sample_command(api: &Api, operation: &OperationFacts) -> Option<String> {
    if operation.body.is_some() || operation.upload.is_some() {
        return None;
    }
    let arguments = operation.example.arguments.as_ref()?;
    let mut line = String::new();
    for scheme in api.schemes.iter().filter(|scheme| operation.security.first().is_some_and(|first| first.contains(&scheme.name))) {
        if let Some(way) = ways(api, scheme).first() {
            for variable in &way.variables {
                line.push_str(&format!("{variable}=... "));
            }
        }
    }
    line.push_str(&bin_name(api));
    if let Some(server) = api.server.as_ref().filter(|server| !server.variables.is_empty()) {
        for variable in &server.variables {
            line.push_str(&format!(" --{} my-{}", variable.name.to_kebab_case(), variable.name.to_kebab_case()));
        }
    }
    line.push_str(&format!(" {}", subcommand_name(operation)));
    for (setter, value) in arguments {
        let value = shell_value(value)?;
        line.push_str(&format!(" --{} {value}", setter.trim_end_matches('_').to_kebab_case()));
    }
    if operation.pagination.is_some() {
        line.push_str(" --all");
    }
    Some(line)
}

/// A Rust literal of the examples as a shell word: `"x"` → `x`,
/// `uuid::Uuid::parse_str("…")?` → `…`, `5u64` → `5`.
fn shell_value(rust: &str) -> Option<String> {
    let text = rust.strip_prefix("uuid::Uuid::parse_str(").and_then(|rest| rest.strip_suffix(")?")).unwrap_or(rust);
    if let Some(inner) = text.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) {
        let plain = inner.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c));
        return Some(if plain { inner.to_owned() } else { format!("'{}'", inner.replace('\'', "'\\''")) });
    }
    let number = text.trim_end_matches("u64").trim_end_matches("f64");
    (number.parse::<f64>().is_ok() || number == "true" || number == "false").then(|| number.to_owned())
}

fn subcommand_name(operation: &OperationFacts) -> String {
    let name = operation.method_name.trim_end_matches('_').to_kebab_case();
    if name.is_empty() {
        "operation".to_owned()
    } else {
        name
    }
}

/// Names already taken in one command: flags and field identifiers.
#[derive(Clone, Default)]
struct Taken {
    flags: BTreeSet<String>,
    idents: BTreeSet<String>,
}

impl Taken {
    /// `wanted`, or `wanted-param`, `wanted-2`, ... when it is taken.
    fn flag(&mut self, wanted: &str) -> String {
        let wanted = if wanted.is_empty() { "value" } else { wanted };
        let mut candidates = [wanted.to_owned(), format!("{wanted}-param")].into_iter().chain((2..).map(|n| format!("{wanted}-{n}")));
        let chosen = candidates.find(|candidate| !self.flags.contains(candidate)).unwrap_or_default();
        self.flags.insert(chosen.clone());
        chosen
    }

    /// `wanted`, or `wanted_2`, ... when it is taken (`wanted_` when it is
    /// a keyword, such as the variant `Self` of an operation `self`).
    fn ident(&mut self, wanted: &str) -> syn::Ident {
        let keyword = syn::parse_str::<syn::Ident>(wanted).is_err();
        let wanted = if keyword { format!("{wanted}_") } else { wanted.to_owned() };
        let mut candidates = std::iter::once(wanted.clone()).chain((2..).map(|n| format!("{wanted}_{n}")));
        let chosen = candidates.find(|candidate| !self.idents.contains(candidate)).unwrap_or_default();
        self.idents.insert(chosen.clone());
        format_ident!("{chosen}")
    }
}

/// Which shared helpers the generated code calls, so that only those are
/// written (an unused one would be a warning).
#[derive(Default)]
struct Uses {
    parse: bool,
    json: bool,
    bytes: bool,
    items: bool,
    upload: bool,
    progress: bool,
    json_body: bool,
    text_body: bool,
    raw_body: bool,
}

/// One subcommand: its enum variant, fields and the code that runs it.
struct Subcommand {
    variant: syn::Ident,
    fields: Vec<TokenStream>,
    bindings: Vec<syn::Ident>,
    run: TokenStream,
    needs: TokenStream,
}

/// Renders `src/cli.rs`, or nothing when the API has no operation.
pub fn cli_rs(api: &Api, builders: &[Builder]) -> Option<TokenStream> {
    if !has_cli(api) {
        return None;
    }
    let bin = bin_name(api);
    let mut uses = Uses::default();
    let mut global = Taken::default();
    for reserved in ["help", "version"] {
        global.flag(reserved);
    }
    // The run arm's own names that a parameter's binding used later would
    // otherwise shadow or be shadowed by (an upload's file name is read
    // after `let upload`).
    for local in ["client", "request", "upload"] {
        global.ident(local);
    }
    let (base_url_fields, base_url_fn) = base_url(api, &mut global);
    let mut variant_names = Taken::default();
    let mut command_names = Taken::default();
    let names: Vec<String> = api.operations.iter().map(|operation| command_names.flag(&subcommand_name(operation))).collect();
    let subcommands: Vec<Subcommand> = api
        .operations
        .iter()
        .zip(builders)
        .zip(&names)
        .map(|((operation, builder), name)| subcommand(api, operation, builder, name, &global, &mut variant_names, &mut uses))
        .collect();
    // Each list goes into its braces moved, not copied (see `braced`).
    let variants = super::braced(api.operations.iter().zip(&names).zip(&subcommands).map(|((operation, name), s)| {
        let (variant, fields) = (&s.variant, &s.fields);
        let mut tokens = command_attributes(api, operation, name);
        tokens.extend(quote!(#variant { #(#fields)* },));
        tokens
    }));
    let run_arms = super::braced(subcommands.iter().map(|s| {
        let (variant, bindings, run) = (&s.variant, &s.bindings, &s.run);
        quote!(Self::#variant { #(#bindings),* } => { #run })
    }));
    let needs_arms = super::braced(subcommands.iter().map(|s| {
        let (variant, needs) = (&s.variant, &s.needs);
        quote!(Self::#variant { .. } => #needs,)
    }));
    let about = format!("Command line for the {}: one subcommand per operation.", api.title);
    let mut long_about = about.clone();
    if let Some(description) = &api.description {
        long_about.push_str("\n\n");
        long_about.push_str(description.trim());
    }
    let after_help = after_help(api);
    let credentials = credentials_fn(api);
    let (parse, helpers) = helpers(&uses);
    let output = (uses.json || uses.items || uses.bytes).then(|| {
        quote! {
            /// Standard output failed; a reader that closed it early (`| head`)
            /// has all it wanted, which is no failure.
            fn output(error: std::io::Error) -> Self {
                match error.kind() {
                    std::io::ErrorKind::BrokenPipe => Self { status: 0, message: None },
                    _ => Self::other(format!("cannot write the output: {error}")),
                }
            }
        }
    });
    let imports = imports(api, &uses);
    let docs = super::doc_lines(&format!(
        "The `{bin}` command line (feature `cli`): one subcommand per operation of the {}, \
         driving this crate's request builders.\n\n\
         Flags are parsed by the parameter's type, the body comes from `--body JSON`, `--body @FILE` \
         or `--body -` (standard input), and responses are printed as JSON (indented on a \
         terminal, one line otherwise; NDJSON items with `--all`). Credentials come from the \
         environment. Run `{bin} --help` for the subcommands, the variables and the exit statuses.",
        api.title
    ));
    Some(quote! {
        #(#![doc = #docs])*

        use std::process::ExitCode;

        #imports

        #parse

        /// Exit status: any other failure.
        const OTHER: u8 = 1;
        /// Exit status: invalid usage; nothing was sent.
        const USAGE: u8 = 2;
        /// Exit status: the API answered with an error.
        const API: u8 = 3;
        /// Exit status: the connection failed or timed out.
        const TRANSPORT: u8 = 4;

        /// Printed after the help: environment, output and exit statuses.
        const AFTER_HELP: &str = #after_help;

        /// The stack of the thread the command runs on. clap's derived code
        /// builds every subcommand in one function, whose frame in a debug
        /// build of a large API outgrows a main thread's stack.
        const STACK_BYTES: usize = 64 << 20;

        /// Runs the command line with the process's arguments and environment,
        /// and returns its exit status (the binary's `main`).
        pub fn main() -> ExitCode {
            match std::thread::Builder::new().stack_size(STACK_BYTES).spawn(parse_and_run) {
                Ok(worker) => worker.join().unwrap_or(ExitCode::from(OTHER)),
                Err(_) => parse_and_run(),
            }
        }

        fn parse_and_run() -> ExitCode {
            match run(<Cli as clap::Parser>::parse()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => failure.report(),
            }
        }

        #[derive(Debug, clap::Parser)]
        #[command(name = #bin, bin_name = #bin, version, about = #about, long_about = #long_about, after_help = AFTER_HELP, disable_help_subcommand = true)]
        struct Cli {
            #base_url_fields

            #[command(subcommand)]
            command: Command,
        }

        impl Cli {
            #base_url_fn
        }

        // Parsed once per run: the size of the largest variant does not
        // matter. The variants are named after the operations.
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        #[derive(Debug, clap::Subcommand)]
        enum Command #variants

        /// A subcommand's name, the security alternatives of its operation
        /// and the variables that satisfy them.
        type Needs = (&'static str, &'static [&'static [&'static str]], &'static str);

        impl Command {
            /// The subcommand's name, the security alternatives of its
            /// operation (each a list of schemes) and the variables that
            /// satisfy them.
            fn needs(&self) -> Needs {
                match self #needs_arms
            }

            /// Sends the request and prints the response.
            async fn run(self, client: &Client) -> Result<(), Failure> {
                match self #run_arms
            }
        }

        /// Checks the credentials, builds the client and runs the subcommand.
        fn run(cli: Cli) -> Result<(), Failure> {
            let base_url = cli.base_url()?;
            let (credentials, held) = credentials()?;
            let (command, alternatives, variables) = cli.command.needs();
            let satisfied = alternatives.is_empty() || alternatives.iter().any(|schemes| schemes.iter().all(|scheme| held.contains(scheme)));
            if !satisfied {
                return Err(Failure::usage(format!("`{command}` needs credentials: set {variables}")));
            }
            let client = Client::new(&base_url, credentials).map_err(Failure::usage)?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| Failure::other(format!("cannot start the async runtime: {error}")))?;
            runtime.block_on(cli.command.run(&client))
        }

        #credentials

        /// Why the command failed: the message for standard error and the exit status.
        #[derive(Debug)]
        struct Failure {
            status: u8,
            message: Option<String>,
        }

        impl Failure {
            fn usage(message: impl std::fmt::Display) -> Self {
                Self { status: USAGE, message: Some(message.to_string()) }
            }

            fn other(message: impl std::fmt::Display) -> Self {
                Self { status: OTHER, message: Some(message.to_string()) }
            }

            #output

            fn report(self) -> ExitCode {
                if let Some(message) = self.message {
                    eprintln!("error: {message}");
                }
                ExitCode::from(self.status)
            }
        }

        impl From<Error> for Failure {
            fn from(error: Error) -> Self {
                let status = match &error {
                    Error::Api(_) | Error::RateLimited(_) => API,
                    Error::Timeout { .. } | Error::Transport { .. } => TRANSPORT,
                    Error::Validation { .. } => USAGE,
                    _ => OTHER,
                };
                Self { status, message: Some(error.to_string()) }
            }
        }

        #helpers

        #[cfg(test)]
        mod tests {
            #[test]
            fn the_command_is_consistent() {
                let check = || <super::Cli as clap::CommandFactory>::command().debug_assert();
                let worker = std::thread::Builder::new().stack_size(super::STACK_BYTES).spawn(check).expect("a thread");
                worker.join().expect("clap's checks pass");
            }
        }
    })
}

fn imports(api: &Api, uses: &Uses) -> TokenStream {
    let types = api.operations.iter().any(|o| !o.parameters.is_empty() || o.body.is_some()).then(|| quote!(#[allow(unused_imports)] use crate::types;));
    let page_error = uses.items.then(|| quote!(use crate::PageError;));
    let upload = uses.upload.then(|| quote!(use crate::Upload;));
    // A `ByteStream` is a `dyn Stream`, whose methods need no import.
    let stream = uses.items.then(|| quote!(use futures_core::Stream;));
    let terminal = (uses.json || uses.progress).then(|| quote!(use std::io::IsTerminal as _;));
    let write = (uses.json || uses.items || uses.bytes).then(|| quote!(use std::io::Write as _;));
    let byte_stream = uses.bytes.then(|| quote!(use crate::ByteStream;));
    let credentials = quote!(use crate::{Client, Credentials, Error};);
    quote! {
        #terminal
        #write
        #credentials
        #types
        #page_error
        #upload
        #stream
        #byte_stream
    }
}

/// The `--base-url` flag and, for a server URL with variables, one flag
/// per variable; and `Cli::base_url`.
fn base_url(api: &Api, global: &mut Taken) -> (TokenStream, TokenStream) {
    let env = super::example::base_url_env(api);
    let flag = global.flag("base-url");
    global.idents.insert("cli_base_url".to_owned());
    match &api.server {
        Some(server) if server.variables.is_empty() => {
            let url = &server.url;
            let help = format!("The API's base URL [default: the spec's server, {url}]");
            (
                quote! {
                    #[arg(long = #flag, value_name = "URL", env = #env, default_value = #url, global = true, hide_default_value = true, help = #help)]
                    cli_base_url: String,
                },
                quote! {
                    fn base_url(&self) -> Result<String, Failure> {
                        Ok(self.cli_base_url.clone())
                    }
                },
            )
        }
        Some(server) => {
            let mut fields = vec![quote! {
                #[arg(long = #flag, value_name = "URL", env = #env, global = true, help = "The API's base URL (or the server's variables below)")]
                cli_base_url: Option<String>,
            }];
            let mut idents = Vec::new();
            let mut names = Vec::new();
            let mut missing = vec![format!("--base-url (or {env})")];
            for variable in &server.variables {
                let ident = global.ident(&format!("cli_server_{}", variable.field.trim_matches('_')));
                let flag = global.flag(&variable.name.to_kebab_case());
                let var_env = server_variable_env(api, &variable.name);
                let help = format!(
                    "`{{{}}}` in the server URL {}{}",
                    variable.name,
                    server.url,
                    variable.description.as_deref().map(|d| format!(": {}", d.trim())).unwrap_or_default()
                );
                missing.push(format!("--{flag} (or {var_env})"));
                fields.push(quote! {
                    #[arg(long = #flag, env = #var_env, global = true, help = #help)]
                    #ident: Option<String>,
                });
                names.push(format_ident!("{}_value", variable.field.trim_end_matches('_')));
                idents.push(ident);
            }
            let message = format!("set {}", missing.join(", or "));
            let pattern = if names.len() == 1 { quote!(Some(#(#names)*)) } else { quote!((#(Some(#names)),*)) };
            let values = if idents.len() == 1 { quote!(#(&self.#idents)*) } else { quote!((#(&self.#idents),*)) };
            (
                quote!(#(#fields)*),
                quote! {
                    fn base_url(&self) -> Result<String, Failure> {
                        if let Some(url) = &self.cli_base_url {
                            return Ok(url.clone());
                        }
                        match #values {
                            #pattern => Ok(crate::server_url(#(#names),*)),
                            _ => Err(Failure::usage(#message)),
                        }
                    }
                },
            )
        }
        None => {
            let message = format!("set --base-url (or {env}): the spec names no server");
            (
                quote! {
                    #[arg(long = #flag, value_name = "URL", env = #env, global = true, help = "The API's base URL")]
                    cli_base_url: Option<String>,
                },
                quote! {
                    fn base_url(&self) -> Result<String, Failure> {
                        self.cli_base_url.clone().ok_or_else(|| Failure::usage(#message))
                    }
                },
            )
        }
    }
}

/// The help printed after the options: variables, output, exit statuses.
fn after_help(api: &Api) -> String {
    let mut out = String::from("Environment:\n");
    out.push_str(&format!("  {}: the base URL (--base-url)\n", super::example::base_url_env(api)));
    for variable in api.server.iter().flat_map(|server| &server.variables) {
        out.push_str(&format!("  {}: `{{{}}}` in the server URL\n", server_variable_env(api, &variable.name), variable.name));
    }
    for scheme in &api.schemes {
        let variables = variables_text(api, scheme);
        if !variables.is_empty() {
            out.push_str(&format!("  {variables}: the `{}` credentials\n", scheme.name));
        }
    }
    out.push_str(
        "\nOutput: the response as JSON on standard output, indented on a terminal and on one line \
         otherwise; with --all, every item of every page, one JSON document per line (NDJSON).\n\nExit statuses:\n",
    );
    for (status, meaning) in EXIT_STATUSES {
        out.push_str(&format!("  {status}  {meaning}\n"));
    }
    out.trim_end().to_owned()
}

/// `#[command(..)]` of the subcommand for `operation`: its name, and help
/// from the spec's summary and description.
fn command_attributes(api: &Api, operation: &OperationFacts, name: &str) -> TokenStream {
    let help = &operation.help;
    let line = format!("`{} {}` (operation `{}`).", operation.http_method, operation.path, operation.id);
    let about = help
        .summary
        .clone()
        .or_else(|| help.description.as_deref().map(first_sentence))
        .unwrap_or_else(|| line.clone());
    let mut long = String::new();
    for part in [help.summary.as_deref(), help.description.as_deref()].into_iter().flatten() {
        long.push_str(part);
        long.push_str("\n\n");
    }
    long.push_str(&line);
    if operation.pagination.is_some() {
        long.push_str(" Paginated: --all prints every item of every page, one per line.");
    }
    let needed = credentials_hint(api, operation);
    if !needed.is_empty() && !operation.security.iter().any(|alternative| always_held(api, alternative)) {
        long.push_str(&format!("\n\nCredentials: {needed}."));
    }
    quote!(#[command(name = #name, about = #about, long_about = #long)])
}

/// Whether the credentials of `alternative` are always held (none, or only
/// fixed ones).
fn always_held(api: &Api, alternative: &[String]) -> bool {
    alternative.iter().all(|name| api.schemes.iter().find(|s| &s.name == name).is_some_and(|s| ways(api, s).is_empty()))
}

/// The first sentence (or line) of `text`.
fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line.to_owned(),
    }
}

/// The shape of a parameter's value, from its builder field's type.
enum Shape {
    /// Required: `T`.
    One(syn::Type),
    /// Optional: `Option<T>`.
    Maybe(syn::Type),
    /// A list: `Vec<T>`, required or not.
    List { item: syn::Type, required: bool },
}

fn shape(field: &syn::Type) -> Option<Shape> {
    let ok = ok_type(field)?;
    let (inner, required) = match generic_of(ok, "Option") {
        Some(inner) => (inner, false),
        None => (ok, true),
    };
    Some(match (generic_of(inner, "Vec"), required) {
        (Some(item), required) => Shape::List { item: item.clone(), required },
        (None, true) => Shape::One(inner.clone()),
        (None, false) => Shape::Maybe(inner.clone()),
    })
}

/// `T` in `...::name<T>`.
fn generic_of<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `<UUID>`, `<INTEGER>`, ... for a value of type `ty`.
fn value_name(ty: &syn::Type) -> Option<&'static str> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?.ident.to_string();
    Some(match last.as_str() {
        "Uuid" => "UUID",
        "String" => "TEXT",
        "bool" => "BOOL",
        "f32" | "f64" => "NUMBER",
        "DateTime" => "DATE-TIME",
        "NaiveDate" => "DATE",
        "Value" | "Map" => "JSON",
        other if other.starts_with("NonZero") || ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize", "isize"].contains(&other) => "INTEGER",
        _ => return None,
    })
}

fn location_word(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

#[derive(PartialEq)]
enum Success {
    Json,
    Empty,
    Stream,
}

fn success_kind(ty: &syn::Type) -> Success {
    match ty.to_token_stream().to_string().replace(' ', "").as_str() {
        // A WebSocket upgrade (`101`): the command line cannot speak the
        // protocol, so the upgrade succeeding is all it reports.
        "()" => Success::Empty,
        text if text.ends_with("Upgraded") => Success::Empty,
        text if text.ends_with("ByteStream") => Success::Stream,
        _ => Success::Json,
    }
}

/// A subcommand being built: the names it has taken, its variant's fields,
/// the bindings that destructure them and the statements that set up the
/// request.
struct Parts {
    taken: Taken,
    fields: Vec<TokenStream>,
    bindings: Vec<syn::Ident>,
    steps: Vec<TokenStream>,
}

/// The subcommand of one operation.
fn subcommand(api: &Api, operation: &OperationFacts, builder: &Builder, command: &str, global: &Taken, variants: &mut Taken, uses: &mut Uses) -> Subcommand {
    let pascal = operation.method_name.to_upper_camel_case();
    let pascal = if pascal.starts_with(|c: char| c.is_ascii_alphabetic()) { pascal } else { format!("Op{pascal}") };
    let variant = variants.ident(&pascal);
    let mut parts = Parts { taken: global.clone(), fields: Vec::new(), bindings: Vec::new(), steps: Vec::new() };

    // The flags of the command itself first, so that they keep their names.
    let upload = operation.upload.as_ref();
    let body_flag = match (&operation.body, upload) {
        (Some(BodyKind::Json | BodyKind::Form | BodyKind::Raw(_)), None) if builder.field("body").is_some() => Some(parts.taken.flag("body")),
        _ => None,
    };
    let file_flags = upload.map(|_| (parts.taken.flag("file"), parts.taken.flag("no-progress")));
    let all_flag = operation.pagination.as_ref().map(|_| parts.taken.flag("all"));

    let file_name = parameters(&mut parts, operation, builder, uses);
    if let (Some(flag), Some(body)) = (&body_flag, &operation.body) {
        body_argument(&mut parts, operation, builder, body, flag, uses);
    }
    let send = match (&file_flags, &operation.body) {
        (Some(flags), _) => send_upload(&mut parts, flags, file_name, uses),
        (None, Some(BodyKind::Multipart { required, fields })) => send_multipart(&mut parts, *required, fields, uses),
        _ => quote!(request.send().await),
    };
    if let Some(flag) = &all_flag {
        uses.items = true;
        let ident = parts.taken.ident("cli_all");
        parts.fields.push(quote! {
            #[arg(long = #flag, help = "Follow the pages: every item of every page, one JSON document per line (NDJSON)")]
            #ident: bool,
        });
        parts.steps.push(quote! {
            if #ident {
                return print_items(request.items()).await;
            }
        });
        parts.bindings.push(ident);
    }
    let output = output(operation, builder, &send, uses);
    let method = format_ident!("{}", operation.method_name);
    let steps = &parts.steps;
    Subcommand {
        variant,
        fields: parts.fields,
        bindings: parts.bindings,
        run: quote! {
            let request = client.#method();
            #(#steps)*
            #output
        },
        needs: needs(api, operation, command),
    }
}

/// A flag per parameter, and the setter call for each; returns the binding
/// of the upload's file name, which is set on the upload instead.
fn parameters(parts: &mut Parts, operation: &OperationFacts, builder: &Builder, uses: &mut Uses) -> Option<syn::Ident> {
    let mut file_name = None;
    let file_name_setter = operation.upload.as_ref().and_then(|upload| upload.file_name_setter.as_deref());
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let Some(field_type) = builder.field(&parameter.field) else { continue };
        let Some(shape) = shape(field_type) else { continue };
        let help_facts = operation.help.parameters.get(index).cloned().unwrap_or_default();
        let flag = parts.taken.flag(&parameter.field.trim_end_matches('_').to_kebab_case());
        let ident = parts.taken.ident(&parameter.field);
        let setter = format_ident!("{}", parameter.field);
        let where_sent = format!("Sent as the `{}` {} parameter.", parameter.name, location_word(parameter.location));
        let mut short = help_facts.description.as_deref().map(first_sentence).unwrap_or_else(|| where_sent.clone());
        let mut long = match &help_facts.description {
            Some(description) => format!("{description}\n\n{where_sent}"),
            None => where_sent.clone(),
        };
        if !help_facts.values.is_empty() {
            let values = format!(" [values: {}]", help_facts.values.join(", "));
            if help_facts.values.len() <= 8 {
                short.push_str(&values);
            }
            long.push_str(&values);
        }
        if file_name_setter == Some(parameter.field.as_str()) {
            file_name = Some(ident.clone());
            short.push_str(" (default: the file's name)");
            long.push_str("\n\nDefaults to the name of the uploaded file.");
            parts.fields.push(quote! {
                #[arg(long = #flag, value_name = "NAME", help = #short, long_help = #long)]
                #ident: Option<String>,
            });
            parts.bindings.push(ident);
            continue;
        }
        uses.parse = true;
        // clap's derive reads an `Option<T>` field as an optional flag that
        // takes one value; a required `bool` would be a switch, and a list
        // is optional, unless the flag says otherwise.
        let (ty, how, item) = match &shape {
            Shape::One(ty) => (quote!(#ty), quote!(required = true, action = clap::ArgAction::Set,), ty),
            Shape::Maybe(ty) => (quote!(Option<#ty>), quote!(), ty),
            Shape::List { item, required } => {
                long.push_str("\n\nRepeat the flag for several values.");
                (quote!(Vec<#item>), quote!(required = #required, action = clap::ArgAction::Append,), item)
            }
        };
        let value_name = value_name(item).map(|name| quote!(value_name = #name,));
        parts.fields.push(quote! {
            #[arg(long = #flag, #value_name #how value_parser = parse!(#item), help = #short, long_help = #long)]
            #ident: #ty,
        });
        parts.steps.push(match &shape {
            Shape::One(_) | Shape::List { required: true, .. } => quote!(let request = request.#setter(#ident);),
            Shape::Maybe(_) => quote! {
                let request = match #ident {
                    Some(value) => request.#setter(value),
                    None => request,
                };
            },
            Shape::List { required: false, .. } => quote! {
                let request = if #ident.is_empty() { request } else { request.#setter(#ident) };
            },
        });
        parts.bindings.push(ident);
    }
    file_name
}

/// `--body`: JSON (parsed as the body's type), text or bytes.
fn body_argument(parts: &mut Parts, operation: &OperationFacts, builder: &Builder, body: &BodyKind, flag: &str, uses: &mut Uses) {
    let ident = parts.taken.ident("cli_body");
    let (value_name, read) = match body {
        BodyKind::Raw(media) if media.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("text/plain") => {
            uses.text_body = true;
            ("TEXT", quote!(text_body(&text)?))
        }
        BodyKind::Raw(_) => {
            uses.raw_body = true;
            ("BYTES", quote!(body_bytes(&text)?))
        }
        _ => {
            uses.json_body = true;
            let field = builder.field("body").and_then(ok_type);
            let ty: syn::Type = match builder.field("body").and_then(builder_conversion) {
                Some(path) => syn::parse_quote!(#path),
                None => field.cloned().unwrap_or_else(|| syn::parse_quote!(::serde_json::Value)),
            };
            let label = match &ty {
                syn::Type::Path(path) => path.path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default(),
                other => other.to_token_stream().to_string(),
            };
            ("JSON", quote!(json_body::<#ty>(&text, #label)?))
        }
    };
    let what = match body {
        BodyKind::Form => "The request body, as JSON (sent as a form)",
        BodyKind::Raw(_) => "The request body",
        _ => "The request body, as JSON",
    };
    let short = format!("{what}: the value itself, @FILE to read a file, or - for standard input");
    let long = match &operation.help.body_description {
        Some(description) => format!("{short}.\n\n{description}"),
        None => format!("{short}."),
    };
    if operation.help.body_required {
        parts.fields.push(quote! {
            #[arg(long = #flag, value_name = #value_name, required = true, help = #short, long_help = #long)]
            #ident: String,
        });
        parts.steps.push(quote! {
            let text = #ident;
            let request = request.body(#read);
        });
    } else {
        parts.fields.push(quote! {
            #[arg(long = #flag, value_name = #value_name, help = #short, long_help = #long)]
            #ident: Option<String>,
        });
        parts.steps.push(quote! {
            let request = match #ident {
                Some(text) => request.body(#read),
                None => request,
            };
        });
    }
    parts.bindings.push(ident);
}

/// `--file` and `--no-progress`; the upload's statements, and the result.
fn send_upload(parts: &mut Parts, (flag, no_progress): &(String, String), file_name: Option<syn::Ident>, uses: &mut Uses) -> TokenStream {
    uses.upload = true;
    uses.progress = true;
    let file = parts.taken.ident("cli_file");
    let hide = parts.taken.ident("cli_no_progress");
    parts.fields.push(quote! {
        #[arg(long = #flag, value_name = "PATH", required = true, help = "The file to upload, streamed as the request body")]
        #file: std::path::PathBuf,
        #[arg(long = #no_progress, help = "No progress bar (there is none when standard error is not a terminal)")]
        #hide: bool,
    });
    let rename = file_name.map(|binding| {
        quote! {
            let upload = match #binding {
                Some(name) => upload.with_file_name(name),
                None => upload,
            };
        }
    });
    parts.steps.push(quote! {
        let upload = open_upload(&#file).await?;
        #rename
        let bar = progress_bar(upload.length(), #hide);
        let upload = upload.on_progress({
            let bar = bar.clone();
            move |sent, _total| bar.set_position(sent)
        });
        let sent = request.send_upload(upload).await;
        bar.finish_and_clear();
    });
    parts.bindings.push(file);
    parts.bindings.push(hide);
    quote!(sent)
}

/// A flag per multipart field (a path for a file); the form's statements,
/// and the call: `send()` when the body is optional and no field was given.
fn send_multipart(parts: &mut Parts, body_required: bool, fields: &[crate::model::MultipartField], uses: &mut Uses) -> TokenStream {
    uses.upload |= fields.iter().any(|field| field.file);
    parts.steps.push(quote!(let form = crate::Multipart::new();));
    for field in fields {
        let flag = parts.taken.flag(&field.name.to_kebab_case());
        let ident = parts.taken.ident(&format!("part_{}", crate::names::field_name(&field.name).trim_end_matches('_')));
        let name = &field.name;
        let (ty, value_name, help) = if field.file {
            (quote!(std::path::PathBuf), "PATH", format!("The `{name}` part of the multipart body: a file"))
        } else {
            (quote!(String), "TEXT", format!("The `{name}` part of the multipart body"))
        };
        let add = if field.file { quote!(form.file(#name, open_upload(&value).await?)) } else { quote!(form.text(#name, value)) };
        if field.required && body_required {
            parts.fields.push(quote!(#[arg(long = #flag, value_name = #value_name, required = true, help = #help)] #ident: #ty,));
            parts.steps.push(quote! {
                let value = #ident;
                let form = #add;
            });
        } else {
            parts.fields.push(quote!(#[arg(long = #flag, value_name = #value_name, help = #help)] #ident: Option<#ty>,));
            parts.steps.push(quote! {
                let form = match #ident {
                    Some(value) => #add,
                    None => form,
                };
            });
        }
        parts.bindings.push(ident);
    }
    if body_required {
        quote!(request.send_multipart(form).await)
    } else {
        quote! {
            if form.field_names().next().is_none() {
                request.send().await
            } else {
                request.send_multipart(form).await
            }
        }
    }
}

/// Prints the result of `send`: JSON, nothing, bytes, or by outcome.
fn output(operation: &OperationFacts, builder: &Builder, send: &TokenStream, uses: &mut Uses) -> TokenStream {
    if operation.outcomes.is_empty() {
        return match success_kind(&builder.success) {
            Success::Json => {
                uses.json = true;
                quote! {
                    let response = #send?;
                    print_json(&response.into_inner())
                }
            }
            Success::Empty => quote! {
                #send?;
                Ok(())
            },
            Success::Stream => {
                uses.bytes = true;
                quote! {
                    let response = #send?;
                    print_bytes(response.into_inner()).await
                }
            }
        };
    }
    let name = outcome_name(builder);
    let arms: Vec<TokenStream> = operation
        .outcomes
        .iter()
        .map(|outcome| {
            let variant = outcome_variant(&outcome.status);
            match outcome.kind {
                OutcomeKind::Json(_) => {
                    uses.json = true;
                    quote!(crate::outcomes::#name::#variant(value) => print_json(&value),)
                }
                OutcomeKind::Stream => {
                    uses.bytes = true;
                    quote!(crate::outcomes::#name::#variant(stream) => print_bytes(stream).await,)
                }
                OutcomeKind::Empty => quote!(crate::outcomes::#name::#variant => Ok(()),),
            }
        })
        .collect();
    quote! {
        match #send?.into_inner() {
            #(#arms)*
        }
    }
}

/// `(name, security alternatives, variables to set)` for `Command::needs`.
fn needs(api: &Api, operation: &OperationFacts, command: &str) -> TokenStream {
    let alternatives = operation.security.iter().map(|alternative| quote!(&[#(#alternative),*]));
    let hint = credentials_hint(api, operation);
    quote!((#command, &[#(#alternatives),*], #hint))
}

/// The variables that satisfy `operation`'s security alternatives:
/// `A`, `A and B`, `A, or B` (empty when it needs none).
fn credentials_hint(api: &Api, operation: &OperationFacts) -> String {
    let alternatives: Vec<String> = operation
        .security
        .iter()
        .map(|alternative| {
            alternative
                .iter()
                .filter_map(|name| api.schemes.iter().find(|s| &s.name == name))
                .map(|scheme| variables_text(api, scheme))
                .filter(|text| !text.is_empty())
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .filter(|text| !text.is_empty())
        .collect();
    alternatives.join(", or ")
}

/// `fn credentials()`: every scheme whose variables are set, and their names.
fn credentials_fn(api: &Api) -> TokenStream {
    let signature = quote!(fn credentials() -> Result<(Credentials, Vec<&'static str>), Failure>);
    let docs = quote! {
        /// The credentials the environment holds (the variables of each
        /// scheme, all set and not empty), and the schemes they satisfy.
    };
    if api.schemes.is_empty() {
        return quote! {
            #docs
            #signature {
                Ok((Credentials::none(), Vec::new()))
            }
        };
    }
    // `from_env` first: the set it returns is marked as read from the
    // environment (so that a 401 names the variables), and `and` keeps
    // the mark of its left side.
    let mut schemes: Vec<&Scheme> = api.schemes.iter().collect();
    schemes.sort_by_key(|scheme| !ways(api, scheme).iter().any(|way| way.from_env));
    let mut reads = Vec::new();
    let mut uses_variables = false;
    for scheme in schemes {
        let name = &scheme.name;
        let ways = ways(api, scheme);
        if ways.is_empty() {
            let constructor = format_ident!("{}", scheme.constructor);
            reads.push(quote! {
                credentials = credentials.and(Credentials::#constructor());
                held.push(#name);
            });
            continue;
        }
        uses_variables = true;
        let branches = ways.iter().map(|way| {
            let variables = &way.variables;
            if way.from_env {
                quote! {
                    if variables([#(#variables),*]).is_some() {
                        credentials = Credentials::from_env().map_err(Failure::usage)?;
                        held.push(#name);
                    }
                }
            } else {
                let values: Vec<syn::Ident> = (0..variables.len()).map(|i| format_ident!("value_{i}")).collect();
                let constructor = format_ident!("{}", way.constructor);
                quote! {
                    if let Some([#(#values),*]) = variables([#(#variables),*]) {
                        credentials = credentials.and(Credentials::#constructor(#(#values),*));
                        held.push(#name);
                    }
                }
            }
        });
        // A scheme with several ways takes the first that is set.
        let chained = branches.reduce(|first, next| quote!(#first else #next));
        reads.push(quote!(#chained));
    }
    let variables = uses_variables.then(|| {
        quote! {
            /// The values of `names`, when every one is set and not empty.
            fn variables<const N: usize>(names: [&str; N]) -> Option<[String; N]> {
                let values = names.map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()));
                if values.iter().any(Option::is_none) {
                    return None;
                }
                Some(values.map(Option::unwrap_or_default))
            }
        }
    });
    quote! {
        #docs
        #signature {
            let mut credentials = Credentials::none();
            let mut held = Vec::new();
            #(#reads)*
            Ok((credentials, held))
        }

        #variables
    }
}

/// The shared helpers the subcommands call: the value parsers (which must
/// come before their first use), and the rest.
fn helpers(uses: &Uses) -> (TokenStream, TokenStream) {
    let parse = uses.parse.then(|| {
        quote! {
            /// A clap value parser for a flag of type `$type`: `FromStr` where
            /// the type has it (text, numbers, booleans, UUIDs, dates, enums),
            /// otherwise the value as a JSON string or as JSON; any JSON value
            /// for `serde_json::Value`, as a string when it is not JSON.
            macro_rules! parse {
                ($type:ty) => {
                    |text: &str| (&&&value::Parse::<$type>::new()).parse(text)
                };
            }

            // Which of these a flag uses depends on its type.
            #[allow(unused_imports)]
            use value::{ViaFromStr as _, ViaJson as _, ViaValue as _};

            /// The parsers behind `parse!`, chosen by autoref specialisation:
            /// the most specific that applies to the type wins. Which of them
            /// a crate uses depends on its parameters' types.
            #[allow(dead_code)]
            mod value {
                use std::marker::PhantomData;

                pub(super) struct Parse<T>(PhantomData<T>);

                impl<T> Parse<T> {
                    pub(super) fn new() -> Self {
                        Self(PhantomData)
                    }
                }

                pub(super) trait ViaValue {
                    fn parse(&self, text: &str) -> Result<serde_json::Value, String>;
                }

                impl ViaValue for &&Parse<serde_json::Value> {
                    fn parse(&self, text: &str) -> Result<serde_json::Value, String> {
                        Ok(serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned())))
                    }
                }

                pub(super) trait ViaFromStr {
                    type Value;
                    fn parse(&self, text: &str) -> Result<Self::Value, String>;
                }

                impl<T: std::str::FromStr> ViaFromStr for &Parse<T>
                where
                    T::Err: std::fmt::Display,
                {
                    type Value = T;
                    fn parse(&self, text: &str) -> Result<T, String> {
                        text.parse().map_err(|error: T::Err| error.to_string())
                    }
                }

                pub(super) trait ViaJson {
                    type Value;
                    fn parse(&self, text: &str) -> Result<Self::Value, String>;
                }

                impl<T: serde::de::DeserializeOwned> ViaJson for Parse<T> {
                    type Value = T;
                    fn parse(&self, text: &str) -> Result<T, String> {
                        serde_json::from_value(serde_json::Value::String(text.to_owned()))
                            .or_else(|_| serde_json::from_str(text))
                            .map_err(|error| format!("not a valid value (JSON for objects and arrays): {error}"))
                    }
                }
            }
        }
    });
    let json = uses.json.then(|| {
        quote! {
            /// Prints `value` as JSON: indented on a terminal, on one line otherwise.
            fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
                let mut out = std::io::stdout().lock();
                let text = if out.is_terminal() { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) };
                let text = text.map_err(|error| Failure::other(format!("cannot print the response as JSON: {error}")))?;
                writeln!(out, "{text}").map_err(Failure::output)
            }
        }
    });
    let items = uses.items.then(|| {
        quote! {
            /// Prints every item of `items` as one line of JSON (NDJSON), as
            /// the pages arrive; a page that fails ends the output with its error.
            async fn print_items<T: serde::Serialize>(items: impl Stream<Item = Result<T, PageError>>) -> Result<(), Failure> {
                let mut items = std::pin::pin!(items);
                let mut out = std::io::stdout().lock();
                while let Some(item) = std::future::poll_fn(|cx| items.as_mut().poll_next(cx)).await {
                    let item = item.map_err(Error::from)?;
                    let line = serde_json::to_string(&item).map_err(|error| Failure::other(format!("cannot print an item as JSON: {error}")))?;
                    writeln!(out, "{line}").map_err(Failure::output)?;
                }
                Ok(())
            }
        }
    });
    let bytes = uses.bytes.then(|| {
        quote! {
            /// Copies a binary response to standard output as it arrives.
            async fn print_bytes(mut stream: ByteStream) -> Result<(), Failure> {
                let mut out = std::io::stdout().lock();
                while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
                    let chunk = chunk.map_err(|error| Failure { status: TRANSPORT, message: Some(format!("reading the response failed: {error}")) })?;
                    out.write_all(&chunk).map_err(Failure::output)?;
                }
                out.flush().map_err(Failure::output)
            }
        }
    });
    let upload = uses.upload.then(|| {
        quote! {
            /// Opens `path` for streaming.
            async fn open_upload(path: &std::path::Path) -> Result<Upload, Failure> {
                Upload::from_path(path).await.map_err(Failure::usage)
            }
        }
    });
    let progress = uses.progress.then(|| {
        quote! {
            /// A progress bar of `length` bytes on standard error: hidden when
            /// standard error is not a terminal, or with `--no-progress`.
            fn progress_bar(length: u64, hidden: bool) -> indicatif::ProgressBar {
                if hidden || !std::io::stderr().is_terminal() {
                    return indicatif::ProgressBar::hidden();
                }
                let bar = indicatif::ProgressBar::new(length);
                if let Ok(style) = indicatif::ProgressStyle::with_template("{wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}") {
                    bar.set_style(style);
                }
                bar
            }
        }
    });
    let raw = (uses.raw_body || uses.text_body || uses.json_body).then(|| {
        quote! {
            /// The bytes of a `--body` argument: the argument itself, a file's
            /// contents with `@FILE`, or standard input with `-`.
            fn body_bytes(argument: &str) -> Result<Vec<u8>, Failure> {
                if argument == "-" {
                    let mut bytes = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                        .map_err(|error| Failure::usage(format!("cannot read the body from standard input: {error}")))?;
                    return Ok(bytes);
                }
                match argument.strip_prefix('@') {
                    Some(path) => std::fs::read(path).map_err(|error| Failure::usage(format!("cannot read the body from `{path}`: {error}"))),
                    None => Ok(argument.as_bytes().to_vec()),
                }
            }
        }
    });
    let text = uses.text_body.then(|| {
        quote! {
            /// A text `--body` (see `body_bytes`), which must be UTF-8.
            fn text_body(argument: &str) -> Result<String, Failure> {
                String::from_utf8(body_bytes(argument)?).map_err(|_| Failure::usage("the body is not UTF-8 text"))
            }
        }
    });
    let json_body = uses.json_body.then(|| {
        quote! {
            /// A JSON `--body` (see `body_bytes`) as the operation's body type, named `label`.
            fn json_body<T: serde::de::DeserializeOwned>(argument: &str, label: &str) -> Result<T, Failure> {
                serde_json::from_slice(&body_bytes(argument)?).map_err(|error| Failure::usage(format!("the body is not a valid `{label}`: {error}")))
            }
        }
    });
    let rest = quote! {
        #json
        #items
        #bytes
        #upload
        #progress
        #raw
        #text
        #json_body
    };
    (quote!(#parse), rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_flags_get_a_suffix_and_keep_the_first_one_its_name() {
        let mut taken = Taken::default();
        let flags: Vec<String> = ["body", "body", "body", "type", ""].iter().map(|wanted| taken.flag(wanted)).collect();
        assert_eq!(flags, ["body", "body-param", "body-2", "type", "value"]);
        assert_eq!([taken.ident("cli_all"), taken.ident("cli_all")].map(|i| i.to_string()), ["cli_all", "cli_all_2"]);
    }

    #[test]
    fn example_literals_become_shell_words() {
        for (rust, shell) in [
            ("\"my-workspace\"", Some("my-workspace")),
            ("uuid::Uuid::parse_str(\"497f6eca-6276-4993-bfeb-53cbbbba6f08\")?", Some("497f6eca-6276-4993-bfeb-53cbbbba6f08")),
            ("5u64", Some("5")),
            ("1.5f64", Some("1.5")),
            ("true", Some("true")),
            ("\"two words\"", Some("'two words'")),
            ("\"it's\"", Some("'it'\\''s'")),
            ("types::Thing::default()", None),
        ] {
            assert_eq!(shell_value(rust).as_deref(), shell, "{rust}");
        }
    }

    #[test]
    fn value_names_follow_the_rust_type() {
        for (ty, name) in [
            ("::uuid::Uuid", Some("UUID")),
            ("::std::num::NonZeroU64", Some("INTEGER")),
            ("i64", Some("INTEGER")),
            ("::chrono::DateTime<::chrono::offset::Utc>", Some("DATE-TIME")),
            ("::serde_json::Value", Some("JSON")),
            ("types::SortBy", None),
        ] {
            let ty: syn::Type = syn::parse_str(ty).unwrap();
            assert_eq!(value_name(&ty), name);
        }
    }
}
