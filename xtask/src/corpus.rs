//! `cargo xtask corpus DIR`: generates a crate from every spec in a folder,
//! checks them all with one `cargo check` (one target directory, each
//! dependency built once), and prints one table line per spec: result,
//! generation time, operations generated and skipped, first error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use generator::SpecSource;

/// How one spec fared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Generated, and the crate checks without errors or warnings.
    Compiled,
    /// Generated, and the crate checks, with warnings.
    Warnings(String),
    /// Generated, but the crate does not compile.
    DoesNotCompile(String),
    /// Generation refused the spec.
    Refused(String),
    /// Generation panicked: always a bug of ours.
    Panic(String),
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Compiled => "compiled",
            Outcome::Warnings(_) => "warnings",
            Outcome::DoesNotCompile(_) => "does-not-compile",
            Outcome::Refused(_) => "refused",
            Outcome::Panic(_) => "panic",
        }
    }

    fn detail(&self) -> &str {
        match self {
            Outcome::Compiled => "",
            Outcome::Warnings(text) | Outcome::DoesNotCompile(text) | Outcome::Refused(text) | Outcome::Panic(text) => text,
        }
    }
}

/// One line of the table.
#[derive(Clone, Debug)]
pub struct Row {
    /// The spec's file name.
    pub spec: String,
    /// What happened.
    pub outcome: Outcome,
    /// Generation time, in seconds.
    pub seconds: f64,
    /// Operations generated.
    pub operations: usize,
    /// Operations skipped, each with the reason.
    pub skipped: Vec<String>,
    /// Other warnings: what was renamed or loosened.
    pub notes: usize,
}

/// The table and whether every spec compiled.
pub struct Report {
    /// One row per spec, in file-name order.
    pub rows: Vec<Row>,
    /// Seconds the shared `cargo check` took.
    pub check_seconds: f64,
}

impl Report {
    /// Whether every spec gave a crate that compiles without warnings.
    pub fn all_compiled(&self) -> bool {
        self.rows.iter().all(|row| row.outcome == Outcome::Compiled)
    }

