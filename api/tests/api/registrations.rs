//! Registration by SMS: the one-time code and its limits, the card link it
//! ends with, and links sent and revoked by the ward office.

use antoan::db::{outbox, schema};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    a_person_without_a_smartphone_gets_their_card_by_sms,
    wrong_codes_are_limited,
    expired_codes_are_refused,
    codes_are_limited_per_phone,
    codes_are_limited_per_address,
    a_ward_registered_person_claims_their_record_with_the_same_phone,
    the_ward_office_sends_and_revokes_card_links,
);

/// The texts sent to `phone`, oldest first, while still in the outbox.
pub async fn texts_to(app: &TestApp, phone: &str) -> Vec<String> {
    let phone = phone.to_owned();
    app.state
        .db
        .run(move |conn| outbox::to_phone(conn, &phone))
        .await
        .unwrap()
        .into_iter()
        .map(|message| message.body)
        .collect()
}

fn code_in(text: &str) -> String {
    let digits: String = text
        .split_whitespace()
        .find(|word| {
            word.trim_end_matches(',').len() == 6
                && word.chars().take(6).all(|c| c.is_ascii_digit())
        })
        .unwrap_or_else(|| panic!("no code in {text:?}"))
        .chars()
        .take(6)
        .collect();
    digits
}

fn token_in(text: &str) -> String {
    text.split_once("/card#")
        .unwrap_or_else(|| panic!("no card link in {text:?}"))
        .1
        .trim()
        .to_owned()
}

fn with_phone(ward: &str, phone: &str) -> Value {
    let mut person = person_input(ward);
    person["phone"] = json!(phone);
    person
}

async fn request(app: &TestApp, person: &Value) -> (StatusCode, Value) {
    app.post("/registrations/sms", None, &json!({ "person": person }))
        .await
}

async fn confirm(app: &TestApp, id: &str, code: &str) -> (StatusCode, Value) {
    app.post(
        &format!("/registrations/sms/{id}/confirm"),
        None,
        &json!({ "code": code }),
    )
    .await
}

/// The code of the last SMS to `phone`, and the registration id.
async fn requested(app: &TestApp, person: &Value, phone: &str) -> (String, String) {
    let (status, body) = request(app, person).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let texts = texts_to(app, phone).await;
    (
        body["id"].as_str().unwrap().to_owned(),
        code_in(texts.last().unwrap()),
    )
}

