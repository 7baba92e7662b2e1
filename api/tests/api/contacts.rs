//! Contact queries: visits that overlap or touch the index person's visit
//! are contacts, one that misses by a minute is not, the margin widens the
//! net, every person named gets a ledger entry, a long answer is cut while
//! its CSV export stays whole, and the export is safe to open in a
//! spreadsheet.

use chrono::{DateTime, Duration, DurationRound, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    contacts_touch_overlap_and_miss,
    contact_queries_are_checked_and_exported,
    contact_exports_stream_page_by_page
);

fn at(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// How many entries of `kind` the person's ledger holds, as `token` reads it.
async fn ledger_entries(app: &TestApp, token: &str, person_id: &str, kind: &str) -> usize {
    let (status, ledger) = app
        .get(&format!("/people/{person_id}/access-log"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == kind)
        .count()
}

struct Scene {
    health: String,
    resident: String,
    index: String,
    /// Person ids by the name the test gives them.
    people: Vec<(&'static str, String)>,
    t0: DateTime<Utc>,
}

/// A market gate with a one-hour maximum stay. The index person P enters at
/// T0 and stays the hour; others enter so that their hour overlaps P's,
/// touches it at either end, or misses it by one minute at either end.
/// Someone at another checkpoint at the same time is no contact.
async fn scene(app: &TestApp) -> Scene {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let health = app.health_officer(&admin).await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let back = app.checkpoint(&market, "Cổng sau").await;
    for checkpoint in [&gate, &back] {
        let (status, _) = app
            .patch(
                &format!("/checkpoints/{}", checkpoint["id"].as_str().unwrap()),
                Some(&market.admin.token),
                &json!({ "max_stay_minutes": 60 }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let guard = app.staff(&market).await;
    let t0 = (Utc::now() - Duration::hours(5))
        .duration_trunc(Duration::minutes(1))
        .unwrap();

    let (resident, index) = app.resident(person_input("26794")).await;
    let (_, index_person) = app
        .get(&format!("/people/{index}"), Some(&resident.token))
        .await;
    let mut visits = vec![(
        "P",
        &gate,
        t0,
        index_person["document_number"].clone(),
        index.clone(),
    )];
    let mut people = Vec::new();
    for (name, checkpoint, offset) in [
        ("overlaps", &gate, 30),
        ("touches_after", &gate, 60),
        ("misses_after", &gate, 61),
        ("touches_before", &gate, -60),
        ("misses_before", &gate, -61),
        ("elsewhere", &back, 0),
    ] {
        let person = app.person(&officer.token, person_input("26794")).await;
        let id = person["id"].as_str().unwrap().to_owned();
        visits.push((
            name,
            checkpoint,
            t0 + Duration::minutes(offset),
            person["document_number"].clone(),
            id.clone(),
        ));
        people.push((name, id));
    }
    for (_, checkpoint, entered, document, _) in &visits {
        let (status, body) = app
            .post(
                &format!("/checkpoints/{}/scans", checkpoint["id"].as_str().unwrap()),
                Some(&guard.token),
                &json!({ "document_number": document, "scanned_at": at(*entered) }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    Scene {
        health: health.token,
        resident: resident.token,
        index,
        people,
        t0,
    }
}

impl Scene {
    fn name_of(&self, person_id: &Value) -> &'static str {
        self.people
            .iter()
            .find(|(_, id)| Some(id.as_str()) == person_id.as_str())
            .map_or("unknown", |(name, _)| name)
    }

    async fn query(&self, app: &TestApp, margin: Option<i32>) -> Value {
        let mut body = json!({
            "person_id": self.index,
            "from": at(self.t0 - Duration::hours(1)),
            "until": at(self.t0 + Duration::hours(1)),
            "purpose": "ca bệnh 79-1234: truy vết F1",
        });
        if let Some(margin) = margin {
            body["margin_minutes"] = json!(margin);
        }
        let (status, answer) = app
            .post("/contact-queries", Some(&self.health), &body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        answer
    }

    fn contacts(&self, answer: &Value) -> Vec<&'static str> {
        let exposures = answer["exposures"].as_array().unwrap();
        assert_eq!(exposures.len(), 1, "P made one visit: {answer}");
        let mut names: Vec<&str> = exposures[0]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| self.name_of(&c["person_id"]))
            .collect();
        names.sort_unstable();
        names
    }
}

async fn contacts_touch_overlap_and_miss(app: TestApp) {
    let scene = scene(&app).await;

    let exact = scene.query(&app, Some(0)).await;
    assert_eq!(exact["margin_minutes"], 0);
    assert_eq!(
        scene.contacts(&exact),
        ["overlaps", "touches_after", "touches_before"]
    );
    assert_eq!(exact["contact_count"], 3);
    assert_eq!(exact["exposures"][0]["contacts_total"], 3);
    assert_eq!(exact["contacts_truncated"], false);
    let visit = &exact["exposures"][0]["visit"];
    assert_eq!(visit["checkpoint_name"], "Cổng chính");
    assert_eq!(visit["entered_at"], at(scene.t0));
    assert_eq!(visit["ends_at"], at(scene.t0 + Duration::hours(1)));

    // A one-minute margin catches the near misses, not the other checkpoint.
    let widened = scene.query(&app, Some(1)).await;
    assert_eq!(
        scene.contacts(&widened),
        [
            "misses_after",
            "misses_before",
            "overlaps",
            "touches_after",
            "touches_before"
        ]
    );

    // Without a margin the server's default (15 minutes) applies.
    let default = scene.query(&app, None).await;
    assert_eq!(default["margin_minutes"], 15);

    // Everyone named has the query in their ledger, with its purpose; the
    // person elsewhere does not.
    let (status, ledger) = app
        .get(
            &format!("/people/{}/access-log", scene.index),
            Some(&scene.resident),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ledger["items"][0]["kind"], "contact_query");
    assert_eq!(
        ledger["items"][0]["purpose"],
        "ca bệnh 79-1234: truy vết F1"
    );
    assert_eq!(ledger["items"][0]["reader_role"], "health_officer");
    let admin = app.admin().await;
    for (name, id) in &scene.people {
        let queried = ledger_entries(&app, &admin, id, "contact_query").await;
        let expected = match *name {
            "elsewhere" => 0,
            "misses_after" | "misses_before" => 2,
            _ => 3,
        };
        assert_eq!(queried, expected, "{name}");
    }
}

async fn contact_queries_are_checked_and_exported(app: TestApp) {
    let admin = app.admin().await;
    let health = app.health_officer(&admin).await;
    let other_health = app.health_officer(&admin).await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let gate_id = gate["id"].as_str().unwrap();
    let guard = app.staff(&market).await;
    let (resident, index) = app.resident(person_input("26794")).await;
    let (_, me) = app
        .get(&format!("/people/{index}"), Some(&resident.token))
        .await;

    // The index person and four visitors from other apps whose names would
    // run as formulas in a spreadsheet.
    let entered = Utc::now() - Duration::hours(2);
    let (status, body) = app
        .post(
            &format!("/checkpoints/{gate_id}/scans"),
            Some(&guard.token),
            &json!({ "document_number": me["document_number"], "scanned_at": at(entered) }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let names = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+84 SUM(1)",
        "-2+3",
        "@cmd",
    ];
    for (i, name) in names.iter().enumerate() {
        let payload = format!("07909000{:04}|{name}|1990|0|", 9000 + i);
        let (status, body) = app
            .post(
                &format!("/checkpoints/{gate_id}/scans"),
                Some(&guard.token),
                &json!({ "payload": payload, "scanned_at": at(entered + Duration::minutes(5)) }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
    }

    let good = json!({
        "person_id": index,
        "from": at(entered - Duration::hours(1)),
        "until": at(entered + Duration::hours(1)),
        "purpose": "case 79-1234",
    });
    let mut reversed = good.clone();
    reversed["from"] = good["until"].clone();
    reversed["until"] = good["from"].clone();
    let mut no_purpose = good.clone();
    no_purpose["purpose"] = json!(" ");
    let mut wide = good.clone();
    wide["margin_minutes"] = json!(241);
    for (bad, code) in [
        (reversed, "reversed_window"),
        (no_purpose, "invalid_purpose"),
        (wide, "out_of_range"),
    ] {
        let (status, body) = app
            .post("/contact-queries", Some(&health.token), &bad)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["code"], code, "{body}");
    }
    let mut unknown = good.clone();
    unknown["person_id"] = json!("0123456789abcdef0123456789abcdef");
    let (status, _) = app
        .post("/contact-queries", Some(&health.token), &unknown)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post("/contact-queries", Some(&officer.token), &good)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, answer) = app
        .post("/contact-queries", Some(&health.token), &good)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["contact_count"], 4, "{answer}");
    let export = format!(
        "/contact-queries/{}/contacts.csv",
        answer["id"].as_str().unwrap()
    );
    let (status, _, _) = app.get_bytes(&export, Some(&other_health.token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only the officer who ran it");
    let (status, kind, bytes) = app.get_bytes(&export, Some(&health.token)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("index_visit_id,"));
    for name in names {
        let cell = if name.contains([',', '"']) {
            format!("\"'{}\"", name.replace('"', "\"\""))
        } else {
            format!("'{name}")
        };
        assert!(
            text.contains(&format!(",{cell},")),
            "{name} defused in {text}"
        );
    }
    for line in &lines[1..] {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} in {line}");
        }
    }

    // The export is in the index person's ledger.
    let (_, ledger) = app
        .get(
            &format!("/people/{index}/access-log"),
            Some(&resident.token),
        )
        .await;
    assert_eq!(ledger["items"][0]["kind"], "export", "{ledger}");
    assert_eq!(ledger["items"][0]["purpose"], "case 79-1234");
}

mod answer_limit {
    use crate::common::{Backend, TestApp};

    const SETTINGS: &[(&str, &str)] = &[("ANTOAN_CONTACT_ANSWER_MAX", "2")];

    #[actix_web::test]
    async fn sqlite() {
        if let Some(app) = TestApp::spawn_with(Backend::Sqlite, SETTINGS).await {
            super::a_long_answer_is_cut_and_its_export_is_whole(app).await;
        }
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(app) = TestApp::spawn_with(Backend::Postgres, SETTINGS).await {
            super::a_long_answer_is_cut_and_its_export_is_whole(app).await;
        }
    }
}

/// With room for two contact visits, an answer of three lists the two
/// oldest, counts all three and says it was cut; only the two listed are
/// read, so only they have the query in their ledger. The CSV export lists
/// all three.
async fn a_long_answer_is_cut_and_its_export_is_whole(app: TestApp) {
    let scene = scene(&app).await;

    let answer = scene.query(&app, Some(0)).await;
    assert_eq!(answer["contacts_truncated"], true, "{answer}");
    let exposure = &answer["exposures"][0];
    assert_eq!(exposure["contacts_total"], 3, "{answer}");
    let listed: Vec<&str> = exposure["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|contact| scene.name_of(&contact["person_id"]))
        .collect();
    assert_eq!(listed, ["touches_before", "overlaps"]);
    assert_eq!(answer["contact_count"], 2);

    let admin = app.admin().await;
    for (name, id) in &scene.people {
        let queried = ledger_entries(&app, &admin, id, "contact_query").await;
        assert_eq!(queried, usize::from(listed.contains(name)), "{name}");
    }

    let export = format!(
        "/contact-queries/{}/contacts.csv",
        answer["id"].as_str().unwrap()
    );
    let (status, _, bytes) = app.get_bytes(&export, Some(&scene.health)).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(
        text.lines().count(),
        4,
        "a header and three contacts: {text}"
    );
}

/// The export streams 20 of the index person's visits per page: 25 visits,
/// each overlapping one contact's, make 25 lines over two pages, and the
/// contact, met at every visit, has one ledger entry for the export.
async fn contact_exports_stream_page_by_page(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let health = app.health_officer(&admin).await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let guard = app.staff(&market).await;
    let t0 = (Utc::now() - Duration::hours(6))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    let index = app.person(&officer.token, person_input("26794")).await;
    let contact = app.person(&officer.token, person_input("26794")).await;
    let scans = format!("/checkpoints/{}/scans", gate["id"].as_str().unwrap());
    let mut entries = vec![(&contact, t0)];
    entries.extend((0..25).map(|i| (&index, t0 + Duration::minutes(i * 9))));
    for (person, entered) in entries {
        let (status, body) = app
            .post(
                &scans,
                Some(&guard.token),
                &json!({ "document_number": person["document_number"], "scanned_at": at(entered) }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    let (status, answer) = app
        .post(
            "/contact-queries",
            Some(&health.token),
            &json!({
                "person_id": index["id"],
                "from": at(t0 - Duration::hours(1)),
                "until": at(t0 + Duration::hours(5)),
                "purpose": "case 79-2001",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["exposures"].as_array().unwrap().len(), 25);
    let export = format!(
        "/contact-queries/{}/contacts.csv",
        answer["id"].as_str().unwrap()
    );
    let (status, _, bytes) = app.get_bytes(&export, Some(&health.token)).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 26, "{text}");
    let index_visits: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|line| line.split(',').next().unwrap())
        .collect();
    assert_eq!(index_visits.len(), 25, "every index visit once");
    assert!(
        lines[1..]
            .iter()
            .all(|line| line.contains(contact["id"].as_str().unwrap()))
    );

    for person in [&index, &contact] {
        let id = person["id"].as_str().unwrap();
        assert_eq!(ledger_entries(&app, &admin, id, "export").await, 1, "{id}");
    }
}
