//! The `indream` command line of the generated crate, built here so that
//! `tests/cli.rs` finds it through `CARGO_BIN_EXE_cli-indream`: cargo builds the
//! binaries of the package under test, never those of its dependencies.

fn main() -> std::process::ExitCode {
    indream_client::cli::main()
}
