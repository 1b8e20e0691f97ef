//! `cargo xtask generate`, `cargo xtask generate --spec PATH --out DIR [--name NAME]`,
//! `cargo xtask check` and `cargo xtask corpus DIR [--report-only]`.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <generate|check>\n       cargo xtask generate --spec PATH --out DIR [--name CRATE] [--strict]\n       cargo xtask corpus DIR [--report-only]\n       cargo xtask convert FILE\n\n  generate  regenerate generated/ (and the test corpus) from their specs\n  --spec    generate one crate from any spec into DIR, buildable on its own; what it skips\n            is printed as warnings and listed in the crate's README (--strict: fail instead)\n  check     fail with a diff when generated code is stale\n  convert   print a Swagger 2.0 document converted to OpenAPI 3.0 (JSON), warnings on stderr\n  corpus    generate and check a crate per spec in DIR, print a table; fails unless all compile\n            (--report-only: print the table and succeed)";

fn main() -> ExitCode {
    let root = xtask::repo_root();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate"] => xtask::generate(&root),
        ["generate", "--spec", spec, "--out", out] => xtask::generate_one(Path::new(spec), Path::new(out), None),
        ["generate", "--spec", spec, "--out", out, "--strict"] => xtask::generate_one_with(Path::new(spec), Path::new(out), None, true),
        ["generate", "--spec", spec, "--out", out, "--name", name] => xtask::generate_one(Path::new(spec), Path::new(out), Some(name)),
        ["generate", "--spec", spec, "--out", out, "--name", name, "--strict"] => {
            xtask::generate_one_with(Path::new(spec), Path::new(out), Some(name), true)
        }
        ["check"] => xtask::check(&root),
        ["convert", spec] => convert(Path::new(spec)),
        ["corpus", dir] => corpus(&root, Path::new(dir), false),
        ["corpus", dir, "--report-only"] => corpus(&root, Path::new(dir), true),
        _ => Err(anyhow::anyhow!("{USAGE}")),
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
