//! An in-process, structure-aware mutation fuzzer for the generator.
//!
//! Each execution takes a corpus spec (usually a [`seeds::slice`] of it:
//! one operation and what it references), applies a few
//! [`mutate::mutate`]s, serialises it (JSON, sometimes YAML, sometimes
//! damaged text) and runs the whole [`generator::generate`]. Checked:
//! no panic escapes, no execution runs longer than the hang limit (a
//! watchdog thread saves the input and ends the process), every refusal
//! is a [`generator::GenerateError`] naming the file and the item, and on
//! a sample, writing through `cargo xtask generate --out`'s path leaves a
//! folder untouched when generation fails. Execution `i` of seed `K` is a
//! pure function of `(K, i)`, so any of them can be replayed. Failures
//! are saved, with a greedily minimised copy, under the crash folder.

pub mod minimize;
pub mod mutate;
pub mod seeds;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use fastrand::Rng;
use generator::{GenerateError, SpecSource};

use seeds::Seed;

/// What a campaign does.
#[derive(Clone, Debug)]
pub struct Config {
    /// Executions to run (the campaign also ends at `seconds`).
    pub execs: u64,
    /// A wall-time limit, if any.
    pub seconds: Option<u64>,
    /// The campaign seed: execution `i` depends only on it and `i`.
    pub seed: u64,
    /// The first execution index (to resume a campaign).
    pub start: u64,
    /// Folders of seed specs.
    pub corpus: Vec<PathBuf>,
    /// Where failing inputs are saved.
    pub crashes: PathBuf,
    /// An execution longer than this is a hang.
    pub hang_limit: Duration,
    /// An execution that makes the process's resident memory exceed this
    /// many bytes is a hang too (a blow-up on the way to one).
    pub memory_limit: u64,
    /// One execution in this many also goes through the writing path.
    pub write_every: u64,
    /// Generated crates to compile at the end (0: none).
    pub compile: usize,
    /// Print a progress line this often.
    pub progress: Option<Duration>,
    /// Refused inputs whose message contains this text are saved too.
    pub keep_refusals: Option<String>,
}

impl Config {
    /// The corpus at `../shared/spec-corpus` next to the repository,
    /// crashes under `fuzz/crashes`.
    pub fn new(execs: u64, seed: u64) -> Self {
        let root = xtask::repo_root();
        let corpus = root.join("../shared/spec-corpus");
        Self {
            execs,
            seconds: None,
            seed,
            start: 0,
            corpus: vec![corpus.join("openapi3"), corpus.join("swagger2")],
            crashes: root.join("fuzz/crashes"),
            hang_limit: Duration::from_secs(10),
            memory_limit: 2 << 30,
            write_every: 100,
            compile: 0,
            progress: None,
            keep_refusals: None,
        }
    }
}

/// How one execution ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A crate was generated.
    Generated,
    /// A clear refusal, with its message.
    Refused(String),
    /// A panic escaped `generate`: the message and where.
    Panic(String),
    /// A refusal that does not name the file and item, or reads like a
    /// `Debug` dump.
    UnclearError(String),
    /// A generated crate without its manifest or library.
    BadOutput(String),
}

impl Verdict {
    /// The finding's kind, or `None` when the execution passed.
    pub fn failure(&self) -> Option<&'static str> {
        match self {
            Verdict::Generated | Verdict::Refused(_) => None,
            Verdict::Panic(_) => Some("panic"),
            Verdict::UnclearError(_) => Some("unclear-error"),
            Verdict::BadOutput(_) => Some("bad-output"),
        }
    }

    fn detail(&self) -> &str {
        match self {
            Verdict::Generated | Verdict::Refused(_) => "",
            Verdict::Panic(text) | Verdict::UnclearError(text) | Verdict::BadOutput(text) => text,
        }
    }
}

/// A failure found, and where its input was saved.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The execution index.
    pub exec: u64,
    /// `panic`, `unclear-error`, `bad-output`, `partial-write`, `does-not-compile`.
    pub kind: &'static str,
    /// What went wrong.
    pub detail: String,
    /// The saved input.
    pub saved: Option<PathBuf>,
}

