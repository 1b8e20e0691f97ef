//! The seed crates' command lines (feature `cli`), run as processes against
//! local servers: pagination as NDJSON, uploads, bodies from a flag, a file
//! or standard input, exit statuses and messages for API errors, missing
//! credentials, bad usage and failed connections.
//!
//! The binaries are `src/bin/cli-*.rs` of this package, each calling its
//! crate's `cli::main` as the crate's own binary does: cargo builds the
//! binaries of the package under test (and tells their paths in
//! `CARGO_BIN_EXE_*`), never those of a dependency. Standard output and
//! error are pipes here, so output is not indented and there is no progress bar.

use integration_tests::documented;
use serde_json::{json, Value};
use wiremock::matchers::{body_bytes, body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const INDREAM: &str = env!("CARGO_BIN_EXE_cli-indream");
const NCLOUD: &str = env!("CARGO_BIN_EXE_cli-ncloud-media-intelligence");
const SCENARIO: &str = env!("CARGO_BIN_EXE_cli-scenario");
const MEDIAPOCKET: &str = env!("CARGO_BIN_EXE_cli-mediapocket");

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// What a run of a command line left behind.
#[derive(Debug)]
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The JSON documents of standard output, one per line.
    fn lines(&self) -> Vec<Value> {
        self.stdout.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"))).collect()
    }
}

/// Runs `binary` with only `env` in its environment, `args`, and `stdin`.
fn run(binary: &str, env: &[(&str, &str)], args: &[&str], stdin: &[u8]) -> Run {
    let output = assert_cmd::Command::new(binary)
        .env_clear()
        .envs(env.iter().copied())
        .args(args)
        .write_stdin(stdin)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("the command line runs");
    Run {
        status: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    }
}

/// `value` as the command line prints it once decoded as a `$type`
/// (numbers of `number` fields become floats, for one).
macro_rules! as_decoded {
    ($type:ty, $value:expr) => {
        serde_json::to_value(serde_json::from_value::<$type>($value).expect("a documented value decodes")).unwrap()
    };
}

fn indream_asset(id: &str) -> Value {
    let page = documented("indream", "/paths/~1v1~1projects~1{projectId}~1assets/get/responses/200/content/application~1json/example");
    let mut asset = page["data"][0].clone();
    asset["assetId"] = json!(id);
    asset
}

