//! The generated MediaPocket client against a local server replaying every
//! example in `specs/mediapocket.yaml`.

use integration_tests::documented;
use mediapocket_client::{types, Client, Credentials, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "mediapocket";

fn operation(kind: &str, verb: &str) -> String {
    format!("/paths/~1api~1v2~1{kind}~1{{{}_id}}~1attachments/{verb}", &kind[..kind.len() - 1])
}

fn response_example(kind: &str, verb: &str, status: &str) -> serde_json::Value {
    documented(SPEC, &format!("{}/responses/{status}/content/application~1json/example", operation(kind, verb)))
}

fn list_example(kind: &str, name: &str) -> serde_json::Value {
    documented(SPEC, &format!("{}/responses/200/content/application~1json/examples/{name}/value", operation(kind, "get")))
}

fn client(server: &MockServer) -> Client {
    Client::new(&server.uri(), Credentials::api_key("mp-key")).unwrap()
}

fn id(value: &str) -> types::Id {
    types::Id::try_from(value).unwrap()
}

#[tokio::test]
async fn asset_and_project_attachment_lists_decode_both_documented_examples() {
    let server = MockServer::start().await;
    for (kind, empty_id, found_id) in [
        ("assets", "UqFkJDWdw7Sdg7TQZS-J", "bDzHAAxLXsSmhL4lax8D"),
        ("projects", "MKEejlgPARb7pJp8JrD4", "If8_aXgtMF4ggxOPqvKM"),
    ] {
        for (parent, example) in [(empty_id, "empty"), (found_id, "one")] {
            Mock::given(method("GET"))
                .and(path(format!("/api/v2/{kind}/{parent}/attachments")))
                .and(header("x-api-key", "mp-key"))
                .and(header("content-type", "application/json"))
                .respond_with(ResponseTemplate::new(200).set_body_json(list_example(kind, example)))
                .expect(1)
                .mount(&server)
                .await;
        }
    }
    let client = client(&server);

    let empty = client.list_asset_attachments().asset_id(id("UqFkJDWdw7Sdg7TQZS-J")).send().await.unwrap();
    assert!(empty.attachments.is_empty());
    let one = client.list_asset_attachments().asset_id(id("bDzHAAxLXsSmhL4lax8D")).send().await.unwrap();
    let attachment = &one.attachments[0];
    assert_eq!(attachment.id, "S3kQqTTXTFMLBhsY8XeY");
    assert_eq!(attachment.parent_id, "bDzHAAxLXsSmhL4lax8D");
    assert_eq!(attachment.owner, "admin-user-66@example.com");
    assert_eq!((attachment.status.as_str(), attachment.media_type.as_str()), ("open", "placeholder"));
    assert_eq!(attachment.created_date.to_rfc3339(), "2023-11-27T09:42:52.099+00:00");
    let nullable = [
        &attachment.external_id, &attachment.project_id, &attachment.description, &attachment.category,
        &attachment.original_filename, &attachment.drop_folder_id, &attachment.md5_sum,
    ];
    assert!(nullable.iter().all(|field| field.is_none()));
    assert!(attachment.deleted.is_null());

    let empty = client.list_project_attachments().project_id(id("MKEejlgPARb7pJp8JrD4")).send().await.unwrap();
    assert!(empty.attachments.is_empty());
    let one = client.list_project_attachments().project_id(id("If8_aXgtMF4ggxOPqvKM")).send().await.unwrap();
    assert_eq!(one.attachments[0].id, "Z4xvirg6hr4hi9C7tiby");
}

#[tokio::test]
async fn create_attachment_posts_the_title_and_decodes_asset() {
    let server = MockServer::start().await;
    for (kind, parent) in [("assets", "NBmnCtuFCbI88s1cNHJX"), ("projects", "czPBmrbRE76BOmD0Ykz8")] {
        Mock::given(method("POST"))
            .and(path(format!("/api/v2/{kind}/{parent}/attachments")))
            .and(header("x-api-key", "mp-key"))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({"title": "sample attachment"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(response_example(kind, "post", "200")))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let body = |b: types::builder::NewAttachment| b.title("sample attachment");

    let created = client.create_asset_attachment().asset_id(id("NBmnCtuFCbI88s1cNHJX")).body_map(body).send().await.unwrap();
    assert_eq!(created.asset.id, "Hd0WZ_Wfpsv9_51bxXBt");
    assert_eq!(created.asset.title, "sample attachment");
    let created = client.create_project_attachment().project_id(id("czPBmrbRE76BOmD0Ykz8")).body_map(body).send().await.unwrap();
    assert_eq!(created.asset.id, "u0wgdvwXs2KD3MgqNV8_");
    assert_eq!(created.asset.parent_id, "czPBmrbRE76BOmD0Ykz8");
}

#[tokio::test]
async fn every_documented_error_decodes_with_its_message() {
    let cases = [
        ("assets", "get", "404", "asset not found"),
        ("projects", "get", "404", "project not found"),
        ("assets", "post", "404", "asset not found"),
        ("projects", "post", "404", "project not found"),
        ("assets", "post", "422", "Missing parameter title"),
        ("projects", "post", "400", "Title is too long (maximum is 255 characters)"),
    ];
    for (kind, verb, status, message) in cases {
        let server = MockServer::start().await;
        Mock::given(method(verb.to_uppercase().as_str()))
            .respond_with(ResponseTemplate::new(status.parse::<u16>().unwrap()).set_body_json(response_example(kind, verb, status)))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let parent = id("-23mQQaJiZrjw1MLBEc1");
        let title = |b: types::builder::NewAttachment| b.title("sample attachment");
        let error = match (kind, verb) {
            ("assets", "get") => client.list_asset_attachments().asset_id(parent).send().await.map(drop),
            ("projects", "get") => client.list_project_attachments().project_id(parent).send().await.map(drop),
            ("assets", _) => client.create_asset_attachment().asset_id(parent).body_map(title).send().await.map(drop),
            _ => client.create_project_attachment().project_id(parent).body_map(title).send().await.map(drop),
        }
        .unwrap_err();
        let Error::Api(api) = &error else { panic!("{kind} {verb} {status}: API error expected, got {error:?}") };
        assert_eq!(api.status.as_str(), status);
        assert_eq!(api.body.as_ref().unwrap().error, message, "{kind} {verb} {status}");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].url.path(), format!("/api/v2/{kind}/-23mQQaJiZrjw1MLBEc1/attachments"));
    }
}

#[tokio::test]
async fn documented_too_long_title_is_refused_before_sending() {
    let server = MockServer::start().await;
    let pointer = format!("{}/requestBody/content/application~1json/examples/titleTooLong/value/title", operation("projects", "post"));
    let long_title = documented(SPEC, &pointer).as_str().unwrap().to_owned();
    assert!(long_title.chars().count() > 255);

    let error = client(&server)
        .create_project_attachment()
        .project_id(id("-23mQQaJiZrjw1MLBEc1"))
        .body_map(|b| b.title(long_title.as_str()))
        .send()
        .await
        .unwrap_err();

    let Error::Validation { parameter, message, .. } = &error else { panic!("validation error expected, got {error:?}") };
    assert_eq!((parameter.as_str(), message.as_str()), ("title", "longer than 255 characters"));
    assert_eq!(error.to_string(), "createProjectAttachment (POST /api/v2/projects/{project_id}/attachments): invalid `title`: longer than 255 characters; nothing was sent");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn ids_accept_leading_dashes_and_underscores_and_refuse_other_shapes() {
    assert!(types::Id::try_from("-23mQQaJiZrjw1MLBEc1").is_ok());
    assert!(types::Id::try_from("u0wgdvwXs2KD3MgqNV8_").is_ok());
    assert!(types::Id::try_from("short").is_err());
    assert!(types::Id::try_from("has/slash/aaaaaaaaaa").is_err());
}

#[test]
fn server_url_fills_in_the_tenant() {
    assert_eq!(mediapocket_client::server_url("acme"), "https://acme.mediapocket.fi");
}
