//! Visits as time ranges: staff scan people out, residents check in by the
//! location code and check out, and a visit left open ends at its
//! checkpoint's maximum stay.

use chrono::{Duration, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    staff_scan_people_out,
    open_visits_end_at_the_maximum_stay,
    residents_check_in_and_out_by_the_location_code,
);

fn ago(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn staff_scan_people_out(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let gate_id = gate["id"].as_str().unwrap();
    let guard = app.staff(&market).await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let document = json!({ "document_number": person["document_number"] });

    let exits = format!("/checkpoints/{gate_id}/exits");
    let (status, body) = app.post(&exits, Some(&guard.token), &document).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "no_open_visit");

    let (status, scan) = app
        .post(
            &format!("/checkpoints/{gate_id}/scans"),
            Some(&guard.token),
            &document,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{scan}");
    let (status, exit) = app.post(&exits, Some(&guard.token), &document).await;
    assert_eq!(status, StatusCode::OK, "{exit}");
    assert_eq!(exit["visit_id"], scan["visit_id"]);
    assert_eq!(exit["exit_method"], "staff_scan");
    assert_eq!(exit["exited_at"], exit["ends_at"]);
    let (status, body) = app.post(&exits, Some(&guard.token), &document).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (_, visits) = app
        .get(
            &format!("/checkpoints/{gate_id}/visits"),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(visits["items"][0]["exit_method"], "staff_scan");
    assert_eq!(visits["items"][0]["exited_at"], exit["exited_at"]);

    // Another organization's guard cannot scan anyone out here.
    let shop = app.organization("Bách Hóa Xanh").await;
    let other_guard = app.staff(&shop).await;
    let (status, _) = app.post(&exits, Some(&other_guard.token), &document).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn open_visits_end_at_the_maximum_stay(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let gate_id = gate["id"].as_str().unwrap();
    assert_eq!(gate["max_stay_minutes"], 240);
    let guard = app.staff(&market).await;

    let path = format!("/checkpoints/{gate_id}");
    for bad in [4, 1441] {
        let (status, body) = app
            .patch(
                &path,
                Some(&market.admin.token),
                &json!({ "max_stay_minutes": bad }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    let (status, body) = app
        .patch(
            &path,
            Some(&guard.token),
            &json!({ "max_stay_minutes": 30 }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, updated) = app
        .patch(
            &path,
            Some(&market.admin.token),
            &json!({ "max_stay_minutes": 30 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["max_stay_minutes"], 30);

    // Scanned in 45 minutes ago and never out: the visit ended after 30.
    let person = app.person(&officer.token, person_input("26794")).await;
    let document = json!({ "document_number": person["document_number"], "scanned_at": ago(45) });
    let (status, scan) = app
        .post(
            &format!("/checkpoints/{gate_id}/scans"),
            Some(&guard.token),
            &document,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{scan}");
    let (_, visits) = app
        .get(
            &format!("/checkpoints/{gate_id}/visits"),
            Some(&market.admin.token),
        )
        .await;
    let visit = &visits["items"][0];
    assert_eq!(visit["exit_method"], "max_stay", "{visit}");
    let entered =
        chrono::DateTime::parse_from_rfc3339(visit["entered_at"].as_str().unwrap()).unwrap();
    let exited =
        chrono::DateTime::parse_from_rfc3339(visit["exited_at"].as_str().unwrap()).unwrap();
    assert_eq!(exited - entered, Duration::minutes(30));

    // A closed visit cannot be scanned out any more.
    let (status, body) = app
        .post(
            &format!("/checkpoints/{gate_id}/exits"),
            Some(&guard.token),
            &json!({ "document_number": person["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // A visit scanned 10 minutes ago is still open.
    let other = app.person(&officer.token, person_input("26794")).await;
    let (status, _) = app
        .post(
            &format!("/checkpoints/{gate_id}/scans"),
            Some(&guard.token),
            &json!({ "document_number": other["document_number"], "scanned_at": ago(10) }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, visits) = app
        .get(
            &format!("/checkpoints/{gate_id}/visits"),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(visits["items"][0]["exited_at"], Value::Null, "{visits}");
    assert_eq!(visits["items"][0]["exit_method"], Value::Null);
}

async fn residents_check_in_and_out_by_the_location_code(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let code = gate["location_code"].as_str().unwrap().to_owned();
    let (resident, person) = app.resident(person_input("26794")).await;
    app.dose(&officer.token, &person, "pfizer", 1, 20).await;
    let (stranger, _) = app.resident(person_input("26794")).await;

    let check_ins = format!("/locations/{}/check-ins", code.to_lowercase());
    let body = json!({ "idempotency_key": "phone-1" });
    let (status, checked_in) = app.post(&check_ins, Some(&resident.token), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{checked_in}");
    assert_eq!(checked_in["colour"], "green");
    assert_eq!(checked_in["organization_name"], "Chợ Thủ Đức");
    assert_eq!(checked_in["visit"]["checkpoint_name"], "Cổng chính");
    assert_eq!(checked_in["visit"]["exited_at"], Value::Null);
    let (status, retry) = app.post(&check_ins, Some(&resident.token), &body).await;
    assert_eq!(status, StatusCode::OK, "{retry}");
    assert_eq!(retry["visit"]["visit_id"], checked_in["visit"]["visit_id"]);

    // The organization sees the visit as a self check-in.
    let (_, visits) = app
        .get(
            &format!("/organizations/{}/visits", market.id),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(visits["items"].as_array().unwrap().len(), 1, "{visits}");
    assert_eq!(visits["items"][0]["method"], "self_check_in");

    let visit = checked_in["visit"]["visit_id"].as_str().unwrap();
    let check_out = format!("/visits/{visit}/check-out");
    let (status, _) = app
        .post(&check_out, Some(&stranger.token), &json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post(&check_out, Some(&market.admin.token), &json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, out) = app
        .post(&check_out, Some(&resident.token), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["exit_method"], "self_check_out");
    let (status, body) = app
        .post(&check_out, Some(&resident.token), &json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "visit_ended");

    // Unknown and replaced codes.
    let (status, _) = app
        .post(
            "/locations/NOSUCHCODE/check-ins",
            Some(&resident.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post(
            &format!(
                "/checkpoints/{}/location-code",
                gate["id"].as_str().unwrap()
            ),
            Some(&market.admin.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &format!("/locations/{code}/check-ins"),
            Some(&resident.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "location_code_replaced");
}
