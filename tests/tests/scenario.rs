//! The generated Scenario client against a local server replaying the
//! example in `specs/scenario.yaml`.

use base64::Engine as _;
use integration_tests::documented;
use scenario_client::{types, Client, Credentials};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAGE: &str = "/paths/~1assets/get/responses/200/content/application~1json/example";

#[tokio::test]
async fn list_assets_decodes_the_example_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/assets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented("scenario", PAGE)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Credentials::api_key("key", "secret")).unwrap();

    let page = client.list_assets().send().await.unwrap().into_inner();

    assert_eq!(page.next_pagination_token.as_deref(), Some("eyJpZCI6ImFzc2V0X0dUckwzbXE0In0"));
    let asset = &page.assets[0];
    assert_eq!(asset.id, "asset_GTrL3mq4SXWyMxkOHRxlpw");
    assert_eq!(asset.kind, types::AssetKind::Image);
    assert_eq!(asset.privacy, types::Privacy::Private);
    assert_eq!(asset.status, types::AssetStatus::Success);
    assert_eq!(asset.edit_capabilities, ["DETECTION", "UPSCALE"]);
    assert_eq!(asset.created_at.to_rfc3339(), "2023-02-03T11:19:41.579+00:00");
    assert_eq!(asset.metadata.type_, types::AssetType::InferenceTxt2img);
    assert_eq!(asset.metadata.width, Some(1024.0));
    assert_eq!(asset.metadata.size, Some(1518230.0));
}

#[test]
fn example_page_round_trips_exactly() {
    let mut documented = documented("scenario", PAGE);
    let decoded: types::AssetPage = serde_json::from_value(documented.clone()).unwrap();
    // `guidance` is not in the schema: decoding ignores it, so it is not written back.
    documented["assets"][0]["metadata"].as_object_mut().unwrap().remove("guidance").unwrap();
    assert_eq!(numbers_as_floats(serde_json::to_value(&decoded).unwrap()), numbers_as_floats(documented));
}

/// Metadata numbers are `number` in the spec (they may be fractional), so
/// `1024` comes back as `1024.0`: compare every number by value.
fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_as_floats(v))).collect()),
        other => other,
    }
}

#[test]
fn asset_types_have_readable_names_and_unknown_values_are_kept() {
    let cases = [
        ("3d23d", types::AssetType::ThreeD23d),
        ("3d23d-texture", types::AssetType::ThreeD23dTexture),
        ("3d-texture-albedo", types::AssetType::ThreeDTextureAlbedo),
        ("img23d", types::AssetType::Img23d),
        ("txt23d", types::AssetType::Txt23d),
        ("skybox-base-360", types::AssetType::SkyboxBase360),
        ("upscale-video", types::AssetType::UpscaleVideo),
    ];
    for (wire, variant) in cases {
        assert_eq!(serde_json::from_value::<types::AssetType>(json!(wire)).unwrap(), variant);
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(wire));
    }
    assert_eq!(types::AssetType::KNOWN.len(), 71);
    let new = serde_json::from_value::<types::AssetType>(json!("audio2video")).unwrap();
    assert_eq!(new, types::AssetType::Other("audio2video".into()));
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("audio2video"));
    assert_eq!(types::AssetKind::ThreeD.as_str(), "3d");
}

#[tokio::test]
async fn every_query_parameter_goes_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": []})))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Credentials::api_key("key", "secret")).unwrap();
    let after = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap().to_utc();

    client
        .list_assets()
        .author_id("user_1")
        .collection_id("col_1")
        .created_after(after)
        .created_before(after)
        .inference_id("inf_1")
        .model_id("model_1")
        .original_assets(true)
        .page_size(std::num::NonZeroU64::new(25).unwrap())
        .pagination_token("tok")
        .parent_asset_id("parent_1")
        .privacy(types::Privacy::Public)
        .root_asset_id("root_1")
        .sort_by(types::SortBy::CreatedAt)
        .sort_direction(types::SortDirection::Desc)
        .tags("landscape,night")
        .types(vec![types::AssetType::ThreeD23d, types::AssetType::Canvas])
        .updated_after(after)
        .updated_before(after)
        .send()
        .await
        .unwrap();
    client.list_assets().type_(types::AssetType::Uploaded).send().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let date = "2024-01-01T00%3A00%3A00Z";
    assert_eq!(
        requests[0].url.query().unwrap(),
        format!(
            "authorId=user_1&collectionId=col_1&createdAfter={date}&createdBefore={date}&inferenceId=inf_1&modelId=model_1\
             &originalAssets=true&pageSize=25&paginationToken=tok&parentAssetId=parent_1&privacy=public\
             &rootAssetId=root_1&sortBy=createdAt&sortDirection=desc&tags=landscape%2Cnight\
             &types=3d23d%2Ccanvas&updatedAfter={date}&updatedBefore={date}"
        )
    );
    assert_eq!(requests[1].url.query(), Some("type=uploaded"));
}

#[tokio::test]
async fn basic_and_public_credentials_send_the_documented_authorization() {
    let server = MockServer::start().await;
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("key:secret"));
    Mock::given(header("authorization", basic.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "public-auth-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": []})))
        .expect(1)
        .mount(&server)
        .await;

    Client::new(&server.uri(), Credentials::api_key("key", "secret")).unwrap().list_assets().send().await.unwrap();
    Client::new(&server.uri(), Credentials::public()).unwrap().list_assets().send().await.unwrap();
}

/// FACTS.md lists the exact query parameter names of `GET /assets`, from
/// the vendor's own published description; the spec has exactly those.
#[test]
fn list_assets_query_parameters_are_the_vendors_names() {
    let facts = std::fs::read_to_string(integration_tests::repo_root().join("../shared/api-docs/FACTS.md")).unwrap();
    let line = facts.lines().find(|line| line.contains("`GET /assets`: every query parameter is optional")).expect("FACTS.md lists the names");
    let listed = line.split("Their exact names").nth(1).and_then(|rest| rest.split(" All are").next()).unwrap();
    let mut documented: Vec<&str> = listed.split('`').skip(1).step_by(2).filter(|name| !["asc", "desc"].contains(name)).collect();
    documented.sort();

    let spec = integration_tests::spec("scenario");
    let mut in_spec: Vec<String> = spec["paths"]["/assets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|parameter| parameter["in"] == "query")
        .map(|parameter| parameter["name"].as_str().unwrap().to_owned())
        .collect();
    in_spec.sort();

    assert_eq!(in_spec, documented);
}
