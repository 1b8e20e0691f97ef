//! Per-call overhead: sequential calls of one endpoint through the generated
//! client against the same call hand-written with reqwest and serde.

use anyhow::Result;


const CALLS: u64 = 5_000;
const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// Prints the overhead table.
pub fn report() -> Result<()> {
    crate::measure::side_by_side(
        &format!("Client overhead: {CALLS} sequential calls of one 100-item page"),
        "single",
        "overhead",
        "requests",
        ["hand-written reqwest + serde", "generated client"],
    )
}

pub async fn generated(address: &str) -> Result<u64> {
    let client = indream_client::Client::new(address, indream_client::Credentials::api_key("bench"))?;
    let project = uuid::Uuid::parse_str(PROJECT)?;
    for _ in 0..CALLS {
        let page = client.list_project_assets().project_id(project).send().await?;
        std::hint::black_box(page.into_inner());
    }
    Ok(CALLS)
}

pub async fn handwritten(address: &str) -> Result<u64> {
    let client = reqwest::Client::new();
    let url = format!("{address}/v1/projects/{PROJECT}/assets");
    for _ in 0..CALLS {
        let page: crate::pagination::Page = client.get(&url).header("x-api-key", "bench").send().await?.error_for_status()?.json().await?;
        std::hint::black_box(page.data);
    }
    Ok(CALLS)
}
