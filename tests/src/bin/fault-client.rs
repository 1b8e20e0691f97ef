//! One call of the Indream client against a server that misbehaves, run by
//! the fault-injection suite (`tests/faults.rs`) in a process of its own so
//! that the peak memory it reports belongs to that one case.
//!
//! Usage: `fault-client <base-url> <timeout-ms>`. The client keeps every
//! default (limits, retry policy, retry budget) except the call's total
//! timeout. Prints one line: `outcome=<kind> elapsed_ms=<n>
//! peak_rss_kib=<n>`, then the error's message on a second line.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use indream_client::{Client, Credentials, Error};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(base_url), Some(Ok(timeout_ms))) = (args.get(1), args.get(2).map(|ms| ms.parse::<u64>())) else {
        eprintln!("usage: fault-client <base-url> <timeout-ms>");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
    let started = Instant::now();
    let result = runtime.block_on(async {
        let client = Client::new(base_url, Credentials::api_key("key")).expect("a client for a local URL");
        let project = uuid::Uuid::parse_str(PROJECT).expect("a UUID");
        client.list_project_assets().project_id(project).with_timeout(Duration::from_millis(timeout_ms)).send().await
    });
    let elapsed = started.elapsed();
    let (outcome, message) = match &result {
        Ok(_) => ("ok".to_owned(), String::new()),
        Err(error) => (kind(error), error.to_string()),
    };
    drop(result);
    println!("outcome={outcome} elapsed_ms={} peak_rss_kib={}", elapsed.as_millis(), peak_rss_kib());
    println!("{}", message.replace('\n', " "));
    ExitCode::SUCCESS
}

/// The error's variant, with the status or the time limit that says which
/// case it is.
fn kind(error: &Error) -> String {
    match error {
        Error::Api(api) => format!("api-{}", api.status.as_u16()),
        Error::RateLimited(api) => format!("rate-limited-{}", api.status.as_u16()),
        Error::Timeout { limit: indream_client::TimeLimit::Total(_), .. } => "timeout-total".to_owned(),
        Error::Timeout { .. } => "timeout-other".to_owned(),
        Error::Transport { .. } => "transport".to_owned(),
        Error::Decode { .. } => "decode".to_owned(),
        Error::BodyTooLarge { content_length: Some(_), .. } => "too-large-declared".to_owned(),
        Error::BodyTooLarge { content_length: None, .. } => "too-large-read".to_owned(),
        _ => "other".to_owned(),
    }
}

/// The process's peak resident set (`VmHWM`), in KiB; 0 where
/// `/proc/self/status` does not exist.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
