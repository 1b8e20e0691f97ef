//! Success responses with different bodies decode into an enum with one
//! variant per documented status (`tests/corpus/ok/success-shapes.yaml`:
//! `200` is a string, `201` an integer).

use serde_json::json;
use success_shapes_client::outcomes::CreateThingOutcome;
use success_shapes_client::{Client, Credentials, Error};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every POST with `status` and `body`, and a client for it.
async fn answering(status: u16, body: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(&server).await;
    let client = Client::new(&server.uri(), Credentials::none()).unwrap();
    (server, client)
}

#[tokio::test]
async fn each_success_status_decodes_into_its_own_variant() {
    let (_server, client) = answering(200, json!("thing-1")).await;
    let existing = client.create_thing().send().await.unwrap();
    let CreateThingOutcome::Status200(name) = existing.into_inner() else { panic!("200 expected") };
    assert_eq!(name.as_str(), "thing-1");

    let (_server, client) = answering(201, json!(42)).await;
    let created = client.create_thing().send().await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let CreateThingOutcome::Status201(id) = created.into_inner() else { panic!("201 expected") };
    assert_eq!(*id, 42);
}

#[tokio::test]
async fn a_body_that_does_not_match_its_status_is_a_decode_error() {
    let (_server, client) = answering(201, json!("not a number")).await;
    let error = client.create_thing().send().await.unwrap_err();

    let Error::Decode { status, .. } = &error else { panic!("decode error expected, got {error:?}") };
    assert_eq!(status.as_u16(), 201);
}
