//! Compile time of each generated crate on its own: dependencies built
//! once, then each crate cleaned and rebuilt (debug, as `cargo test` does).

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Result};

/// Prints the compile-time table.
pub fn report() -> Result<()> {
    let root = xtask::repo_root();
    let specs = xtask::read_specs(&root)?;
    let crates: Vec<String> = specs.iter().map(|spec| format!("{}-client", spec.slug)).collect();
    let cargo = |args: &[&str]| -> Result<f64> {
        let started = Instant::now();
        let status = Command::new(env!("CARGO")).args(args).current_dir(&root).status()?;
        if !status.success() {
            bail!("cargo {} failed", args.join(" "));
        }
        Ok(started.elapsed().as_secs_f64())
    };
    let mut warm = vec!["build", "--quiet"];
    for name in &crates {
        warm.extend(["-p", name.as_str()]);
    }
    cargo(&warm)?;
    println!("\n### Compile time of each generated crate (debug, dependencies already built)\n");
    println!("| crate | lines of Rust | clean build | rebuild after touching `lib.rs` |\n|---|---|---|---|");
    for (spec, name) in specs.iter().zip(&crates) {
        cargo(&["clean", "--quiet", "-p", name])?;
        let clean = cargo(&["build", "--quiet", "-p", name])?;
        let lib = root.join("generated").join(&spec.slug).join("src/lib.rs");
        let text = std::fs::read(&lib)?;
        std::fs::write(&lib, &text)?;
        let rebuild = cargo(&["build", "--quiet", "-p", name])?;
        println!("| `{name}` | {} | {clean:.1} s | {rebuild:.1} s |", lines_of_rust(&root.join("generated").join(&spec.slug))?);
    }
    Ok(())
}

fn lines_of_rust(dir: &std::path::Path) -> Result<usize> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir.join("src"))? {
        total += std::fs::read_to_string(entry?.path())?.lines().count();
    }
    Ok(total)
}
