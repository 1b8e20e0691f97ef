//! The generated mock helpers (`mock` feature) of each seed crate, used as
//! a user's test would use them: pagination followed to the end, an error
//! status, and an upload (or a JSON body) expected once. Each test also
//! shows what the mock refuses — a missing or wrong credential, a renamed
//! cursor or page parameter, a stale NAVER Cloud signature, a path without
//! the base path, a different body — so that a test written against the
//! mocks fails when the client's wire behaviour changes.

use std::panic::AssertUnwindSafe;

use futures::{FutureExt, TryStreamExt};
use sdk_runtime::reqwest;

/// The status and body of a request the mock server refused (`501`, with
/// the reason each mock refused it), from a call's error.
fn refusal<E: std::fmt::Debug>(error: sdk_runtime::Error<E>) -> String {
    match error {
        sdk_runtime::Error::Api(api) if api.status == 501 => api.text,
        other => panic!("expected the mock server's 501 refusal, got {other:?}"),
    }
}

/// What the server says about a raw request (a broken client's), which must be refused.
async fn raw_refusal(request: reqwest::RequestBuilder) -> String {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 501, "the mock server took a request it should refuse");
    response.text().await.unwrap()
}

/// Whether `verify` panics: an expectation is unmet. The server is reset
/// afterwards, so dropping it does not panic again.
macro_rules! verification_fails {
    ($server:expr) => {{
        let failed = AssertUnwindSafe($server.verify()).catch_unwind().await.is_err();
        $server.reset().await;
        failed
    }};
}

mod indream {
    use super::*;
    use indream_client::mock::{MockServer, Sample};
    use indream_client::{types, Client, Credentials, Error, Upload};

    const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

    fn asset(filename: &str) -> types::Asset {
        types::Asset { filename: filename.to_owned(), ..types::Asset::sample() }
    }

    fn project() -> uuid::Uuid {
        uuid::Uuid::parse_str(PROJECT).unwrap()
    }

