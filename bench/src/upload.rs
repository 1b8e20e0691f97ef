//! Uploading a 1 GiB file: the generated `send_upload` against a
//! hand-written reqwest upload streaming the same file.

use std::path::PathBuf;

use anyhow::{Context, Result};


/// Size of the uploaded file.
const SIZE: u64 = 1 << 30;

/// The file both clients upload, made once.
fn file() -> Result<PathBuf> {
    let path = xtask::repo_root().join("target").join("bench-upload-1gib.bin");
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(SIZE) {
        let chunk = vec![0x5au8; 1 << 20];
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for _ in 0..SIZE / chunk.len() as u64 {
            std::io::Write::write_all(&mut out, &chunk)?;
        }
    }
    Ok(path)
}

/// Prints the upload table.
pub fn report() -> Result<()> {
    let path = file()?;
    // Read it once so both clients find it in the page cache: otherwise the
    // first to run pays for the disk and the comparison measures the disk.
    std::io::copy(&mut std::fs::File::open(&path)?, &mut std::io::sink())?;
    std::env::set_var("BENCH_UPLOAD_FILE", &path);
    crate::measure::side_by_side(
        "Upload: one 1 GiB file to a local server that discards it",
        "sink",
        "upload",
        "MiB",
        ["hand-written reqwest, file streamed", "generated `send_upload`"],
    )
}

fn path() -> Result<PathBuf> {
    std::env::var_os("BENCH_UPLOAD_FILE").map(PathBuf::from).context("BENCH_UPLOAD_FILE is not set")
}

/// Returns MiB sent.
pub async fn generated(address: &str) -> Result<u64> {
    let client = indream_client::Client::new(address, indream_client::Credentials::api_key("bench"))?;
    let upload = indream_client::Upload::from_path(path()?).await?;
    let length = upload.length();
    client.upload_asset().send_upload(upload).await?;
    Ok(length >> 20)
}

/// Returns MiB sent.
pub async fn handwritten(address: &str) -> Result<u64> {
    let file = tokio::fs::File::open(path()?).await?;
    let length = file.metadata().await?.len();
    let response = reqwest::Client::new()
        .post(format!("{address}/v1/uploads"))
        .header("x-api-key", "bench")
        .header("x-file-name", "bench.bin")
        .header("content-type", "application/octet-stream")
        .header("content-length", length)
        .body(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024)))
        .send()
        .await?;
    response.error_for_status()?.bytes().await?;
    Ok(length >> 20)
}
