//! Correction requests from filing to resolution: routing, states and
//! history, the ward's queue, recording the recovery on resolution, and
//! the national portal's export.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    a_recovery_request_travels_to_resolution_and_records_the_recovery,
    vaccination_requests_go_to_the_portal_queue_and_export,
    closed_requests_do_not_move_and_bad_input_is_refused,
);

/// The (kind, reader role) of each entry of a person's access ledger.
pub async fn ledger(app: &TestApp, person: &str, token: &str) -> Vec<(String, String)> {
    let (status, page) = app
        .get(
            &format!("/people/{person}/access-log?limit=200"),
            Some(token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["kind"].as_str().unwrap().to_owned(),
                entry["reader_role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Files a correction request for `person`; returns it as filed.
pub async fn file(app: &TestApp, token: &str, person: &str, body: Value) -> Value {
    let (status, filed) = app
        .post(&format!("/people/{person}/corrections"), Some(token), &body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    filed
}

/// Moves request `id` on as `token`.
pub async fn transition(app: &TestApp, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    app.post(
        &format!("/corrections/{id}/transitions"),
        Some(token),
        &body,
    )
    .await
}

async fn a_recovery_request_travels_to_resolution_and_records_the_recovery(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let other_ward = app.ward_officer(&admin, "27088").await;
    let (resident, person) = app.resident(person_input("26794")).await;

    let filed = file(
        &app,
        &resident.token,
        &person,
        json!({
            "kind": "recovery",
            "description": "Tôi đã khỏi bệnh nhưng mã vẫn màu đen.",
            "recovery": {
                "positive_on": "2021-08-01",
                "recovered_on": "2021-08-20",
                "certificate_number": "26794/2021/0815",
            },
        }),
    )
    .await;
    assert_eq!(filed["state"], "open");
    assert_eq!(filed["routed_to"], "ward");
    assert_eq!(filed["ward_code"], "26794");
    assert_eq!(filed["history"].as_array().unwrap().len(), 1);
    assert_eq!(filed["history"][0]["by_role"], "resident");
    let id = filed["id"].as_str().unwrap();

    // The ward's queue has it; another ward's does not.
    let (status, queue) = app
        .get("/corrections?state=open&kind=recovery", Some(&ward.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue["items"][0]["id"], id);
    // The queue names each person, their document number masked.
    assert_eq!(queue["items"][0]["person_full_name"], "Nguyễn Thị Đoàn");
    let masked = queue["items"][0]["person_document_number_masked"]
        .as_str()
        .unwrap();
    assert!(masked.starts_with("******"), "{masked}");
    assert_eq!(masked.len(), 12);
    let (_, other_queue) = app.get("/corrections", Some(&other_ward.token)).await;
    assert!(other_queue["items"].as_array().unwrap().is_empty());
    let (status, _) = app
        .get(&format!("/corrections/{id}"), Some(&other_ward.token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The resident follows it but cannot handle it.
    let (status, _) = transition(&app, &resident.token, id, json!({ "to": "resolved" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, moved) = transition(
        &app,
        &ward.token,
        id,
        json!({ "to": "in_progress", "note": "Đang kiểm tra giấy xác nhận." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["state"], "in_progress");
    let (status, noted) = transition(
        &app,
        &ward.token,
        id,
        json!({ "note": "Đã gọi điện cho người dân." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{noted}");
    assert_eq!(noted["state"], "in_progress");

    let (status, resolved) = transition(
        &app,
        &ward.token,
        id,
        json!({ "to": "resolved", "note": "Đã ghi nhận khỏi bệnh.", "record_recovery": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["state"], "resolved");
    let history: Vec<(Value, Value)> = resolved["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| (event["from_state"].clone(), event["to_state"].clone()))
        .collect();
    assert_eq!(
        history,
        vec![
            (Value::Null, json!("open")),
            (json!("open"), json!("in_progress")),
            (json!("in_progress"), json!("in_progress")),
            (json!("in_progress"), json!("resolved")),
        ]
    );
    assert_eq!(resolved["history"][3]["by_account_id"], ward.id.as_str());

    // The recovery is on record, as the request asked.
    let (_, records) = app
        .get(
            &format!("/people/{person}/health-records"),
            Some(&resident.token),
        )
        .await;
    let recoveries = records["recoveries"].as_array().unwrap();
    assert_eq!(recoveries.len(), 1);
    assert_eq!(recoveries[0]["recovered_on"], "2021-08-20");
    assert_eq!(recoveries[0]["certificate_number"], "26794/2021/0815");

    // The resident sees their request and its outcome.
    let (status, mine) = app
        .get(
            &format!("/people/{person}/corrections"),
            Some(&resident.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["items"][0]["state"], "resolved");
}

async fn vaccination_requests_go_to_the_portal_queue_and_export(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let input = person_input("26794");
    let person = app.person(&ward.token, input.clone()).await;
    let person_id = person["id"].as_str().unwrap();

    let filed = file(
        &app,
        &ward.token,
        person_id,
        json!({
            "kind": "vaccination",
            "description": "=HYPERLINK(\"http://127.0.0.1\")",
            "vaccination": {
                "vaccine_code": "pfizer",
                "dose_number": 2,
                "administered_on": "2021-09-10",
                "place": "-Trường THCS Linh Xuân",
            },
        }),
    )
    .await;
    assert_eq!(filed["routed_to"], "national_portal");
    assert_eq!(filed["history"][0]["by_role"], "ward_officer");
    let id = filed["id"].as_str().unwrap();

    // The portal's requests are the city's to handle, not the ward's.
    let (status, _) = transition(&app, &ward.token, id, json!({ "to": "in_progress" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let response = app
        .client
        .get(app.url("/corrections/export.csv"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{text}");
    let cell = |name: &str| {
        let index = header.iter().position(|h| h == name).unwrap();
        rows[0][index].to_owned()
    };
    assert_eq!(cell("request_id"), id);
    assert_eq!(
        cell("document_number"),
        input["document_number"].as_str().unwrap()
    );
    assert_eq!(cell("full_name"), "Nguyễn Thị Đoàn");
    assert_eq!(cell("description"), "'=HYPERLINK(\"http://127.0.0.1\")");
    assert_eq!(cell("place"), "'-Trường THCS Linh Xuân");
    assert_eq!(cell("dose_number"), "2");
    let entries = ledger(&app, person_id, &admin).await;
    assert!(
        entries.contains(&("export".to_owned(), "city_admin".to_owned())),
        "the export is in the person's ledger: {entries:?}"
    );
    assert_eq!(cell("administered_on"), "2021-09-10");

    // Once in progress it leaves the export of open requests.
    let (status, _) = transition(&app, &admin, id, json!({ "to": "in_progress" })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, bytes) = app.get_bytes("/corrections/export.csv", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        String::from_utf8(bytes).unwrap().lines().count(),
        1,
        "header only"
    );
    let (status, _, bytes) = app
        .get_bytes("/corrections/export.csv?state=in_progress", Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 2);
}

async fn closed_requests_do_not_move_and_bad_input_is_refused(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let person = app.person(&ward.token, person_input("26794")).await;
    let person_id = person["id"].as_str().unwrap();

    let (status, body) = app
        .post(
            &format!("/people/{person_id}/corrections"),
            Some(&ward.token),
            &json!({
                "kind": "dose",
                "description": " ",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "description"]);
    let (status, body) = app
        .post(
            &format!("/people/{person_id}/corrections"),
            Some(&ward.token),
            &json!({
                "kind": "recovery",
                "description": "Sai ngày khỏi bệnh.",
                "recovery": { "positive_on": "2021-08-20", "recovered_on": "2021-08-01" },
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["code"], "before_positive");

    let filed = file(
        &app,
        &ward.token,
        person_id,
        json!({ "kind": "recovery", "description": "Cần kiểm tra lại." }),
    )
    .await;
    let id = filed["id"].as_str().unwrap();
    // Rejecting needs a reason; recording needs the dates.
    let (status, body) = transition(&app, &ward.token, id, json!({ "to": "rejected" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "note");
    let (status, body) = transition(
        &app,
        &ward.token,
        id,
        json!({ "to": "resolved", "record_recovery": true }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["code"], "incomplete_request");
    let (_, unchanged) = app
        .get(&format!("/corrections/{id}"), Some(&ward.token))
        .await;
    assert_eq!(unchanged["state"], "open", "nothing half-written");
    assert_eq!(unchanged["history"].as_array().unwrap().len(), 1);

    let (status, _) = transition(
        &app,
        &ward.token,
        id,
        json!({ "to": "rejected", "note": "Không có giấy xác nhận khỏi bệnh." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for body in [
        json!({ "to": "in_progress" }),
        json!({ "to": "resolved" }),
        json!({ "note": "Thêm ghi chú." }),
    ] {
        let (status, answer) = transition(&app, &ward.token, id, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    }
    let (status, _) = app
        .get("/corrections?state=closed", Some(&ward.token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
