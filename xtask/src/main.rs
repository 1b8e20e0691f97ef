//! `cargo xtask generate`, `cargo xtask generate --spec PATH --out DIR [--name NAME]`
//! and `cargo xtask check`.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <generate|check>\n       cargo xtask generate --spec PATH --out DIR [--name CRATE]\n\n  generate  regenerate generated/ (and the test corpus) from their specs\n  --spec    generate one crate from any spec into DIR, buildable on its own\n  check     fail with a diff when generated code is stale";

fn main() -> ExitCode {
    let root = xtask::repo_root();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate"] => xtask::generate(&root),
        ["generate", "--spec", spec, "--out", out] => xtask::generate_one(Path::new(spec), Path::new(out), None),
        ["generate", "--spec", spec, "--out", out, "--name", name] => xtask::generate_one(Path::new(spec), Path::new(out), Some(name)),
        ["check"] => xtask::check(&root),
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
