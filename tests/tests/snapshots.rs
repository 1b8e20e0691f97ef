//! Pins every generated file: a change in the generator or a spec shows up
//! as a snapshot diff to review with `cargo insta review`.

#[test]
fn generated_files_match_snapshots() {
    let root = integration_tests::repo_root();
    for target in &xtask::TARGETS {
        let prefix = if target.specs == "specs" { String::new() } else { "corpus_ok__".to_owned() };
        for spec in xtask::read_specs_in(&root, target.specs).expect("specs are readable") {
            let generated = generator::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
            snapshot_files(&format!("{prefix}{}", spec.slug), &generated.files);
        }
    }
}

fn snapshot_files(slug: &str, files: &std::collections::BTreeMap<String, String>) {
    {
        for (path, text) in files {
            let name = format!("{slug}__{}", path.replace(['/', '.'], "_"));
            insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(name, text);
            });
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let root = integration_tests::repo_root();
    let specs = xtask::read_specs(&root).expect("specs are readable");
    let first = xtask::plan(&specs).expect("specs generate");
    let second = xtask::plan(&specs).expect("specs generate");
    assert_eq!(first, second);
}
