//! `cargo xtask package-check`: the generated crates are real, publishable
//! packages. It packages the runtime with verification, then generates
//! crates outside the repository as a user would and builds them there:
//!
//! - with `--runtime vendored`, in an empty folder: `cargo test --features
//!   mock` (doc examples included, the mock module's too), the command line
//!   built (`--features cli`), and `cargo package` with verification (the
//!   default features);
//! - with the default runtime dependency (`sdk-runtime` by version), in an
//!   empty folder with a `[patch.crates-io]` pointing at `runtime/`, as a
//!   user would before the runtime is on crates.io: `cargo test --features
//!   mock`, and `cargo check` without it.
//!
//! Every build shares the repository's target directory and lock file, so
//! dependencies already built for the tests are reused, not rebuilt.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Runs every check; returns one line per step.
pub fn run(root: &Path) -> Result<String> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let mut report = Vec::new();
    cargo(root, &target, &["package", "-p", "sdk-runtime", "--allow-dirty"])?;
    report.push("sdk-runtime: cargo package (verified)".to_owned());

    let scratch = tempfile::tempdir().context("cannot make a scratch folder")?;
    let vendored = scratch.path().join("indream-vendored");
    let options = generator::Options { runtime: generator::Runtime::Vendored, ..generator::Options::default() };
    crate::generate_one(&root.join("specs/indream.yaml"), &vendored, options)?;
    assert_portable(root, &vendored)?;
    fs::copy(root.join("Cargo.lock"), vendored.join("Cargo.lock"))?;
    cargo(&vendored, &target, &["test", "--features", "mock"])?;
    cargo(&vendored, &target, &["build", "--features", "cli"])?;
    cargo(&vendored, &target, &["package", "--allow-dirty"])?;
    report.push("indream (--runtime vendored, empty folder): cargo test --features mock, cargo build --features cli, cargo package (verified)".to_owned());

    let registry = scratch.path().join("mediapocket-registry");
    crate::generate_one(&root.join("specs/mediapocket.yaml"), &registry, generator::Options::default())?;
    assert_portable(root, &registry)?;
    let manifest = fs::read_to_string(registry.join("Cargo.toml"))?;
    if !manifest.contains("\nsdk-runtime = { version = ") {
        bail!("{}: the runtime is not a dependency by version:\n{manifest}", registry.display());
    }
    let patch = format!("\n[patch.crates-io]\nsdk-runtime = {{ path = {:?} }}\n", root.join("runtime").display().to_string());
    fs::write(registry.join("Cargo.toml"), manifest + &patch)?;
    fs::copy(root.join("Cargo.lock"), registry.join("Cargo.lock"))?;
    cargo(&registry, &target, &["test", "--features", "mock"])?;
    cargo(&registry, &target, &["check"])?;
    report.push("mediapocket (sdk-runtime by version, [patch] to runtime/): cargo test --features mock, cargo check".to_owned());
    Ok(report.join("\n"))
}

/// Fails when a generated file names a path of this machine.
fn assert_portable(root: &Path, folder: &Path) -> Result<()> {
    for path in files(folder)? {
        let text = fs::read_to_string(&path).unwrap_or_default();
        for machine in [root.display().to_string(), folder.display().to_string()] {
            if text.contains(&machine) {
                bail!("{} names {machine}: a generated crate must not carry paths of the machine that made it", path.display());
            }
        }
    }
    Ok(())
}

/// Every file under `folder`, recursively.
pub fn files(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir)
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed in {}", args.join(" "), dir.display());
    }
    Ok(())
}
