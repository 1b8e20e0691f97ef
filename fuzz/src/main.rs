//! `cargo run --release -p fuzz -- [--execs N] [--seconds S] [--seed K]`
//! (or `cargo xtask fuzz ...`): a mutation-fuzzing campaign over the
//! corpus specs; exits non-zero when it finds a panic, an unclear error, a
//! partial write or a crate that does not compile (a hang exits with 3).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "fuzz", about = "Mutation-fuzz the generator with the corpus specs as seeds")]
struct Args {
    /// Executions to run.
    #[arg(long, default_value_t = 100_000)]
    execs: u64,
    /// Stop after this many seconds, whatever the count.
    #[arg(long)]
    seconds: Option<u64>,
    /// The campaign seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The first execution (to resume a campaign, or replay one execution with --execs 1).
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// A folder of seed specs (repeatable); by default both corpus folders.
    #[arg(long)]
    corpus: Vec<PathBuf>,
    /// Where failing inputs go.
    #[arg(long)]
    crashes: Option<PathBuf>,
    /// Seconds after which an execution is a hang.
    #[arg(long, default_value_t = 10)]
    hang_seconds: u64,
    /// One execution in this many is also written through the `--out` path.
    #[arg(long, default_value_t = 100)]
    write_every: u64,
    /// Compile this many generated crates (sampled) at the end.
    #[arg(long, default_value_t = 0)]
    compile: usize,
    /// Also save refused inputs whose message contains this text (to triage
    /// a kind of refusal); they are saved as `refused-*`, not counted as findings.
    #[arg(long)]
    keep_refusals: Option<String>,
    /// Print the input of execution --start instead of running.
    #[arg(long)]
    print: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = fuzz::Config::new(args.execs, args.seed);
    config.seconds = args.seconds;
    config.start = args.start;
    if !args.corpus.is_empty() {
        config.corpus = args.corpus;
    }
    if let Some(crashes) = args.crashes {
        config.crashes = crashes;
    }
    config.hang_limit = Duration::from_secs(args.hang_seconds);
    config.write_every = args.write_every;
    config.compile = args.compile;
    config.keep_refusals = args.keep_refusals;
    config.progress = Some(Duration::from_secs(30));
    if args.print {
        return match fuzz::seeds::load(&config.corpus) {
            Ok(seeds) => {
                let input = fuzz::input(&seeds, args.seed, args.start);
                eprintln!("seed spec {} ({}), mutations {:?}", input.seed, if input.whole { "whole" } else { "slice" }, input.mutations);
                println!("{}", input.text);
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("{error:#}");
                ExitCode::FAILURE
            }
        };
    }
    // The campaign runs on a thread with the main thread's usual 8 MiB
    // stack, whatever runs it.
    let campaign = std::thread::Builder::new().stack_size(8 << 20).spawn(move || fuzz::run(&config));
    let outcome = match campaign.map(|thread| thread.join()) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(payload)) => Err(anyhow::anyhow!("the campaign thread panicked: {}", generator::progenitor_pass::panic_message(&*payload))),
        Err(error) => Err(anyhow::anyhow!("the campaign thread did not start: {error}")),
    };
    match outcome {
        Ok(report) => {
            println!("{}", report.summary());
            let mut refusals: Vec<_> = report.refusals.iter().collect();
            refusals.sort_by(|a, b| b.1.cmp(a.1));
            println!("most common refusals:");
            for (kind, count) in refusals.iter().take(12) {
                println!("  {count:>9}  {kind}");
            }
            println!("mutations: {:?}", report.mutations);
            if report.findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(error) => {
            eprintln!("{error:#}");
            ExitCode::FAILURE
        }
    }
}
