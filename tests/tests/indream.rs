//! The generated Indream client against a local server that replays the
//! examples documented in `specs/indream.yaml`.

use indream_client::{types, Client, Credentials, Error};
use integration_tests::documented;
use serde_json::json;
use wiremock::matchers::{body_bytes, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
const LIST_OK: &str = "/paths/~1v1~1projects~1{projectId}~1assets/get/responses/200/content/application~1json/example";
const UPLOAD_OK: &str = "/paths/~1v1~1uploads/post/responses/201/content/application~1json/example";
const PROBLEM: &str = "/components/responses/Problem/content/application~1json/example";

fn client(server: &MockServer) -> Client {
    Client::new(&server.uri(), Credentials::api_key("test-key")).expect("valid client settings")
}

fn project() -> uuid::Uuid {
    uuid::Uuid::parse_str(PROJECT).unwrap()
}

#[tokio::test]
async fn list_project_assets_decodes_the_documented_example() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/projects/{PROJECT}/assets")))
        .and(header("x-api-key", "test-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented("indream", LIST_OK)))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_project_assets().project_id(project()).send().await.unwrap().into_inner();

    assert_eq!(page.data.len(), 1);
    let asset = &page.data[0];
    assert_eq!(asset.asset_id.to_string(), "9179b887-04ef-4ce5-ab3a-b5bbd39ea3c8");
    assert_eq!(asset.type_, "string");
    assert_eq!(asset.source.as_deref(), Some("string"));
    assert_eq!(asset.filename, "string");
    assert_eq!(asset.mimetype, "string");
    assert_eq!(asset.size, Some(0));
    assert_eq!(asset.file_url, "string");
    assert_eq!(asset.file_key, "string");
    assert_eq!((asset.width, asset.height, asset.duration), (Some(0.0), Some(0.0), Some(0.0)));
    assert_eq!(page.meta.next_page_cursor.as_deref(), Some("string"));
}

#[tokio::test]
async fn list_project_assets_decodes_nulls_fractions_and_extra_meta_keys() {
    let server = MockServer::start().await;
    let body = json!({
        "data": [{
            "assetId": "9179b887-04ef-4ce5-ab3a-b5bbd39ea3c8", "type": "video", "source": null,
            "filename": "clip.mp4", "mimetype": "video/mp4", "size": null, "fileUrl": "https://cdn/x",
            "fileKey": "k/x", "width": null, "height": 1080.5, "duration": 12.345
        }],
        "meta": { "nextPageCursor": null, "total": 1 }
    });
    Mock::given(method("GET"))
        .and(path(format!("/v1/projects/{PROJECT}/assets")))
        .and(query_param("pageSize", "10"))
        .and(query_param("pageCursor", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .list_project_assets()
        .project_id(project())
        .page_size(std::num::NonZeroU64::new(10).unwrap())
        .page_cursor("abc")
        .send()
        .await
        .unwrap()
        .into_inner();

    let asset = &page.data[0];
    assert_eq!(asset.source, None);
    assert_eq!(asset.size, None);
    assert_eq!(asset.width, None);
    assert_eq!(asset.height, Some(1080.5));
    assert_eq!(asset.duration, Some(12.345));
    assert_eq!(page.meta.next_page_cursor, None);
}

#[tokio::test]
async fn upload_asset_sends_raw_bytes_and_headers_and_decodes_201() {
    let server = MockServer::start().await;
    let bytes = b"\x00\x01binary video bytes\xff".to_vec();
    Mock::given(method("POST"))
        .and(path("/v1/uploads"))
        .and(header("x-api-key", "test-key"))
        .and(header("x-file-name", "clip one.mp4"))
        .and(header("x-project-id", PROJECT))
        .and(header("content-type", "application/octet-stream"))
        .and(body_bytes(bytes.clone()))
        .respond_with(ResponseTemplate::new(201).set_body_json(documented("indream", UPLOAD_OK)))
        .expect(1)
        .mount(&server)
        .await;

    let created = client(&server)
        .upload_asset()
        .x_file_name("clip one.mp4")
        .x_project_id(project())
        .body(bytes)
        .send()
        .await
        .unwrap();

    assert_eq!(created.status().as_u16(), 201);
    let created = created.into_inner();
    assert_eq!(created.data.asset_id.to_string(), "9179b887-04ef-4ce5-ab3a-b5bbd39ea3c8");
    assert!(created.meta.is_empty());
}

#[tokio::test]
async fn error_status_yields_the_typed_problem_with_its_error_code() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(documented("indream", PROBLEM)))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).list_project_assets().project_id(project()).send().await.unwrap_err();

    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status.as_u16(), 403);
    assert_eq!(api.host, format!("127.0.0.1:{}", server.address().port()), "the host keeps its port");
    let problem: &types::Problem = api.body.as_ref().unwrap();
    assert_eq!(problem.error_code.as_deref(), Some("OPEN_API_RUNTIME_ACCESS_FORBIDDEN"));
    assert_eq!(problem.type_, "FORBIDDEN");
    assert_eq!(problem.status, 403);
    assert_eq!(problem.detail, "The current account is not eligible for this Open API route");
}

#[tokio::test]
async fn upload_error_yields_the_typed_problem() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(documented("indream", PROBLEM)))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).upload_asset().x_file_name("a.txt").body(b"x".to_vec()).send().await.unwrap_err();

    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status.as_u16(), 422);
    assert_eq!(error.body().unwrap().error_code.as_deref(), Some("OPEN_API_RUNTIME_ACCESS_FORBIDDEN"));
}

#[test]
fn file_name_longer_than_512_characters_is_rejected_before_sending() {
    let too_long = "a".repeat(513);
    assert!(types::UploadAssetXFileName::try_from(too_long.as_str()).is_err());
    assert!(types::UploadAssetXFileName::try_from("a".repeat(512).as_str()).is_ok());
    assert!(types::UploadAssetXFileName::try_from("").is_err());
}
