//! A regeneration with nothing changed does no generation work: the cache
//! recognises each crate whose spec, options and generator are unchanged
//! and whose files are still as written, and anything else regenerates.

use std::fs;

/// A repository with a copy of `specs/` and nothing generated yet.
fn repository() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir(root.path().join("specs")).unwrap();
    for entry in fs::read_dir(integration_tests::repo_root().join("specs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            fs::copy(&path, root.path().join("specs").join(path.file_name().unwrap())).unwrap();
        }
    }
    root
}

#[test]
fn an_unchanged_regeneration_of_the_seed_crates_does_no_generation_work() {
    let root = repository();
    let first = xtask::generate(root.path()).unwrap();
    assert!(!first.contains("unchanged"), "{first}");

    let second = xtask::generate(root.path()).unwrap();
    assert_eq!(second, "generated 4 crate(s) into generated/ (0 file(s) changed, 4 unchanged and not regenerated)");
    let check = xtask::check(root.path()).unwrap();
    assert!(check.ends_with("4 of them unchanged since the last generation and not regenerated)"), "{check}");

    // A hand edit of a generated file is not trusted: that crate regenerates.
    let lib = root.path().join("generated/indream/src/lib.rs");
    let original = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, "// edited\n").unwrap();
    assert!(xtask::check(root.path()).is_err(), "check reports the edit");
    let third = xtask::generate(root.path()).unwrap();
    assert_eq!(third, "generated 4 crate(s) into generated/ (1 file(s) changed, 3 unchanged and not regenerated)");
    assert_eq!(fs::read_to_string(&lib).unwrap(), original);

    // So does a changed spec.
    let spec = root.path().join("specs/mediapocket.yaml");
    let text = fs::read_to_string(&spec).unwrap().replace("MediaPocket digital asset management", "MediaPocket asset management");
    fs::write(&spec, text).unwrap();
    let fourth = xtask::generate(root.path()).unwrap();
    assert!(fourth.starts_with("generated 4 crate(s) into generated/ (") && fourth.contains("3 unchanged and not regenerated"), "{fourth}");
    assert!(fs::read_to_string(root.path().join("generated/mediapocket/README.md")).unwrap().contains("MediaPocket asset management"));
}