/// What a campaign did.
#[derive(Debug, Default)]
pub struct Report {
    /// Seed specs loaded.
    pub seeds: usize,
    /// Executions run.
    pub execs: u64,
    /// Of which generated a crate.
    pub generated: u64,
    /// Of which were clearly refused.
    pub refused: u64,
    /// Of which ran on a whole seed rather than a slice.
    pub whole: u64,
    /// Executions also written through the `--out` path.
    pub writes_checked: u64,
    /// Generated crates compiled, and how many of those did not compile.
    pub compiled: usize,
    /// Compiled crates with warnings (they compile; reported, not failures).
    pub compile_warnings: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// The slowest execution and its index.
    pub slowest: (Duration, u64),
    /// Failures.
    pub findings: Vec<Finding>,
    /// How often each mutation ran.
    pub mutations: BTreeMap<&'static str, u64>,
    /// Refusals by the first words of their message.
    pub refusals: BTreeMap<String, u64>,
}

impl Report {
    /// Executions per second.
    pub fn rate(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// How many findings are of `kind`.
    pub fn count(&self, kind: &str) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// A one-paragraph summary.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} executions over {} seeds in {:.1} s ({:.0} execs/s): {} generated, {} refused, {} on whole seeds; {} written through the --out path; slowest {:.2} s (exec {}); {} panics, 0 hangs, {} unclear errors, {} bad outputs, {} partial writes",
            self.execs,
            self.seeds,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.generated,
            self.refused,
            self.whole,
            self.writes_checked,
            self.slowest.0.as_secs_f64(),
            self.slowest.1,
            self.count("panic"),
            self.count("unclear-error"),
            self.count("bad-output"),
            self.count("partial-write"),
        );
        if self.compiled > 0 {
            out.push_str(&format!(
                "; {} generated crates compiled: {} do not compile, {} with warnings",
                self.compiled,
                self.count("does-not-compile"),
                self.compile_warnings
            ));
        }
        for finding in &self.findings {
            let saved = finding.saved.as_ref().map(|p| format!(" (saved to {})", p.display())).unwrap_or_default();
            out.push_str(&format!("\n{} at exec {}: {}{saved}", finding.kind, finding.exec, one_line(&finding.detail)));
        }
        out
    }
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.chars().take(300).collect()
}

/// One fuzzed input.
pub struct Input {
    /// The seed it came from.
    pub seed: String,
    /// Whether it is the whole seed rather than a slice.
    pub whole: bool,
    /// The mutations applied.
    pub mutations: Vec<&'static str>,
    /// The spec text.
    pub text: String,
}

/// A `u64` mixing the campaign seed and the execution index (splitmix64).
fn mix(seed: u64, exec: u64) -> u64 {
    let mut z = seed ^ exec.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whole seeds larger than this are rarely used whole (they cost seconds).
const LARGE: usize = 200_000;

/// Execution `exec` of campaign `seed`: a pure function of both.
pub fn input(seeds: &[Seed], seed: u64, exec: u64) -> Input {
    let mut rng = Rng::with_seed(mix(seed, exec));
    let chosen = &seeds[rng.usize(..seeds.len())];
    let whole_odds = if chosen.size > LARGE { 20_000 } else { 400 };
    let whole = chosen.operations.is_empty() || rng.u32(..whole_odds) == 0;
    let mut document = if whole {
        chosen.document.clone()
    } else {
        let (path, method) = &chosen.operations[rng.usize(..chosen.operations.len())];
        seeds::slice(&chosen.document, path, method)
    };
    let count = if rng.u32(..20) == 0 { 0 } else { rng.usize(1..=4) };
    let mutations = (0..count).map(|_| mutate::mutate(&mut rng, &mut document)).collect();
    let text = match rng.u32(..40) {
        0 => serde_yaml::to_string(&document).unwrap_or_default(),
        1 => serde_json::to_string_pretty(&document).unwrap_or_default(),
        2 => damage(&mut rng, serde_json::to_string(&document).unwrap_or_default()),
        _ => serde_json::to_string(&document).unwrap_or_default(),
    };
    Input { seed: chosen.name.clone(), whole, mutations, text }
}

/// Cuts or corrupts the text: YAML and JSON errors must be clear too.
fn damage(rng: &mut Rng, mut text: String) -> String {
    let mut cut = rng.usize(..=text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match rng.u32(..4) {
        0 => text.truncate(cut),
        1 => text.insert_str(cut, ["\u{0}", "\t", "{", "]", ":", "- ", "\u{feff}", "&a *a", "!!binary"][rng.usize(..9)]),
        2 => text.insert_str(cut, "\n  bad: [indent\n"),
        _ => text = format!("{}{}", "[".repeat(rng.usize(1..2000)), &text[cut..]),
    }
    text
}

/// The label every fuzzed spec is generated under.
pub const LABEL: &str = "fuzz/input.json";

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether this thread is running a generation (whose panics are findings).
    static GENERATING: Cell<bool> = const { Cell::new(false) };
}

/// Records the panics of a generation (message and location) instead of
/// printing them; the generator's own quiet hook, installed later,
/// forwards to it. A panic anywhere else (in the fuzzer itself) is
/// printed, with the thread's name.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let message = generator::progenitor_pass::panic_message(info.payload());
            let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
            let thread = std::thread::current();
            // The generator's own threads are named `generate: ...`.
            if GENERATING.with(Cell::get) || thread.name().is_some_and(|name| name.starts_with("generate")) {
                PANIC.with(|last| *last.borrow_mut() = Some(format!("{location}: {message}")));
            } else {
                eprintln!("[fuzz] panic outside a generation, in thread {:?}, at {location}: {message}", thread.name());
            }
        }));
    });
}

