//! Running one measured client in its own process and reading back its
//! throughput and peak memory.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};

/// What one client run reports.
#[derive(Debug)]
pub struct Sample {
    /// Units handled (items, requests, bytes).
    pub units: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Peak resident set of the client process, in KiB.
    pub peak_kib: u64,
}

impl Sample {
    /// Units per second.
    pub fn rate(&self) -> f64 {
        self.units as f64 / self.seconds
    }
}

/// A server child process; killed on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
}

impl Server {
    /// Starts `bench serve <kind>` and waits for its address.
    pub fn start(kind: &str) -> Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["serve", kind])
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the server process")?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("server has no stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        Ok(Self { child, address: line.trim().to_owned() })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `bench client <name> <address>` and parses its report.
pub fn run_client(name: &str, address: &str) -> Result<Sample> {
    let output = Command::new(std::env::current_exe()?).args(["client", name, address]).output()?;
    if !output.status.success() {
        return Err(anyhow!("client {name} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = String::from_utf8(output.stdout)?;
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [units, seconds, peak_kib] = fields[..] else { return Err(anyhow!("client {name} printed `{text}`")) };
    Ok(Sample { units: units.parse()?, seconds: seconds.parse()?, peak_kib: peak_kib.parse()? })
}

/// Child side: runs the named client against `address`, prints
/// `units seconds peak_kib`.
pub fn client(name: &str, address: &str) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let started = Instant::now();
    let units = runtime.block_on(async {
        match name {
            "pagination-generated" => crate::pagination::generated(address).await,
            "pagination-handwritten" => crate::pagination::handwritten(address).await,
            "overhead-generated" => crate::overhead::generated(address).await,
            "overhead-handwritten" => crate::overhead::handwritten(address).await,
            "upload-generated" => crate::upload::generated(address).await,
            "upload-handwritten" => crate::upload::handwritten(address).await,
            other => Err(anyhow!("unknown client `{other}`")),
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    println!("{units} {seconds} {}", peak_resident_kib()?);
    Ok(())
}

/// `VmHWM` from `/proc/self/status`: the peak resident set size.
pub fn peak_resident_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).ok_or_else(|| anyhow!("no VmHWM"))?;
    Ok(line.split_whitespace().nth(1).unwrap_or("0").parse()?)
}

/// How many interleaved pairs of runs a side-by-side comparison takes.
/// The machine is shared: one pair can be off by 15 %, the median of five
/// pairs rarely by more than a few percent.
const ROUNDS: usize = 5;

/// Runs the `<name>-handwritten` and `<name>-generated` clients against a
/// fresh `server`, [`ROUNDS`] times each, interleaved, and prints them as a
/// table under `title`: each client's median run, and the median of the
/// per-round ratios (generated throughput over hand-written).
pub fn side_by_side(title: &str, server: &str, name: &str, unit: &str, labels: [&str; 2]) -> Result<()> {
    let server = Server::start(server)?;
    let mut handwritten = Vec::new();
    let mut generated = Vec::new();
    for _ in 0..ROUNDS {
        handwritten.push(run_client(&format!("{name}-handwritten"), &server.address)?);
        generated.push(run_client(&format!("{name}-generated"), &server.address)?);
    }
    let ratios: Vec<f64> = handwritten.iter().zip(&generated).map(|(h, g)| g.rate() / h.rate()).collect();
    let ratio = median(ratios.clone());
    println!("\n### {title}\n");
    println!("Median of {ROUNDS} interleaved rounds; per-round ratios {}.\n", ratios.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", "));
    println!("| client | throughput | time | peak RSS | ratio |\n|---|---|---|---|---|");
    row(labels[0], median_sample(handwritten), unit, 1.0);
    row(labels[1], median_sample(generated), unit, ratio);
    Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The run with the median throughput, with the highest peak memory seen.
fn median_sample(mut samples: Vec<Sample>) -> Sample {
    let peak_kib = samples.iter().map(|s| s.peak_kib).max().unwrap_or(0);
    samples.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
    let middle = samples.swap_remove(samples.len() / 2);
    Sample { peak_kib, ..middle }
}

/// Prints a markdown table row.
fn row(name: &str, sample: Sample, unit: &str, ratio: f64) {
    println!(
        "| {name} | {:.0} {unit}/s | {:.2} s | {:.1} MiB | {ratio:.2} |",
        sample.rate(),
        sample.seconds,
        sample.peak_kib as f64 / 1024.0
    );
}
