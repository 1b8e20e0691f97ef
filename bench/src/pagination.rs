//! Streaming 100 000 items over 1 000 pages: the generated `items()` stream
//! against a hand-written reqwest loop following the same cursor.

use anyhow::Result;
use futures::TryStreamExt;
use serde::Deserialize;

use crate::server::{PAGES, PER_PAGE};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// Prints the pagination table.
pub fn report() -> Result<()> {
    crate::measure::side_by_side(
        &format!("Pagination: {} items over {PAGES} pages", PAGES * PER_PAGE),
        "pages",
        "pagination",
        "items",
        ["hand-written reqwest loop", "generated `items()` stream"],
    )
}

/// The generated client's item stream.
pub async fn generated(address: &str) -> Result<u64> {
    let client = indream_client::Client::new(address, indream_client::Credentials::api_key("bench"))?;
    let mut items = std::pin::pin!(client.list_project_assets().project_id(uuid::Uuid::parse_str(PROJECT)?).items());
    let mut count = 0u64;
    while let Some(asset) = items.try_next().await? {
        std::hint::black_box(&asset);
        count += 1;
    }
    Ok(count)
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub(crate) struct Asset {
    #[serde(rename = "assetId")]
    asset_id: uuid::Uuid,
    #[serde(rename = "type")]
    kind: String,
    source: Option<String>,
    filename: String,
    mimetype: String,
    size: Option<i64>,
    #[serde(rename = "fileUrl")]
    file_url: String,
    #[serde(rename = "fileKey")]
    file_key: String,
    width: Option<f64>,
    height: Option<f64>,
    duration: Option<f64>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "nextPageCursor")]
    next_page_cursor: Option<String>,
}

/// One page, decoded the way a hand-written client would.
#[derive(Deserialize)]
pub struct Page {
    pub(crate) data: Vec<Asset>,
    meta: Meta,
}

/// What a user would write by hand with reqwest and serde.
pub async fn handwritten(address: &str) -> Result<u64> {
    let client = reqwest::Client::new();
    let url = format!("{address}/v1/projects/{PROJECT}/assets");
    let mut cursor: Option<String> = None;
    let mut count = 0u64;
    loop {
        let mut request = client.get(&url).header("x-api-key", "bench");
        if let Some(cursor) = &cursor {
            request = request.query(&[("pageCursor", cursor)]);
        }
        let page: Page = request.send().await?.error_for_status()?.json().await?;
        for asset in page.data {
            std::hint::black_box(&asset);
            count += 1;
        }
        match page.meta.next_page_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(count),
        }
    }
}
