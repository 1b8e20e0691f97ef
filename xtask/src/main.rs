//! `cargo xtask generate` and `cargo xtask check`.

use std::process::ExitCode;

use anyhow::{bail, Result};

const USAGE: &str = "usage: cargo xtask <generate|check>\n\n  generate  regenerate generated/ from specs/*.yaml\n  check     fail with a diff when generated/ is stale";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let root = xtask::repo_root();
    let out = root.join("generated");
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate"] => {
            let plan = xtask::plan(&xtask::read_specs(&root)?)?;
            let changes = xtask::write(&plan, &out)?;
            println!("generated {} crate(s) into generated/ ({changes} file(s) changed)", plan.crates.len());
            Ok(())
        }
        ["check"] => {
            let plan = xtask::plan(&xtask::read_specs(&root)?)?;
            let stale = xtask::stale_files(&plan, &out)?;
            if stale.is_empty() {
                println!("generated/ is up to date ({} crate(s))", plan.crates.len());
                return Ok(());
            }
            for report in &stale {
                print!("{report}");
            }
            bail!("generated/ is stale in {} file(s): run `cargo xtask generate`", stale.len())
        }
        _ => bail!("{USAGE}"),
    }
}
