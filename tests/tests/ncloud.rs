//! The generated NAVER Cloud Media Intelligence client against a local
//! server replaying the examples in `specs/ncloud-media-intelligence.yaml`.

use ncloud_media_intelligence_client::{types, Client, Credentials, Error};
use integration_tests::documented;
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "ncloud-media-intelligence";
const OPERATION: &str = "/paths/~1api~1v1~1workspaces~1{workspace_name}~1projects~1{project_id}~1assets/get";

fn example(status: &str) -> serde_json::Value {
    documented(SPEC, &format!("{OPERATION}/responses/{status}/content/application~1json/example"))
}

fn client(server: &MockServer) -> Client {
    Client::new(&server.uri(), Credentials::access_key("ACCESS_KEY_ID", "SECRET_KEY")).unwrap()
}

async fn list_first_page(client: &Client) -> Result<types::MediaAssetListResponse, Error> {
    let page_size = std::num::NonZeroU64::new(100).unwrap();
    let response = client
        .list_media_assets()
        .workspace_name("my-workspace")
        .project_id("1234")
        .page_num(std::num::NonZeroU64::MIN)
        .page_size(page_size)
        .send()
        .await?;
    Ok(response.into_inner())
}

#[tokio::test]
async fn list_media_assets_decodes_the_documented_page_of_three() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/workspaces/my-workspace/projects/1234/assets"))
        .and(query_param("pageNum", "1"))
        .and(query_param("pageSize", "100"))
        .and(header("content-type", "application/json"))
        .and(header("x-ncp-iam-access-key", "ACCESS_KEY_ID"))
        .and(header_exists("x-ncp-apigw-timestamp"))
        .and(header_exists("x-ncp-apigw-signature-v2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("200")))
        .expect(1)
        .mount(&server)
        .await;

    let page = list_first_page(&client(&server)).await.unwrap();

    assert_eq!((page.code.as_str(), page.message.as_str()), ("0", "success"));
    let result = &page.result;
    assert_eq!((result.total_count, result.total_page, result.page_no, result.page_size), (3, 1, 1, 100));
    let ids: Vec<_> = result.content.iter().map(|a| a.asset_id.unwrap()).collect();
    assert_eq!(ids, [1001, 1002, 1003]);
    let first = &result.content[0];
    assert_eq!(first.file_name.as_deref(), Some("sample-video-one.mp4"));
    assert_eq!(first.project_id, Some(1234));
    assert_eq!(first.key.as_deref(), Some("sample-video-one.mp4"));
    assert_eq!(first.create_user_name.as_deref(), Some("user1"));
    let meta = first.meta_data.as_ref().unwrap();
    assert_eq!(meta.resolution.as_deref(), Some("1280x720"));
    assert_eq!((meta.duration_ms, meta.size), (Some(91565), Some(101176289)));
    assert_eq!(meta.format, Some(types::MediaFormat::Mp4));
    let created = first.created_time.as_ref().unwrap();
    let expected = chrono::NaiveDate::from_ymd_opt(2025, 4, 23).unwrap().and_hms_opt(16, 49, 24).unwrap();
    assert_eq!(**created, expected);
}

#[tokio::test]
async fn documented_page_round_trips_exactly() {
    let documented = example("200");
    let decoded: types::MediaAssetListResponse = serde_json::from_value(documented.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), documented);
}

#[tokio::test]
async fn unknown_format_and_extra_fields_are_kept_or_ignored() {
    let server = MockServer::start().await;
    let body = json!({
        "code": "0", "message": "success", "newTopLevel": true,
        "result": {
            "content": [{"assetId": 7, "metaData": {"format": "avi", "codec": "h265"}, "createdTime": "2025-01-02T03:04:05"}],
            "totalCount": 1, "totalPage": 1, "pageNo": 1, "pageSize": 100
        }
    });
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;

    let page = list_first_page(&client(&server)).await.unwrap();

    let format = page.result.content[0].meta_data.as_ref().unwrap().format.clone().unwrap();
    assert_eq!(format, types::MediaFormat::Other("avi".into()));
    assert_eq!(format.to_string(), "avi");
    assert!(!format.is_known());
}

#[tokio::test]
async fn service_error_decodes_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(400).set_body_json(example("400"))).mount(&server).await;

    let error = list_first_page(&client(&server)).await.unwrap_err();

    let Error::Api(api) = &error else { panic!("API error expected, got {error:?}") };
    assert_eq!(api.status.as_u16(), 400);
    let body = api.body.as_ref().unwrap();
    assert_eq!((body.code.as_deref(), body.message.as_deref()), (Some("10001"), Some("Invalid Request")));
}

#[tokio::test]
async fn gateway_errors_decode_for_every_documented_status() {
    for status in [401u16, 403, 404, 429] {
        let server = MockServer::start().await;
        let gateway = documented(SPEC, "/components/responses/GatewayError/content/application~1json/example");
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(status).set_body_json(gateway)).mount(&server).await;

        let client = client(&server).with_retry_policy(sdk_runtime::RetryPolicy::none());
        let error = list_first_page(&client).await.unwrap_err();

        match (&error, status) {
            (Error::RateLimited(_), 429) | (Error::Api(_), 401 | 403 | 404) => {}
            _ => panic!("unexpected {error:?} for {status}"),
        }
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let detail = error.body().unwrap().error.as_ref().unwrap();
        assert_eq!(detail.error_code.as_deref(), Some("200"));
        assert_eq!(detail.message.as_deref(), Some("Authentication Failed"));
    }
}
