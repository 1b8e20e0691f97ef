//! Swagger 2.0 → OpenAPI 3.0, construct by construct, as swagger2openapi
//! (the reference converter) maps each one; then a whole Swagger document
//! through the generator.

use generator::swagger2::convert;
use serde_json::{json, Value};

/// Converts a Swagger document holding `paths` (and `extra` top-level
/// keys) and returns the OpenAPI 3 document and the warnings.
fn converted(paths: Value, extra: Value) -> (Value, Vec<String>) {
    let mut swagger = json!({"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": paths});
    if let (Value::Object(swagger), Value::Object(extra)) = (&mut swagger, extra) {
        swagger.extend(extra);
    }
    let (document, warnings) = convert(swagger);
    (document, warnings.iter().map(ToString::to_string).collect())
}

#[test]
fn host_base_path_and_schemes_become_servers_https_first() {
    let (document, _) = converted(json!({}), json!({"host": "api.example.com", "basePath": "/v2/", "schemes": ["http", "https"]}));
    assert_eq!(document["openapi"], "3.0.3");
    assert_eq!(document["servers"], json!([{"url": "https://api.example.com/v2"}, {"url": "http://api.example.com/v2"}]));

    let (relative, _) = converted(json!({}), json!({"basePath": "/api"}));
    assert_eq!(relative["servers"], json!([{"url": "/api"}]));
}

#[test]
fn body_parameter_becomes_a_request_body_per_consumed_media_type() {
    let paths = json!({"/pets": {"post": {
        "consumes": ["application/json", "text/xml"],
        "parameters": [{"in": "body", "name": "pet", "required": true, "description": "The pet", "schema": {"$ref": "#/definitions/Pet"}}],
        "responses": {"201": {"description": "created"}},
    }}});
    let (document, _) = converted(paths, json!({"definitions": {"Pet": {"type": "object"}}}));
    let body = &document["paths"]["/pets"]["post"]["requestBody"];
    assert_eq!(body["required"], true);
    assert_eq!(body["description"], "The pet");
    assert_eq!(body["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/Pet"}));
    assert_eq!(body["content"]["text/xml"]["schema"], json!({"$ref": "#/components/schemas/Pet"}));
    assert!(document["paths"]["/pets"]["post"].get("parameters").is_none());
    assert_eq!(document["components"]["schemas"]["Pet"], json!({"type": "object"}));
}

