//! The `mediapocket` command line of the generated crate, built here so that
//! `tests/cli.rs` finds it through `CARGO_BIN_EXE_cli-mediapocket`: cargo builds the
//! binaries of the package under test, never those of its dependencies.

fn main() -> std::process::ExitCode {
    mediapocket_client::cli::main()
}
