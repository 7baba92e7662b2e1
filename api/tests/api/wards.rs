//! Ward office work in bulk: a hundred residents from one CSV file, the
//! import's two modes and per-line errors, and the printed card sheets,
//! read back with poppler (`pdfinfo`, `pdftoppm`, `pdftotext`).

use std::process::Command;

use antoan::db;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, cccd};

crate::on_both_backends!(
    a_ward_officer_creates_and_prints_a_hundred_residents,
    a_bad_row_stops_an_all_or_nothing_import,
    good_rows_are_kept_and_bad_rows_reported,
    only_the_wards_own_office_imports_and_prints,
);

const HEADER: &str = "document_kind,document_number,full_name,birth_date,gender,phone,address";

/// `count` valid rows with fresh CCCDs, named "Nguyễn Thị Đoàn Aa", "… Ab" and on.
fn rows(count: usize) -> Vec<String> {
    let base = u32::from_str_radix(&db::new_public_id()[..5], 16).unwrap() % 900_000;
    (0..count)
        .map(|n| {
            format!(
                "cccd,{},Nguyễn Thị Đoàn {},1990-05-17,female,0909123456,\"{n} Kha Vạn Cân, Linh Xuân\"",
                cccd(1990, true, base + n as u32),
                suffix(n)
            )
        })
        .collect()
}

fn suffix(n: usize) -> String {
    let n = u8::try_from(n).unwrap();
    format!("{}{}", char::from(b'A' + n / 26), char::from(b'a' + n % 26))
}

