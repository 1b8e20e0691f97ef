//! The corpus of tricky specs: `tests/corpus/ok/*.yaml` are normalised and
//! generate crates (under `tests/corpus/generated/`, compiled with the
//! workspace and pinned by the snapshot and freshness tests);
//! `tests/corpus/err/*.yaml` fail with one exact message under `--strict`
//! (most generate, skipping what the message names, without it), without a
//! panic and without writing anything.

use std::fs;
use std::path::Path;

fn corpus(kind: &str) -> Vec<generator::SpecSource> {
    xtask::read_specs_in(&integration_tests::repo_root(), &format!("tests/corpus/{kind}")).unwrap()
}

#[test]
fn every_bad_spec_fails_with_an_exact_message_and_writes_nothing() {
    let specs = corpus("err");
    assert!(specs.len() >= 7);
    let strict = generator::Options { strict: true, ..generator::Options::default() };
    for spec in &specs {
        let error = generator::generate_with(spec, &strict).expect_err(&spec.label).to_string();
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("corpus_err__{}", spec.slug), error);
        });

        let out = tempfile::tempdir().unwrap();
        let path = integration_tests::repo_root().join(&spec.label);
        let outcome = xtask::generate_one(&path, &out.path().join("crate"), generator::Options { strict: true, ..Default::default() });
        assert!(outcome.is_err(), "{}", spec.label);
        assert_eq!(fs::read_dir(out.path()).unwrap().count(), 0, "{} wrote into the output folder", spec.label);
    }
}

#[test]
fn every_good_spec_generates_the_crate_checked_in_under_corpus_generated() {
    let root = integration_tests::repo_root();
    for spec in corpus("ok") {
        let crate_dir = root.join("tests/corpus/generated").join(&spec.slug);
        assert!(crate_dir.join("src/generated_sdk.rs").is_file(), "{} has no generated crate", spec.label);
    }
}

/// Files under `dir`, relative, with their first line (the `@generated`
/// header, which names the spec's path) removed.
fn sources(dir: &Path) -> Vec<(String, String)> {
    integration_tests::files_under(&dir.join("src"))
        .into_iter()
        .map(|(path, text)| (path, text.split_once('\n').map(|(_, rest)| rest.to_owned()).unwrap_or_default()))
        .collect()
}

#[test]
fn one_off_generation_of_a_3_1_spec_matches_the_compiled_corpus_crate() {
    let root = integration_tests::repo_root();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("crate");

    let summary = xtask::generate_one(&root.join("tests/corpus/ok/openapi-3-1.yaml"), &target, named("openapi-3-1-client")).unwrap();

    assert!(summary.starts_with("generated openapi-3-1-client 0.1.0 into"), "{summary}");
    assert!(summary.contains("\nnote: `info.version` (\"1\") is not semver: the crate is version 0.1.0"), "{summary}");
    // A spec outside the project is named by its file name only.
    let one_off: Vec<_> =
        sources(&target).into_iter().map(|(name, text)| (name, text.replace("`openapi-3-1.yaml`", "`tests/corpus/ok/openapi-3-1.yaml`"))).collect();
    assert_eq!(one_off, sources(&root.join("tests/corpus/generated/openapi-3-1")));
    let manifest = fs::read_to_string(target.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"openapi-3-1-client\""));
    assert!(manifest.contains("\nsdk-runtime = { version = \"0.1\", default-features = false }\n"), "the runtime is a dependency by version:\n{manifest}");
    assert!(manifest.trim_end().ends_with("[workspace]"), "a one-off crate builds on its own:\n{manifest}");
    for (path, text) in integration_tests::files_under(&target) {
        for machine_path in [root.display().to_string(), out.path().display().to_string()] {
            assert!(!text.contains(&machine_path), "{path} names {machine_path}");
        }
    }
}