#[tokio::test]
async fn indream_list_all_prints_every_item_of_every_page_once_as_ndjson() {
    let server = MockServer::start().await;
    let ids = ["9179b887-04ef-4ce5-ab3a-b5bbd39ea3c1", "9179b887-04ef-4ce5-ab3a-b5bbd39ea3c2", "9179b887-04ef-4ce5-ab3a-b5bbd39ea3c3"];
    let assets_path = format!("/v1/projects/{PROJECT}/assets");
    Mock::given(method("GET"))
        .and(path(assets_path.as_str()))
        .and(header("x-api-key", "secret-key"))
        .and(query_param_is_missing("pageCursor"))
        .and(query_param("pageSize", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [indream_asset(ids[0]), indream_asset(ids[1])],
            "meta": {"nextPageCursor": "c2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(assets_path.as_str()))
        .and(query_param("pageCursor", "c2"))
        .and(query_param("pageSize", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [indream_asset(ids[2])], "meta": {"nextPageCursor": null}})))
        .expect(1)
        .mount(&server)
        .await;

    let env = [("INDREAM_BASE_URL", server.uri()), ("INDREAM_API_KEY", "secret-key".to_owned())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run(INDREAM, &env, &["list-project-assets", "--project-id", PROJECT, "--page-size", "2", "--all"], b"");

    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    let printed: Vec<Value> = out.lines().iter().map(|item| item["assetId"].clone()).collect();
    assert_eq!(printed, ids.map(|id| json!(id)));
    assert_eq!(out.lines()[0], as_decoded!(indream_client::types::Asset, indream_asset(ids[0])));
}

#[tokio::test]
async fn indream_list_all_prints_the_items_before_a_failing_page_then_its_error() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("pageCursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [indream_asset(PROJECT)], "meta": {"nextPageCursor": "c2"}})))
        .mount(&server)
        .await;
    Mock::given(query_param("pageCursor", "c2"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-page-2").set_body_json(json!({"title": "Not Found", "status": 404})))
        .mount(&server)
        .await;

    let uri = server.uri();
    let out = run(INDREAM, &[("INDREAM_BASE_URL", &uri), ("INDREAM_API_KEY", "k")], &["list-project-assets", "--project-id", PROJECT, "--all"], b"");

    assert_eq!(out.status, Some(3));
    assert_eq!(out.lines().len(), 1);
    assert!(out.stderr.contains("404 Not Found") && out.stderr.contains("request id req-page-2"), "{}", out.stderr);
}

#[tokio::test]
async fn ncloud_list_all_follows_page_numbers() {
    let server = MockServer::start().await;
    let example = documented(
        "ncloud-media-intelligence",
        "/paths/~1api~1v1~1workspaces~1{workspace_name}~1projects~1{project_id}~1assets/get/responses/200/content/application~1json/example",
    );
    let page = |number: u64, ids: &[u64]| {
        let mut page = example.clone();
        let template = page["result"]["content"][0].clone();
        page["result"]["content"] = ids.iter().map(|id| {
            let mut asset = template.clone();
            asset["assetId"] = json!(id);
            asset
        }).collect();
        page["result"]["pageNo"] = json!(number);
        page["result"]["totalPage"] = json!(2);
        page
    };
    for (number, ids) in [(1u64, &[1u64, 2][..]), (2, &[3][..])] {
        Mock::given(method("GET"))
            .and(path("/api/v1/workspaces/my-workspace/projects/1234/assets"))
            .and(query_param("pageNum", number.to_string()))
            .and(header("x-ncp-iam-access-key", "ACCESS"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(number, ids)))
            .expect(1)
            .mount(&server)
            .await;
    }

    let uri = server.uri();
    let env = [("NCLOUD_MEDIA_INTELLIGENCE_BASE_URL", uri.as_str()), ("NCLOUD_ACCESS_KEY", "ACCESS"), ("NCLOUD_SECRET_KEY", "SECRET")];
    let args = ["list-media-assets", "--workspace-name", "my-workspace", "--project-id", "1234", "--page-num", "1", "--all"];
    let out = run(NCLOUD, &env, &args, b"");

    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    let ids: Vec<Value> = out.lines().iter().map(|item| item["assetId"].clone()).collect();
    assert_eq!(ids, [json!(1), json!(2), json!(3)]);
}

#[tokio::test]
async fn scenario_list_all_follows_pagination_tokens() {
    let server = MockServer::start().await;
    let example = documented("scenario", "/paths/~1assets/get/responses/200/content/application~1json/example");
    let asset = |id: &str| {
        let mut asset = example["assets"][0].clone();
        asset["id"] = json!(id);
        asset
    };
    let basic = "Basic a2V5OnNlY3JldA=="; // base64("key:secret")
    Mock::given(query_param_is_missing("paginationToken"))
        .and(query_param("privacy", "public"))
        .and(header("authorization", basic))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": [asset("asset_1"), asset("asset_2")], "nextPaginationToken": "t2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(query_param("paginationToken", "t2"))
        .and(query_param("privacy", "public"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": [asset("asset_3")]})))
        .expect(1)
        .mount(&server)
        .await;

    let uri = server.uri();
    let env = [("SCENARIO_BASE_URL", uri.as_str()), ("SCENARIO_API_KEY", "key"), ("SCENARIO_API_SECRET", "secret")];
    let out = run(SCENARIO, &env, &["list-assets", "--privacy", "public", "--all"], b"");

    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    let ids: Vec<Value> = out.lines().iter().map(|item| item["id"].clone()).collect();
    assert_eq!(ids, [json!("asset_1"), json!("asset_2"), json!("asset_3")]);
}

#[tokio::test]
async fn scenario_without_credentials_uses_public_access() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "public-auth-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assets": []})))
        .expect(1)
        .mount(&server)
        .await;

    let uri = server.uri();
    let out = run(SCENARIO, &[("SCENARIO_BASE_URL", &uri)], &["list-assets"], b"");

    assert_eq!((out.status, out.stdout.as_str(), out.stderr.as_str()), (Some(0), "{\"assets\":[]}\n", ""));
}

#[tokio::test]
async fn mediapocket_list_prints_the_response_as_one_line_of_json() {
    let server = MockServer::start().await;
    let example = documented(
        "mediapocket",
        "/paths/~1api~1v2~1assets~1{asset_id}~1attachments/get/responses/200/content/application~1json/examples/one/value",
    );
    Mock::given(method("GET"))
        .and(path("/api/v2/assets/bDzHAAxLXsSmhL4lax8D/attachments"))
        .and(header("x-api-key", "mp-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    let uri = server.uri();
    let env = [("MEDIAPOCKET_BASE_URL", uri.as_str()), ("MEDIAPOCKET_API_KEY", "mp-key")];
    let out = run(MEDIAPOCKET, &env, &["list-asset-attachments", "--asset-id", "bDzHAAxLXsSmhL4lax8D"], b"");

    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    assert_eq!(out.stdout.lines().count(), 1);
    assert_eq!(out.lines()[0]["attachments"][0]["id"], example["attachments"][0]["id"]);
}

#[tokio::test]
async fn mediapocket_body_comes_from_a_flag_a_file_or_standard_input() {
    let server = MockServer::start().await;
    let created = documented("mediapocket", "/paths/~1api~1v2~1assets~1{asset_id}~1attachments/post/responses/200/content/application~1json/example");
    Mock::given(method("POST"))
        .and(path("/api/v2/assets/NBmnCtuFCbI88s1cNHJX/attachments"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"title": "sample attachment"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&created))
        .expect(3)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, r#"{"title": "sample attachment"}"#).unwrap();
    let from_file = format!("@{}", file.display());

    let uri = server.uri();
    let env = [("MEDIAPOCKET_BASE_URL", uri.as_str()), ("MEDIAPOCKET_API_KEY", "mp-key")];
    let create = ["create-asset-attachment", "--asset-id", "NBmnCtuFCbI88s1cNHJX", "--body"];
    for (body, stdin) in [(r#"{"title":"sample attachment"}"#, ""), (from_file.as_str(), ""), ("-", r#"{"title": "sample attachment"}"#)] {
        let out = run(MEDIAPOCKET, &env, &[&create[..], &[body]].concat(), stdin.as_bytes());
        assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""), "--body {body}");
        assert_eq!(out.lines()[0]["asset"]["id"], json!("Hd0WZ_Wfpsv9_51bxXBt"));
    }
}

#[tokio::test]
async fn indream_upload_streams_the_file_without_a_progress_bar_when_not_a_terminal() {
    let server = MockServer::start().await;
    let contents = b"hello, indream".repeat(1000);
    let uploaded = documented("indream", "/paths/~1v1~1uploads/post/responses/201/content/application~1json/example");
    Mock::given(method("POST"))
        .and(path("/v1/uploads"))
        .and(header("x-file-name", "notes.txt"))
        .and(header("x-project-id", PROJECT))
        .and(header("content-type", "text/plain"))
        .and(header("content-length", contents.len().to_string()))
        .and(body_bytes(contents.clone()))
        .respond_with(ResponseTemplate::new(201).set_body_json(&uploaded))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, &contents).unwrap();

    let uri = server.uri();
    let env = [("INDREAM_BASE_URL", uri.as_str()), ("INDREAM_API_KEY", "k")];
    let out = run(INDREAM, &env, &["upload-asset", "--file", file.to_str().unwrap(), "--x-project-id", PROJECT], b"");

    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    assert_eq!(out.lines(), [as_decoded!(indream_client::types::UploadedAsset, uploaded)]);
}

#[tokio::test]
async fn api_errors_exit_3_with_the_status_and_request_id_on_stderr() {
    let server = MockServer::start().await;
    let problem = documented("indream", "/components/responses/Problem/content/application~1json/example");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-404").set_body_json(&problem))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-request-id", "req-400").set_body_json(json!({"error": "title is too long"})))
        .mount(&server)
        .await;
    let uri = server.uri();
    let runs = [
        (INDREAM, vec![("INDREAM_BASE_URL", uri.as_str()), ("INDREAM_API_KEY", "k")], vec!["list-project-assets", "--project-id", PROJECT], "404 Not Found", "req-404"),
        (
            NCLOUD,
            vec![("NCLOUD_MEDIA_INTELLIGENCE_BASE_URL", uri.as_str()), ("NCLOUD_ACCESS_KEY", "a"), ("NCLOUD_SECRET_KEY", "s")],
            vec!["list-media-assets", "--workspace-name", "w", "--project-id", "1", "--page-num", "1"],
            "404 Not Found",
            "req-404",
        ),
        (SCENARIO, vec![("SCENARIO_BASE_URL", uri.as_str())], vec!["list-assets"], "404 Not Found", "req-404"),
        (
            MEDIAPOCKET,
            vec![("MEDIAPOCKET_BASE_URL", uri.as_str()), ("MEDIAPOCKET_API_KEY", "k")],
            vec!["create-project-attachment", "--project-id", "czPBmrbRE76BOmD0Ykz8", "--body", r#"{"title": "x"}"#],
            "400 Bad Request",
            "req-400",
        ),
    ];
    for (binary, env, args, status, request_id) in runs {
        let out = run(binary, &env, &args, b"");
        assert_eq!((out.status, out.stdout.as_str()), (Some(3), ""), "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
        assert!(out.stderr.contains(status) && out.stderr.contains(&format!("request id {request_id}")), "{args:?}: {}", out.stderr);
    }
    let indream = run(INDREAM, &[("INDREAM_BASE_URL", &uri), ("INDREAM_API_KEY", "k")], &["list-project-assets", "--project-id", PROJECT], b"");
    assert!(indream.stderr.contains("OPEN_API_RUNTIME_ACCESS_FORBIDDEN"), "the error body is shown: {}", indream.stderr);
}

#[tokio::test]
async fn missing_credentials_exit_2_naming_the_variables_and_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let uri = server.uri();
    let runs = [
        (INDREAM, "INDREAM_BASE_URL", vec!["list-project-assets", "--project-id", PROJECT], "`list-project-assets` needs credentials: set INDREAM_API_KEY"),
        (
            NCLOUD,
            "NCLOUD_MEDIA_INTELLIGENCE_BASE_URL",
            vec!["list-media-assets", "--workspace-name", "w", "--project-id", "1", "--page-num", "1"],
            "`list-media-assets` needs credentials: set NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY",
        ),
        (MEDIAPOCKET, "MEDIAPOCKET_BASE_URL", vec!["list-asset-attachments", "--asset-id", "bDzHAAxLXsSmhL4lax8D"], "`list-asset-attachments` needs credentials: set MEDIAPOCKET_API_KEY"),
    ];
    for (binary, base_url, args, message) in runs {
        let out = run(binary, &[(base_url, &uri)], &args, b"");
        assert_eq!((out.status, out.stdout.as_str(), out.stderr.trim_end()), (Some(2), "", format!("error: {message}").as_str()));
    }
    // Half of a pair is as good as none; an empty variable as a missing one.
    let half = [("NCLOUD_MEDIA_INTELLIGENCE_BASE_URL", uri.as_str()), ("NCLOUD_ACCESS_KEY", "a"), ("NCLOUD_SECRET_KEY", "")];
    let out = run(NCLOUD, &half, &["list-media-assets", "--workspace-name", "w", "--project-id", "1", "--page-num", "1"], b"");
    assert_eq!(out.status, Some(2));
}