#[test]
fn form_data_becomes_multipart_with_a_file_and_url_encoded_without() {
    let paths = json!({
        "/upload": {"post": {"parameters": [
            {"in": "formData", "name": "file", "type": "file", "required": true},
            {"in": "formData", "name": "note", "type": "string"},
        ], "responses": {"200": {"description": "ok"}}}},
        "/login": {"post": {"parameters": [
            {"in": "formData", "name": "user", "type": "string", "required": true},
        ], "responses": {"200": {"description": "ok"}}}},
    });
    let (document, _) = converted(paths, json!({}));
    let multipart = &document["paths"]["/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert_eq!(multipart["properties"]["file"], json!({"type": "string", "format": "binary"}));
    assert_eq!(multipart["properties"]["note"], json!({"type": "string"}));
    assert_eq!(multipart["required"], json!(["file"]));
    let form = &document["paths"]["/login"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(form["properties"]["user"], json!({"type": "string"}));
}

#[test]
fn collection_formats_become_styles() {
    let array = |name: &str, format: Option<&str>| {
        let mut parameter = json!({"in": "query", "name": name, "type": "array", "items": {"type": "string"}});
        if let Some(format) = format {
            parameter["collectionFormat"] = json!(format);
        }
        parameter
    };
    let paths = json!({"/search": {"get": {"parameters": [
        array("default", None), array("csv", Some("csv")), array("multi", Some("multi")),
        array("ssv", Some("ssv")), array("pipes", Some("pipes")), array("tsv", Some("tsv")),
        {"in": "header", "name": "X-Ids", "type": "array", "items": {"type": "integer"}},
    ], "responses": {"200": {"description": "ok"}}}}});
    let (document, warnings) = converted(paths, json!({}));
    let styles: Vec<(String, Value, Value)> = document["paths"]["/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["style"].clone(), p["explode"].clone()))
        .collect();
    assert_eq!(
        styles,
        [
            ("default".into(), json!("form"), json!(false)),
            ("csv".into(), json!("form"), json!(false)),
            ("multi".into(), json!("form"), json!(true)),
            ("ssv".into(), json!("spaceDelimited"), json!(false)),
            ("pipes".into(), json!("pipeDelimited"), json!(false)),
            ("tsv".into(), json!("form"), json!(false)),
            ("X-Ids".into(), json!("simple"), json!(false)),
        ]
    );
    assert_eq!(warnings, ["parameter tsv: `collectionFormat: tsv` has no OpenAPI 3 form; the values are sent comma-separated"]);
    let schema = &document["paths"]["/search"]["get"]["parameters"][0]["schema"];
    assert_eq!(*schema, json!({"type": "array", "items": {"type": "string"}}));
}

#[test]
fn global_parameters_and_responses_become_components_and_refs_follow() {
    let paths = json!({"/pets/{id}": {
        "parameters": [{"$ref": "#/parameters/Id"}],
        "put": {
            "parameters": [{"$ref": "#/parameters/PetBody"}, {"$ref": "#/parameters/Limit"}],
            "responses": {"200": {"$ref": "#/responses/Ok"}},
        },
    }});
    let extra = json!({
        "parameters": {
            "Id": {"in": "path", "name": "id", "required": true, "type": "string"},
            "Limit": {"in": "query", "name": "limit", "type": "integer", "maximum": 50},
            "PetBody": {"in": "body", "name": "pet", "schema": {"$ref": "#/definitions/Pet"}},
        },
        "responses": {"Ok": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}},
        "definitions": {"Pet": {"type": "object"}},
    });
    let (document, _) = converted(paths, extra);
    let item = &document["paths"]["/pets/{id}"];
    assert_eq!(item["parameters"], json!([{"$ref": "#/components/parameters/Id"}]));
    assert_eq!(item["put"]["parameters"], json!([{"$ref": "#/components/parameters/Limit"}]));
    assert_eq!(item["put"]["requestBody"], json!({"$ref": "#/components/requestBodies/PetBody"}));
    assert_eq!(item["put"]["responses"]["200"], json!({"$ref": "#/components/responses/Ok"}));
    let components = &document["components"];
    assert_eq!(components["parameters"]["Limit"]["schema"], json!({"type": "integer", "maximum": 50}));
    assert_eq!(components["requestBodies"]["PetBody"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/Pet"}));
    assert_eq!(components["responses"]["Ok"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/Pet"}));
}

#[test]
fn produces_sets_response_media_types_and_headers_get_schemas() {
    let paths = json!({"/report": {"get": {
        "produces": ["application/pdf"],
        "responses": {"200": {
            "description": "the report",
            "schema": {"type": "file"},
            "headers": {"X-Rate-Limit": {"type": "integer", "description": "calls left"}},
        }},
    }}});
    let (document, _) = converted(paths, json!({}));
    let response = &document["paths"]["/report"]["get"]["responses"]["200"];
    assert_eq!(response["content"]["application/pdf"]["schema"], json!({"type": "string", "format": "binary"}));
    assert_eq!(response["headers"]["X-Rate-Limit"], json!({"description": "calls left", "schema": {"type": "integer"}}));
}

#[test]
fn security_definitions_become_security_schemes_with_3_0_flows() {
    let extra = json!({"securityDefinitions": {
        "basic": {"type": "basic"},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/auth", "scopes": {"read": "r"}},
        "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://a/token", "scopes": {}},
        "application": {"type": "oauth2", "flow": "application", "tokenUrl": "https://a/token", "scopes": {}},
        "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {}},
    }});
    let (document, _) = converted(json!({}), extra);
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic"}));
    assert_eq!(schemes["key"], json!({"type": "apiKey", "in": "header", "name": "X-Key"}));
    assert_eq!(schemes["implicit"]["flows"], json!({"implicit": {"authorizationUrl": "https://a/auth", "scopes": {"read": "r"}}}));
    assert_eq!(schemes["password"]["flows"], json!({"password": {"tokenUrl": "https://a/token", "scopes": {}}}));
    assert_eq!(schemes["application"]["flows"], json!({"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {}}}));
    assert_eq!(
        schemes["code"]["flows"],
        json!({"authorizationCode": {"authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {}}})
    );
}

#[test]
fn swagger_only_schema_keywords_become_their_3_0_forms() {
    let extra = json!({"definitions": {
        "Animal": {"type": "object", "discriminator": "kind", "properties": {
            "kind": {"type": "string"},
            "nickname": {"type": "string", "x-nullable": true},
            "photo": {"type": "file"},
        }},
    }});
    let (document, _) = converted(json!({}), extra);
    let animal = &document["components"]["schemas"]["Animal"];
    assert_eq!(animal["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(animal["properties"]["nickname"], json!({"type": "string", "nullable": true}));
    assert_eq!(animal["properties"]["photo"], json!({"type": "string", "format": "binary"}));
}

#[test]
fn x_ms_paths_are_merged_with_a_warning() {
    let extra = json!({"x-ms-paths": {"/things?op=list": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}}}});
    let (document, warnings) = converted(json!({}), extra);
    assert!(document["paths"]["/things?op=list"]["get"].is_object());
    assert!(document.get("x-ms-paths").is_none());
    assert_eq!(warnings, ["#/x-ms-paths: 1 path(s) from `x-ms-paths` are generated like `paths`, with their query part in the path"]);
}

#[test]
fn a_swagger_document_generates_a_crate_with_its_operations() {
    let text = r##"{"swagger": "2.0", "info": {"title": "Pets", "version": "1"}, "host": "pets.example.com", "basePath": "/v1",
        "paths": {"/pets": {"get": {"operationId": "listPets", "parameters": [{"in": "query", "name": "tags", "type": "array", "items": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}}}}},
        "definitions": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}"##;
    let spec = generator::SpecSource { label: "pets.json".into(), slug: "pets".into(), text: text.into() };

    let generated = generator::generate(&spec).unwrap();

    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let operations = &generated.files["src/operations.rs"];
    assert!(operations.contains(r#"Parameter::query("tags", Style::Form { explode: false })"#), "{operations}");
    assert!(generated.files["src/client.rs"].contains(r#"pub const DEFAULT_BASE_URL: &str = "https://pets.example.com/v1";"#));
}

#[tokio::test]
async fn a_swagger_crate_sends_csv_and_multi_arrays_json_bodies_and_form_data_as_swagger_means_them() {
    use swagger_2_client::{Client, Credentials, Multipart, Upload};
    use wiremock::{matchers::any, Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": "Rex", "nickname": null}]))).mount(&server).await;
    let client = Client::new(&server.uri(), Credentials::api_key("k").and(Credentials::basic("ann", "pw"))).unwrap();
    let words = |list: &[&str]| list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();

    let pets = client
        .list_pets()
        .tags(words(&["a", "b"]))
        .ids(vec![1, 2])
        .spaced(words(&["c", "d"]))
        .piped(words(&["e", "f"]))
        .tabbed(words(&["g", "h"]))
        .send()
        .await
        .unwrap();
    client.add_pet().body_map(|pet| pet.name("Rex")).send().await.unwrap_err();
    let form = Multipart::new().file("file", Upload::from_bytes(b"png".to_vec())).text("caption", "hi");
    client.upload_photo().id("7").send_multipart(form).await.unwrap_err();

    assert_eq!(pets[0].name, "Rex");
    let requests = server.received_requests().await.unwrap();
    // `tags` has Swagger's default `csv`; `ids` is `multi`, `spaced` `ssv`,
    // `piped` `pipes`; `tabbed` (`tsv`, no OpenAPI 3 form) goes out as csv.
    assert_eq!(requests[0].url.query(), Some("ids=1&ids=2&piped=e%7Cf&spaced=c+d&tabbed=g%2Ch&tags=a%2Cb"));
    assert_eq!(requests[0].url.path(), "/pets", "the test server stands in for `https://pets.example.com/v1`");
    assert_eq!(requests[0].headers["x-key"], "k");
    assert!(requests[0].headers.get("authorization").is_none());
    // `addPet` requires the `admin` basic scheme from `securityDefinitions`.
    assert_eq!(requests[1].headers["authorization"], "Basic YW5uOnB3");
    assert!(requests[1].headers.get("x-key").is_none());
    assert_eq!(requests[1].headers["content-type"], "application/json");
    assert_eq!(String::from_utf8_lossy(&requests[1].body), r#"{"name":"Rex"}"#);
    assert_eq!(requests[2].url.path(), "/pets/7/photo");
    assert!(requests[2].headers["content-type"].to_str().unwrap().starts_with("multipart/form-data; boundary="));
}

#[test]
fn convert_reads_yaml_and_converts_only_swagger() {
    let swagger = generator::SpecSource { label: "s.yaml".into(), slug: "s".into(), text: "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n".into() };
    let (document, warnings) = generator::load::converted(&swagger).unwrap();
    assert_eq!((document["openapi"].as_str(), document["x-sdk-converted-from"].as_str()), (Some("3.0.3"), Some("Swagger 2.0")));
    assert!(warnings.is_empty());

    let openapi = generator::SpecSource { label: "o.yaml".into(), slug: "o".into(), text: "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n".into() };
    let (document, _) = generator::load::converted(&openapi).unwrap();
    assert_eq!(document, json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}));
}

#[test]
fn empty_consumes_clears_the_document_list_and_definition_names_become_valid_component_names() {
    let paths = json!({"/pages": {"post": {
        "consumes": [],
        "parameters": [{"in": "body", "name": "page", "schema": {"$ref": "#/definitions/Page[Pet]"}}],
        "responses": {"200": {"description": "ok"}},
    }}});
    let extra = json!({"consumes": ["application/xml"], "definitions": {"Page[Pet]": {"type": "object"}}});
    let (document, _) = converted(paths, extra);
    let content = &document["paths"]["/pages"]["post"]["requestBody"]["content"];
    assert_eq!(content, &json!({"application/json": {"schema": {"$ref": "#/components/schemas/Page_Pet_"}}}));
    assert!(document["components"]["schemas"]["Page_Pet_"].is_object());
}
