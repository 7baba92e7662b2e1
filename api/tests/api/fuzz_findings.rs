//! What schemathesis (`scripts/fuzz-api`) found, kept as tests: the
//! document named `application/json` for error bodies that are served as
//! `application/problem+json`, and left out statuses the server does answer
//! (415 for a body that is not JSON, 400 for a query that does not parse).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::TestApp;

crate::on_both_backends!(
    a_body_that_is_not_json_is_a_documented_415,
    a_query_that_does_not_parse_is_a_documented_400,
);

fn document() -> Value {
    serde_json::from_str(&antoan::openapi::document_json().unwrap()).unwrap()
}

fn operation<'a>(document: &'a Value, method: &str, path: &str) -> &'a Value {
    &document["paths"][path][method]
}

#[test]
fn every_error_response_is_a_problem_and_common_statuses_are_documented() {
    let document = document();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().unwrap();
                    assert!(
                        content
                            .keys()
                            .all(|kind| kind == "application/problem+json"),
                        "{method} {path} {status} is documented as {:?}",
                        content.keys().collect::<Vec<_>>()
                    );
                }
            }
            assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            if operation.get("requestBody").is_some() {
                for status in ["413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            if operation["parameters"]
                .as_array()
                .is_some_and(|parameters| !parameters.is_empty())
            {
                assert!(responses.contains_key("400"), "{method} {path} lacks 400");
            }
        }
    }
}

async fn a_body_that_is_not_json_is_a_documented_415(app: TestApp) {
    let response = app
        .client
        .post(app.url("/auth/login"))
        .header("content-type", "text/plain")
        .body(json!({ "username": "lan", "password": "x" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_media_type");
    let document = document();
    let documented = &operation(&document, "post", "/api/v1/auth/login")["responses"]["415"];
    assert!(documented["content"]["application/problem+json"].is_object());
}

async fn a_query_that_does_not_parse_is_a_documented_400(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let person = app
        .person(
            &officer.token,
            json!({
                "document_kind": "cccd",
                "document_number": "079090001234",
                "full_name": "Nguyễn Văn Đức",
                "birth_date": "1990-05-17",
                "gender": "male",
                "ward_code": "26794",
            }),
        )
        .await;
    let id = person["id"].as_str().unwrap();
    let (status, body) = app
        .get(
            &format!("/people/{id}/qr.png?size=-1"),
            Some(&officer.token),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "malformed_query");
    let document = document();
    let documented = &operation(&document, "get", "/api/v1/people/{id}/qr.png")["responses"]["400"];
    assert!(documented["content"]["application/problem+json"].is_object());
}
