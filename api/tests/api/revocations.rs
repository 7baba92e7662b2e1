//! Removing a wrongly recorded recovery or dose through the correction
//! workflow, who may, what stops counting, and the revocation of the QR
//! codes issued before: `POST /qr/verify`, scans, and the public
//! revocation list with its caching.

use antoan::db::revocations;
use antoan::domain::national_qr;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{Actor, TestApp, local_today, person_input};
use crate::corrections::{self, ledger, transition};

crate::on_both_backends!(
    a_ward_removes_a_wrong_recovery_and_earlier_codes_are_revoked,
    only_the_city_removes_a_dose_whose_number_the_right_dose_takes,
    a_failed_resolution_removes_nothing,
    the_list_drops_revocations_whose_codes_have_all_expired,
);

/// Files a correction request; returns its id.
async fn file(app: &TestApp, token: &str, person: &str, body: Value) -> String {
    let filed = corrections::file(app, token, person, body).await;
    filed["id"].as_str().unwrap().to_owned()
}

/// Records, as `officer`, a recovery of `person` thirty days ago.
async fn add_recovery(app: &TestApp, officer: &str, person: &str) -> Value {
    let recovered_on = local_today() - Duration::days(30);
    let (status, recovery) = app
        .post(
            &format!("/people/{person}/recoveries"),
            Some(officer),
            &json!({ "positive_on": recovered_on - Duration::days(14), "recovered_on": recovered_on }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{recovery}");
    recovery
}

async fn records(app: &TestApp, token: &str, person: &str) -> Value {
    let (status, records) = app
        .get_for(
            &format!("/people/{person}/health-records"),
            token,
            "kiểm tra hồ sơ",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{records}");
    records
}

async fn colour(app: &TestApp, token: &str, person: &str) -> String {
    let (status, view) = app
        .get_for(&format!("/people/{person}/status"), token, "kiểm tra")
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["colour"].as_str().unwrap().to_owned()
}

/// The person's signed QR as the API issues it now.
async fn code(app: &TestApp, token: &str, person: &str) -> Value {
    let (status, code) = app
        .get_for(&format!("/people/{person}/qr"), token, "in thẻ")
        .await;
    assert_eq!(status, StatusCode::OK, "{code}");
    code
}

async fn verify(app: &TestApp, payload: &Value) -> Value {
    let (status, verified) = app
        .post("/qr/verify", None, &json!({ "payload": payload }))
        .await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    verified
}

/// The revocation list, with its `ETag` and `Cache-Control`.
async fn revocation_list(app: &TestApp) -> (Value, String, String) {
    let response = app
        .client
        .get(app.url("/qr/revocations.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (etag, cache_control) = (header("etag"), header("cache-control"));
    (response.json().await.unwrap(), etag, cache_control)
}

/// The documented hash of a QID, computed here from its definition.
fn qid_hash(qid: &str) -> String {
    let digest = Sha256::digest(format!("antoan-qr-revocation-1|{qid}").as_bytes());
    hex::encode(&digest[..16])
}

/// The version 1 form of an issued code (no issue instant), signed with the
/// server's key as codes were before version 2.
fn version_1(app: &TestApp, code: &Value) -> Value {
    let payload = code["payload"].as_str().unwrap();
    let prefix = &payload[..payload.find("AT2.").unwrap()];
    let seconds = |field: &str| {
        code[field]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<Utc>>()
            .unwrap()
            .timestamp()
    };
    let signed = format!(
        "{prefix}AT1.{}.{}.{}.",
        code["key_id"].as_str().unwrap(),
        seconds("green_from"),
        seconds("green_until")
    );
    let signature = app.state.keys.sign(signed.as_bytes());
    json!(format!("{signed}{signature}"))
}

/// A scan of `payload` at `checkpoint` by `guard`.
async fn scan(app: &TestApp, guard: &Actor, checkpoint: &str, payload: &Value) -> Value {
    let (status, scanned) = app
        .post(
            &format!("/checkpoints/{checkpoint}/scans"),
            Some(&guard.token),
            &json!({ "payload": payload, "idempotency_key": antoan::db::new_public_id() }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{scanned}");
    scanned
}

async fn a_ward_removes_a_wrong_recovery_and_earlier_codes_are_revoked(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let other_ward = app.ward_officer(&admin, "27088").await;
    let health = app.health_officer(&admin).await;
    let (resident, person) = app.resident(person_input("26794")).await;
    let (_, unrelated) = app.resident(person_input("26794")).await;
    let market = app.organization("Chợ Thủ Đức").await;
    let checkpoint = app.checkpoint(&market, "Cổng chính").await;
    let checkpoint = checkpoint["id"].as_str().unwrap();
    let guard = app.staff(&market).await;

    // The ward recorded a recovery that was someone else's: green.
    let recovery = add_recovery(&app, &ward.token, &person).await;
    let recovery_id = recovery["id"].as_str().unwrap();
    assert_eq!(colour(&app, &ward.token, &person).await, "green");
    let old = code(&app, &resident.token, &person).await;
    let old_payload = &old["payload"];
    assert!(old_payload.as_str().unwrap().contains("<AT2."), "{old}");
    let before = verify(&app, old_payload).await;
    assert_eq!(before["signature"], "valid");
    assert_eq!(before["offline_colour"], "green");
    assert_eq!(before["issued_at"], old["issued_at"]);
    let old_v1 = version_1(&app, &old);
    let before = verify(&app, &old_v1).await;
    assert_eq!(before["signature"], "valid", "{before}");
    assert_eq!(before["issued_at"], Value::Null);
    let (list, _, _) = revocation_list(&app).await;
    assert_eq!(list["entries"], json!([]));

    let request = file(
        &app,
        &resident.token,
        &person,
        json!({ "kind": "recovery", "description": "Tôi chưa từng mắc COVID-19; giấy khỏi bệnh này không phải của tôi." }),
    )
    .await;

    // Who may not remove it: the resident, another ward, a health officer.
    let remove =
        json!({ "to": "resolved", "note": "Nhập nhầm người.", "remove_record_id": recovery_id });
    let (status, _) = transition(&app, &resident.token, &request, remove.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = transition(&app, &other_ward.token, &request, remove.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = transition(&app, &health.token, &request, remove.clone()).await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}"
    );

    // A removal belongs to the resolution, and names a record of this person.
    let (status, body) = transition(
        &app,
        &ward.token,
        &request,
        json!({ "to": "in_progress", "remove_record_id": recovery_id }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "remove_record_id");
    assert_eq!(body["errors"][0]["code"], "only_when_resolving");
    let unrelated_recovery = add_recovery(&app, &ward.token, &unrelated).await;
    for wrong in [
        "no-such-record".to_owned(),
        unrelated_recovery["id"].as_str().unwrap().to_owned(),
    ] {
        let (status, body) = transition(
            &app,
            &ward.token,
            &request,
            json!({ "to": "resolved", "note": "x", "remove_record_id": wrong }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["code"], "unknown_record", "{body}");
    }
    assert_eq!(colour(&app, &ward.token, &unrelated).await, "green");

    // The ward officer resolves it and removes the recovery.
    let (status, resolved) = transition(&app, &ward.token, &request, remove.clone()).await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["state"], "resolved");
    let removed = &resolved["removed_record"];
    assert_eq!(removed["kind"], "recovery");
    assert_eq!(removed["recovery"]["id"], recovery_id);
    assert_eq!(removed["removed_by_account_id"], ward.id.as_str());
    assert!(removed["vaccination"].is_null());
    let last = resolved["history"].as_array().unwrap().last().unwrap();
    assert_eq!(last["to_state"], "resolved");
    assert_eq!(last["note"], "Nhập nhầm người.");
    let (_, read_back) = app
        .get(&format!("/corrections/{request}"), Some(&resident.token))
        .await;
    assert_eq!(read_back["removed_record"]["recovery"]["id"], recovery_id);

    // The recovery no longer counts anywhere.
    assert_eq!(
        records(&app, &ward.token, &person).await["recoveries"],
        json!([])
    );
    assert_eq!(colour(&app, &ward.token, &person).await, "black");
    assert!(
        ledger(&app, &person, &resident.token)
            .await
            .contains(&("record_removal".to_owned(), "ward_officer".to_owned()))
    );

    // The code issued before is revoked; one issued now is not.
    let after = verify(&app, old_payload).await;
    assert_eq!(after["signature"], "revoked", "{after}");
    assert_eq!(after["offline_colour"], Value::Null);
    assert_eq!(after["green_until"], Value::Null);
    // Version 1 codes carry no issue instant and all predate the revocation.
    assert_eq!(verify(&app, &old_v1).await["signature"], "revoked");
    let new = code(&app, &resident.token, &person).await;
    assert!(new["issued_at"].as_str() > old["issued_at"].as_str());
    let fresh = verify(&app, &new["payload"]).await;
    assert_eq!(fresh["signature"], "valid", "{fresh}");
    assert_eq!(fresh["offline_colour"], "black");

    // At a checkpoint, the old code says it was revoked; the colour comes
    // from the records now.
    let scanned = scan(&app, &guard, checkpoint, old_payload).await;
    assert_eq!(scanned["signature"], "revoked");
    assert_eq!(scanned["colour"], "black");
    let scanned = scan(&app, &guard, checkpoint, &new["payload"]).await;
    assert_eq!(scanned["signature"], "valid");

    // The public list names the person by the hash of their QID, reaching
    // past the old code's issue instant and no further than the new one's.
    let qid = national_qr::parse(old_payload.as_str().unwrap())
        .unwrap()
        .qid
        .unwrap();
    let (list, etag, cache_control) = revocation_list(&app).await;
    assert_eq!(list["version"], 1);
    assert_eq!(list["max_validity_seconds"], 7 * 86_400);
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{list}");
    assert_eq!(entries[0]["qid_hash"], qid_hash(qid.as_str()));
    let issued_before = entries[0]["issued_before"].as_str().unwrap();
    let parse = |text: &str| text.parse::<chrono::DateTime<Utc>>().unwrap();
    assert!(parse(issued_before) > parse(old["issued_at"].as_str().unwrap()));
    assert!(parse(issued_before) <= parse(new["issued_at"].as_str().unwrap()));
    assert!(!list.to_string().contains(qid.as_str()));
    assert_eq!(cache_control, "public, max-age=300");

    // An unchanged list is not sent again.
    let unchanged = app
        .client
        .get(app.url("/qr/revocations.json"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()["etag"].to_str().unwrap(), etag);
    assert!(unchanged.bytes().await.unwrap().is_empty());
    let stale = app
        .client
        .get(app.url("/qr/revocations.json"))
        .header("if-none-match", "\"an-older-list\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);

    // The same record cannot be removed twice.
    let second = file(
        &app,
        &resident.token,
        &person,
        json!({ "kind": "recovery", "description": "Giấy khỏi bệnh vẫn còn." }),
    )
    .await;
    let (status, body) = transition(&app, &ward.token, &second, remove).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "record_already_removed");
}

/// Sends one vaccination record as the integrator holding `secret`.
async fn import(app: &TestApp, secret: &str, record: &Value) -> (StatusCode, Value) {
    app.send(
        app.client
            .post(app.url("/imports/vaccinations"))
            .bearer_auth(secret)
            .header("content-type", "application/x-ndjson")
            .body(record.to_string()),
    )
    .await
}

async fn only_the_city_removes_a_dose_whose_number_the_right_dose_takes(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let person = app.person(&ward.token, person_input("26794")).await;
    let person_id = person["id"].as_str().unwrap();
    let market = app.organization("Chợ Thủ Đức").await;

    // The national portal sent a dose that belongs to someone else.
    let (status, key) = app
        .post(
            "/api-keys",
            Some(&admin),
            &json!({ "name": "Cổng tiêm chủng", "source": "national_portal", "scopes": ["import_vaccinations"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let secret = key["secret"].as_str().unwrap();
    let record = json!({
        "source_record_id": "VN-2021-777",
        "document_number": person["document_number"],
        "vaccine_code": "pfizer",
        "dose_number": 1,
        "administered_on": local_today() - Duration::days(30),
    });
    let (status, job) = import(&app, secret, &record).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["created"], 1);
    let dose_id = records(&app, &ward.token, person_id).await["vaccinations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(colour(&app, &ward.token, person_id).await, "green");
    let (status, _) = app
        .post(
            &format!("/organizations/{}/staff", market.id),
            Some(&market.admin.token),
            &json!({ "document_number": person["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let old = code(&app, &ward.token, person_id).await;

    let request = file(
        &app,
        &ward.token,
        person_id,
        json!({ "kind": "vaccination", "description": "Người dân chưa tiêm mũi này.", "vaccination": { "dose_number": 1 } }),
    )
    .await;

    // Doses are the national portal's: the ward cannot remove one.
    let remove = json!({ "to": "resolved", "note": "Cổng tiêm chủng xác nhận nhập nhầm.", "remove_record_id": dose_id });
    let (status, body) = transition(&app, &ward.token, &request, remove.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        records(&app, &ward.token, person_id).await["vaccinations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The city, which handles the portal's queue, removes it.
    let (status, resolved) = transition(&app, &admin, &request, remove).await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["removed_record"]["kind"], "vaccination");
    assert_eq!(resolved["removed_record"]["vaccination"]["id"], dose_id);
    assert_eq!(
        resolved["removed_record"]["vaccination"]["source"],
        "national_portal"
    );
    assert_eq!(
        records(&app, &ward.token, person_id).await["vaccinations"],
        json!([])
    );
    assert_eq!(colour(&app, &ward.token, person_id).await, "black");
    assert_eq!(verify(&app, &old["payload"]).await["signature"], "revoked");

    // The staff list and its export count no dose.
    let staff = format!("/organizations/{}/staff", market.id);
    let (_, page) = app.get(&staff, Some(&market.admin.token)).await;
    assert_eq!(page["items"][0]["status"]["doses"], 0, "{page}");
    assert_eq!(page["items"][0]["status"]["colour"], "black");
    let (status, csv) = app
        .get(&format!("{staff}.csv"), Some(&market.admin.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    assert!(!csv.to_lowercase().contains("pfizer"), "{csv}");

    // The portal sending the removed record again does not bring it back.
    let (status, job) = import(&app, secret, &record).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["rejected"], 1, "{job}");
    assert_eq!(job["results"][0]["errors"][0]["code"], "removed_record");

    // The right dose takes the removed dose's number.
    let right = app.dose(&ward.token, person_id, "astrazeneca", 1, 20).await;
    assert_eq!(right["dose_number"], 1);
    let doses = records(&app, &ward.token, person_id).await["vaccinations"].clone();
    assert_eq!(doses.as_array().unwrap().len(), 1);
    assert_eq!(doses[0]["vaccine_code"], "astrazeneca");
    assert_eq!(colour(&app, &ward.token, person_id).await, "green");
}

async fn a_failed_resolution_removes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let person = app.person(&ward.token, person_input("26794")).await;
    let person_id = person["id"].as_str().unwrap();
    let recovery = add_recovery(&app, &ward.token, person_id).await;
    let old = code(&app, &ward.token, person_id).await;

    // The request gives no dates, so the recovery it would record cannot be:
    // the removal asked in the same step is not made either.
    let request = file(
        &app,
        &ward.token,
        person_id,
        json!({ "kind": "recovery", "description": "Ngày khỏi bệnh ghi sai." }),
    )
    .await;
    let (status, body) = transition(
        &app,
        &ward.token,
        &request,
        json!({ "to": "resolved", "note": "Sửa ngày.", "record_recovery": true, "remove_record_id": recovery["id"] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "incomplete_request");

    assert_eq!(
        records(&app, &ward.token, person_id).await["recoveries"][0]["id"],
        recovery["id"]
    );
    let (_, request) = app
        .get_for(&format!("/corrections/{request}"), &ward.token, "kiểm tra")
        .await;
    assert_eq!(request["state"], "open");
    assert!(request["removed_record"].is_null());
    assert_eq!(verify(&app, &old["payload"]).await["signature"], "valid");
    let (list, _, _) = revocation_list(&app).await;
    assert_eq!(list["entries"], json!([]));
    assert!(
        !ledger(&app, person_id, &ward.token)
            .await
            .iter()
            .any(|(kind, _)| kind == "record_removal")
    );
}

async fn the_list_drops_revocations_whose_codes_have_all_expired(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let mut people = Vec::new();
    for _ in 0..3 {
        let person = app.person(&ward.token, person_input("26794")).await;
        people.push(person["qid"].as_str().unwrap().to_owned());
    }

    // Revocations reaching 8 days back (every code they revoke has expired
    // under the 7-day cap), 6 days back, and two for the last person, of
    // which the list carries the later.
    let now = Utc::now();
    let reaching = [
        (0, now - Duration::days(8)),
        (1, now - Duration::days(6)),
        (2, now - Duration::days(3)),
        (2, now - Duration::days(1)),
    ];
    let state = app.state.clone();
    let qids = people.clone();
    actix_web::web::block(move || {
        let mut conn = state.db.get().unwrap();
        for (index, issued_before) in reaching {
            let person = antoan::db::people::by_qid(&mut conn, &qids[index])
                .unwrap()
                .unwrap();
            revocations::insert(
                &mut conn,
                &revocations::NewRevocation {
                    person_id: person.id,
                    issued_before: antoan::db::truncate_to_micros(issued_before.naive_utc()),
                    reason: revocations::REASON_RECORD_REMOVED.to_owned(),
                    correction_request_id: None,
                    created_by_account_id: None,
                    created_at: antoan::db::now(),
                },
            )
            .unwrap();
        }
    })
    .await
    .unwrap();

    let (list, _, _) = revocation_list(&app).await;
    let mut expected = vec![
        (qid_hash(&people[1]), now - Duration::days(6)),
        (qid_hash(&people[2]), now - Duration::days(1)),
    ];
    expected.sort();
    let entries: Vec<(String, i64)> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let at = entry["issued_before"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<Utc>>()
                .unwrap();
            (
                entry["qid_hash"].as_str().unwrap().to_owned(),
                at.timestamp_micros(),
            )
        })
        .collect();
    let expected: Vec<(String, i64)> = expected
        .into_iter()
        .map(|(hash, at)| (hash, at.timestamp_micros()))
        .collect();
    assert_eq!(entries, expected);
}
