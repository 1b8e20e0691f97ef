//! On regeneration, what changed for callers: the new surface compared with
//! the one the crate was last generated with, as a `CHANGELOG.md` section
//! and a summary for the terminal, each change labelled breaking or
//! compatible, with the semver version the changes call for.

use crate::surface::{Change, Impact, Surface};
use crate::GeneratedCrate;

/// What the crate folder held before this generation.
#[derive(Clone, Debug, Default)]
pub struct Previous {
    /// `api-surface.json`, if there was one.
    pub surface: Option<String>,
    /// `CHANGELOG.md`, if there was one.
    pub changelog: Option<String>,
    /// The package version in the old `Cargo.toml`.
    pub version: Option<String>,
}

/// The outcome of comparing a generation with the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regeneration {
    /// Every change, operations first.
    pub changes: Vec<Change>,
    /// The version the changes call for, from the previous version.
    pub suggested_version: Option<String>,
    /// The new `CHANGELOG.md`.
    pub changelog: String,
}

const TITLE: &str = "# Changelog\n\nWhat changed for callers each time this crate was regenerated, computed \
                     from `api-surface.json` (the API as the previous generation saw it).\n";

impl Regeneration {
    /// Compares `generated` with what the folder held.
    pub fn new(previous: &Previous, generated: &GeneratedCrate, spec_label: &str) -> Self {
        let new_surface = generated.files.get("api-surface.json").and_then(|text| Surface::from_json(text)).unwrap_or_default();
        let old_surface = previous.surface.as_deref().and_then(Surface::from_json);
        let changes = old_surface.map(|old| new_surface.changes_since(&old)).unwrap_or_default();
        let suggested_version = previous.version.as_deref().and_then(|version| crate::surface::next_version(version, &changes));
        let existing = previous.changelog.clone().unwrap_or_else(|| {
            format!("{TITLE}\n## {}\n\nFirst generated from `{spec_label}`.\n", generated.version)
        });
        let changelog = if changes.is_empty() {
            existing
        } else {
            let section = section(&changes, &generated.version, previous.version.as_deref(), suggested_version.as_deref(), spec_label);
            insert_after_title(&existing, &section)
        };
        Self { changes, suggested_version, changelog }
    }

    /// The worst impact of the changes, if any.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|change| change.impact).max()
    }

    /// Lines for the terminal: a headline, then one line per change.
    pub fn summary(&self, crate_name: &str) -> Vec<String> {
        let Some(impact) = self.impact() else { return Vec::new() };
        let label = match impact {
            Impact::Breaking => "breaking",
            Impact::Compatible => "compatible",
        };
        let suggestion = self.suggested_version.as_deref().map(|v| format!("; semver: {v}")).unwrap_or_default();
        let mut lines = vec![format!("{crate_name}: {} API change(s), {label}{suggestion}", self.changes.len())];
        lines.extend(self.changes.iter().map(|change| format!("  {}: {}", label_of(change.impact), change.text)));
        lines
    }
}

fn label_of(impact: Impact) -> &'static str {
    match impact {
        Impact::Breaking => "breaking",
        Impact::Compatible => "compatible",
    }
}

fn section(changes: &[Change], version: &str, previous: Option<&str>, suggested: Option<&str>, spec_label: &str) -> String {
    let breaking = changes.iter().any(|change| change.impact == Impact::Breaking);
    let mut out = format!("## {version}\n\nRegenerated from `{spec_label}`. ");
    out.push_str(if breaking {
        "**Breaking**: code written against the previous version may not compile or may behave differently."
    } else {
        "Compatible: code written against the previous version keeps working."
    });
    if let (Some(previous), Some(suggested)) = (previous, suggested) {
        out.push_str(&format!(" Semver: {previous} → {suggested}"));
        let behind = matches!((semver::Version::parse(version), semver::Version::parse(suggested)), (Ok(now), Ok(wanted)) if now < wanted);
        if behind {
            out.push_str(&format!(" (the spec's `info.version` gives {version}, which understates the change)"));
        }
        out.push('.');
    }
    out.push_str("\n\n");
    for change in changes {
        out.push_str(&format!("- {}: {}\n", if change.impact == Impact::Breaking { "Breaking" } else { "Compatible" }, change.text));
    }
    out
}

/// `changelog` with `section` as its newest entry.
fn insert_after_title(changelog: &str, section: &str) -> String {
    match changelog.find("\n## ") {
        Some(at) => format!("{}{section}\n{}", &changelog[..at + 1], &changelog[at + 1..]),
        None => format!("{}\n{section}", changelog.trim_end_matches('\n').to_owned() + "\n"),
    }
}
