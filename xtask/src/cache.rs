//! The generation cache: a crate whose spec, options and generator are the
//! same as when it was last written, and whose files on disk are still
//! exactly those, is not generated again. `cargo xtask generate` and
//! `cargo xtask check` both consult it.
//!
//! One record per crate in `target/xtask-cache/` (outside the repository,
//! so a fresh clone starts cold): the key (a digest of the generator's
//! fingerprint, the options and the spec) and a digest of each file written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use generator::{Options, SpecSource};
use sha2::{Digest, Sha256};

/// Where the records live.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of the repository at `root` (under its target directory).
    pub fn for_repository(root: &Path) -> Self {
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
        Self::at(target.join("xtask-cache"))
    }

    /// A cache in `dir`.
    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The files of the crate generated from `spec` into `folder`, read from
    /// the disk, when its record says they are what generation would give.
    pub fn lookup(&self, spec: &SpecSource, options: &Options, folder: &Path) -> Option<BTreeMap<String, String>> {
        let record = fs::read_to_string(self.record(folder)).ok()?;
        let mut lines = record.lines();
        if lines.next()? != key(spec, options) {
            return None;
        }
        let mut files = BTreeMap::new();
        for line in lines {
            let (digest, relative) = line.split_once(' ')?;
            let text = fs::read_to_string(folder.join(relative)).ok()?;
            if hex(&Sha256::digest(text.as_bytes())) != digest {
                return None;
            }
            files.insert(relative.to_owned(), text);
        }
        Some(files)
    }

    /// Records that `files` were written into `folder` for `spec`.
    pub fn store(&self, spec: &SpecSource, options: &Options, folder: &Path, files: &BTreeMap<String, String>) {
        let mut record = key(spec, options);
        for (relative, text) in files {
            record.push_str(&format!("\n{} {relative}", hex(&Sha256::digest(text.as_bytes()))));
        }
        // A cache that cannot be written only costs a regeneration.
        let path = self.record(folder);
        if let Some(parent) = path.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let _ = fs::write(path, record);
    }

    fn record(&self, folder: &Path) -> PathBuf {
        let absolute = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        self.dir.join(hex(&Sha256::digest(absolute.to_string_lossy().as_bytes())))
    }
}

/// What the output of generating `spec` with `options` depends on.
fn key(spec: &SpecSource, options: &Options) -> String {
    let mut hasher = Sha256::new();
    for part in [generator::FINGERPRINT, &format!("{options:?}"), &spec.label, &spec.slug, &spec.text] {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
