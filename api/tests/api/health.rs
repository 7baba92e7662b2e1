//! Health records and the status they give, judged at instants on both
//! sides of the local midnights that the rules count from.

use antoan::domain::time::start_of_local_day;
use chrono::{Duration, SecondsFormat};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, local_today, person_input};

crate::on_both_backends!(
    status_turns_green_on_day_14,
    recovery_lasts_179_days,
    records_are_listed_and_validated,
    who_may_record_what,
    policies_are_versioned_data,
);

fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn status_at(
    app: &TestApp,
    token: &str,
    person: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Value {
    let (status, body) = app
        .get(
            &format!("/people/{person}/status?at={}", instant(at)),
            Some(token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn status_turns_green_on_day_14(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let id = person["id"].as_str().unwrap();

    let before = status_at(&app, &officer.token, id, chrono::Utc::now()).await;
    assert_eq!(before["colour"], "black");
    assert_eq!(before["reason_code"], "black_no_records");

    app.dose(&officer.token, id, "pfizer", 1, 20).await;
    let dose_day = local_today() - Duration::days(20);
    let green_from = start_of_local_day(dose_day + Duration::days(14));
    let day_13 = status_at(&app, &officer.token, id, green_from - Duration::seconds(1)).await;
    assert_eq!(day_13["colour"], "black");
    assert_eq!(day_13["reason_code"], "black_waiting_after_dose");
    assert_eq!(day_13["valid_until"], instant(green_from));
    let day_14 = status_at(&app, &officer.token, id, green_from).await;
    assert_eq!(day_14["colour"], "green", "{day_14}");
    assert_eq!(day_14["policy_version"], "hcmc-2021-10-01");
    assert_eq!(day_14["valid_from"], instant(green_from));
    assert_eq!(day_14["valid_until"], Value::Null);
    let reason = day_14["reason"].as_str().unwrap();
    assert!(
        reason.contains("dose 1") && reason.contains(&dose_day.to_string()),
        "{reason}"
    );
    assert!(!day_14["reason_vi"].as_str().unwrap().is_empty());

    // Before the first policy there is no rule to judge by.
    let (status, body) = app
        .get(
            &format!("/people/{id}/status?at=2021-09-01T00:00:00Z"),
            Some(&officer.token),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "no_policy_in_force");
    let (status, _) = app
        .get(
            &format!("/people/{id}/status?at=yesterday"),
            Some(&officer.token),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn recovery_lasts_179_days(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let id = person["id"].as_str().unwrap();
    let recovered_on = local_today() - Duration::days(30);
    let (status, body) = app
        .post(
            &format!("/people/{id}/recoveries"),
            Some(&officer.token),
            &json!({ "positive_on": recovered_on - Duration::days(14), "recovered_on": recovered_on, "certificate_number": "GCN-123" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let ends = start_of_local_day(recovered_on + Duration::days(180));
    let day_179 = status_at(&app, &officer.token, id, ends - Duration::seconds(1)).await;
    assert_eq!(day_179["colour"], "green");
    assert_eq!(day_179["reason_code"], "green_recovered");
    assert_eq!(day_179["valid_until"], instant(ends));
    let day_180 = status_at(&app, &officer.token, id, ends).await;
    assert_eq!(day_180["colour"], "black");
    assert_eq!(day_180["reason_code"], "black_recovery_expired");
}

async fn records_are_listed_and_validated(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let id = person["id"].as_str().unwrap();
    app.dose(&officer.token, id, "astrazeneca", 1, 90).await;
    app.dose(&officer.token, id, "pfizer", 2, 30).await;

    let (status, body) = app
        .post(&format!("/people/{id}/vaccinations"), Some(&officer.token), &json!({ "vaccine_code": "pfizer", "dose_number": 2, "administered_on": local_today() }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "duplicate_dose");
    let (status, body) = app
        .post(&format!("/people/{id}/vaccinations"), Some(&officer.token), &json!({ "vaccine_code": "sputnik_light", "dose_number": 3, "administered_on": local_today() + Duration::days(1) }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "administered_on");
    let (status, body) = app
        .post(&format!("/people/{id}/vaccinations"), Some(&officer.token), &json!({ "vaccine_code": "sputnik_light", "dose_number": 3, "administered_on": local_today() }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_vaccine");

    let (status, body) = app
        .post(&format!("/people/{id}/recoveries"), Some(&officer.token), &json!({ "positive_on": local_today(), "recovered_on": local_today() - Duration::days(3) }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let sampled = instant(chrono::Utc::now() - Duration::hours(5));
    let (status, body) = app
        .post(&format!("/people/{id}/test-results"), Some(&officer.token), &json!({ "kind": "rapid_antigen", "sampled_at": sampled, "result": "negative", "facility": "Trạm y tế Linh Xuân" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post(
            &format!("/people/{id}/test-results"),
            Some(&officer.token),
            &json!({ "kind": "smell", "sampled_at": sampled, "result": "maybe" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);

    let (status, body) = app
        .post(&format!("/people/{id}/test-results"), Some(&officer.token), &json!({ "kind": "pcr", "sampled_at": "-262143-01-01T00:00:00Z", "result": "negative" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "too_early");

    let (status, body) = app
        .post(&format!("/people/{id}/health-declarations"), Some(&officer.token), &json!({ "symptoms": ["fever", " cough "], "contact_with_case": false, "recent_travel": true }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["symptoms"], json!(["fever", "cough"]));

    let (status, records) = app
        .get(
            &format!("/people/{id}/health-records"),
            Some(&officer.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let doses: Vec<&str> = records["vaccinations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["vaccine_code"].as_str().unwrap())
        .collect();
    assert_eq!(doses, ["astrazeneca", "pfizer"]);
    assert_eq!(records["test_results"][0]["result"], "negative");
    assert_eq!(records["test_results"][0]["sampled_at"], sampled);
    assert_eq!(records["health_declarations"][0]["recent_travel"], true);
    assert_eq!(records["recoveries"], json!([]));
}

async fn who_may_record_what(app: TestApp) {
    let admin = app.admin().await;
    let (resident, own) = app.resident(person_input("26794")).await;
    let health = app.health_officer(&admin).await;
    let dose =
        json!({ "vaccine_code": "pfizer", "dose_number": 1, "administered_on": local_today() });

    let (status, _) = app
        .post(
            &format!("/people/{own}/vaccinations"),
            Some(&resident.token),
            &dose,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &format!("/people/{own}/vaccinations"),
            Some(&health.token),
            &dose,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let declaration = json!({ "contact_with_case": false, "recent_travel": false });
    let (status, _) = app
        .post(
            &format!("/people/{own}/health-declarations"),
            Some(&resident.token),
            &declaration,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app
        .post(
            &format!("/people/{own}/health-declarations"),
            Some(&health.token),
            &declaration,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get_for(
            &format!("/people/{own}/health-records"),
            &health.token,
            "contact tracing, case 79-1234",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn policies_are_versioned_data(app: TestApp) {
    let (status, policies) = app.get("/status-policies", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(policies[0]["version"], "hcmc-2021-10-01");
    assert_eq!(policies[0]["effective_from"], "2021-10-01");
    assert_eq!(policies[0]["rules"]["recovery"]["valid_days"], 180);

    let admin = app.admin().await;
    let rules = json!({
        "vaccination": { "wait_days": 14, "doses": "full_series", "valid_days": 180 },
        "recovery": { "valid_days": 180 },
        "negative_test": { "valid_hours": 72 },
    });
    let policy = json!({ "version": "test-full-series", "effective_from": "2030-01-01", "description": "a later rule", "rules": rules });
    let (status, body) = app.post("/status-policies", Some(&admin), &policy).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.post("/status-policies", Some(&admin), &policy).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let mut same_day = policy.clone();
    same_day["version"] = json!("test-same-day");
    let (status, body) = app.post("/status-policies", Some(&admin), &same_day).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "policy_date_taken");
    // Reaching back would change the meaning of colours already stored.
    let mut back_dated = policy.clone();
    back_dated["version"] = json!("test-back-dated");
    back_dated["effective_from"] = json!("2021-10-01");
    let (status, body) = app
        .post("/status-policies", Some(&admin), &back_dated)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "not_in_future");

    let mut bad = policy.clone();
    bad["version"] = json!("test-bad");
    bad["rules"]["vaccination"]["wait_days"] = json!(400);
    let (status, body) = app.post("/status-policies", Some(&admin), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    bad["rules"] = json!({ "vaccination": "always" });
    let (status, body) = app.post("/status-policies", Some(&admin), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let officer = app.ward_officer(&admin, "26794").await;
    let (status, _) = app
        .post("/status-policies", Some(&officer.token), &policy)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, policies) = app.get("/status-policies", None).await;
    assert_eq!(policies.as_array().unwrap().len(), 2);

    let (_, vaccines) = app.get("/vaccines", None).await;
    assert_eq!(vaccines.as_array().unwrap().len(), 10);
    let (_, wards) = app.get("/wards?district=769", None).await;
    assert_eq!(wards.as_array().unwrap().len(), 34);
    let (_, districts) = app.get("/districts", None).await;
    assert_eq!(districts.as_array().unwrap().len(), 22);
}
