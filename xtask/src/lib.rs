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

pub mod cache;
pub mod corpus;
pub mod package_check;

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
    /// Each crate as generated, by folder, for [`with_changelogs`].
    pub generated: BTreeMap<String, (generator::GeneratedCrate, String)>,
    /// What changed for callers since the crates on disk, for the terminal.
    pub summary: Vec<String>,
    /// Crates taken from the disk because the cache says generation would
    /// give them unchanged.
    pub cached: Vec<String>,
}

/// A folder of specs and the folder their crates are generated into.
pub struct Target {
    /// Specs, relative to the repository root.
    pub specs: &'static str,
    /// Crates, relative to the repository root.
    pub out: &'static str,
}

/// The real APIs, and the corpus of tricky specs that must generate
/// compiling crates (its `err/` half is checked by the tests instead).
pub const TARGETS: [Target; 2] = [
    Target { specs: "specs", out: "generated" },
    Target { specs: "tests/corpus/ok", out: "tests/corpus/generated" },
];

/// `cargo xtask generate` for the repository at `root`: regenerates every
/// target's crates, or fails leaving every output folder untouched.
/// Returns a one-line summary.
pub fn generate(root: &Path) -> Result<String> {
    let plans = plan_targets(root)?;
    let mut summary = Vec::new();
    let mut api_changes = Vec::new();
    let cache = cache::Cache::for_repository(root);
    for (target, plan) in &plans {
        let out = root.join(target.out);
        let changes = write(plan, &out)?;
        remember(&cache, root, target, plan)?;
        let reused = match plan.cached.len() {
            0 => String::new(),
            n => format!(", {n} unchanged and not regenerated"),
        };
        summary.push(format!("{} crate(s) into {}/ ({changes} file(s) changed{reused})", plan.crates.len(), target.out));
        api_changes.extend(plan.summary.iter().cloned());
    }
    let mut out = format!("generated {}", summary.join(", "));
    for line in api_changes {
        out.push_str(&format!("\n{line}"));
    }
    Ok(out)
}

/// `cargo xtask check` for the repository at `root`: fails with unified
/// diffs when an output folder differs from what its specs generate.
pub fn check(root: &Path) -> Result<String> {
    let mut stale = Vec::new();
    let plans = plan_targets(root)?;
    for (target, plan) in &plans {
        stale.extend(stale_files(plan, &root.join(target.out))?.into_iter().map(|report| report.replace("generated/", &format!("{}/", target.out))));
    }
    let crates: usize = plans.iter().map(|(_, plan)| plan.crates.len()).sum();
    let cached: usize = plans.iter().map(|(_, plan)| plan.cached.len()).sum();
    if stale.is_empty() {
        let cache = cache::Cache::for_repository(root);
        for (target, plan) in &plans {
            remember(&cache, root, target, plan)?;
        }
        let reused = if cached > 0 { format!(", {cached} of them unchanged since the last generation and not regenerated") } else { String::new() };
        return Ok(format!("generated/ is up to date ({crates} crate(s){reused})"));
    }
    bail!("{}generated code is stale in {} file(s): run `cargo xtask generate`", stale.concat(), stale.len())
}

fn plan_targets(root: &Path) -> Result<Vec<(&'static Target, Plan)>> {
    let cache = cache::Cache::for_repository(root);
    let options = generator::Options::default();
    TARGETS
        .iter()
        .filter(|target| root.join(target.specs).is_dir())
        .map(|target| {
            let out = root.join(target.out);
            let reuse = |spec: &SpecSource| cache.lookup(spec, &options, &out.join(&spec.slug));
            let plan = plan_reusing(&read_specs_in(root, target.specs)?, &options, reuse)?;
            Ok((target, with_changelogs(plan, &out)))
        })
        .collect()
}

/// Records each crate of `plan`, as now on disk, in the cache.
fn remember(cache: &cache::Cache, root: &Path, target: &Target, plan: &Plan) -> Result<()> {
    let options = generator::Options::default();
    for spec in read_specs_in(root, target.specs)? {
        let prefix = format!("{}/", spec.slug);
        let files: BTreeMap<String, String> =
            plan.files.iter().filter_map(|(path, text)| Some((path.strip_prefix(&prefix)?.to_owned(), text.clone()))).collect();
        cache.store(&spec, &options, &root.join(target.out).join(&spec.slug), &files);
    }
    Ok(())
}