    #[tokio::test]
    async fn pages_follow_the_cursor_to_the_end() {
        let server = MockServer::start().await;
        server
            .list_project_assets()
            .project_id(project())
            .page_size(2u64)
            .respond_pages([vec![asset("a"), asset("b")], vec![asset("c"), asset("d")], vec![asset("e")]])
            .await;

        let assets: Vec<types::Asset> =
            server.client().list_project_assets().project_id(project()).page_size(2u64).items().try_collect().await.unwrap();

        let names: Vec<&str> = assets.iter().map(|asset| asset.filename.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        let requests = server.wiremock().received_requests().await.unwrap();
        let cursors: Vec<Option<String>> = requests
            .iter()
            .map(|request| request.url.query_pairs().find(|(name, _)| name == "pageCursor").map(|(_, value)| value.into_owned()))
            .collect();
        assert_eq!(cursors, [None, Some("mock-cursor-2".to_owned()), Some("mock-cursor-3".to_owned())]);
        server.verify().await;
    }

    #[tokio::test]
    async fn a_renamed_cursor_gets_the_first_page_again_and_a_page_too_many_is_refused() {
        let server = MockServer::start().await;
        server.list_project_assets().project_id(project()).respond_pages([vec![asset("a")], vec![asset("b")]]).await;
        let http = reqwest::Client::new();
        let url = format!("{}/v1/projects/{PROJECT}/assets", server.base_url());
        let get = |query: &str| http.get(format!("{url}?{query}")).header("x-api-key", "mock-api-key").header("accept", "application/json");

        // As the API would, the mock ignores an unknown parameter: a client
        // that renamed the cursor reads page 1 again (and page 1 is then
        // requested twice, page 2 never: verification fails).
        let again: serde_json::Value = get("cursor=mock-cursor-2").send().await.unwrap().json().await.unwrap();
        assert_eq!(again["meta"]["nextPageCursor"], "mock-cursor-2");
        get("").send().await.unwrap();
        let past_the_end = raw_refusal(get("pageCursor=mock-cursor-3")).await;
        assert!(past_the_end.contains("listProjectAssets page 2 of 2: query parameter `pageCursor` is [\"mock-cursor-3\"], expected [\"mock-cursor-2\"]"), "{past_the_end}");
        assert!(verification_fails!(server));
    }

    #[tokio::test]
    async fn upload_is_expected_once_with_its_bytes_type_and_length() {
        let server = MockServer::start().await;
        server
            .upload_asset()
            .x_file_name("notes.txt")
            .body(&b"file contents"[..])
            .content_type("text/plain")
            .expect(1)
            .respond(&types::UploadedAsset::sample())
            .await;

        // A file streamed from disk: its name and type come from its path,
        // its length goes in `Content-Length`.
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("notes.txt");
        std::fs::write(&path, "file contents").unwrap();
        let upload = Upload::from_path(&path).await.unwrap();
        let created = server.client().upload_asset().send_upload(upload).await.unwrap().into_inner();

        assert_eq!(created.data.filename, types::UploadedAsset::sample().data.filename);
        server.verify().await;
    }

    #[tokio::test]
    async fn an_upload_with_other_bytes_or_none_at_all_fails_verification() {
        let server = MockServer::start().await;
        server.upload_asset().body(&b"file contents"[..]).expect(1).respond_documented(201).await;

        let other = Upload::from_bytes(&b"other contents"[..]).with_file_name("notes.txt");
        let error = server.client().upload_asset().send_upload(other).await.unwrap_err();

        assert!(refusal(error).contains("body is 14 byte(s) `other contents`, expected 13 byte(s) `file contents`"));
        assert!(verification_fails!(server));
    }

    #[tokio::test]
    async fn documented_and_typed_errors_decode_as_the_problem_type() {
        let server = MockServer::start().await;
        server.list_project_assets().project_id(project()).respond_documented(422).await;
        let problem = types::Problem { detail: "no such project".to_owned(), status: 404, ..types::Problem::sample() };
        let other = uuid::Uuid::nil();
        server.list_project_assets().project_id(other).respond_error(404, &problem).await;
        let client = server.client();

        let Err(Error::Api(documented)) = client.list_project_assets().project_id(project()).send().await else { panic!("expected a 422") };
        let Err(Error::Api(typed)) = client.list_project_assets().project_id(other).send().await else { panic!("expected a 404") };

        assert_eq!((documented.status.as_u16(), documented.body.unwrap().error_code.as_deref()), (422, Some("OPEN_API_RUNTIME_ACCESS_FORBIDDEN")));
        assert_eq!((typed.status.as_u16(), typed.body.unwrap().detail.as_str()), (404, "no such project"));
    }

    #[tokio::test]
    async fn a_missing_or_wrong_api_key_is_refused() {
        let server = MockServer::start().await;
        server.list_project_assets().respond(&types::AssetPage::sample()).await;

        let none = Client::new(&server.base_url(), Credentials::none()).unwrap();
        let wrong = Client::new(&server.base_url(), Credentials::api_key("another-key")).unwrap();
        let missing = refusal(none.list_project_assets().project_id(project()).send().await.unwrap_err());
        let refused = refusal(wrong.list_project_assets().project_id(project()).send().await.unwrap_err());

        assert!(missing.contains("credentials refused (ApiKeyAuth: no `x-api-key` header)"), "{missing}");
        assert!(refused.contains("header `x-api-key` is `another-key`, expected `mock-api-key`"), "{refused}");
        server.reset().await;
    }
}

mod ncloud {
    use super::*;
    use ncloud_media_intelligence_client::mock::{MockServer, Sample};
    use ncloud_media_intelligence_client::{types, Client, Credentials, Error};

    fn asset(id: i64) -> types::MediaAsset {
        types::MediaAsset { asset_id: Some(id), ..types::MediaAsset::sample() }
    }

    fn request(client: &Client) -> ncloud_media_intelligence_client::builder::ListMediaAssets<'_> {
        client.list_media_assets().workspace_name("my-workspace").project_id("1234").page_num(1u64).page_size(2u64)
    }