    /// The report as a markdown table with a summary line.
    pub fn table(&self) -> String {
        let mut out = String::from("| spec | result | generation | operations | skipped | notes | first error |\n|---|---|---|---|---|---|---|\n");
        for row in &self.rows {
            let detail = one_line(row.outcome.detail(), 160).replace('|', "\\|");
            let _ = writeln!(
                out,
                "| `{}` | {} | {:.2} s | {} | {} | {} | {detail} |",
                row.spec,
                row.outcome.label(),
                row.seconds,
                row.operations,
                row.skipped.len(),
                row.notes
            );
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &self.rows {
            *counts.entry(row.outcome.label()).or_default() += 1;
        }
        let summary = counts.iter().map(|(label, count)| format!("{count} {label}")).collect::<Vec<_>>().join(", ");
        let operations: usize = self.rows.iter().map(|row| row.operations).sum();
        let skipped: Vec<String> = self.rows.iter().flat_map(|row| row.skipped.iter().map(move |why| format!("`{}`: {why}", row.spec))).collect();
        let _ = writeln!(
            out,
            "\n{} specs: {summary}; {operations} operations generated, {} skipped; one `cargo check` of all crates took {:.0} s.",
            self.rows.len(),
            skipped.len(),
            self.check_seconds
        );
        if !skipped.is_empty() {
            let _ = writeln!(out, "\nSkipped operations:\n");
            for line in skipped {
                let _ = writeln!(out, "- {}", one_line(&line, 300));
            }
        }
        out
    }
}

/// Generates every `*.json`, `*.yaml` and `*.yml` spec in `dir` into
/// `work/<slug>/`, checks them together, and reports.
pub fn run(dir: &Path, work: &Path) -> Result<Report> {
    let specs = spec_files(dir)?;
    if work.exists() {
        fs::remove_dir_all(work).with_context(|| format!("cannot clear {}", work.display()))?;
    }
    fs::create_dir_all(work)?;
    let runtime = crate::repo_root().join("runtime");
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for path in &specs {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let slug = slug(&file);
        let text = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let spec = SpecSource { label: file.clone(), slug: slug.clone(), text };
        let options = generator::Options { crate_name: Some(format!("corpus-{slug}")), ..generator::Options::default() };
        let started = Instant::now();
        let generated = panic::catch_unwind(AssertUnwindSafe(|| generator::generate_with(&spec, &options)));
        let seconds = started.elapsed().as_secs_f64();
        let row = |outcome, operations, skipped, notes| Row { spec: file.clone(), outcome, seconds, operations, skipped, notes };
        match generated {
            Err(payload) => rows.push(row(Outcome::Panic(panic_message(payload.as_ref())), 0, Vec::new(), 0)),
            Ok(Err(error)) => rows.push(row(Outcome::Refused(error.to_string()), 0, Vec::new(), 0)),
            Ok(Ok(generated)) => {
                let folder = work.join(&slug);
                for (relative, contents) in &generated.files {
                    let target = folder.join(relative);
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    fs::write(&target, contents)?;
                }
                members.push((slug.clone(), generated.name.clone(), rows.len()));
                let (skipped, notes): (Vec<_>, Vec<_>) = generated.warnings.iter().partition(|w| w.message.starts_with("skipped:"));
                let skipped = skipped.iter().map(|w| w.to_string()).collect();
                rows.push(row(Outcome::Compiled, generated.operations, skipped, notes.len()));
            }
        }
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[patch.crates-io]\nsdk-runtime = {{ path = {} }}\n",
        members.iter().map(|(slug, _, _)| format!("\"{slug}\"")).collect::<Vec<_>>().join(", "),
        toml_string(&runtime.display().to_string()),
    );
    fs::write(work.join("Cargo.toml"), manifest)?;
    // The repository's lock file pins the versions the tests already built,
    // so the check reuses them instead of resolving (and building) anew.
    let lock = crate::repo_root().join("Cargo.lock");
    if lock.is_file() {
        fs::copy(&lock, work.join("Cargo.lock"))?;
    }
    let started = Instant::now();
    let diagnostics = if members.is_empty() { BTreeMap::new() } else { check(work)? };
    let check_seconds = started.elapsed().as_secs_f64();
    for (_, name, index) in &members {
        match diagnostics.get(name.as_str()) {
            Some(Diagnostics { first_error: Some(error), .. }) => rows[*index].outcome = Outcome::DoesNotCompile(error.clone()),
            Some(Diagnostics { first_warning: Some(warning), .. }) => rows[*index].outcome = Outcome::Warnings(warning.clone()),
            _ => {}
        }
    }
    Ok(Report { rows, check_seconds })
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The first error and warning `cargo check` reported for each package.
#[derive(Default)]
struct Diagnostics {
    first_error: Option<String>,
    first_warning: Option<String>,
}

/// Runs `cargo check --workspace --all-features` in `work` with the
/// repository's target directory, so dependencies the tests built are
/// reused. Every feature, so that each crate's `mock` module is checked
/// too; without it the module is compiled out and the rest is the same code.
fn check(work: &Path) -> Result<BTreeMap<String, Diagnostics>> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::repo_root().join("target"));
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--workspace", "--all-features", "--keep-going", "--message-format=json"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(work)
        .output()
        .context("cannot run cargo check")?;
    let mut diagnostics: BTreeMap<String, Diagnostics> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let Some(package) = package_name(message["package_id"].as_str().unwrap_or_default()) else { continue };
        let rendered = message["message"]["rendered"].as_str().or(message["message"]["message"].as_str()).unwrap_or_default();
        let entry = diagnostics.entry(package).or_default();
        match message["message"]["level"].as_str() {
            Some("error") if entry.first_error.is_none() => entry.first_error = Some(rendered.to_owned()),
            Some("warning") if entry.first_warning.is_none() => entry.first_warning = Some(rendered.to_owned()),
            _ => {}
        }
    }
    Ok(diagnostics)
}

/// The package name in a cargo package id (`path+file:///…/x#corpus-x@0.1.0`).
fn package_name(id: &str) -> Option<String> {
    let (_, rest) = id.rsplit_once('#')?;
    let name = rest.split('@').next()?;
    // A path id whose name equals the folder reads `…/corpus-x#0.1.0`.
    if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let (path, _) = id.rsplit_once('#')?;
        return path.rsplit('/').next().map(str::to_owned);
    }
    Some(name.to_owned())
}

fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.retain(|path| path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml" | "yml")));
    paths.sort();
    Ok(paths)
}

/// A folder and crate name from a file name: `3.0-petstore.json` → `3-0-petstore`.
fn slug(file: &str) -> String {
    crate::kebab(file.rsplit_once('.').map_or(file, |(stem, _)| stem))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".to_owned())
}

fn one_line(text: &str, limit: usize) -> String {
    let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or_default().trim();
    match first.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_come_from_cargo_package_ids() {
        assert_eq!(package_name("path+file:///w/3-0-petstore#corpus-3-0-petstore@0.1.0").as_deref(), Some("corpus-3-0-petstore"));
        assert_eq!(package_name("path+file:///w/corpus-x#0.1.0").as_deref(), Some("corpus-x"));
        assert_eq!(slug("3.0-petstore.json"), "3-0-petstore");
        assert_eq!(slug("apideck-crm.yaml"), "apideck-crm");
    }
}
