//! Benchmarks for BENCHMARKS.md, each comparing our generated code with
//! what a user would otherwise write, measured side by side in one run.
//!
//! `cargo run --release -p bench -- <generation|generate|overhead|pagination|upload|compile|all>`;
//! `cargo xtask bench generate` runs `generate` (generation speed against
//! bare progenitor and openapi-generator, and compile time).
//! Client measurements run in child processes so that each one's peak
//! resident memory (`VmHWM`) is its own; servers run in another child.

mod compile;
mod crate_check;
mod generate_report;
mod generation;
mod measure;
mod overhead;
mod pagination;
mod peers;
mod server;
mod upload;

use anyhow::{bail, Result};

/// The allocator `cargo xtask generate` uses (see `xtask/src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Timed rounds per measurement; the tables report medians.
const ROUNDS: usize = 5;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve", kind] => server::serve(kind),
        ["client", name, address] => measure::client(name, address),
        ["pagination"] => pagination::report(),
        ["overhead"] => overhead::report(),
        ["generation"] => generation::report(ROUNDS),
        ["generate"] => generate_report::report(ROUNDS),
        ["generate", "--rounds", rounds] => generate_report::report(rounds.parse()?),
        ["profile", file, rounds] => generation::profile(file, rounds.parse()?),
        ["upload"] => upload::report(),
        ["compile"] => compile::report(),
        ["all"] => {
            generation::report(ROUNDS)?;
            overhead::report()?;
            pagination::report()?;
            upload::report()?;
            compile::report()
        }
        _ => bail!("usage: bench <generation|generate [--rounds N]|profile FILE|synthetic ROUNDS|overhead|pagination|upload|compile|all>"),
    }
}