/// Generates `text` in-process and checks the result.
pub fn execute(text: &str) -> Verdict {
    install_hook();
    let spec = SpecSource { label: LABEL.to_owned(), slug: "fuzz".to_owned(), text: text.to_owned() };
    GENERATING.with(|flag| flag.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| generator::generate(&spec)));
    GENERATING.with(|flag| flag.set(false));
    match outcome {
        Err(_) => Verdict::Panic(PANIC.with(|last| last.borrow_mut().take()).unwrap_or_else(|| "unknown panic".to_owned())),
        Ok(Err(error)) => match unclear(&error, LABEL) {
            Some(why) => Verdict::UnclearError(format!("{why}: {error}")),
            None => Verdict::Refused(error.message),
        },
        Ok(Ok(generated)) => {
            let missing: Vec<_> = ["Cargo.toml", "src/lib.rs", "src/generated_sdk.rs"].into_iter().filter(|f| generated.files.get(*f).is_none_or(|t| t.trim().is_empty())).collect();
            if missing.is_empty() { Verdict::Generated } else { Verdict::BadOutput(format!("missing or empty: {}", missing.join(", "))) }
        }
    }
}

/// Text that gives away a `Debug` dump or a panic in an error message.
const DUMP_MARKERS: &[&str] = &["Object {", "String(\"", "Some(", "Error {", "Value::", "ReferenceOr", "Schema {", "SchemaKind", "panicked at", "RUST_BACKTRACE", "Reference {", "Map {"];

/// Why `error` is not a clear refusal of `label`, if it is not.
pub fn unclear(error: &GenerateError, label: &str) -> Option<String> {
    if error.file != label {
        return Some(format!("names the file `{}`, not `{label}`", error.file));
    }
    if error.item.trim().is_empty() {
        return Some("names no item".to_owned());
    }
    if error.message.trim().is_empty() {
        return Some("has no message".to_owned());
    }
    DUMP_MARKERS.iter().find(|m| error.item.contains(**m) || error.message.contains(**m)).map(|m| format!("reads like a Debug dump (`{m}`)"))
}

/// The watchdog's view of the running execution.
struct Watch {
    /// Milliseconds since `epoch` when the current execution started; 0 when idle.
    started: AtomicU64,
    exec: AtomicU64,
}

/// Writes `text` through `xtask::generate_one` into a folder holding a
/// sentinel and an older crate; a failure must leave it byte for byte.
pub fn check_write(work: &Path, text: &str) -> Result<Option<String>> {
    let spec = work.join("spec.json");
    let out = work.join("out");
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    fs::create_dir_all(out.join("src"))?;
    fs::write(out.join("SENTINEL"), "left alone\n")?;
    fs::write(out.join("src/lib.rs"), "// an older crate\n")?;
    fs::write(&spec, text)?;
    let before = snapshot(&out)?;
    let written = xtask::generate_one(&spec, &out, generator::Options::default());
    let after = snapshot(&out)?;
    Ok(match written {
        Err(_) if after != before => Some(format!("a failed generation changed the output folder: {:?} became {:?}", before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>())),
        Ok(_) if after.get("SENTINEL") != before.get("SENTINEL") || !after.contains_key("Cargo.toml") => Some("a successful generation lost the sentinel or wrote no manifest".to_owned()),
        _ => None,
    })
}

/// Every file under `dir` and its bytes.
fn snapshot(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    xtask::package_check::files(dir)?
        .into_iter()
        .map(|path| Ok((path.strip_prefix(dir)?.to_string_lossy().into_owned(), fs::read(&path)?)))
        .collect()
}

