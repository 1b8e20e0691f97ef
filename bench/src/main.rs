//! Benchmarks for BENCHMARKS.md, each comparing our generated code with
//! what a user would otherwise write, measured side by side in one run.
//!
//! `cargo run --release -p bench -- <generation|overhead|pagination|upload|compile|all>`.
//! Client measurements run in child processes so that each one's peak
//! resident memory (`VmHWM`) is its own; servers run in another child.

mod compile;
mod generation;
mod measure;
mod overhead;
mod pagination;
mod server;
mod upload;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve", kind] => server::serve(kind),
        ["client", name, address] => measure::client(name, address),
        ["pagination"] => pagination::report(),
        ["overhead"] => overhead::report(),
        ["generation"] => generation::report(),
        ["upload"] => upload::report(),
        ["compile"] => compile::report(),
        ["all"] => {
            generation::report()?;
            overhead::report()?;
            pagination::report()?;
            upload::report()?;
            compile::report()
        }
        _ => bail!("usage: bench <generation|overhead|pagination|upload|compile|all>"),
    }
}
