//! The `cargo xtask bench generate` report: per spec, in one run, our
//! generation against bare progenitor's and openapi-generator's, and the
//! compile time of our crate against bare progenitor's crate.

use anyhow::Result;

use crate::generation::{self, BenchSpec};
use crate::{crate_check, peers};

/// Specs with more operations than this also get the compile-time columns.
const LARGE: usize = 100;

/// Each crate's own compilation is timed this many times, ours and bare
/// progenitor's interleaved, and the median reported: a single round is at
/// the mercy of whatever else the shared machine runs.
const COMPILE_ROUNDS: usize = 3;

/// Prints the table; `rounds` is the number of timed generation rounds per cell.
pub fn report(rounds: usize) -> Result<()> {
    let specs = generation::bench_specs(LARGE)?;
    // In the target directory, so that a second run reuses the builds.
    let scratch = xtask::repo_root().join("target/bench-generate");
    let oag = peers::openapi_generator();
    let large: Vec<&BenchSpec> = specs.iter().filter(|spec| spec.operations > LARGE).collect();
    eprintln!("compiling {} large crates, ours and bare progenitor's…", large.len());
    let compiled = crate_check::compare(&large, &scratch.join("crates"), COMPILE_ROUNDS)?;
    for (spec, times) in large.iter().zip(&compiled) {
        eprintln!("{}: check {:.1} s vs {:.1} s, build {:.1} s vs {:.1} s", spec.source.label, times.ours.check, times.bare.check, times.ours.build, times.bare.build);
    }
    println!("\n### Generation and compile time, one run (generation: median of {rounds} rounds; compilation: median of {COMPILE_ROUNDS})\n");
    if let Err(why) = &oag {
        println!("openapi-generator skipped: {why}.\n");
    }
    println!(
        "| spec | ours / bare progenitor | ours / openapi-generator | `cargo check`: ours / bare | `cargo build`: ours / bare | ours | bare progenitor | openapi-generator |\n\
         |---|---|---|---|---|---|---|---|"
    );
    for spec in &specs {
        eprintln!("timing {}…", spec.source.label);
        let timing = generation::time(spec, rounds)?;
        let oag_ms = match &oag {
            Ok(program) => match peers::time_openapi_generator(program, spec, &scratch.join("oag"), rounds.min(3)) {
                Ok(ms) => Some(ms),
                Err(error) => {
                    eprintln!("{error:#}");
                    None
                }
            },
            Err(_) => None,
        };
        let compile = large.iter().position(|large| std::ptr::eq(*large, spec)).map(|index| &compiled[index]);
        let cell = |value: Option<f64>, unit: &str| value.map_or("—".to_owned(), |v| format!("{v:.2}{unit}"));
        println!(
            "| {} | {:.2} | {} | {} | {} | {:.0} ms | {:.0} ms | {} |",
            spec.label(),
            timing.ours_ms / timing.bare_ms,
            cell(oag_ms.map(|oag| timing.ours_ms / oag), ""),
            cell(compile.map(|c| c.ours.check / c.bare.check), ""),
            cell(compile.map(|c| c.ours.build / c.bare.build), ""),
            timing.ours_ms,
            timing.bare_ms,
            cell(oag_ms.map(|ms| ms / 1000.0), " s"),
        );
    }
    for (spec, times) in large.iter().zip(&compiled) {
        println!(
            "\n`{}`: `cargo check` {:.1} s (ours) vs {:.1} s (bare); `cargo build` {:.1} s vs {:.1} s.",
            spec.source.label, times.ours.check, times.bare.check, times.ours.build, times.bare.build
        );
    }
    Ok(())
}
