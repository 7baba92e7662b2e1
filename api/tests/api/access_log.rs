//! The access ledger: every kind of read by someone else appears in the
//! person's ledger with who, what, where and why; the person's own reads
//! leave nothing; purposes are demanded where the rule says; and only the
//! person, their declarer, their ward office and the city read the ledger.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    every_kind_of_read_appears_in_the_ledger,
    purposes_are_required_and_kept,
    the_ledger_is_paged_and_scoped,
);

/// Every entry of a person's ledger, read by `token`, walking all pages.
async fn ledger(app: &TestApp, person: &str, token: &str) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/people/{person}/access-log?limit=3&cursor={cursor}"),
            None => format!("/people/{person}/access-log?limit=3"),
        };
        let (status, page) = app.get(&path, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        entries.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return entries,
        }
    }
}

fn kinds(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap())
        .collect()
}

async fn every_kind_of_read_appears_in_the_ledger(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let health = app.health_officer(&admin).await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let gate_id = gate["id"].as_str().unwrap();
    let guard = app.staff(&market).await;
    let input = person_input("26794");
    let (resident, person) = app.resident(input.clone()).await;
    app.dose(&officer.token, &person, "pfizer", 1, 20).await;

    // The person's own reads leave no entry.
    for path in [
        format!("/people/{person}"),
        format!("/people/{person}/status"),
        format!("/people/{person}/health-records"),
        format!("/people/{person}/qr"),
    ] {
        let (status, body) = app.get(&path, Some(&resident.token)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    assert!(ledger(&app, &person, &resident.token).await.is_empty());

    // A scan, and its replay, which shows nothing new.
    let scan = json!({ "document_number": input["document_number"], "idempotency_key": "gate/1" });
    for expected in [StatusCode::CREATED, StatusCode::OK] {
        let (status, body) = app
            .post(
                &format!("/checkpoints/{gate_id}/scans"),
                Some(&guard.token),
                &scan,
            )
            .await;
        assert_eq!(status, expected, "{body}");
    }

    // The ward office serves the resident.
    let purpose = "resident at the counter";
    let (status, _) = app
        .post_for(
            "/people/search",
            &officer.token,
            purpose,
            &json!({ "document_number": input["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        format!("/people/{person}"),
        format!("/people/{person}/health-records"),
        format!("/people/{person}/status"),
        format!("/people/{person}/qr.png"),
    ] {
        let (status, _) = app.get(&path, Some(&officer.token)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }

    // The organization and a health officer list the visits.
    let (status, visits) = app
        .get(
            &format!("/organizations/{}/visits", market.id),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{visits}");
    let investigation = "điều tra ổ dịch chợ Thủ Đức";
    let (status, visits) = app
        .get_for(
            &format!("/checkpoints/{gate_id}/visits"),
            &health.token,
            investigation,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{visits}");

    let entries = ledger(&app, &person, &resident.token).await;
    assert_eq!(
        kinds(&entries),
        [
            "visit_list",
            "visit_list",
            "qr_read",
            "status_read",
            "health_records_read",
            "person_lookup",
            "person_lookup",
            "scan",
        ],
        "newest first: {entries:#?}"
    );
    let scan = &entries[7];
    assert_eq!(scan["reader_role"], "checkpoint_staff");
    assert_eq!(scan["reader_account_id"], guard.id.as_str());
    assert_eq!(scan["organization_name"], "Chợ Thủ Đức");
    assert_eq!(scan["checkpoint_name"], "Cổng chính");
    assert_eq!(scan["purpose"], Value::Null);
    let lookup = &entries[6];
    assert_eq!(lookup["reader_role"], "ward_officer");
    assert_eq!(lookup["purpose"], purpose);
    assert_eq!(
        entries[5]["purpose"],
        Value::Null,
        "a ward read of a record"
    );
    let investigated = &entries[0];
    assert_eq!(investigated["reader_role"], "health_officer");
    assert_eq!(investigated["reader_account_id"], health.id.as_str());
    assert_eq!(investigated["purpose"], investigation);
    assert_eq!(investigated["checkpoint_name"], "Cổng chính");
    assert_eq!(entries[1]["reader_role"], "organization_admin");
}

async fn purposes_are_required_and_kept(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let health = app.health_officer(&admin).await;
    let input = person_input("26794");
    let (resident, person) = app.resident(input.clone()).await;
    let search = json!({ "document_number": input["document_number"] });

    // Without a purpose: refused, and nothing is written.
    let (status, body) = app
        .get(&format!("/people/{person}/status"), Some(&health.token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "purpose_required");
    assert_eq!(body["errors"][0]["field"], "X-Access-Purpose");
    let (status, body) = app
        .post("/people/search", Some(&officer.token), &search)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "purpose_required");
    let (status, body) = app.post("/people/search", Some(&admin), &search).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(ledger(&app, &person, &resident.token).await.is_empty());

    // A purpose that is too short, or not percent-encoded UTF-8, is refused.
    for bad in ["ab", "%C4", "%ZZtracing"] {
        let (status, body) = app
            .send(
                app.client
                    .get(app.url(&format!("/people/{person}")))
                    .bearer_auth(&health.token)
                    .header("X-Access-Purpose", bad),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["errors"][0]["code"], "invalid_purpose", "{bad}");
    }

    // Vietnamese text travels percent-encoded and is kept as written.
    let purpose = "truy vết F1 ca bệnh 79-1234";
    let (status, _) = app
        .get_for(&format!("/people/{person}"), &health.token, purpose)
        .await;
    assert_eq!(status, StatusCode::OK);
    let entries = ledger(&app, &person, &resident.token).await;
    assert_eq!(kinds(&entries), ["person_lookup"]);
    assert_eq!(entries[0]["purpose"], purpose);
}

async fn the_ledger_is_paged_and_scoped(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let other_ward = app.ward_officer(&admin, "27088").await;
    let health = app.health_officer(&admin).await;
    let market = app.organization("Chợ Thủ Đức").await;
    let (resident, person) = app.resident(person_input("26794")).await;
    let (stranger, _) = app.resident(person_input("26794")).await;

    for _ in 0..7 {
        let (status, _) = app
            .get(&format!("/people/{person}/status"), Some(&officer.token))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    // Seven entries over three pages of three, none twice.
    let entries = ledger(&app, &person, &resident.token).await;
    assert_eq!(entries.len(), 7);
    let mut ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 7);

    // The ward office of the resident and the city read it too.
    assert_eq!(ledger(&app, &person, &officer.token).await.len(), 7);
    assert_eq!(ledger(&app, &person, &admin).await.len(), 7);

    let path = format!("/people/{person}/access-log");
    for (token, expected) in [
        (&other_ward.token, StatusCode::NOT_FOUND),
        (&stranger.token, StatusCode::NOT_FOUND),
        (&health.token, StatusCode::FORBIDDEN),
        (&market.admin.token, StatusCode::FORBIDDEN),
    ] {
        let (status, body) = app.get(&path, Some(token)).await;
        assert_eq!(status, expected, "{body}");
    }
    let (status, body) = app
        .get(&format!("{path}?cursor=nonsense"), Some(&resident.token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
