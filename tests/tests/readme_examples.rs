//! Every code block of a generated README is a doc test of its crate:
//! the README shows exactly the visible lines of the crate docs' examples
//! (and of the `mock` module's, which run with the `mock` feature that the
//! test crate enables), which `cargo test` runs against a local server. This test pins the
//! first half (the README cannot drift from the doc tests); the doc tests
//! themselves are the second.

use std::fs;
use std::path::Path;

/// The ```rust blocks of a README.
fn readme_blocks(text: &str) -> Vec<String> {
    blocks(text.lines(), "```rust")
}

/// The doc-test blocks of a `lib.rs`, without their hidden lines.
fn doc_blocks(text: &str) -> Vec<String> {
    let docs: Vec<&str> = text.lines().filter_map(|line| line.strip_prefix("//!")).map(|line| line.strip_prefix(' ').unwrap_or(line)).collect();
    blocks(docs.into_iter(), "```")
        .into_iter()
        .map(|block| block.lines().filter(|line| *line != "#" && !line.starts_with("# ")).map(|line| format!("{line}\n")).collect())
        .collect()
}

fn blocks<'a>(lines: impl Iterator<Item = &'a str>, opening: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in lines {
        match current.as_mut() {
            None if line == opening => current = Some(String::new()),
            Some(_) if line == "```" => out.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

fn crates(folder: &str) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> =
        fs::read_dir(integration_tests::repo_root().join(folder)).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("src/lib.rs").is_file()).collect();
    found.sort();
    found
}

fn examples_of(dir: &Path) -> (Vec<String>, Vec<String>) {
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    let lib = fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let mock = fs::read_to_string(dir.join("src/mock.rs")).unwrap_or_default();
    (readme_blocks(&readme), doc_blocks(&lib).into_iter().chain(doc_blocks(&mock)).collect())
}

#[test]
fn every_readme_example_is_a_doc_test_of_its_crate() {
    for dir in crates("generated").into_iter().chain(crates("tests/corpus/generated")) {
        let (mut readme, mut docs) = examples_of(&dir);
        // The README orders them by its sections, the docs by theirs.
        readme.sort();
        docs.sort();
        assert_eq!(readme, docs, "{}: README examples and doc tests differ", dir.display());
    }
}

#[test]
fn seed_crates_show_auth_retries_and_errors_and_their_pagination_and_uploads() {
    for dir in crates("generated") {
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        let (examples, _) = examples_of(&dir);
        assert!(examples.len() >= 3, "{}: {} examples", dir.display(), examples.len());
        for expected in ["Client::new(&base_url, Credentials::", ".with_retry_policy(", "Err(Error::Api(api))"] {
            assert!(examples.iter().any(|e| e.contains(expected)), "{}: no example with `{expected}`", dir.display());
        }
        if readme.contains("## Pagination") {
            assert!(examples.iter().any(|e| e.contains(".items());")), "{}: pagination has no example", dir.display());
        }
        if readme.contains("## Uploads") {
            assert!(examples.iter().any(|e| e.contains(".send_upload(upload)")), "{}: uploads have no example", dir.display());
        }
    }
}

#[test]
fn at_least_three_corpus_crates_have_running_examples() {
    let with_examples = crates("tests/corpus/generated").into_iter().filter(|dir| !examples_of(dir).0.is_empty()).count();
    assert!(with_examples >= 3, "{with_examples} corpus crates have examples");
}

#[test]
fn no_doc_example_of_a_generated_crate_is_skipped() {
    for dir in crates("generated").into_iter().chain(crates("tests/corpus/generated")) {
        for (path, text) in integration_tests::files_under(&dir.join("src")) {
            for fence in text.lines().map(str::trim_start).filter(|line| line.trim_start_matches(['/', '!', '*', ' ']).starts_with("```")) {
                assert!(!fence.contains("ignore") && !fence.contains("no_run"), "{}/src/{path}: `{fence}` is never run", dir.display());
            }
        }
    }
}