/// A run refused before sending: binary, environment, arguments, and a part of its error.
type Refused<'a> = (&'a str, &'a [(&'a str, &'a str)], Vec<&'a str>, &'a str);

#[tokio::test]
async fn invalid_values_and_bodies_exit_2_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let uri = server.uri();
    let indream = [("INDREAM_BASE_URL", uri.as_str()), ("INDREAM_API_KEY", "k")];
    let mediapocket = [("MEDIAPOCKET_BASE_URL", uri.as_str()), ("MEDIAPOCKET_API_KEY", "k")];
    let long_title = json!({"title": "x".repeat(300)}).to_string();
    let runs: [Refused; 6] = [
        (INDREAM, &indream, vec!["list-project-assets", "--project-id", "not-a-uuid"], "invalid value 'not-a-uuid' for '--project-id <UUID>'"),
        (INDREAM, &indream, vec!["list-project-assets", "--project-id", PROJECT, "--page-size", "0"], "invalid value '0' for '--page-size <INTEGER>'"),
        (INDREAM, &indream, vec!["list-project-assets"], "--project-id <UUID>"),
        (INDREAM, &indream, vec!["upload-asset", "--file", "/no/such/file.bin"], "cannot read `/no/such/file.bin`"),
        (MEDIAPOCKET, &mediapocket, vec!["create-asset-attachment", "--asset-id", "NBmnCtuFCbI88s1cNHJX", "--body", "{"], "the body is not a valid `NewAttachment`"),
        (MEDIAPOCKET, &mediapocket, vec!["create-asset-attachment", "--asset-id", "NBmnCtuFCbI88s1cNHJX", "--body", &long_title], "the body is not a valid `NewAttachment`: longer than 255 characters"),
    ];
    for (binary, env, args, message) in runs {
        let out = run(binary, env, &args, b"");
        assert_eq!((out.status, out.stdout.as_str()), (Some(2), ""), "{args:?}");
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn connection_failures_exit_4() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let uri = format!("http://127.0.0.1:{port}");
    let out = run(INDREAM, &[("INDREAM_BASE_URL", &uri), ("INDREAM_API_KEY", "k")], &["list-project-assets", "--project-id", PROJECT], b"");

    assert_eq!((out.status, out.stdout.as_str()), (Some(4), ""));
    assert!(out.stderr.contains("request failed") && out.stderr.contains("Connection refused"), "{}", out.stderr);
}

