//! The only code that writes generated crates to disk.
//!
//! [`plan`] reads every `specs/*.yaml` and generates all crates in memory;
//! nothing is written unless every spec generated. [`write`] then makes
//! `generated/` match the plan exactly (changed files rewritten, stale files
//! and crates removed), and [`stale_files`] reports how the disk differs from
//! the plan, as unified diffs, for `cargo xtask check` and the freshness test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use generator::{GenerateError, SpecSource};

/// The first line of `generated/README.md`, which also keeps the workspace's
/// `generated/*` member glob matching when no crate exists yet.
const GENERATED_README: &str = "# generated/\n\nMachine-written client crates, one per `specs/<slug>.yaml`. Do not edit: \
change the spec or the generator and run `cargo xtask generate`.\n";

/// Every file `generated/` should hold, by path relative to `generated/`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// File contents by relative path (`indream/src/lib.rs`).
    pub files: BTreeMap<String, String>,
    /// Crate folders (`indream`).
    pub crates: Vec<String>,
}

/// `cargo xtask generate` for the repository at `root`: regenerates
/// `root/generated` from `root/specs`, or fails leaving it untouched.
/// Returns a one-line summary.
pub fn generate(root: &Path) -> Result<String> {
    let plan = plan(&read_specs(root)?)?;
    let changes = write(&plan, &root.join("generated"))?;
    Ok(format!("generated {} crate(s) into generated/ ({changes} file(s) changed)", plan.crates.len()))
}

/// `cargo xtask check` for the repository at `root`: fails with unified
/// diffs when `root/generated` differs from what the specs generate.
pub fn check(root: &Path) -> Result<String> {
    let plan = plan(&read_specs(root)?)?;
    let stale = stale_files(&plan, &root.join("generated"))?;
    if stale.is_empty() {
        return Ok(format!("generated/ is up to date ({} crate(s))", plan.crates.len()));
    }
    bail!("{}generated/ is stale in {} file(s): run `cargo xtask generate`", stale.concat(), stale.len())
}

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads the specs under `root/specs` in name order.
pub fn read_specs(root: &Path) -> Result<Vec<SpecSource>> {
    let dir = root.join("specs");
    let mut paths = fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.retain(|path| path.extension().is_some_and(|ext| ext == "yaml"));
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let slug = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok(SpecSource { label: format!("specs/{slug}.yaml"), slug, text })
        })
        .collect()
}

/// Generates every spec in memory. Fails with one line per spec that failed.
pub fn plan(specs: &[SpecSource]) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut errors: Vec<GenerateError> = Vec::new();
    for spec in specs {
        match generator::generate(spec) {
            Ok(generated) => {
                for (path, text) in generated.files {
                    plan.files.insert(format!("{}/{path}", spec.slug), text);
                }
                plan.crates.push(spec.slug.clone());
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        let lines = errors.iter().map(|e| format!("error: {e}")).collect::<Vec<_>>().join("\n");
        bail!("{lines}\nnothing was written: generated/ is unchanged");
    }
    plan.files.insert("README.md".to_owned(), GENERATED_README.to_owned());
    Ok(plan)
}

/// Makes `out` (the `generated/` folder) hold exactly the planned files.
/// Returns how many files were written or removed.
pub fn write(plan: &Plan, out: &Path) -> Result<usize> {
    let mut changes = 0;
    for (relative, text) in &plan.files {
        let path = out.join(relative);
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let temporary = path.with_extension("tmp~");
        fs::write(&temporary, text).with_context(|| format!("cannot write {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("cannot replace {}", path.display()))?;
        changes += 1;
    }
    for relative in files_on_disk(out)? {
        if !plan.files.contains_key(&relative) {
            fs::remove_file(out.join(&relative)).with_context(|| format!("cannot remove generated/{relative}"))?;
            changes += 1;
        }
    }
    remove_empty_dirs(out)?;
    Ok(changes)
}

/// How `out` differs from the plan: one unified diff per differing file,
/// in path order. Empty when `out` is fresh.
pub fn stale_files(plan: &Plan, out: &Path) -> Result<Vec<String>> {
    let mut reports = Vec::new();
    for (relative, expected) in &plan.files {
        let actual = fs::read_to_string(out.join(relative)).unwrap_or_default();
        if &actual != expected {
            let diff = similar::TextDiff::from_lines(actual.as_str(), expected.as_str());
            let label = format!("generated/{relative}");
            reports.push(diff.unified_diff().context_radius(3).header(&label, &format!("{label} (expected)")).to_string());
        }
    }
    for relative in files_on_disk(out)? {
        if !plan.files.contains_key(&relative) {
            reports.push(format!("generated/{relative}: not produced by any spec; `cargo xtask generate` removes it\n"));
        }
    }
    Ok(reports)
}

/// Files under `out`, relative and with `/` separators, skipping build output.
fn files_on_disk(out: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![out.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error).with_context(|| format!("cannot list {}", dir.display())),
        };
        for entry in entries {
            let path = entry?.path();
            if path.file_name().is_some_and(|name| name == "target") {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(out) {
                let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                found.push(parts.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn remove_empty_dirs(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path).with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    Ok(())
}
