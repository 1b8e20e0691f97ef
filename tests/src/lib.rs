//! Helpers shared by the integration tests: the repository's specs, and the
//! examples documented in them, so that behaviour tests replay exactly what
//! the specs say the vendors send.

use std::path::PathBuf;

use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// The parsed spec `specs/<slug>.yaml`.
pub fn spec(slug: &str) -> Value {
    let path = repo_root().join("specs").join(format!("{slug}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// The value at JSON `pointer` in `specs/<slug>.yaml`, such as an example:
/// `documented(\"indream\", \"/components/responses/Problem/content/application~1json/example\")`.
pub fn documented(slug: &str, pointer: &str) -> Value {
    spec(slug)
        .pointer(pointer)
        .cloned()
        .unwrap_or_else(|| panic!("specs/{slug}.yaml has nothing at {pointer}"))
}
