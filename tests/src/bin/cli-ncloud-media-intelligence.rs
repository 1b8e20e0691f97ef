//! The `ncloud-media-intelligence` command line of the generated crate, built here so that
//! `tests/cli.rs` finds it through `CARGO_BIN_EXE_cli-ncloud-media-intelligence`: cargo builds the
//! binaries of the package under test, never those of its dependencies.

fn main() -> std::process::ExitCode {
    ncloud_media_intelligence_client::cli::main()
}