fn file(rows: &[String]) -> String {
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

async fn import(
    app: &TestApp,
    token: &str,
    ward: &str,
    mode: &str,
    csv: String,
) -> (StatusCode, Value) {
    app.send(
        app.client
            .post(app.url(&format!("/wards/{ward}/residents/import?mode={mode}")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv),
    )
    .await
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program} must be installed (poppler-utils): {err}"));
    assert!(output.status.success(), "{program} {args:?} failed");
    String::from_utf8(output.stdout).unwrap()
}

/// Every QR code rqrr finds on page `page` of `pdf`.
fn codes_on_page(pdf: &std::path::Path, page: usize) -> Vec<String> {
    let prefix = pdf.with_file_name(format!("page{page}"));
    let page = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            &page,
            "-l",
            &page,
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let image = image::open(pdf.with_file_name(format!("page{page}.png")))
        .unwrap()
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect()
}

async fn a_ward_officer_creates_and_prints_a_hundred_residents(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;

    let (status, report) = import(
        &app,
        &ward.token,
        "26794",
        "all_or_nothing",
        file(&rows(100)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["committed"], true);
    let created = report["created"].as_array().unwrap();
    assert_eq!(created.len(), 100);
    assert_eq!(created[0]["line"], 2);
    assert_eq!(created[99]["line"], 101);
    let ids: Vec<&str> = created
        .iter()
        .map(|row| row["person_id"].as_str().unwrap())
        .collect();

    let response = app
        .client
        .post(app.url("/wards/26794/cards.pdf"))
        .bearer_auth(&ward.token)
        .json(&json!({ "person_ids": ids }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("cards.pdf");
    std::fs::write(&pdf, &bytes).unwrap();

    // Twelve cards a page: a hundred cards fill nine A4 pages.
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 9")),
        "{info}"
    );
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");

    // The text is Vietnamese as written, diacritics and all.
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("Nguyễn Thị Đoàn Aa"), "{text}");
    assert!(text.contains("Phường Linh Xuân"), "{text}");
    assert!(text.contains("******"), "masked numbers");

    // The QR codes on a page decode to signed codes of these residents.
    let codes = codes_on_page(&pdf, 1);
    assert!(!codes.is_empty(), "no QR decoded on page 1");
    let (_, first) = app
        .get(&format!("/people/{}/qr", ids[0]), Some(&ward.token))
        .await;
    // A code's signed window ends a fixed time after the hour it was issued in, so a card
    // printed just before the hour and this request just after it differ in the signature;
    // they agree on the five identity fields.
    let identity = |code: &str| code.rsplit_once('|').unwrap().0.to_owned();
    let expected = identity(first["payload"].as_str().unwrap());
    assert!(
        codes.iter().any(|code| identity(code) == expected),
        "{expected} not among {codes:?}"
    );
    for code in &codes {
        let (status, verified) = app
            .post("/qr/verify", None, &json!({ "payload": code }))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(verified["signature"], "valid");
    }
    // Each printed card is in its person's ledger.
    let (_, ledger) = app
        .get(
            &format!("/people/{}/access-log", ids[99]),
            Some(&ward.token),
        )
        .await;
    assert_eq!(ledger["items"][0]["kind"], "qr_read");
    assert_eq!(ledger["items"][0]["reader_role"], "ward_officer");
    let last_page = codes_on_page(&pdf, 9);
    let (_, last) = app
        .get(&format!("/people/{}/qr", ids[99]), Some(&ward.token))
        .await;
    let expected = identity(last["payload"].as_str().unwrap());
    assert!(
        last_page.iter().any(|code| identity(code) == expected),
        "{expected} not among {last_page:?}"
    );
}

async fn a_bad_row_stops_an_all_or_nothing_import(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let mut lines = rows(4);
    lines[1] = lines[1].replace("1990-05-17", "17/05/1990");
    lines[2] = lines[2].replacen("cccd,079", "cccd,079X", 1);
    lines.push(lines[0].clone());

    let (status, body) = import(&app, &ward.token, "26794", "all_or_nothing", file(&lines)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "line.3.birth_date",
            "line.4.document_number",
            "line.6.document_number"
        ]
    );
    assert_eq!(body["errors"][2]["code"], "duplicate_in_file");

    // Nothing was created: the good rows import on their own afterwards.
    let (status, report) = import(
        &app,
        &ward.token,
        "26794",
        "all_or_nothing",
        file(&[lines[0].clone(), lines[3].clone()]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["created"].as_array().unwrap().len(), 2);

    for (csv, code) in [
        (
            "document_number,full_name\n1,2\n".to_owned(),
            "missing_column",
        ),
        (format!("{HEADER},colour\n"), "unknown_column"),
    ] {
        let (status, body) = import(&app, &ward.token, "26794", "all_or_nothing", csv).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["code"], code, "{body}");
    }
    let (status, body) = import(&app, &ward.token, "26794", "some", file(&rows(1))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "mode");
}

async fn good_rows_are_kept_and_bad_rows_reported(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let mut lines = rows(3);
    // Already registered before the import.
    let (status, _) = import(
        &app,
        &ward.token,
        "26794",
        "good_rows",
        file(&[lines[2].clone()]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    lines[1] = lines[1].replace(",female,", ",alien,");
    lines.push("cccd,079190000001,too,few".to_owned());

    let (status, report) = import(&app, &ward.token, "26794", "good_rows", file(&lines)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["mode"], "good_rows");
    let created: Vec<u64> = report["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["line"].as_u64().unwrap())
        .collect();
    assert_eq!(created, [2]);
    let rejected: Vec<(u64, &str)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["errors"][0]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (3, "unknown_gender"),
            (4, "duplicate_document"),
            (5, "wrong_field_count")
        ]
    );

    // A file saved from Excel ends its lines with CRLF: the same lines.
    let mut excel = rows(3);
    excel[2] = excel[2].replace(",female,", ",alien,");
    let crlf = file(&excel).replace('\n', "\r\n");
    let (status, report) = import(&app, &ward.token, "26794", "good_rows", crlf).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let lines = |key: &str| -> Vec<u64> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lines("created"), [2, 3], "{report}");
    assert_eq!(lines("rejected"), [4], "{report}");

    // A file past a JSON body's 64 KiB is read whole, then judged.
    let big = format!("{HEADER},note\n{}\n", "x,".repeat(40_000));
    let (status, report) = import(&app, &ward.token, "26794", "good_rows", big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["errors"][0]["code"], "unknown_column", "{report}");
}

async fn only_the_wards_own_office_imports_and_prints(app: TestApp) {
    let admin = app.admin().await;
    let other = app.ward_officer(&admin, "27088").await;
    let ward = app.ward_officer(&admin, "26794").await;
    let (status, _) = import(&app, &other.token, "26794", "good_rows", file(&rows(1))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = import(&app, &admin, "99999", "good_rows", file(&rows(1))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, report) = import(&app, &ward.token, "26794", "good_rows", file(&rows(1))).await;
    let id = report["created"][0]["person_id"].as_str().unwrap();
    let (status, body) = app
        .post(
            "/wards/27088/cards.pdf",
            Some(&other.token),
            &json!({ "person_ids": [id] }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a resident of another ward"
    );
    assert_eq!(body["errors"][0]["field"], "person_ids.0");
    let (status, _) = app
        .post(
            "/wards/26794/cards.pdf",
            Some(&ward.token),
            &json!({ "person_ids": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
