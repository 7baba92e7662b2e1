//! Staff and visitor lists: people linked as staff by document number,
//! each shown with colour, vaccination, latest test and declaration; the
//! filters; the CSV exports, whose cells never run as formulas; and one
//! organization never seeing another's.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Organization, TestApp, local_today, person_input};

crate::on_both_backends!(
    staff_lists_show_status_and_filter,
    visitor_lists_filter_and_export_safely,
    list_statuses_are_the_status_endpoints
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn cell(value: &str) -> Data {
    Data::String(value.to_owned())
}

/// The rows of an XLSX file's sheet and how many of its cells are formulas.
fn read_xlsx(bytes: Vec<u8>, sheet: &str) -> (Vec<Vec<Data>>, usize) {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let rows = book
        .worksheet_range(sheet)
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    let formulas = book
        .worksheet_formula(sheet)
        .unwrap()
        .used_cells()
        .filter(|(_, _, formula)| !formula.is_empty())
        .count();
    (rows, formulas)
}

async fn staff_lists_show_status_and_filter(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let shop = app.organization("Bách Hóa Xanh").await;
    let (resident, green_id) = app.resident(person_input("26794")).await;
    app.dose(&officer.token, &green_id, "pfizer", 1, 20).await;
    let (_, green) = app
        .get(&format!("/people/{green_id}"), Some(&resident.token))
        .await;
    let black = app.person(&officer.token, person_input("26794")).await;
    let staff = format!("/organizations/{}/staff", market.id);

    for (person, title) in [(&green, "bảo vệ"), (&black, "thu ngân")] {
        let (status, linked) = app
            .post(
                &staff,
                Some(&market.admin.token),
                &json!({ "document_number": person["document_number"], "title": title }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{linked}");
    }
    let (status, body) = app
        .post(
            &staff,
            Some(&market.admin.token),
            &json!({ "document_number": green["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = app
        .post(
            &staff,
            Some(&market.admin.token),
            &json!({ "document_number": "079090999999" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_person");

    let (status, page) = app.get(&staff, Some(&market.admin.token)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "bảo vệ");
    assert_eq!(items[0]["status"]["colour"], "green");
    assert_eq!(items[0]["status"]["doses"], 1);
    assert_eq!(items[1]["status"]["colour"], "black");
    assert_eq!(items[1]["status"]["doses"], 0);

    // A declaration and a test show as the latest ones.
    let (status, _) = app
        .post(
            &format!("/people/{green_id}/health-declarations"),
            Some(&resident.token),
            &json!({ "symptoms": ["cough"], "contact_with_case": false, "recent_travel": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let sampled = (Utc::now() - Duration::hours(3)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (status, _) = app
        .post(
            &format!("/people/{green_id}/test-results"),
            Some(&officer.token),
            &json!({ "kind": "rapid_antigen", "sampled_at": sampled, "result": "negative" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = app
        .get(&format!("{staff}?colour=green"), Some(&market.admin.token))
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["status"]["latest_test_result"], "negative");
    assert_eq!(
        items[0]["status"]["latest_declaration_symptoms"],
        json!(["cough"])
    );
    let (_, page) = app
        .get(
            &format!("{staff}?colour=black&limit=1"),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["next_cursor"], Value::Null);
    let (status, _) = app
        .get(&format!("{staff}?colour=purple"), Some(&market.admin.token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Paging one at a time walks both.
    let (_, first) = app
        .get(&format!("{staff}?limit=1"), Some(&market.admin.token))
        .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .get(
            &format!("{staff}?limit=1&cursor={cursor}"),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(second["items"][0]["person_id"], black["id"]);
    assert_eq!(second["next_cursor"], Value::Null);

    // The list is in the staff member's ledger.
    let (_, ledger) = app
        .get(
            &format!("/people/{green_id}/access-log"),
            Some(&resident.token),
        )
        .await;
    assert_eq!(ledger["items"][0]["kind"], "staff_list", "{ledger}");
    assert_eq!(ledger["items"][0]["organization_name"], "Chợ Thủ Đức");

    // Another organization sees none of it and changes none of it.
    for path in [staff.clone(), format!("{staff}.csv")] {
        let (status, _) = app.get(&path, Some(&shop.admin.token)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = app
        .post(
            &staff,
            Some(&shop.admin.token),
            &json!({ "document_number": black["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unlink = format!("{staff}/{}", black["id"].as_str().unwrap());
    let response = app
        .client
        .delete(app.url(&unlink))
        .bearer_auth(&shop.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app
        .client
        .delete(app.url(&unlink))
        .bearer_auth(&market.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (_, page) = app.get(&staff, Some(&market.admin.token)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

async fn visitor_lists_filter_and_export_safely(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let shop = app.organization("Bách Hóa Xanh").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let back = app.checkpoint(&market, "Cổng sau").await;
    let guard = app.staff(&market).await;
    let scan = |checkpoint: &Value, body: Value| {
        let path = format!("/checkpoints/{}/scans", checkpoint["id"].as_str().unwrap());
        let token = guard.token.clone();
        let app = &app;
        async move {
            let (status, answer) = app.post(&path, Some(&token), &body).await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
            answer
        }
    };

    // A green member of staff at the gate, a black visitor at the back, and
    // four visitors from other apps whose names would run as formulas.
    let worker = app.person(&officer.token, person_input("26794")).await;
    app.dose(
        &officer.token,
        worker["id"].as_str().unwrap(),
        "pfizer",
        1,
        20,
    )
    .await;
    let (status, _) = app
        .post(
            &format!("/organizations/{}/staff", market.id),
            Some(&market.admin.token),
            &json!({ "document_number": worker["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    scan(
        &gate,
        json!({ "document_number": worker["document_number"] }),
    )
    .await;
    let visitor = app.person(&officer.token, person_input("26794")).await;
    scan(
        &back,
        json!({ "document_number": visitor["document_number"] }),
    )
    .await;
    let names = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+84 SUM(1)",
        "-2+3",
        "@cmd",
    ];
    for (i, name) in names.iter().enumerate() {
        scan(
            &gate,
            json!({ "payload": format!("07909000{:04}|{name}|1990|0|", 9100 + i) }),
        )
        .await;
    }

    let visitors = format!("/organizations/{}/visitors", market.id);
    let list = |query: String| {
        let app = &app;
        let token = market.admin.token.clone();
        let path = format!("{visitors}?{query}");
        async move {
            let (status, page) = app.get(&path, Some(&token)).await;
            assert_eq!(status, StatusCode::OK, "{path}: {page}");
            page["items"].as_array().unwrap().clone()
        }
    };
    assert_eq!(list(String::new()).await.len(), 6);
    let staff_only = list("who=staff".into()).await;
    assert_eq!(staff_only.len(), 1);
    assert_eq!(staff_only[0]["staff"], true);
    assert_eq!(staff_only[0]["status"]["colour"], "green");
    assert_eq!(staff_only[0]["status"]["doses"], 1);
    assert_eq!(list("who=visitor".into()).await.len(), 5);
    let back_only = list(format!("checkpoint={}", back["id"].as_str().unwrap())).await;
    assert_eq!(back_only.len(), 1);
    assert_eq!(back_only[0]["colour_at_entry"], "black");
    assert_eq!(list("colour=green".into()).await.len(), 1);
    let unknown = list("colour=black&who=visitor".into()).await;
    assert_eq!(unknown.len(), 5);
    assert!(unknown.iter().filter(|v| v["status"].is_null()).count() == 4);
    let future = (Utc::now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let past = (Utc::now() - Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (status, body) = app
        .get(
            &format!("{visitors}?from={future}&until={past}"),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app
        .get(
            &format!("{visitors}?who=everyone"),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The export: one header line and one line per visit, every cell that
    // starts like a formula defused.
    let (status, kind, bytes) = app
        .get_bytes(&format!("{visitors}.csv"), Some(&market.admin.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 7, "{text}");
    assert!(text.starts_with("visit_id,checkpoint,name,"));
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
    let (_, kind, staff_csv) = app
        .get_bytes(
            &format!("/organizations/{}/staff.csv", market.id),
            Some(&market.admin.token),
        )
        .await;
    assert!(kind.starts_with("text/csv"));
    let staff_csv = String::from_utf8(staff_csv).unwrap();
    assert_eq!(staff_csv.lines().count(), 2, "{staff_csv}");
    assert!(staff_csv.contains(",green,1,"), "{staff_csv}");

    // The XLSX exports: the same rows, every cell a string holding exactly
    // what the list shows (the names above unchanged, never formulas).
    let (status, kind, bytes) = app
        .get_bytes(&format!("{visitors}.xlsx"), Some(&market.admin.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, XLSX);
    let (rows, formulas) = read_xlsx(bytes, "visitors");
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0][..3], ["visit_id", "checkpoint", "name"].map(cell));
    for name in names {
        assert!(
            rows.iter().any(|row| row[2] == cell(name)),
            "{name} is a text cell: {rows:?}"
        );
    }
    assert_eq!(formulas, 0, "no cell is a formula");
    let (status, kind, bytes) = app
        .get_bytes(
            &format!("/organizations/{}/staff.xlsx", market.id),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, XLSX);
    let (rows, _) = read_xlsx(bytes, "staff");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], cell(worker["full_name"].as_str().unwrap()));
    assert!(rows[1].contains(&cell("green")), "{rows:?}");

    // Every export is in the worker's ledger.
    let (_, ledger) = app
        .get(
            &format!("/people/{}/access-log", worker["id"].as_str().unwrap()),
            Some(&admin),
        )
        .await;
    let kinds: Vec<&str> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..4], ["export"; 4], "{ledger}");

    // The shop sees none of the market's visitors.
    for path in [visitors.clone(), format!("{visitors}.csv")] {
        let (status, _) = app.get(&path, Some(&shop.admin.token)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// The lists load a page's records in a few queries and evaluate each
/// colour in memory: for people of every kind of record, the colour and
/// reason they show are what `GET /people/{id}/status` says, and the
/// colour filter pages through exactly the people of that colour.
async fn list_statuses_are_the_status_endpoints(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let guard = app.staff(&market).await;
    let today = local_today();
    let recovery = |person: &str, days_ago: i64| {
        let path = format!("/people/{person}/recoveries");
        let body = json!({
            "positive_on": today - Duration::days(days_ago + 14),
            "recovered_on": today - Duration::days(days_ago),
        });
        let token = officer.token.clone();
        let app = &app;
        async move {
            let (status, answer) = app.post(&path, Some(&token), &body).await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
        }
    };

    let mut people = Vec::new();
    for _ in 0..9 {
        let person = app.person(&officer.token, person_input("26794")).await;
        people.push(person["id"].as_str().unwrap().to_owned());
    }
    // Dosed 20 days ago; dosed 5 days ago; nothing on record.
    app.dose(&officer.token, &people[0], "pfizer", 1, 20).await;
    app.dose(&officer.token, &people[1], "pfizer", 1, 5).await;
    // Recovered 30 days ago; recovered 200 days ago.
    recovery(&people[3], 30).await;
    recovery(&people[4], 200).await;
    // Janssen's one-dose series; a mixed series; a recent dose after an old recovery.
    app.dose(&officer.token, &people[5], "janssen", 1, 15).await;
    app.dose(&officer.token, &people[6], "astrazeneca", 1, 90)
        .await;
    app.dose(&officer.token, &people[6], "pfizer", 2, 3).await;
    recovery(&people[7], 300).await;
    app.dose(&officer.token, &people[7], "moderna", 1, 2).await;
    // A negative test alone, with a declaration.
    let sampled = (Utc::now() - Duration::hours(5)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (status, _) = app
        .post(
            &format!("/people/{}/test-results", people[8]),
            Some(&officer.token),
            &json!({ "kind": "pcr", "sampled_at": sampled, "result": "negative" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let mut expected = std::collections::HashMap::new();
    for id in &people {
        let (_, person) = app.get(&format!("/people/{id}"), Some(&admin)).await;
        link_and_scan(&app, &market, true, &guard.token, &gate, &person).await;
        let (status, answer) = app.get(&format!("/people/{id}/status"), Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        expected.insert(
            id.clone(),
            (answer["colour"].clone(), answer["reason"].clone()),
        );
    }
    let greens = expected.values().filter(|(c, _)| c == "green").count();
    assert!(
        (1..people.len()).contains(&greens),
        "the mix has both colours: {expected:?}"
    );

    // The staff list and the visitor list, one page each.
    let staff = format!("/organizations/{}/staff", market.id);
    let (_, page) = app
        .get(&format!("{staff}?limit=200"), Some(&market.admin.token))
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), people.len());
    for item in items {
        let (colour, reason) = &expected[item["person_id"].as_str().unwrap()];
        assert_eq!(&item["status"]["colour"], colour, "{item}");
        assert_eq!(&item["status"]["reason"], reason, "{item}");
    }
    let (_, page) = app
        .get(
            &format!("/organizations/{}/visitors?limit=200", market.id),
            Some(&market.admin.token),
        )
        .await;
    let visits = page["items"].as_array().unwrap();
    assert_eq!(visits.len(), people.len());
    let by_document: std::collections::HashMap<&Value, &str> = items
        .iter()
        .map(|item| {
            (
                &item["document_masked"],
                item["person_id"].as_str().unwrap(),
            )
        })
        .collect();
    for visit in visits {
        let (colour, reason) = &expected[by_document[&visit["document_masked"]]];
        assert_eq!(&visit["status"]["colour"], colour, "{visit}");
        assert_eq!(&visit["status"]["reason"], reason, "{visit}");
    }

    // Each colour, two at a time: every person of that colour once.
    for colour in ["green", "black"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("{staff}?colour={colour}&limit=2&cursor={c}"),
                None => format!("{staff}?colour={colour}&limit=2"),
            };
            let (status, page) = app.get(&path, Some(&market.admin.token)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            for item in page["items"].as_array().unwrap() {
                assert_eq!(item["status"]["colour"], colour);
                seen.push(item["person_id"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut want: Vec<String> = expected
            .iter()
            .filter(|(_, (c, _))| c == colour)
            .map(|(id, _)| id.clone())
            .collect();
        want.sort();
        seen.sort();
        assert_eq!(seen, want, "{colour}");
    }
}

/// Puts `person` on the market's staff list when `staff`, and scans them
/// at `checkpoint` with the `guard`'s token.
async fn link_and_scan(
    app: &TestApp,
    market: &Organization,
    staff: bool,
    guard: &str,
    checkpoint: &Value,
    person: &Value,
) {
    let document = json!({ "document_number": person["document_number"] });
    if staff {
        let path = format!("/organizations/{}/staff", market.id);
        let (status, _) = app.post(&path, Some(&market.admin.token), &document).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let scans = format!("/checkpoints/{}/scans", checkpoint["id"].as_str().unwrap());
    let (status, answer) = app.post(&scans, Some(guard), &document).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
}

/// An XLSX export is built whole before it is sent, so it holds at most
/// `ANTOAN_XLSX_MAX_ROWS` rows: a longer list is refused with a problem
/// that points to a narrower filter or the CSV, which still serves it.
async fn xlsx_exports_are_bounded(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let back = app.checkpoint(&market, "Cổng sau").await;
    let guard = app.staff(&market).await;
    for (i, checkpoint) in [&gate, &gate, &gate, &back].into_iter().enumerate() {
        let person = app.person(&officer.token, person_input("26794")).await;
        // The first two are staff.
        link_and_scan(&app, &market, i < 2, &guard.token, checkpoint, &person).await;
    }
    let visitors = format!("/organizations/{}/visitors", market.id);
    let (status, problem) = app
        .get(&format!("{visitors}.xlsx"), Some(&market.admin.token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "export_too_large");
    assert!(
        problem["detail"].as_str().unwrap().contains("CSV"),
        "{problem}"
    );
    let (status, _, csv) = app
        .get_bytes(&format!("{visitors}.csv"), Some(&market.admin.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 5);

    // Narrowed to the gate, the list fits; so does the staff list.
    let (status, _, bytes) = app
        .get_bytes(
            &format!(
                "{visitors}.xlsx?checkpoint={}",
                gate["id"].as_str().unwrap()
            ),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read_xlsx(bytes, "visitors").0.len(), 4);
    let (status, _, bytes) = app
        .get_bytes(
            &format!("/organizations/{}/staff.xlsx", market.id),
            Some(&market.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read_xlsx(bytes, "staff").0.len(), 3);
}

mod xlsx_limit {
    use crate::common::{Backend, TestApp};

    const SETTINGS: &[(&str, &str)] = &[("ANTOAN_XLSX_MAX_ROWS", "3")];

    #[actix_web::test]
    async fn sqlite() {
        if let Some(app) = TestApp::spawn_with(Backend::Sqlite, SETTINGS).await {
            super::xlsx_exports_are_bounded(app).await;
        }
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(app) = TestApp::spawn_with(Backend::Postgres, SETTINGS).await {
            super::xlsx_exports_are_bounded(app).await;
        }
    }
}
