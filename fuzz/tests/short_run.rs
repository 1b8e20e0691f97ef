//! The fuzzer's short run for CI: a fixed seed over the corpus at
//! `../shared/spec-corpus` (missing corpus folders fail the test), in the
//! debug profile. `cargo xtask fuzz` runs the long campaigns.

use std::time::Duration;

/// Few enough to finish in about a minute in the debug profile.
const EXECS: u64 = 400;

#[test]
fn a_short_campaign_over_the_corpus_finds_nothing() {
    let mut config = fuzz::Config::new(EXECS, 2026);
    config.write_every = 20;
    config.hang_limit = Duration::from_secs(60);
    // The main thread's stack size, as `cargo xtask generate` has.
    let campaign = std::thread::Builder::new().stack_size(8 << 20).spawn(move || fuzz::run(&config)).expect("cannot spawn the campaign");
    let report = campaign.join().expect("the campaign panicked").expect("the campaign runs (is ../shared/spec-corpus there?)");
    assert!(report.seeds >= 100, "only {} seed specs", report.seeds);
    assert_eq!(report.execs, EXECS);
    assert!(report.findings.is_empty(), "{}", report.summary());
    assert!(report.generated > EXECS / 4 && report.refused > 0, "{}", report.summary());
    assert_eq!(report.writes_checked, EXECS / 20);
}

#[test]
fn an_execution_is_a_function_of_the_seed_and_its_index() {
    let config = fuzz::Config::new(1, 7);
    let seeds = fuzz::seeds::load(&config.corpus).expect("the corpus is there");
    let first = fuzz::input(&seeds, 7, 123);
    let again = fuzz::input(&seeds, 7, 123);
    assert_eq!((first.seed.as_str(), &first.mutations, &first.text), (again.seed.as_str(), &again.mutations, &again.text));
    assert_ne!(fuzz::input(&seeds, 8, 123).text, first.text);
}

#[test]
fn refusals_must_name_the_file_and_item_without_a_debug_dump() {
    let clear = generator::GenerateError::new(fuzz::LABEL, "#/paths", "not a valid OpenAPI 3.0 document: invalid type");
    assert_eq!(fuzz::unclear(&clear, fuzz::LABEL), None);
    let other_file = generator::GenerateError::new("x.yaml", "#/paths", "bad");
    assert!(fuzz::unclear(&other_file, fuzz::LABEL).is_some());
    let no_item = generator::GenerateError::new(fuzz::LABEL, "", "bad");
    assert!(fuzz::unclear(&no_item, fuzz::LABEL).is_some());
    let dump = generator::GenerateError::new(fuzz::LABEL, "#/components", "unhandled Object(\n SchemaObject {");
    assert!(fuzz::unclear(&dump, fuzz::LABEL).is_some());
}

#[test]
fn a_failed_write_leaves_the_folder_as_it_was() {
    let work = tempfile::tempdir().expect("a temporary folder");
    assert_eq!(fuzz::check_write(work.path(), "openapi: [").expect("the check runs"), None);
    let good = "openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\npaths: {}\n";
    assert_eq!(fuzz::check_write(work.path(), good).expect("the check runs"), None);
}
