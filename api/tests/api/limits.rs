//! Limits through HTTP: failed logins per username and per address answer
//! 429 with Retry-After, so do online registrations that keep naming
//! registered document numbers, bodies over the limits answer 413, and an
//! exhausted database pool answers 503 with Retry-After instead of hanging.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, person_input};

macro_rules! on_both_backends_with {
    ($settings:expr, $($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = $crate::common::TestApp::spawn_with(
                        $crate::common::Backend::Sqlite, $settings).await {
                        super::super::$scenario(app).await;
                    }
                }

                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = $crate::common::TestApp::spawn_with(
                        $crate::common::Backend::Postgres, $settings).await {
                        super::super::$scenario(app).await;
                    }
                }
            }
        )*
    };
}

mod per_username {
    on_both_backends_with!(
        &[
            ("ANTOAN_LOGIN_FAILURES_PER_USERNAME", "3"),
            ("ANTOAN_LOGIN_FAILURES_PER_ADDRESS", "100"),
        ],
        username_is_refused_after_its_failures,
        a_success_forgets_the_failures,
    );
}

mod per_address {
    on_both_backends_with!(
        &[
            ("ANTOAN_LOGIN_FAILURES_PER_USERNAME", "100"),
            ("ANTOAN_LOGIN_FAILURES_PER_ADDRESS", "3"),
        ],
        address_is_refused_after_its_failures,
    );
}

mod registration_refusals {
    on_both_backends_with!(
        &[("ANTOAN_REGISTRATION_REFUSALS_PER_ADDRESS", "3")],
        registered_numbers_cannot_be_tested_one_after_another,
    );
}

mod default_settings {
    on_both_backends_with!(&[], json_over_its_limit_is_413);
}

mod small_bodies {
    on_both_backends_with!(
        &[("ANTOAN_MAX_BODY_BYTES", "2000")],
        bodies_over_the_limits_are_413,
    );
}

mod one_connection {
    on_both_backends_with!(
        &[
            ("ANTOAN_DB_POOL_SIZE", "1"),
            ("ANTOAN_DB_POOL_TIMEOUT_SECONDS", "1"),
        ],
        exhausted_pool_answers_503_then_recovers,
    );
}

/// Sends a login and returns the status, the Retry-After header and the body.
async fn login(app: &TestApp, username: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    let response = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("request is sent");
    answer(response).await
}

async fn answer(response: reqwest::Response) -> (StatusCode, Option<u64>, Value) {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().expect("ascii").parse().expect("seconds"));
    let kind = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().expect("ascii").to_owned());
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(kind.as_deref(), Some("application/problem+json"), "{body}");
    }
    (status, retry_after, body)
}

fn assert_too_many(status: StatusCode, retry_after: Option<u64>, body: &Value) {
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_requests");
    let seconds = retry_after.expect("a Retry-After header");
    assert!((1..=900).contains(&seconds), "Retry-After {seconds}");
}

async fn username_is_refused_after_its_failures(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    for _ in 0..3 {
        let (status, _, body) = login(&app, &officer.username, "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }

    // Even the right password waits: the attempt is refused before it is checked.
    let (status, retry_after, body) = login(&app, &officer.username, PASSWORD).await;
    assert_too_many(status, retry_after, &body);
    // The username is folded as login folds it, so case does not dodge the limit.
    let (status, retry_after, body) = login(&app, &officer.username.to_uppercase(), PASSWORD).await;
    assert_too_many(status, retry_after, &body);

    // Another account from the same address is not affected.
    let other = app.ward_officer(&admin, "26794").await;
    let (status, _, body) = login(&app, &other.username, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn registered_numbers_cannot_be_tested_one_after_another(app: TestApp) {
    let register = |person: &Value| {
        let body = json!({
            "username": format!("resident-{}", &antoan::db::new_public_id()[..8]),
            "password": PASSWORD,
            "person": person,
        });
        let request = app.client.post(app.url("/registrations")).json(&body);
        async move { answer(request.send().await.expect("request is sent")).await }
    };
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let registered: Vec<Value> = (0..4).map(|_| person_input("26794")).collect();
    for person in &registered {
        app.person(&officer.token, person.clone()).await;
    }

    // New people register however often; only refusals count.
    for _ in 0..4 {
        let (status, _, body) = register(&person_input("26794")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for person in &registered[..3] {
        let (status, _, body) = register(person).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["code"], "duplicate_document");
    }

    // The fourth number is not even looked up, and a new person waits too.
    let (status, retry_after, body) = register(&registered[3]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_registrations");
    let seconds = retry_after.expect("a Retry-After header");
    assert!((1..=3600).contains(&seconds), "Retry-After {seconds}");
    let (status, _, body) = register(&person_input("26794")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

async fn a_success_forgets_the_failures(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    for _ in 0..3 {
        for _ in 0..2 {
            let (status, _, _) = login(&app, &officer.username, "not the password").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _, body) = login(&app, &officer.username, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

async fn address_is_refused_after_its_failures(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    for name in ["nobody-1", "nobody-2", "nobody-3"] {
        let (status, _, _) = login(&app, name, "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, retry_after, body) = login(&app, &officer.username, PASSWORD).await;
    assert_too_many(status, retry_after, &body);
}

async fn json_over_its_limit_is_413(app: TestApp) {
    let padding = "x".repeat(70 * 1024);
    let response = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({ "username": "lan", "password": padding }))
        .send()
        .await
        .expect("request is sent");
    let (status, _, problem) = answer(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["code"], "payload_too_large");
}

async fn bodies_over_the_limits_are_413(app: TestApp) {
    // Any route refuses a declared length over the overall limit, even one
    // that reads no body.
    for path in ["/auth/login", "/wards"] {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/json")
            .body("x".repeat(2001))
            .send()
            .await
            .expect("request is sent");
        let (status, _, problem) = answer(response).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {problem}");
        assert_eq!(problem["code"], "payload_too_large");
    }

    // Under both limits, the request is read as usual.
    let (status, _, body) = login(&app, "lan", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

async fn exhausted_pool_answers_503_then_recovers(app: TestApp) {
    let healthz = format!("{}/healthz", app.base);
    let response = app.client.get(&healthz).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);

    // The test holds the pool's only connection.
    let state = app.state.clone();
    let held = actix_web::web::block(move || state.db.get().expect("the one connection"))
        .await
        .expect("blocking task");

    let response = app.client.get(&healthz).send().await.expect("sent");
    let (status, retry_after, body) = answer(response).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "service_unavailable");
    assert!(retry_after.is_some_and(|seconds| seconds > 0));

    let (status, retry_after, body) = login(&app, "lan", "not the password").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(retry_after.is_some());

    drop(held);
    let response = app.client.get(&healthz).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
}