/// Runs a campaign. Hangs end the process (exit code 3) after saving
/// the input; everything else is in the report.
pub fn run(config: &Config) -> Result<Report> {
    let started = Instant::now();
    let seeds = Arc::new(seeds::load(&config.corpus)?);
    let mut report = Report { seeds: seeds.len(), ..Report::default() };
    let watch = Arc::new(Watch { started: AtomicU64::new(0), exec: AtomicU64::new(0) });
    let epoch = Instant::now();
    spawn_watchdog(Arc::clone(&watch), Arc::clone(&seeds), config.clone(), epoch);
    let work = tempfile::tempdir().context("cannot create a work folder")?;
    fs::create_dir_all(&config.crashes).with_context(|| format!("cannot create {}", config.crashes.display()))?;
    // The last execution started, for replaying one that aborted the process.
    let in_flight = config.crashes.join(format!("in-flight-{}-{}.txt", config.seed, config.start));
    let mut sample_rng = Rng::with_seed(config.seed);
    // Generated inputs to compile at the end, with their execution numbers.
    let mut compile_sample: Vec<(u64, String)> = Vec::new();
    let mut successes = 0u64;
    let mut last_progress = Instant::now();
    let deadline = config.seconds.map(|s| started + Duration::from_secs(s));
    for exec in config.start..config.start + config.execs {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let input = input(&seeds, config.seed, exec);
        fs::write(&in_flight, format!("--seed {} --start {exec} --execs 1\n", config.seed)).ok();
        watch.exec.store(exec, Ordering::SeqCst);
        watch.started.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        let began = Instant::now();
        let verdict = execute(&input.text);
        let took = began.elapsed();
        watch.started.store(0, Ordering::SeqCst);
        if took > report.slowest.0 {
            report.slowest = (took, exec);
        }
        report.execs += 1;
        report.whole += u64::from(input.whole);
        for name in &input.mutations {
            *report.mutations.entry(name).or_default() += 1;
        }
        match &verdict {
            Verdict::Generated => {
                report.generated += 1;
                successes += 1;
                if config.compile > 0 {
                    if compile_sample.len() < config.compile {
                        compile_sample.push((exec, input.text.clone()));
                    } else if let Some(slot) = Some(sample_rng.u64(..successes)).filter(|s| (*s as usize) < config.compile) {
                        compile_sample[slot as usize] = (exec, input.text.clone());
                    }
                }
            }
            Verdict::Refused(message) => {
                report.refused += 1;
                *report.refusals.entry(refusal_kind(message)).or_default() += 1;
                if config.keep_refusals.as_ref().is_some_and(|text| message.contains(text.as_str())) {
                    save_text(config, exec, "refused", &input.text, message);
                }
            }
            _ => {}
        }
        if let Some(kind) = verdict.failure() {
            let saved = save(config, exec, kind, &input, &verdict);
            report.findings.push(Finding { exec, kind, detail: verdict.detail().to_owned(), saved });
        }
        if exec % config.write_every.max(1) == 0 {
            report.writes_checked += 1;
            if let Some(problem) = check_write(work.path(), &input.text)? {
                let saved = save_text(config, exec, "partial-write", &input.text, &problem);
                report.findings.push(Finding { exec, kind: "partial-write", detail: problem, saved });
            }
        }
        if config.progress.is_some_and(|every| last_progress.elapsed() >= every) {
            last_progress = Instant::now();
            let rate = report.execs as f64 / started.elapsed().as_secs_f64();
            eprintln!("[fuzz] {} execs, {:.0}/s, {} generated, {} refused, {} findings, exec {exec}", report.execs, rate, report.generated, report.refused, report.findings.len());
        }
    }
    if !compile_sample.is_empty() {
        compile(config, work.path(), &compile_sample, &mut report)?;
    }
    report.elapsed = started.elapsed();
    fs::remove_file(&in_flight).ok();
    Ok(report)
}

/// A refusal's message up to its first quoted or variable part, to
/// count refusals by kind.
fn refusal_kind(message: &str) -> String {
    let end = message.find(['`', ':', '(', '"', '\'', '#']).unwrap_or(message.len());
    message[..end].chars().take(80).collect::<String>().trim().to_owned()
}