#[test]
fn mediapocket_needs_a_base_url_or_its_tenant() {
    let out = run(MEDIAPOCKET, &[("MEDIAPOCKET_API_KEY", "k")], &["list-asset-attachments", "--asset-id", "bDzHAAxLXsSmhL4lax8D"], b"");

    assert_eq!(out.status, Some(2));
    assert_eq!(out.stderr.trim_end(), "error: set --base-url (or MEDIAPOCKET_BASE_URL), or --tenant (or MEDIAPOCKET_TENANT)");
}

#[test]
fn help_comes_from_the_spec_and_documents_the_environment_and_exit_statuses() {
    let top = run(INDREAM, &[], &["--help"], b"");
    assert_eq!(top.status, Some(0));
    for expected in [
        "Manage the assets of Indream projects",
        "list-project-assets  List project assets",
        "upload-asset         Upload a file",
        "INDREAM_API_KEY: the `ApiKeyAuth` credentials",
        "  3  the API answered with an error status",
    ] {
        assert!(top.stdout.contains(expected), "{expected:?} in {}", top.stdout);
    }
    let list = run(INDREAM, &[], &["list-project-assets", "--help"], b"");
    for expected in ["List assets currently bound to the project.", "--project-id <UUID>", "Sent as the `pageSize` query parameter.", "--all", "Credentials: INDREAM_API_KEY."] {
        assert!(list.stdout.contains(expected), "{expected:?} in {}", list.stdout);
    }
    let scenario = run(SCENARIO, &[], &["list-assets", "--help"], b"");
    assert!(scenario.stdout.contains("[values: asc, desc]"), "{}", scenario.stdout);
    let usage = run(INDREAM, &[], &["no-such-operation"], b"");
    assert_eq!(usage.status, Some(2));
}
