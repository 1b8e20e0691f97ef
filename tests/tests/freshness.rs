//! `cargo test` alone catches a forgotten `cargo xtask generate`.

#[test]
fn generated_crates_are_fresh() {
    let root = integration_tests::repo_root();
    if let Err(stale) = xtask::check(&root) {
        panic!("{stale:#}");
    }
}
