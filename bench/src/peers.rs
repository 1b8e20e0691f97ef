//! openapi-generator's `rust` generator on the same specs, timed as a whole
//! process (JVM start included: that is what its users wait for).
//! `pip install openapi-generator-cli` puts it on `PATH` with its jar.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Result};

use crate::generation::{median, BenchSpec};

/// The command that runs openapi-generator, or why it cannot run here.
pub fn openapi_generator() -> Result<&'static str, String> {
    let runs = |program: &str, arg: &str| Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if !runs("java", "-version") {
        return Err("Java is not installed".to_owned());
    }
    if !runs("openapi-generator-cli", "version") {
        return Err("`openapi-generator-cli` is not on PATH (`pip install openapi-generator-cli`)".to_owned());
    }
    Ok("openapi-generator-cli")
}

/// The median wall time, in milliseconds, of `rounds` runs of
/// `openapi-generator-cli generate -g rust` on `spec`, into `scratch`.
pub fn time_openapi_generator(program: &str, spec: &BenchSpec, scratch: &Path, rounds: usize) -> Result<f64> {
    std::fs::create_dir_all(scratch)?;
    let input = match &spec.file {
        Some(file) => file.clone(),
        None => {
            let file = scratch.join(&spec.source.label);
            std::fs::write(&file, &spec.source.text)?;
            file
        }
    };
    let output = scratch.join("out");
    let mut times = Vec::new();
    for _ in 0..rounds {
        if output.exists() {
            std::fs::remove_dir_all(&output)?;
        }
        let started = Instant::now();
        let run = Command::new(program)
            .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .stdin(Stdio::null())
            .output()?;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        if !run.status.success() {
            let said = String::from_utf8_lossy(&run.stdout).lines().chain(String::from_utf8_lossy(&run.stderr).lines()).filter(|l| l.contains("ERROR") || l.contains("Exception")).take(3).collect::<Vec<_>>().join(" / ");
            bail!("openapi-generator failed on {} ({}): {said}", spec.source.label, run.status);
        }
        times.push(elapsed);
    }
    Ok(median(&mut times))
}