#[test]
fn one_off_crate_name_defaults_to_the_title() {
    let out = tempfile::tempdir().unwrap();
    let spec = integration_tests::repo_root().join("tests/corpus/ok/problem-json.yaml");

    let summary = xtask::generate_one(&spec, out.path(), generator::Options::default()).unwrap();

    assert!(summary.starts_with("generated problem-json-client "), "{summary}");
}

#[test]
fn openapi_3_1_constructs_become_their_3_0_equivalents() {
    let text = fs::read_to_string(integration_tests::repo_root().join("tests/corpus/generated/openapi-3-1/src/generated_sdk.rs")).unwrap();
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "pub note: ::std::option::Option<::std::string::String>",
        "pub size: ::std::option::Option<i64>",
        "pub kind: ItemKind",
        "pub parent: ::std::option::Option<Parent>",
    ] {
        assert!(compact.contains(expected), "missing `{expected}`");
    }
    let operations = fs::read_to_string(integration_tests::repo_root().join("tests/corpus/generated/openapi-3-1/src/operations.rs")).unwrap();
    let compact: String = operations.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(compact.contains(".checked(Rule::Integer { min: Some(1), max: Some(100), })"), "{compact}");
}

#[test]
fn without_strict_an_unsupported_operation_is_skipped_with_a_warning_in_the_readme() {
    let spec = corpus("err").into_iter().find(|spec| spec.slug == "options-operation").unwrap();

    let generated = generator::generate(&spec).unwrap();

    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["operation thingsOptions (OPTIONS /things): skipped: #/paths/~1things/options: OPTIONS operations are not supported (reqwest has no `options` method)"]
    );
    let readme = &generated.files["README.md"];
    assert!(readme.contains("## Generation notes"), "{readme}");
    assert!(readme.contains("- operation thingsOptions (OPTIONS /things): skipped: "), "{readme}");
    assert!(!generated.files["src/operations.rs"].contains("thingsOptions"));
}

#[test]
fn one_off_generation_prints_each_warning() {
    let out = tempfile::tempdir().unwrap();
    let spec = integration_tests::repo_root().join("tests/corpus/err/missing-operation-id.yaml");

    let summary = xtask::generate_one(&spec, &out.path().join("crate"), named("things-client")).unwrap();

    assert!(summary.ends_with("\nwarning: GET /things: #/paths/~1things/get has no operationId; it is called `getThings`"), "{summary}");
}

fn named(name: &str) -> generator::Options {
    generator::Options { crate_name: Some(name.to_owned()), ..Default::default() }
}

#[test]
fn a_crate_is_named_after_its_title_even_when_the_title_is_too_long_or_missing() {
    let scratch = tempfile::tempdir().unwrap();
    let long_title = "U.S. EPA Enforcement and Compliance History Online (ECHO) - Clean Water Act (CWA) REST Services";
    let cases = [
        (format!("openapi: 3.0.3\ninfo: {{title: '{long_title}', version: '1'}}\npaths: {{}}\n"), "u-s-epa-enforcement-and-compliance-history-online-echo-client", None),
        ("openapi: 3.0.3\ninfo: {version: '1'}\npaths: {}\n".to_owned(), "api-client", Some("warning: #/info/title: missing; `API` is used")),
        ("openapi: 3.0.3\npaths: {}\n".to_owned(), "api-client", Some("warning: #/info/version: missing; `0.1.0` is used")),
    ];
    for (index, (spec, crate_name, warning)) in cases.into_iter().enumerate() {
        let path = scratch.path().join(format!("spec-{index}.yaml"));
        fs::write(&path, &spec).unwrap();
        let out = scratch.path().join(format!("crate-{index}"));

        let summary = xtask::generate_one(&path, &out, generator::Options::default()).unwrap();

        assert!(summary.starts_with(&format!("generated {crate_name} ")), "{summary}");
        assert!(fs::read_to_string(out.join("Cargo.toml")).unwrap().contains(&format!("name = \"{crate_name}\"")));
        if let Some(warning) = warning {
            assert!(summary.contains(warning), "{summary}");
        }
    }
}