    #[tokio::test]
    async fn signed_pages_are_numbered_to_the_last() {
        let server = MockServer::start().await;
        server
            .list_media_assets()
            .workspace_name("my-workspace")
            .project_id("1234")
            .page_num(1u64)
            .page_size(2u64)
            .respond_pages([vec![asset(1), asset(2)], vec![asset(3), asset(4)], vec![asset(5)]])
            .await;

        let assets: Vec<types::MediaAsset> = request(&server.client()).items().try_collect().await.unwrap();

        let ids: Vec<Option<i64>> = assets.iter().map(|asset| asset.asset_id).collect();
        assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
        let requests = server.wiremock().received_requests().await.unwrap();
        let pages: Vec<String> = requests.iter().map(|request| request.url.query().unwrap_or_default().to_owned()).collect();
        assert_eq!(pages, ["pageNum=1&pageSize=2", "pageNum=2&pageSize=2", "pageNum=3&pageSize=2"]);
        server.verify().await;
    }

    #[tokio::test]
    async fn documented_errors_keep_the_shape_of_each_status() {
        let server = MockServer::start().await;
        let mock = || server.list_media_assets().workspace_name("my-workspace").project_id("1234");
        mock().page_size(2u64).respond_documented(400).await;
        mock().page_size(3u64).respond_documented(401).await;
        mock().page_size(4u64).respond_failed_envelope("10001").await;
        let client = server.client();
        let call = |size: u64| client.list_media_assets().workspace_name("my-workspace").project_id("1234").page_num(1u64).page_size(size).send();

        let Err(Error::Api(service)) = call(2).await else { panic!("expected a 400") };
        let Err(Error::Api(gateway)) = call(3).await else { panic!("expected a 401") };
        let Err(Error::Api(envelope)) = call(4).await else { panic!("expected a failed envelope") };

        assert_eq!((service.status.as_u16(), service.body.unwrap().code.as_deref()), (400, Some("10001")));
        let detail = gateway.body.unwrap().error.unwrap();
        assert_eq!((gateway.status.as_u16(), detail.error_code.as_deref()), (401, Some("200")));
        assert_eq!(envelope.status, 200);
        assert!(envelope.text.contains("\"code\":\"10001\""), "{}", envelope.text);
    }

    #[tokio::test]
    async fn a_signature_with_another_secret_or_for_another_query_is_refused() {
        let server = MockServer::start().await;
        server.list_media_assets().respond(&types::MediaAssetListResponse::sample()).await;

        let other_secret = Client::new(&server.base_url(), Credentials::access_key("mock-access-key", "another-secret")).unwrap();
        let refused = refusal(request(&other_secret).send().await.unwrap_err());
        assert!(refused.contains("credentials refused (NcpApiGateway: `x-ncp-apigw-signature-v2` is"), "{refused}");
        assert!(refused.contains("but `GET /api/v1/workspaces/my-workspace/projects/1234/assets?pageNum=1&pageSize=2` at"), "{refused}");

        // A signature that was right for page 1, replayed for page 2, and an hour-old one.
        let path = "/api/v1/workspaces/my-workspace/projects/1234/assets";
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
        let signed = |query: &str, at: u128| {
            let signature = sdk_runtime::ncp_signature_v2("GET", &format!("{path}?{query}"), &at.to_string(), "mock-access-key", "mock-secret-key");
            reqwest::Client::new()
                .get(format!("{}{path}?pageNum=2&pageSize=2", server.base_url()))
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .header("x-ncp-apigw-timestamp", at.to_string())
                .header("x-ncp-iam-access-key", "mock-access-key")
                .header("x-ncp-apigw-signature-v2", signature)
        };
        let replayed = raw_refusal(signed("pageNum=1&pageSize=2", now)).await;
        assert!(replayed.contains("`GET /api/v1/workspaces/my-workspace/projects/1234/assets?pageNum=2&pageSize=2` at"), "{replayed}");
        let stale = raw_refusal(signed("pageNum=2&pageSize=2", now - 3_600_000)).await;
        assert!(stale.contains("is more than five minutes from now"), "{stale}");
        server.reset().await;
    }