async fn a_person_without_a_smartphone_gets_their_card_by_sms(app: TestApp) {
    let person = with_phone("26794", "0912 345 678");
    let (status, body) = request(&app, &person).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["phone_masked"], "*******678");
    assert_eq!(body["attempts_allowed"], 5);
    let id = body["id"].as_str().unwrap().to_owned();
    let texts = texts_to(&app, "0912345678").await;
    assert_eq!(texts.len(), 1);
    let code = code_in(&texts[0]);

    let wrong = if code == "000000" { "000001" } else { "000000" };
    let (status, body) = confirm(&app, &id, wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "wrong_code");
    assert!(body["detail"].as_str().unwrap().contains("4 attempts left"));

    let (status, confirmed) = confirm(&app, &id, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    assert_eq!(confirmed["existing_person"], false);
    let texts = texts_to(&app, "0912345678").await;
    assert_eq!(texts.len(), 2, "the code, then the link");
    assert!(texts[1].contains(&format!("{}/card#", app.base)));
    let token = token_in(&texts[1]);
    assert!(token.len() >= 43, "the link's secret has 256 bits");

    let (status, card) = app
        .post("/cards/open", None, &json!({ "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["full_name"], "Nguyễn Thị Đoàn");
    assert_eq!(card["ward_name"], "Phường Linh Xuân");
    let document = person["document_number"].as_str().unwrap();
    assert_eq!(
        card["document_number_masked"],
        format!("******{}", &document[6..])
    );
    assert!(card["qr_svg"].as_str().unwrap().starts_with("<?xml"));
    let (status, verified) = app
        .post(
            "/qr/verify",
            None,
            &json!({ "payload": card["qr"]["payload"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verified["signature"], "valid");
    assert_eq!(verified["folded_name"], "NGUYEN THI DOAN");

    // The person exists with the verified phone; the request cannot be reused.
    let admin = app.admin().await;
    let person_id = confirmed["person_id"].as_str().unwrap();
    let (_, stored) = app.get(&format!("/people/{person_id}"), Some(&admin)).await;
    assert_eq!(stored["phone"], "0912345678");
    let (status, body) = confirm(&app, &id, &code).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "already_confirmed");

    // A link that was never sent opens nothing.
    let (status, _) = app
        .post("/cards/open", None, &json!({ "token": "x".repeat(43) }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn wrong_codes_are_limited(app: TestApp) {
    let person = with_phone("26794", "0912000001");
    let (id, code) = requested(&app, &person, "0912000001").await;
    let wrong = if code == "999999" { "999998" } else { "999999" };
    for left in (0..5).rev() {
        let (status, body) = confirm(&app, &id, wrong).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "wrong_code");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} attempts left")),
            "{body}"
        );
    }
    // Even the right code is refused once the attempts are used up.
    let (status, body) = confirm(&app, &id, &code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "attempts_exhausted");
    let (status, _) = confirm(&app, "0123456789abcdef0123456789abcdef", &code).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn expired_codes_are_refused(app: TestApp) {
    let person = with_phone("26794", "0912000002");
    let (id, code) = requested(&app, &person, "0912000002").await;
    // Ten minutes pass.
    let registration = id.clone();
    app.state
        .db
        .run(move |conn| {
            use schema::phone_registrations::dsl::*;
            diesel::update(phone_registrations.filter(public_id.eq(registration)))
                .set(expires_at.eq(antoan::db::now() - chrono::Duration::seconds(1)))
                .execute(conn)
                .map_err(antoan::error::ApiError::from)
        })
        .await
        .unwrap();
    let (status, body) = confirm(&app, &id, &code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "code_expired");
}

async fn too_many(app: &TestApp, person: &Value) -> (u64, Value) {
    let response = app
        .client
        .post(app.url("/registrations/sms"))
        .json(&json!({ "person": person }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    (retry_after, response.json().await.unwrap())
}

async fn codes_are_limited_per_phone(app: TestApp) {
    let limit = app.state.settings.registrations_per_phone_hourly;
    assert_eq!(limit, 3, "the default");
    for _ in 0..limit {
        let (status, body) = request(&app, &with_phone("26794", "0912000003")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (retry_after, body) = too_many(&app, &with_phone("26794", "0912000003")).await;
    assert_eq!(body["code"], "too_many_codes_for_phone");
    assert!((3500..=3600).contains(&retry_after), "{retry_after}");
    assert_eq!(texts_to(&app, "0912000003").await.len(), 3, "no fourth SMS");
    // Another number is not affected.
    let (status, _) = request(&app, &with_phone("26794", "0912000004")).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn codes_are_limited_per_address(app: TestApp) {
    let limit = app.state.settings.registrations_per_address_hourly;
    for n in 0..limit {
        let phone = format!("0913000{n:03}");
        let (status, body) = request(&app, &with_phone("26794", &phone)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, body) = too_many(&app, &with_phone("26794", "0913999999")).await;
    assert_eq!(body["code"], "too_many_codes_from_address");
    assert!(texts_to(&app, "0913999999").await.is_empty());
}

async fn a_ward_registered_person_claims_their_record_with_the_same_phone(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let input = with_phone("26794", "0912000005");
    let created = app.person(&ward.token, input.clone()).await;

    let (id, code) = requested(&app, &input, "0912000005").await;
    let (status, confirmed) = confirm(&app, &id, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    assert_eq!(confirmed["existing_person"], true);
    assert_eq!(confirmed["person_id"], created["id"]);

    // The same document with another phone proves nothing about the record.
    let mut other = input.clone();
    other["phone"] = json!("0912000006");
    let (id, code) = requested(&app, &other, "0912000006").await;
    let (status, body) = confirm(&app, &id, &code).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "duplicate_document");
    assert_eq!(texts_to(&app, "0912000006").await.len(), 1, "no link sent");
}

async fn the_ward_office_sends_and_revokes_card_links(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let person = app
        .person(&ward.token, with_phone("26794", "0912000007"))
        .await;
    let id = person["id"].as_str().unwrap();

    let (status, sent) = app
        .post(
            &format!("/people/{id}/card-links"),
            Some(&ward.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["phone_masked"], "*******007");
    let token = token_in(texts_to(&app, "0912000007").await.last().unwrap());
    let (status, _) = app
        .post("/cards/open", None, &json!({ "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, revoked) = app
        .post(
            &format!("/people/{id}/card-links/revoke"),
            Some(&ward.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revoked["revoked"], 1);
    let (status, _) = app
        .post("/cards/open", None, &json!({ "token": token }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let mut no_phone = person_input("26794");
    no_phone["phone"] = Value::Null;
    let silent = app.person(&ward.token, no_phone).await;
    let (status, body) = app
        .post(
            &format!("/people/{}/card-links", silent["id"].as_str().unwrap()),
            Some(&ward.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "no_phone");
}
