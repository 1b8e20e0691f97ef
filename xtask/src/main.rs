//! The project's commands: `cargo xtask generate` (every crate, or one from
//! any spec with `--spec`/`--out`), `check`, `corpus`, `convert`,
//! `package-check`, `fuzz`, and `bench` (the benchmarks of BENCHMARKS.md,
//! built in release).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Generation allocates many small token trees: with glibc's allocator a
/// third of its time was `malloc` and `free` (`perf`, apideck-accounting).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generate typed Rust clients from OpenAPI descriptions")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ (and the test corpus) from their specs; with
    /// --spec and --out, generate one crate from any spec, buildable on its own.
    Generate(GenerateArgs),
    /// Fail with a diff when generated code is stale.
    Check,
    /// Generate and check a crate per spec in DIR and print a table; fails
    /// unless all compile without warnings.
    Corpus {
        dir: PathBuf,
        /// Print the table and succeed whatever it says.
        #[arg(long)]
        report_only: bool,
    },
    /// Print a Swagger 2.0 document converted to OpenAPI 3.0 (JSON), warnings on stderr.
    Convert { file: PathBuf },
    /// Mutation-fuzz the generator with the corpus specs as seeds (a release
    /// build of the `fuzz` crate; `cargo xtask fuzz --help` lists its flags,
    /// such as --execs N, --seconds S, --seed K, --compile N).
    Fuzz {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Package the runtime, and build, test and package generated crates in
    /// empty folders outside the repository (vendored runtime, and runtime
    /// by version through a [patch]).
    PackageCheck,
    /// Run a benchmark of BENCHMARKS.md in a release build: `generate`
    /// (generation against bare progenitor and openapi-generator, and the
    /// generated crates' compile time), `generation`, `overhead`,
    /// `pagination`, `upload`, `compile` or `all`.
    Bench {
        /// The benchmark, and its arguments (such as `--rounds 9`).
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// An OpenAPI 3.0, 3.1 or 3.2 or Swagger 2.0 document (YAML or JSON).
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// The folder of the crate; nothing is written into it unless generation succeeds.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
    /// The package name (default: `<title>-client`).
    #[arg(long)]
    name: Option<String>,
    /// The version when `info.version` is not semver (default: 0.1.0).
    #[arg(long)]
    version: Option<String>,
    /// Where the crate gets the runtime: `registry` (depend on sdk-runtime by
    /// version) or `vendored` (copy its source into the crate).
    #[arg(long, value_enum, default_value = "registry")]
    runtime: RuntimeArg,
    /// The package's repository URL.
    #[arg(long)]
    repository: Option<String>,
    /// The package's documentation URL.
    #[arg(long)]
    documentation: Option<String>,
    /// Fail on the first warning instead of skipping the operation it names.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum RuntimeArg {
    Registry,
    Vendored,
}

fn main() -> ExitCode {
    let root = xtask::repo_root();
    let outcome = match Cli::parse().command {
        Command::Generate(args) => generate(&root, args),
        Command::Check => xtask::check(&root),
        Command::Corpus { dir, report_only } => corpus(&root, &dir, report_only),
        Command::Convert { file } => convert(&file),
        Command::PackageCheck => xtask::package_check::run(&root),
        Command::Bench { args } => bench(&root, &args),
        Command::Fuzz { args } => fuzz(&root, &args),
    };
    match outcome {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn generate(root: &Path, args: GenerateArgs) -> anyhow::Result<String> {
    let (Some(spec), Some(out)) = (&args.spec, &args.out) else {
        let one_off = args.name.is_some() || args.version.is_some() || args.repository.is_some() || args.documentation.is_some();
        if one_off || args.strict || matches!(args.runtime, RuntimeArg::Vendored) {
            anyhow::bail!("--name, --version, --runtime, --repository, --documentation and --strict need --spec and --out");
        }
        return xtask::generate(root);
    };
    let options = generator::Options {
        crate_name: args.name,
        name_after_title: true,
        version: args.version,
        runtime: match args.runtime {
            RuntimeArg::Registry => generator::Runtime::Registry,
            RuntimeArg::Vendored => generator::Runtime::Vendored,
        },
        standalone: true,
        strict: args.strict,
        repository: args.repository,
        documentation: args.documentation,
    };
    xtask::generate_one(spec, out, options)
}

/// Runs `cargo run --release -p bench -- <args>`: timings of a debug
/// build would measure the wrong thing.
fn bench(root: &Path, args: &[String]) -> anyhow::Result<String> {
    run_release(root, "bench", args).map_err(|status| anyhow::anyhow!("the benchmark failed ({status})"))?;
    Ok(String::new())
}

/// `cargo run --release -p <package> -- <args>` in `root`, or how it ended.
fn run_release(root: &Path, package: &str, args: &[String]) -> Result<(), String> {
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--release", "--quiet", "--package", package, "--"])
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(status.to_string()) }
}

/// Runs the corpus over `dir` in `target/corpus/<dir name>`.
fn corpus(root: &Path, dir: &Path, report_only: bool) -> anyhow::Result<String> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("specs");
    let report = xtask::corpus::run(dir, &root.join("target/corpus").join(name))?;
    let table = report.table();
    if report_only || report.all_compiled() {
        Ok(table)
    } else {
        Err(anyhow::anyhow!("{table}\nnot every spec gave a crate that compiles without warnings"))
    }
}

/// Runs the fuzzer from a release build: generation is many times slower
/// in the debug build that `cargo xtask` itself runs in.
fn fuzz(root: &Path, args: &[String]) -> anyhow::Result<String> {
    match run_release(root, "fuzz", args) {
        Ok(()) => Ok("fuzzing found nothing".to_owned()),
        Err(status) => Err(anyhow::anyhow!("fuzzing failed ({status}); failing inputs are under fuzz/crashes/")),
    }
}

/// Prints `spec` converted to OpenAPI 3.0, and its warnings on stderr.
fn convert(spec: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(spec).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", spec.display()))?;
    let source = generator::SpecSource { label: spec.display().to_string(), slug: "spec".to_owned(), text };
    let (document, warnings) = generator::load::converted(&source).map_err(|e| anyhow::anyhow!("{e}"))?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    Ok(serde_json::to_string_pretty(&document)?)
}
