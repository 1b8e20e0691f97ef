//! `cargo xtask generate` and `cargo xtask check`.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <generate|check>\n\n  generate  regenerate generated/ from specs/*.yaml\n  check     fail with a diff when generated/ is stale";

fn main() -> ExitCode {
    let root = xtask::repo_root();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate"] => xtask::generate(&root),
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
