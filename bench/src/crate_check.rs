//! `cargo check` and `cargo build` time of our generated crate against bare
//! progenitor's crate for the same spec: both written into one scratch
//! workspace sharing the repository's target directory, dependencies built
//! once, then each crate's own compilation timed after touching its root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::generation::{median, BenchSpec};

/// Median seconds of the crate's own `cargo check` and `cargo build`.
pub struct CompileTimes {
    pub check: f64,
    pub build: f64,
}

/// Our crate's and bare progenitor's compile times for each spec.
pub struct Comparison {
    pub ours: CompileTimes,
    pub bare: CompileTimes,
}

/// Writes both crates of every spec into `scratch` and times them.
pub fn compare(specs: &[&BenchSpec], scratch: &Path, rounds: usize) -> Result<Vec<Comparison>> {
    let mut members = Vec::new();
    for spec in specs {
        let ours = format!("ours-{}", spec.source.slug);
        write_files(&scratch.join(&ours), &spec.ours()?.files)?;
        let bare = format!("bare-{}", spec.source.slug);
        write_bare_crate(&scratch.join(&bare), &bare, &spec.bare_progenitor()?)?;
        members.push((ours, bare));
    }
    let root = xtask::repo_root();
    let names: Vec<String> = members.iter().flat_map(|(ours, bare)| [format!("{ours:?}"), format!("{bare:?}")]).collect();
    write_if_changed(
        &scratch.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[patch.crates-io]\nsdk-runtime = {{ path = {:?} }}\n",
            names.join(", "),
            root.join("runtime").display().to_string()
        ),
    )?;
    write_if_changed(&scratch.join("Cargo.lock"), &std::fs::read_to_string(root.join("Cargo.lock"))?)?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let cargo = |args: &[&str]| -> Result<f64> {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(scratch)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("cargo {} failed in {}", args.join(" "), scratch.display());
        }
        Ok(started.elapsed().as_secs_f64())
    };
    cargo(&["check", "--workspace"])?;
    cargo(&["build", "--workspace"])?;
    // The crate in `folder`, recompiled on its own.
    let time = |folder: &str, package: &str, command: &str| -> Result<f64> {
        let lib = scratch.join(folder).join("src/lib.rs");
        let text = std::fs::read(&lib)?;
        std::fs::write(&lib, text)?;
        cargo(&[command, "-p", package])
    };
    let mut results = Vec::new();
    for (ours, bare) in &members {
        let ours_package = package_name(&scratch.join(ours))?;
        // Interleaved round by round, so that a slow spell of the shared
        // machine hits both crates alike.
        let mut seconds: [Vec<f64>; 4] = Default::default();
        for _ in 0..rounds {
            seconds[0].push(time(ours, &ours_package, "check")?);
            seconds[1].push(time(bare, bare, "check")?);
            seconds[2].push(time(ours, &ours_package, "build")?);
            seconds[3].push(time(bare, bare, "build")?);
        }
        let [ours_check, bare_check, ours_build, bare_build] = seconds.map(|mut times| median(&mut times));
        results.push(Comparison {
            ours: CompileTimes { check: ours_check, build: ours_build },
            bare: CompileTimes { check: bare_check, build: bare_build },
        });
    }
    Ok(results)
}

/// Writes `files` under `folder`, leaving a file that already holds the
/// same text untouched (so cargo reuses a previous run's build of it).
fn write_files(folder: &Path, files: &std::collections::BTreeMap<String, String>) -> Result<()> {
    for (relative, contents) in files {
        write_if_changed(&folder.join(relative), contents)?;
    }
    Ok(())
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents)?;
    Ok(())
}

/// A crate holding bare progenitor's output, with the dependencies its
/// README asks for.
fn write_bare_crate(folder: &Path, name: &str, code: &str) -> Result<()> {
    write_if_changed(
        &folder.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
             bytes = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
             futures-core = \"0.3\"\nprogenitor-client = \"=0.15.1\"\nregress = \"0.12\"\n\
             reqwest = {{ version = \"0.13\", default-features = false, features = [\"rustls\", \"http2\", \"json\", \"query\", \"stream\"] }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\nserde_urlencoded = \"0.7\"\n\
             uuid = {{ version = \"1\", features = [\"serde\"] }}\n"
        ),
    )?;
    write_if_changed(&folder.join("src/lib.rs"), code)
}

/// The package name in `folder/Cargo.toml`.
fn package_name(folder: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(folder.join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = ").map(|name| name.trim_matches('"').to_owned()))
        .with_context(|| format!("no package name in {}", folder.display()))
}
