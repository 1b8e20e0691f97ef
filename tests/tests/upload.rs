//! Streaming uploads through the generated Indream client: headers from the
//! file, progress, and file-level errors caught before any request.

use std::sync::{Arc, Mutex};

use indream_client::{Client, Credentials, Error, Upload, UploadError};
use serde_json::json;
use wiremock::matchers::{body_bytes, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECT: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({"data": {
        "assetId": "9179b887-04ef-4ce5-ab3a-b5bbd39ea3c8", "type": "video", "source": null, "filename": "clip.mp4",
        "mimetype": "video/mp4", "size": 300000, "fileUrl": "u", "fileKey": "k", "width": null, "height": null, "duration": 2.5},
        "meta": {}}))
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/uploads")).respond_with(created()).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::new(&server.uri(), Credentials::api_key("key")).unwrap()
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn file_upload_streams_bytes_with_length_type_name_and_progress() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, content(300_000)).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "video/mp4"))
        .and(header("content-length", "300000"))
        .and(header("x-file-name", "clip.mp4"))
        .and(header("x-project-id", PROJECT))
        .and(header("x-api-key", "key"))
        .and(body_bytes(content(300_000)))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();

    let upload = Upload::from_path(&file).await.unwrap().on_progress(move |sent, total| seen.lock().unwrap().push((sent, total)));
    let response = client(&server).upload_asset().x_project_id(uuid::Uuid::parse_str(PROJECT).unwrap()).send_upload(upload).await.unwrap();

    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner().data.duration, Some(2.5));
    let progress = progress.lock().unwrap().clone();
    assert!(progress.len() >= 5, "{progress:?}");
    assert!(progress.windows(2).all(|pair| pair[0].0 < pair[1].0));
    assert_eq!(progress.last(), Some(&(300_000, 300_000)));
    let request = &server.received_requests().await.unwrap()[0];
    assert!(!request.headers.contains_key("transfer-encoding"));
}

#[tokio::test]
async fn bytes_and_readers_upload_with_chosen_names_and_types() {
    let server = server().await;
    let client = client(&server);

    let bytes = Upload::from_bytes(b"plain text".to_vec()).with_file_name("notes.txt").with_content_type("text/plain");
    client.upload_asset().send_upload(bytes).await.unwrap();
    let reader = Upload::from_reader(std::io::Cursor::new(content(70_000)), 70_000).with_file_name("data.bin");
    client.upload_asset().send_upload(reader).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("archive.unknownext");
    std::fs::write(&odd, b"x").unwrap();
    client.upload_asset().send_upload(Upload::from_path(&odd).await.unwrap()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let summary: Vec<_> = requests
        .iter()
        .map(|r| (r.headers["x-file-name"].to_str().unwrap().to_owned(), r.headers["content-type"].to_str().unwrap().to_owned(), r.body.len()))
        .collect();
    assert_eq!(
        summary,
        [
            ("notes.txt".to_owned(), "text/plain".to_owned(), 10),
            ("data.bin".to_owned(), "application/octet-stream".to_owned(), 70_000),
            ("archive.unknownext".to_owned(), "application/octet-stream".to_owned(), 1),
        ]
    );
    assert_eq!(requests[1].body, content(70_000));
}

#[tokio::test]
async fn missing_file_and_directory_fail_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.mp4");

    let error = Upload::from_path(&missing).await.unwrap_err();
    assert!(matches!(error, UploadError::Unreadable { .. }));
    assert!(error.to_string().starts_with(&format!("cannot read `{}`:", missing.display())), "{error}");
    let error = Upload::from_path(dir.path()).await.unwrap_err();
    assert_eq!(error.to_string(), format!("`{}` is not a regular file", dir.path().display()));
}

#[tokio::test]
async fn empty_file_and_overlong_name_are_refused_before_any_request() {
    let server = server().await;
    let client = client(&server);
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();

    let error = client.upload_asset().send_upload(Upload::from_path(&empty).await.unwrap()).await.unwrap_err();
    assert_eq!(error.to_string(), "uploadAsset (POST /v1/uploads): invalid `body`: the upload has 0 byte(s); the API requires at least 1; nothing was sent");

    let long_name = format!("{}.mp4", "a".repeat(509));
    let error = client.upload_asset().send_upload(Upload::from_bytes(vec![1u8]).with_file_name(long_name)).await.unwrap_err();
    let Error::Validation { parameter, .. } = &error else { panic!("validation error expected, got {error:?}") };
    assert_eq!(parameter, "x-file-name");

    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn failed_upload_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;

    let error = client(&server).upload_asset().send_upload(Upload::from_bytes(vec![7u8; 1000]).with_file_name("a.bin")).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