    #[tokio::test]
    async fn a_missing_default_content_type_is_refused() {
        let server = MockServer::start().await;
        server.list_media_assets().respond(&types::MediaAssetListResponse::sample()).await;
        let signed = server.client();
        // The signed request goes through; the same request without the
        // documented `Content-Type: application/json` would not.
        request(&signed).send().await.unwrap();
        let bare = raw_refusal(reqwest::Client::new().get(format!("{}/api/v1/workspaces/w/projects/1/assets", server.base_url()))).await;
        assert!(bare.contains("header `content-type` is None, the API requires `application/json`"), "{bare}");
        server.reset().await;
    }
}

mod scenario {
    use super::*;
    use scenario_client::mock::{MockServer, Sample};
    use scenario_client::{types, Client, Credentials, Error};

    fn asset(id: &str) -> types::Asset {
        types::Asset { id: id.to_owned(), ..types::Asset::sample() }
    }

    #[tokio::test]
    async fn token_pages_end_without_a_token() {
        let server = MockServer::start().await;
        server.list_assets().page_size(2u64).respond_pages([vec![asset("a"), asset("b")], vec![asset("c")]]).await;

        let assets: Vec<types::Asset> = server.client().list_assets().page_size(2u64).items().try_collect().await.unwrap();

        let ids: Vec<&str> = assets.iter().map(|asset| asset.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let requests = server.wiremock().received_requests().await.unwrap();
        let paths: Vec<String> = requests.iter().map(|request| format!("{}?{}", request.url.path(), request.url.query().unwrap_or_default())).collect();
        assert_eq!(paths, ["/v1/assets?pageSize=2", "/v1/assets?pageSize=2&paginationToken=mock-cursor-2"]);
        server.verify().await;
    }

    #[tokio::test]
    async fn a_value_that_does_not_convert_panics_naming_the_operation_parameter_and_type() {
        let server = MockServer::start().await;

        let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| server.list_assets().page_size(0u64))).expect_err("0 is no page size");

        let message = panicked.downcast_ref::<String>().map(String::as_str).unwrap_or_default();
        assert_eq!(message, "mock of listAssets: the value for `pageSize` does not convert to `NonZero<u64>`");
        server.list_assets().page_size(2u64).expect(0).respond_status(204).await;
        server.verify().await;
    }

    #[tokio::test]
    async fn public_access_is_the_other_security_alternative() {
        let server = MockServer::start().await;
        server.list_assets().expect(1).respond(&types::AssetPage::sample()).await;

        Client::new(&server.base_url(), Credentials::public()).unwrap().list_assets().send().await.unwrap();
        server.verify().await;
    }

    #[tokio::test]
    async fn an_error_status_returns_its_body_and_wrong_credentials_or_paths_are_refused() {
        let server = MockServer::start().await;
        server.list_assets().privacy(types::Privacy::Public).respond_error(403, &serde_json::json!({"error": "forbidden"})).await;
        server.list_assets().respond(&types::AssetPage::sample()).await;

        let Err(Error::Api(api)) = server.client().list_assets().privacy(types::Privacy::Public).send().await else { panic!("expected a 403") };
        assert_eq!((api.status.as_u16(), api.body), (403, Some(serde_json::json!({"error": "forbidden"}))));

        let wrong = Client::new(&server.base_url(), Credentials::api_key("mock-user", "another-password")).unwrap();
        let refused = refusal(wrong.list_assets().send().await.unwrap_err());
        assert!(refused.contains("ApiKey: Basic credentials are `mock-user:another-password`, expected `mock-user:mock-password`"), "{refused}");
        assert!(refused.contains("; or PublicAccess: `Authorization` is `Basic "), "{refused}");

        // The spec's server URL ends in `/v1`: a client that drops it is refused.
        let no_base_path = Client::new(&server.wiremock().uri(), MockServer::credentials()).unwrap();
        let refused = refusal(no_base_path.list_assets().send().await.unwrap_err());
        assert!(refused.contains("path is `/assets`, expected `/v1/assets`"), "{refused}");
        server.reset().await;
    }
}

