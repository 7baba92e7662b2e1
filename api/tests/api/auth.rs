//! Logging in, refresh-token rotation and its reuse detection, logout, and
//! deactivated accounts.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{PASSWORD, TestApp};

crate::on_both_backends!(
    login_returns_tokens_and_me,
    wrong_password_and_unknown_user_are_alike,
    refresh_rotates_and_reuse_ends_the_login,
    logout_ends_the_login,
    deactivated_accounts_cannot_log_in,
    bad_tokens_are_401,
);

async fn login_returns_tokens_and_me(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let (status, me) = app.get("/auth/me", Some(&officer.token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "ward_officer");
    assert_eq!(me["ward_code"], "26794");
    assert_eq!(me["username"], officer.username);
    assert!(me.get("password_hash").is_none());
}

async fn wrong_password_and_unknown_user_are_alike(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let (status, wrong) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": officer.username, "password": "not the password" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, unknown) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": "nobody-here", "password": "not the password" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["code"], "invalid_credentials");

    let (status, missing) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": "", "password": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing["errors"].as_array().unwrap().len(), 2);
}

async fn refresh_rotates_and_reuse_ends_the_login(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let (_, first) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": officer.username, "password": PASSWORD }),
        )
        .await;
    let first_refresh = first["refresh_token"].as_str().unwrap();

    let (status, second) = app
        .post(
            "/auth/refresh",
            None,
            &json!({ "refresh_token": first_refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let second_refresh = second["refresh_token"].as_str().unwrap();
    assert_ne!(first_refresh, second_refresh);
    let (status, _) = app
        .get("/auth/me", Some(second["access_token"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The first token comes back: someone copied it. The whole login ends,
    // including the token that replaced it.
    let (status, reused) = app
        .post(
            "/auth/refresh",
            None,
            &json!({ "refresh_token": first_refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reused["code"], "unauthenticated");
    let (status, _) = app
        .post(
            "/auth/refresh",
            None,
            &json!({ "refresh_token": second_refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn logout_ends_the_login(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let (_, login) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": officer.username, "password": PASSWORD }),
        )
        .await;
    let refresh = login["refresh_token"].as_str().unwrap();
    let (status, _) = app
        .post("/auth/logout", None, &json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .post("/auth/refresh", None, &json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Logging out twice is not an error.
    let (status, _) = app
        .post("/auth/logout", None, &json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

async fn deactivated_accounts_cannot_log_in(app: TestApp) {
    let organization = app.organization("Chợ Thủ Đức").await;
    let staff = app.staff(&organization).await;
    let (status, body) = app
        .patch(
            &format!("/accounts/{}", staff.id),
            Some(&organization.admin.token),
            &json!({ "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let (status, body) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": staff.username, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // An admin cannot lock themselves out.
    let (status, body) = app
        .patch(
            &format!("/accounts/{}", organization.admin.id),
            Some(&organization.admin.token),
            &json!({ "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn bad_tokens_are_401(app: TestApp) {
    // The scheme is case-insensitive.
    let admin = app.admin().await;
    let (status, _) = app
        .send(
            app.client
                .get(app.url("/auth/me"))
                .header("Authorization", format!("bearer {admin}")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // A body that is not JSON is a 415 that says what to send.
    let (status, body) = app
        .send(
            app.client
                .post(app.url("/auth/login"))
                .header("content-type", "text/plain")
                .body("admin"),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");

    let (status, body) = app.get("/auth/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    let (status, _) = app.get("/auth/me", Some("not-a-jwt")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .send(
            app.client
                .get(app.url("/auth/me"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4="),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
