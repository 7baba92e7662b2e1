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
    residents_list_their_own_and_declared_visits,
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

/// A resident lists their own visits and those of the people they declared
/// for, newest first, open ones included and filtered by checkpoint, so
/// that a reloaded check-in page can still check out; another resident's
/// visits never show, and reading a relative's visits is in her ledger.
async fn residents_list_their_own_and_declared_visits(app: TestApp) {
    let admin = app.admin().await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let back = app.checkpoint(&market, "Cổng sau").await;
    let guard = app.staff(&market).await;
    let (a, a_id) = app.resident(person_input("26794")).await;
    let (b, b_id) = app.resident(person_input("26794")).await;
    let grandmother = app.person(&a.token, person_input("26794")).await;
    let grandmother_id = grandmother["id"].as_str().unwrap();
    let check_in = |token: String, checkpoint: &Value, person: Option<&str>| {
        let path = format!(
            "/locations/{}/check-ins",
            checkpoint["location_code"].as_str().unwrap()
        );
        let body = match person {
            Some(id) => json!({ "person_id": id }),
            None => json!({}),
        };
        let app = &app;
        async move {
            let (status, answer) = app.post(&path, Some(&token), &body).await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
            answer["visit"]["visit_id"].as_str().unwrap().to_owned()
        }
    };

    // A: a staff scan at the back gate (closed), then a check-in at the
    // gate (open); the grandmother checks in at the gate too. B checks in.
    let (_, a_person) = app.get(&format!("/people/{a_id}"), Some(&a.token)).await;
    let document = json!({ "document_number": a_person["document_number"] });
    let scans = format!("/checkpoints/{}/scans", back["id"].as_str().unwrap());
    let (status, _) = app.post(&scans, Some(&guard.token), &document).await;
    assert_eq!(status, StatusCode::CREATED);
    let exits = format!("/checkpoints/{}/exits", back["id"].as_str().unwrap());
    let (status, _) = app.post(&exits, Some(&guard.token), &document).await;
    assert_eq!(status, StatusCode::OK);
    let a_open = check_in(a.token.clone(), &gate, None).await;
    let grandmother_open = check_in(a.token.clone(), &gate, Some(grandmother_id)).await;
    let b_open = check_in(b.token.clone(), &gate, None).await;

    let list = |token: String, query: String| {
        let app = &app;
        async move {
            let (status, page) = app.get(&format!("/visits?{query}"), Some(&token)).await;
            assert_eq!(status, StatusCode::OK, "{query}: {page}");
            page
        }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["visit"]["visit_id"].as_str().unwrap().to_owned())
            .collect()
    };

    // Everything of A's household, newest first; nothing of B's.
    let all = list(a.token.clone(), String::new()).await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{all}");
    assert_eq!(ids(&all)[..2], [grandmother_open.clone(), a_open.clone()]);
    assert!(!ids(&all).contains(&b_open));
    assert_eq!(items[0]["person_id"], grandmother_id);
    assert_eq!(items[0]["open"], true);
    assert_eq!(items[0]["organization_name"], "Chợ Thủ Đức");
    assert_eq!(items[0]["visit"]["checkpoint_name"], "Cổng chính");
    assert_eq!(items[0]["method"], "self_check_in");
    assert_eq!(items[2]["person_id"], a_id.as_str());
    assert_eq!(items[2]["open"], false);
    assert_eq!(items[2]["method"], "manual");
    assert_eq!(items[2]["visit"]["exit_method"], "staff_scan");
    assert!(items[2]["visit"]["exited_at"].is_string());

    // The open visits at the gate: what a reloaded check-in page asks for.
    let gate_id = gate["id"].as_str().unwrap();
    let open_here = list(
        a.token.clone(),
        format!("checkpoint_id={gate_id}&open=true"),
    )
    .await;
    assert_eq!(ids(&open_here), [grandmother_open.clone(), a_open.clone()]);
    let mine = list(
        a.token.clone(),
        format!("checkpoint_id={gate_id}&open=true&person_id={a_id}"),
    )
    .await;
    assert_eq!(ids(&mine), [a_open.as_str()]);
    let (status, _) = app
        .post(
            &format!("/visits/{a_open}/check-out"),
            Some(&a.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let open_here = list(
        a.token.clone(),
        format!("checkpoint_id={gate_id}&open=true"),
    )
    .await;
    assert_eq!(ids(&open_here), [grandmother_open.as_str()]);

    // Pages of one, by cursor, walk the same three visits.
    let mut walked = Vec::new();
    let mut query = "limit=1".to_owned();
    loop {
        let page = list(a.token.clone(), query).await;
        walked.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, ids(&all));

    // B sees only B's visit, and cannot name A's people.
    let b_all = list(b.token.clone(), String::new()).await;
    assert_eq!(ids(&b_all), [b_open]);
    for person in [a_id.as_str(), grandmother_id] {
        let (status, _) = app
            .get(&format!("/visits?person_id={person}"), Some(&b.token))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{person}");
    }
    let b_at_gate = list(
        b.token.clone(),
        format!("checkpoint_id={gate_id}&open=true"),
    )
    .await;
    assert_eq!(ids(&b_at_gate).len(), 1);
    let (_, b_ledger) = app
        .get(&format!("/people/{b_id}/access-log"), Some(&b.token))
        .await;
    assert!(
        b_ledger["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|entry| entry["kind"] != "visit_list"),
        "B's own reads leave no entry: {b_ledger}"
    );

    // The grandmother's visits read by A are in her ledger, A's own are not.
    let (_, ledger) = app
        .get(
            &format!("/people/{grandmother_id}/access-log"),
            Some(&a.token),
        )
        .await;
    assert_eq!(ledger["items"][0]["kind"], "visit_list", "{ledger}");
    assert_eq!(ledger["items"][0]["reader_role"], "resident");
    let (_, own) = app
        .get(&format!("/people/{a_id}/access-log"), Some(&a.token))
        .await;
    assert!(
        own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|entry| entry["kind"] != "visit_list"),
        "{own}"
    );

    // Only residents list visits this way; bad queries are 4xx.
    for token in [&market.admin.token, &guard.token, &admin] {
        let (status, _) = app.get("/visits", Some(token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = app.get("/visits", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for query in ["limit=0", "cursor=nonsense"] {
        let (status, _) = app.get(&format!("/visits?{query}"), Some(&a.token)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    let (status, _) = app.get("/visits?open=perhaps", Some(&a.token)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
