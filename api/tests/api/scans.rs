//! Scans at checkpoints: what the guard sees for green, black, unknown,
//! masked and forged codes, replays that count once, and the visit lists.

use chrono::{Duration, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use antoan::error::ApiError;
use antoan::routes::scans::{ScanJob, Scanned, read_scan, record_scans};

use crate::common::{Organization, TestApp, person_input};

crate::on_both_backends!(
    scans_show_green_and_black,
    replayed_scans_count_once,
    codes_that_cannot_be_trusted_are_refused,
    people_unknown_to_us_scan_black,
    visits_are_paged_newest_first,
    concurrent_scans_all_land_once,
    a_batch_answers_each_scan_on_its_own,
);

struct Gate {
    organization: Organization,
    checkpoint: String,
    staff: String,
}

async fn gate(app: &TestApp) -> Gate {
    let organization = app.organization("Chợ Thủ Đức").await;
    let checkpoint = app.checkpoint(&organization, "Cổng chính").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff = app.staff(&organization).await.token;
    Gate {
        organization,
        checkpoint,
        staff,
    }
}

/// A person of ward 26794 with a Pfizer dose `days_ago`, and their QR payload.
async fn vaccinated(app: &TestApp, officer: &str, days_ago: i64) -> (Value, String) {
    let person = app.person(officer, person_input("26794")).await;
    let id = person["id"].as_str().unwrap();
    app.dose(officer, id, "pfizer", 1, days_ago).await;
    let (_, code) = app.get(&format!("/people/{id}/qr"), Some(officer)).await;
    (person, code["payload"].as_str().unwrap().to_owned())
}

async fn scan(app: &TestApp, gate: &Gate, body: Value) -> (StatusCode, Value) {
    app.post(
        &format!("/checkpoints/{}/scans", gate.checkpoint),
        Some(&gate.staff),
        &body,
    )
    .await
}

async fn scans_show_green_and_black(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let gate = gate(&app).await;

    let (person, payload) = vaccinated(&app, &officer, 20).await;
    let (status, green) = scan(&app, &gate, json!({ "payload": payload })).await;
    assert_eq!(status, StatusCode::CREATED, "{green}");
    assert_eq!(green["colour"], "green");
    assert_eq!(green["folded_name"], "NGUYEN THI DOAN");
    assert_eq!(green["document_masked"], person["document_number_masked"]);
    assert_eq!(green["signature"], "valid");
    assert_eq!(green["policy_version"], "hcmc-2021-10-01");
    assert_eq!(green["person_known"], true);
    assert!(
        green["reason"].as_str().unwrap().contains("dose 1"),
        "{green}"
    );

    let (_, payload) = vaccinated(&app, &officer, 5).await;
    let (status, black) = scan(&app, &gate, json!({ "payload": payload })).await;
    assert_eq!(status, StatusCode::CREATED, "{black}");
    assert_eq!(black["colour"], "black");
    assert!(
        black["reason"].as_str().unwrap().contains("green from"),
        "{black}"
    );

    // Manual entry for a card that will not scan.
    let (status, manual) = scan(
        &app,
        &gate,
        json!({ "document_number": person["document_number"] }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{manual}");
    assert_eq!(manual["colour"], "green");
    assert_eq!(manual["signature"], "manual");

    // An organization's admin may scan too; a ward officer may not.
    let (status, _) = app
        .post(
            &format!("/checkpoints/{}/scans", gate.checkpoint),
            Some(&gate.organization.admin.token),
            &json!({ "payload": payload }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app
        .post(
            &format!("/checkpoints/{}/scans", gate.checkpoint),
            Some(&officer),
            &json!({ "payload": payload }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn replayed_scans_count_once(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let gate = gate(&app).await;
    let (_, payload) = vaccinated(&app, &officer, 20).await;

    let offline_at =
        (Utc::now() - Duration::minutes(30)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let body = json!({ "payload": payload, "idempotency_key": "scanner-7/0001", "scanned_at": offline_at });
    let (status, first) = scan(&app, &gate, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["scanned_at"], offline_at);
    let (status, again) = scan(&app, &gate, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["visit_id"], first["visit_id"]);

    let (status, visits) = app
        .get(
            &format!("/checkpoints/{}/visits", gate.checkpoint),
            Some(&gate.organization.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{visits}");
    assert_eq!(visits["items"].as_array().unwrap().len(), 1);

    let (status, body) = scan(
        &app,
        &gate,
        json!({ "payload": payload, "scanned_at": "2020-01-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn codes_that_cannot_be_trusted_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let gate = gate(&app).await;
    let (_, payload) = vaccinated(&app, &officer, 20).await;

    let forged = payload.replace("NGUYEN THI DOAN", "TRAN VAN AN");
    let (status, body) = scan(&app, &gate, json!({ "payload": forged })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_signature");

    // A masked display copy of our own code is not a forgery, but it cannot be looked up.
    let masked_copy = format!("******{}", &payload[6..]);
    let (status, body) = scan(&app, &gate, json!({ "payload": masked_copy })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "masked_document");

    let masked = "******004321|LE VAN TAM|**/**/1985|0|100000000000000001|";
    let (status, body) = scan(&app, &gate, json!({ "payload": masked })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "masked_document");

    for body in [
        json!({}),
        json!({ "payload": payload, "document_number": "079090001234" }),
        json!({ "payload": "garbage" }),
    ] {
        let (status, problem) = scan(&app, &gate, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "validation_failed");
    }
    let (_, visits) = app
        .get(
            &format!("/checkpoints/{}/visits", gate.checkpoint),
            Some(&gate.organization.admin.token),
        )
        .await;
    assert_eq!(visits["items"], json!([]), "refused scans record nothing");
}

async fn people_unknown_to_us_scan_black(app: TestApp) {
    let gate = gate(&app).await;
    let other_app = "079185004321|LE VAN TAM|1985-04-15|0|100000000000000001|<1<<0912345678<";
    let (status, body) = scan(&app, &gate, json!({ "payload": other_app })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["colour"], "black");
    assert_eq!(body["person_known"], false);
    assert_eq!(body["signature"], "absent");
    assert_eq!(body["folded_name"], "LE VAN TAM");
    assert_eq!(body["document_masked"], "******004321");

    let (_, visits) = app
        .get(
            &format!("/organizations/{}/visits", gate.organization.id),
            Some(&gate.organization.admin.token),
        )
        .await;
    assert_eq!(visits["items"][0]["person_known"], false);
    assert_eq!(visits["items"][0]["document_masked"], "******004321");
}

async fn visits_are_paged_newest_first(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let gate = gate(&app).await;
    let (person, _) = vaccinated(&app, &officer, 20).await;
    let now = Utc::now();
    for minutes in [50, 40, 30, 20, 10] {
        let at = (now - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let (status, body) = scan(
            &app,
            &gate,
            json!({ "document_number": person["document_number"], "scanned_at": at }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    let admin_token = &gate.organization.admin.token;
    let base = format!("/organizations/{}/visits?limit=2", gate.organization.id);
    let (_, first) = app.get(&base, Some(admin_token)).await;
    let (_, second) = app
        .get(
            &format!("{base}&cursor={}", first["next_cursor"].as_str().unwrap()),
            Some(admin_token),
        )
        .await;
    let (_, third) = app
        .get(
            &format!("{base}&cursor={}", second["next_cursor"].as_str().unwrap()),
            Some(admin_token),
        )
        .await;
    let entered: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|page| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["entered_at"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(entered.len(), 5);
    assert!(
        entered.windows(2).all(|pair| pair[0] > pair[1]),
        "{entered:?}"
    );
    assert_eq!(third["next_cursor"], Value::Null);
    assert_eq!(first["items"][0]["checkpoint_name"], "Cổng chính");
    assert_eq!(first["items"][0]["colour"], "green");

    let from = (now - Duration::minutes(35)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let until = (now - Duration::minutes(15)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let window = format!(
        "/checkpoints/{}/visits?from={from}&until={until}",
        gate.checkpoint
    );
    let (_, windowed) = app
        .get(&window.replace('+', "%2B"), Some(admin_token))
        .await;
    assert_eq!(windowed["items"].as_array().unwrap().len(), 2, "{windowed}");

    let reversed = format!(
        "/checkpoints/{}/visits?from={until}&until={from}",
        gate.checkpoint
    );
    let (status, body) = app.get(&reversed, Some(admin_token)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The earliest instant there is: a day before it would overflow.
    let organization = gate.organization.id.as_str();
    for list in [
        format!("/checkpoints/{}/visits", gate.checkpoint),
        format!("/organizations/{organization}/visits"),
        format!("/organizations/{organization}/visitors"),
    ] {
        let (status, body) = app
            .get(
                &format!("{list}?until=-262143-01-01T00:00:00Z"),
                Some(admin_token),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{list}: {body}");
        assert_eq!(body["errors"][0]["code"], "too_early", "{list}: {body}");
    }
    let (status, body) = app
        .get(&format!("{base}&cursor=nonsense"), Some(admin_token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let health = app.health_officer(&admin).await;
    let (status, _) = app
        .get_for(&base, &health.token, "contact tracing, case 79-1234")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.get(&base, Some(&gate.staff)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn concurrent_scans_all_land_once(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let gate = gate(&app).await;
    let (_, payload) = vaccinated(&app, &officer, 20).await;

    // Two guards at once, and a scanner replaying its queue while online
    // scans go on: every scan answers, and each key is one visit.
    let bodies: Vec<Value> = (0..12)
        .map(|i| json!({ "payload": payload, "idempotency_key": format!("key-{}", i % 4) }))
        .collect();
    let answers =
        futures::future::join_all(bodies.iter().map(|body| scan(&app, &gate, body.clone()))).await;
    for (status, body) in &answers {
        assert!(status.is_success(), "{status}: {body}");
    }
    let (_, visits) = app
        .get(
            &format!("/checkpoints/{}/visits", gate.checkpoint),
            Some(&gate.organization.admin.token),
        )
        .await;
    assert_eq!(visits["items"].as_array().unwrap().len(), 4, "{visits}");

    // A key reused for another person's scan is refused, not answered
    // with the first person's visit.
    let (other, _) = vaccinated(&app, &officer, 20).await;
    let (status, body) = scan(
        &app,
        &gate,
        json!({ "document_number": other["document_number"], "idempotency_key": "key-0" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "idempotency_key_reused");
}

/// The writer records a batch of scans together; each scan still gets its
/// own answer, and a refused scan never stops the others. The batch is
/// handed to the writer directly, so its make-up is known.
async fn a_batch_answers_each_scan_on_its_own(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let gate = gate(&app).await;
    let elsewhere = gate_of(&app, "Siêu thị Linh Trung").await;
    let (first, first_payload) = vaccinated(&app, &officer, 20).await;
    let (second, _) = vaccinated(&app, &officer, 3).await;

    let scanner = app.state.tokens.verify_access(&gate.staff).unwrap();
    let job =
        |checkpoint: &str, payload: Option<&str>, document: Option<&str>, key: Option<&str>| {
            ScanJob {
                scanner: scanner.clone(),
                checkpoint: checkpoint.to_owned(),
                reading: read_scan(
                    &app.state,
                    &payload.map(str::to_owned),
                    &document.map(str::to_owned),
                )
                .unwrap(),
                scanned_at: Utc::now(),
                idempotency_key: key.map(str::to_owned),
            }
        };
    let second_document = second["document_number"].as_str().unwrap();
    let jobs = vec![
        job(&gate.checkpoint, Some(&first_payload), None, Some("gate/1")),
        // The same key again in the same batch: a replay of the first.
        job(&gate.checkpoint, Some(&first_payload), None, Some("gate/1")),
        // The same key for someone else: refused.
        job(
            &gate.checkpoint,
            None,
            Some(second_document),
            Some("gate/1"),
        ),
        job(&gate.checkpoint, None, Some(second_document), None),
        // Someone antoan does not know.
        job(&gate.checkpoint, None, Some("079185004321"), Some("gate/2")),
        // Another organization's checkpoint is not this guard's to scan at.
        job(&elsewhere, Some(&first_payload), None, Some("gate/3")),
    ];
    let state = app.state.clone();
    let answers = actix_web::web::block(move || record_scans(&state.db, &jobs))
        .await
        .unwrap();
    assert_eq!(answers.len(), 6);

    let new = |answer: &Result<Scanned, ApiError>| match answer {
        Ok(Scanned {
            recorded: antoan::db::visits::Recorded::New(visit),
            ..
        }) => visit.clone(),
        other => panic!("expected a new visit, got {:?}", other.as_ref().err()),
    };
    let replayed = |answer: &Result<Scanned, ApiError>| match answer {
        Ok(Scanned {
            recorded: antoan::db::visits::Recorded::Replayed(visit),
            ..
        }) => visit.clone(),
        other => panic!("expected a replay, got {:?}", other.as_ref().err()),
    };
    let refused = |answer: &Result<Scanned, ApiError>| match answer {
        Err(err) => err.code(),
        Ok(_) => panic!("expected a refusal"),
    };
    let first_visit = new(&answers[0]);
    assert_eq!(first_visit.colour, "green");
    assert_eq!(first_visit.signature, "valid");
    assert_eq!(replayed(&answers[1]).public_id, first_visit.public_id);
    assert_eq!(refused(&answers[2]), "idempotency_key_reused");
    let typed = new(&answers[3]);
    assert_eq!(
        (typed.colour.as_str(), typed.method.as_str()),
        ("black", "manual")
    );
    let stranger = new(&answers[4]);
    assert_eq!(stranger.person_id, None);
    assert_eq!(stranger.subject_document.as_deref(), Some("079185004321"));
    assert_eq!(refused(&answers[5]), "not_found");

    // Three visits, and one ledger entry for each known person scanned.
    let (_, visits) = app
        .get(
            &format!("/checkpoints/{}/visits", gate.checkpoint),
            Some(&gate.organization.admin.token),
        )
        .await;
    assert_eq!(visits["items"].as_array().unwrap().len(), 3, "{visits}");
    for (person, scans) in [(&first, 1), (&second, 1)] {
        let (_, ledger) = app
            .get(
                &format!("/people/{}/access-log", person["id"].as_str().unwrap()),
                Some(&officer),
            )
            .await;
        let scanned = ledger["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["kind"] == "scan")
            .count();
        assert_eq!(scanned, scans, "{ledger}");
    }

    // A later batch replays the key across batches, by HTTP too.
    let (status, again) = scan(
        &app,
        &gate,
        json!({ "payload": first_payload, "idempotency_key": "gate/1" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["visit_id"], first_visit.public_id);
}

async fn gate_of(app: &TestApp, name: &str) -> String {
    let organization = app.organization(name).await;
    app.checkpoint(&organization, "Cổng chính").await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
