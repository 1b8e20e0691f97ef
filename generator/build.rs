//! Fingerprints what generation depends on besides the spec: the
//! generator's and the runtime's sources (the runtime is embedded for
//! `--runtime vendored`) and the lock file (progenitor's version). `xtask`
//! keys its cache on it, so a change to any of them regenerates everything.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let inputs = [manifest.join("src"), manifest.join("Cargo.toml"), manifest.join("../runtime/src"), manifest.join("../runtime/Cargo.toml"), manifest.join("../Cargo.lock")];
    let mut files = Vec::new();
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
        collect(input, &mut files);
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(fs::read(&file).unwrap_or_default());
    }
    let digest: String = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
    println!("cargo:rustc-env=GENERATOR_FINGERPRINT={digest}");
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    match fs::read_dir(path) {
        Ok(entries) => entries.flatten().for_each(|entry| collect(&entry.path(), out)),
        Err(_) if path.is_file() => out.push(path.to_path_buf()),
        Err(_) => {}
    }
}