/// `cargo xtask generate --spec PATH --out DIR [..]`: one crate from a spec
/// anywhere, into `out`, buildable on its own (`options.standalone` is
/// set; the crate is named after `info.title` unless `options.crate_name`
/// says otherwise). Nothing is written into `out` unless generation succeeds.
pub fn generate_one(spec_path: &Path, out: &Path, mut options: generator::Options) -> Result<String> {
    let text = fs::read_to_string(spec_path).with_context(|| format!("cannot read {}", spec_path.display()))?;
    options.name_after_title = true;
    options.standalone = true;
    let slug = generator::package::kebab(&spec_path.file_stem().map(|stem| stem.to_string_lossy()).unwrap_or_default());
    let spec = SpecSource { label: spec_path.display().to_string(), slug, text };
    let generated = generator::generate_with(&spec, &options).map_err(|e| anyhow::anyhow!("error: {e}\nnothing was written to {}", out.display()))?;
    let crate_name = generated.name.clone();
    let regeneration = generator::changelog::Regeneration::new(&previous(out), &generated, &generator::package::portable_label(&spec.label));
    let mut files = generated.files.clone();
    files.insert("CHANGELOG.md".to_owned(), regeneration.changelog.clone());
    let plan = Plan { files, crates: vec![crate_name.clone()], ..Plan::default() };
    let changes = write_files(&plan, out)?;
    let mut summary = format!("generated {crate_name} {} into {} ({changes} file(s) written)", generated.version, out.display());
    for line in regeneration.summary(&crate_name) {
        summary.push_str(&format!("\n{line}"));
    }
    for note in &generated.notes {
        summary.push_str(&format!("\nnote: {note}"));
    }
    for warning in &generated.warnings {
        summary.push_str(&format!("\nwarning: {warning}"));
    }
    Ok(summary)
}

/// `title` as lowercase ASCII words joined by `-` (`api` when it has none).
pub use generator::package::kebab;

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads the specs under `root/specs` in name order.
pub fn read_specs(root: &Path) -> Result<Vec<SpecSource>> {
    read_specs_in(root, "specs")
}

/// Reads the `*.yaml` specs under `root/<folder>` in name order.
pub fn read_specs_in(root: &Path, folder: &str) -> Result<Vec<SpecSource>> {
    let dir = root.join(folder);
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
            Ok(SpecSource { label: format!("{folder}/{slug}.yaml"), slug, text })
        })
        .collect()
}

/// Generates every spec in memory. Fails with one line per spec that failed.
pub fn plan(specs: &[SpecSource]) -> Result<Plan> {
    plan_with(specs, &generator::Options::default())
}

/// [`plan`] with generator options.
pub fn plan_with(specs: &[SpecSource], options: &generator::Options) -> Result<Plan> {
    plan_reusing(specs, options, |_| None)
}

/// [`plan_with`], taking a crate's files from `reuse` instead of
/// generating them when it has them (a cache hit).
pub fn plan_reusing(specs: &[SpecSource], options: &generator::Options, reuse: impl Fn(&SpecSource) -> Option<BTreeMap<String, String>>) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut errors: Vec<GenerateError> = Vec::new();
    for spec in specs {
        if let Some(files) = reuse(spec) {
            for (path, text) in files {
                plan.files.insert(format!("{}/{path}", spec.slug), text);
            }
            plan.crates.push(spec.slug.clone());
            plan.cached.push(spec.slug.clone());
            continue;
        }
        match generator::generate_with(spec, options) {
            Ok(generated) => {
                for (path, text) in &generated.files {
                    plan.files.insert(format!("{}/{path}", spec.slug), text.clone());
                }
                plan.crates.push(spec.slug.clone());
                plan.generated.insert(spec.slug.clone(), (generated, generator::package::portable_label(&spec.label)));
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        let lines = errors.iter().map(|e| format!("error: {e}")).collect::<Vec<_>>().join("\n");
        bail!("{lines}\nnothing was written: generated code is unchanged");
    }
    plan.files.insert("README.md".to_owned(), GENERATED_README.to_owned());
    Ok(plan)
}

/// Adds each crate's `CHANGELOG.md` to `plan`: the one in `out` (the
/// crates' parent folder), with a new section when the API changed since
/// the crate there was generated; the changes go to `plan.summary`.
pub fn with_changelogs(mut plan: Plan, out: &Path) -> Plan {
    for (slug, (generated, label)) in &plan.generated {
        let regeneration = generator::changelog::Regeneration::new(&previous(&out.join(slug)), generated, label);
        plan.summary.extend(regeneration.summary(&generated.name));
        plan.files.insert(format!("{slug}/CHANGELOG.md"), regeneration.changelog);
    }
    plan
}

/// What a crate folder holds from its last generation.
fn previous(folder: &Path) -> generator::changelog::Previous {
    let read = |name: &str| fs::read_to_string(folder.join(name)).ok();
    let version = read("Cargo.toml").and_then(|manifest| {
        let table: toml::Table = manifest.parse().ok()?;
        table.get("package")?.get("version")?.as_str().map(str::to_owned)
    });
    generator::changelog::Previous { surface: read("api-surface.json"), changelog: read("CHANGELOG.md"), version }
}

/// Makes `out` (the `generated/` folder) hold exactly the planned files.
/// Returns how many files were written or removed.
pub fn write(plan: &Plan, out: &Path) -> Result<usize> {
    let mut changes = write_files(plan, out)?;
    for relative in files_on_disk(out)? {
        if !plan.files.contains_key(&relative) {
            fs::remove_file(out.join(&relative)).with_context(|| format!("cannot remove {}", out.join(&relative).display()))?;
            changes += 1;
        }
    }
    remove_empty_dirs(out)?;
    Ok(changes)
}

/// Writes the planned files that differ from the disk, leaving others alone.
fn write_files(plan: &Plan, out: &Path) -> Result<usize> {
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