mod mediapocket {
    use super::*;
    use mediapocket_client::mock::{MockServer, Sample};
    use mediapocket_client::{types, Client, Credentials, Error};

    const ASSET: &str = "bDzHAAxLXsSmhL4lax8D";

    fn new_attachment(title: &str) -> types::NewAttachment {
        types::NewAttachment { title: title.parse().unwrap() }
    }

    #[tokio::test]
    async fn list_decodes_and_a_missing_asset_is_the_documented_404() {
        let server = MockServer::start().await;
        server.list_asset_attachments().asset_id(ASSET).expect(1).respond(&types::AttachmentList::sample()).await;
        server.list_asset_attachments().asset_id("UqFkJDWdw7Sdg7TQZS-J").respond_documented(404).await;
        let client = server.client();

        let list = client.list_asset_attachments().asset_id(ASSET).send().await.unwrap().into_inner();
        let Err(Error::Api(missing)) = client.list_asset_attachments().asset_id("UqFkJDWdw7Sdg7TQZS-J").send().await else { panic!("expected a 404") };

        assert_eq!(list.attachments.len(), types::AttachmentList::sample().attachments.len());
        assert_eq!((missing.status.as_u16(), missing.body.map(|body| body.error)), (404, Some("asset not found".to_owned())));
        server.verify().await;
    }

    #[tokio::test]
    async fn create_is_expected_once_with_its_json_body() {
        let server = MockServer::start().await;
        server
            .create_asset_attachment()
            .asset_id(ASSET)
            .body(new_attachment("sample attachment"))
            .expect(1)
            .respond(&types::CreatedAttachment::sample())
            .await;
        let client = server.client();

        client.create_asset_attachment().asset_id(ASSET).body(new_attachment("sample attachment")).send().await.unwrap();
        let other = client.create_asset_attachment().asset_id(ASSET).body(new_attachment("another title")).send().await.unwrap_err();

        let refused = refusal(other);
        assert!(refused.contains(r#"JSON body is {"title":"another title"}, expected {"title":"sample attachment"}"#), "{refused}");
        // The second request matched no mock.
        assert!(verification_fails!(server));
    }

    #[tokio::test]
    async fn a_call_without_the_api_key_is_refused() {
        let server = MockServer::start().await;
        server.list_asset_attachments().respond(&types::AttachmentList::sample()).await;

        let none = Client::new(&server.base_url(), Credentials::none()).unwrap();
        let refused = refusal(none.list_asset_attachments().asset_id(ASSET).send().await.unwrap_err());

        assert!(refused.contains("credentials refused (MediaPocketApiKey: no `x-api-key` header)"), "{refused}");
        server.reset().await;
    }
}

/// `cargo test --workspace` runs each crate's "Testing with mocks" example
/// only if some workspace member enables its `mock` feature: this crate
/// does, for every generated crate.
#[test]
fn every_generated_crate_is_built_with_its_mock_feature() {
    let root = integration_tests::repo_root();
    let manifest = std::fs::read_to_string(root.join("tests/Cargo.toml")).unwrap();
    let (_, table) = manifest.split_once("[target.'cfg(all())'.dev-dependencies]\n").expect("the mock table of tests/Cargo.toml");
    let with_mock: Vec<&str> = table
        .lines()
        .take_while(|line| !line.starts_with('['))
        .filter(|line| line.contains("features = [\"mock\"]"))
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .collect();
    for folder in ["generated", "tests/corpus/generated"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let Ok(text) = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml")) else { continue };
            let name = text.lines().find_map(|line| line.strip_prefix("name = ")).unwrap().trim_matches('"');
            assert!(
                with_mock.contains(&name),
                "tests/Cargo.toml: add `{name}` with `features = [\"mock\"]` to [target.'cfg(all())'.dev-dependencies]"
            );
        }
    }
}
