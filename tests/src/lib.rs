//! Helpers shared by the integration tests: the repository's specs, and the
//! examples documented in them, so that behaviour tests replay exactly what
//! the specs say the vendors send.

use std::path::PathBuf;

use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// Every text file under `dir` (skipping `target/`), as relative path and
/// contents, in path order.
pub fn files_under(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "target") {
                    pending.push(path);
                }
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let relative = path.strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
                found.push((relative, text));
            }
        }
    }
    found.sort();
    found
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