/// Generates `sample` (inputs and their executions) again, writes the
/// crates and checks them with one `cargo check` ([`xtask::corpus::run`]);
/// a crate that does not compile is saved under its execution's number,
/// so that `--start N --execs 1` replays it.
fn compile(config: &Config, work: &Path, sample: &[(u64, String)], report: &mut Report) -> Result<()> {
    let specs = work.join("compile-specs");
    fs::create_dir_all(&specs)?;
    for (exec, text) in sample {
        fs::write(specs.join(sample_file(*exec)), text)?;
    }
    let out = work.join("compile-crates");
    let corpus = xtask::corpus::run(&specs, &out)?;
    for row in &corpus.rows {
        report.compiled += 1;
        match &row.outcome {
            xtask::corpus::Outcome::DoesNotCompile(error) => {
                let exec = sampled_exec(&row.spec);
                let Some((exec, text)) = sample.iter().find(|(sampled, _)| Some(*sampled) == exec) else {
                    anyhow::bail!("the compile sample has no input named {}", row.spec);
                };
                let saved = save_text(config, *exec, "does-not-compile", text, error);
                report.findings.push(Finding { exec: *exec, kind: "does-not-compile", detail: error.clone(), saved });
            }
            xtask::corpus::Outcome::Warnings(_) => report.compile_warnings += 1,
            _ => {}
        }
    }
    Ok(())
}

/// The file a sampled execution's spec is compiled from.
fn sample_file(exec: u64) -> String {
    format!("fuzz-{exec:010}.json")
}

/// The execution a [`sample_file`] holds.
fn sampled_exec(file: &str) -> Option<u64> {
    file.strip_prefix("fuzz-")?.strip_suffix(".json")?.parse().ok()
}

/// Saves a failing input, its minimised form and what went wrong.
fn save(config: &Config, exec: u64, kind: &'static str, input: &Input, verdict: &Verdict) -> Option<PathBuf> {
    let saved = save_text(config, exec, kind, &input.text, verdict.detail())?;
    let same = |text: &str| execute(text).failure() == Some(kind) && same_place(&execute(text), verdict);
    if let Some(minimal) = minimize::minimize(&input.text, same, Duration::from_secs(60)) {
        fs::write(saved.with_extension("min.json"), minimal).ok();
    }
    Some(saved)
}

/// Two panics are the same bug when they panic at the same place.
fn same_place(a: &Verdict, b: &Verdict) -> bool {
    match (a, b) {
        (Verdict::Panic(x), Verdict::Panic(y)) => x.split(": ").next() == y.split(": ").next(),
        _ => true,
    }
}

fn save_text(config: &Config, exec: u64, kind: &str, text: &str, detail: &str) -> Option<PathBuf> {
    let path = config.crashes.join(format!("{kind}-{}-{exec}.json", config.seed));
    fs::write(&path, text).ok()?;
    fs::write(path.with_extension("txt"), format!("{kind} at exec {exec} of seed {}\n{detail}\n", config.seed)).ok()?;
    Some(path)
}

/// A thread that saves the running input and ends the process when an
/// execution outlives the hang limit (a hang cannot be interrupted in-process).
fn spawn_watchdog(watch: Arc<Watch>, seeds: Arc<Vec<Seed>>, config: Config, epoch: Instant) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(200));
        let started = watch.started.load(Ordering::SeqCst);
        if started == 0 {
            continue;
        }
        let running = Duration::from_millis((epoch.elapsed().as_millis() as u64).saturating_sub(started - 1));
        let resident = resident_bytes();
        let problem = if running > config.hang_limit {
            format!("still running after {} s", running.as_secs())
        } else if resident > config.memory_limit {
            format!("resident memory reached {} MiB", resident >> 20)
        } else {
            continue;
        };
        let exec = watch.exec.load(Ordering::SeqCst);
        let input = input(&seeds, config.seed, exec);
        let saved = save_text(&config, exec, "hang", &input.text, &problem);
        eprintln!("[fuzz] HANG at exec {exec} of seed {}: {problem}; input saved to {saved:?}", config.seed);
        std::process::exit(3);
    });
}

/// The process's resident memory (0 where `/proc` is missing).
fn resident_bytes() -> u64 {
    let statm = fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|pages| pages.parse::<u64>().ok()).unwrap_or_default() * 4096
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_sampled_spec_is_named_after_its_execution() {
        for exec in [0, 7, 500_123, u64::from(u32::MAX) + 1] {
            assert_eq!(super::sampled_exec(&super::sample_file(exec)), Some(exec));
        }
        assert_eq!(super::sampled_exec("fuzz-x.json"), None);
    }
}
