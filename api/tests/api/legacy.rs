//! Legacy codes: the city imports organizations with the codes of the
//! earlier portal; rejected rows are reported by line, committed all or
//! not at all or the good ones only, as asked; and the codes keep resolving
//! for check-ins and scans.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, person_input};

crate::on_both_backends!(
    imports_report_rows_by_line_and_mode,
    legacy_codes_keep_resolving
);

async fn import(app: &TestApp, token: &str, mode: &str, csv: &str) -> (StatusCode, Value) {
    app.send(
        app.client
            .post(app.url(&format!("/organizations/legacy-imports?mode={mode}")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv.to_owned()),
    )
    .await
}

const HEADER: &str =
    "legacy_code,tax_code,name,address,ward_code,sector,contact_phone,checkpoint_name\n";

async fn imports_report_rows_by_line_and_mode(app: TestApp) {
    let admin = app.admin().await;
    let csv = format!(
        "{HEADER}\
         KB-0001,0312345678,\"Chợ Bình Điền, khu B\",1 Nguyễn Văn Linh,26815,wholesale_market,0909123456,Cổng A\n\
         KB-0002,0312345679,Siêu thị Linh Trung,2 Hoàng Diệu 2,99999,food_retail,0909123456,\n\
         KB-0003,031234,Tiệm tạp hóa Út,3 Kha Vạn Cân,26794,food_retail,12345,\n\
         kb-0001,0312345678,Trùng mã,4 Võ Văn Ngân,26815,market,0909123456,\n\
         KB-0005,0312345670,Nhà thuốc An Khang,5 Tô Ngọc Vân,26794,pharmacy,0909123456,\n"
    );

    // All or nothing: four rows are wrong, so nothing is written.
    let (status, body) = import(&app, &admin, "all_or_nothing", &csv).await;
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
            "line 3: ward_code",
            "line 4: tax_code",
            "line 4: contact_phone",
            "line 5: legacy_code",
        ],
        "{body}"
    );
    let (status, _) = app.get("/locations/KB-0001", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was written");

    // Good rows: the two good ones are imported, the others reported.
    let (status, report) = import(&app, &admin, "good_rows", &csv).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["rows"], 5);
    let imported: Vec<(u64, &str)> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["line"].as_u64().unwrap(), o["code"].as_str().unwrap()))
        .collect();
    assert_eq!(imported, [(2, "KB-0001"), (6, "KB-0005")]);
    let rejected: Vec<(u64, &str)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected.len(), 4, "{report}");
    assert_eq!(rejected[0], (3, "unknown_ward"));
    assert_eq!(rejected[1], (4, "invalid_tax_code"));
    assert_eq!(rejected[2].0, 4);
    assert!(rejected[2].1.starts_with("phone_"), "{report}");
    assert_eq!(rejected[3], (5, "duplicate_in_file"));

    // Importing a code again is a rejected row, not a second organization.
    let again = format!(
        "{HEADER}KB-0005,0312345670,Nhà thuốc An Khang,5 Tô Ngọc Vân,26794,pharmacy,0909123456,\n"
    );
    let (status, report) = import(&app, &admin, "good_rows", &again).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report["rejected"][0]["code"], "legacy_code_taken",
        "{report}"
    );

    // Files that cannot be read, or columns that are not ours.
    for (bad, code) in [
        ("legacy_code,name\nA,\"open\n", "malformed_csv"),
        (
            "legacy_code,tax_code,name,address,ward_code,sector,contact_phone,colour\n",
            "unknown_column",
        ),
        ("", "empty_file"),
    ] {
        let (status, body) = import(&app, &admin, "good_rows", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["code"], code, "{body}");
    }
    let short = format!("{HEADER}KB-0009,0312345678\n");
    let (_, report) = import(&app, &admin, "good_rows", &short).await;
    assert_eq!(report["rejected"][0]["code"], "wrong_cell_count");
    assert_eq!(report["rejected"][0]["line"], 2);

    let health = app.health_officer(&admin).await;
    let (status, _) = import(&app, &health.token, "good_rows", &again).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn legacy_codes_keep_resolving(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let csv = format!(
        "{HEADER}79-DN-000123,0312345678,Chợ Thủ Đức,1 Võ Văn Ngân,26815,market,0909123456,\n"
    );
    let (status, report) = import(&app, &admin, "all_or_nothing", &csv).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let organization = report["imported"][0]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let checkpoint = report["imported"][0]["checkpoint_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The poster's code resolves, in any case, to the main checkpoint.
    let (status, location) = app.get("/locations/79-dn-000123", None).await;
    assert_eq!(status, StatusCode::OK, "{location}");
    assert_eq!(location["checkpoint_id"], checkpoint.as_str());
    assert_eq!(location["checkpoint_name"], "Cổng chính");
    assert_eq!(location["active"], true);
    let (_, found) = app
        .get(&format!("/organizations/{organization}"), Some(&admin))
        .await;
    assert_eq!(found["code"], "79-DN-000123");

    // The city gives it an admin, who gives a guard an account; the guard scans.
    let username = "cho.thuduc.legacy";
    let (status, body) = app
        .post(
            "/accounts",
            Some(&admin),
            &json!({
                "username": username,
                "password": PASSWORD,
                "role": "organization_admin",
                "organization_id": organization,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let organization_admin = app.login(username, PASSWORD).await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let (status, scan) = app
        .post(
            &format!("/checkpoints/{checkpoint}/scans"),
            Some(&organization_admin),
            &json!({ "document_number": person["document_number"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{scan}");

    // A resident checks in with the legacy code.
    let (resident, _) = app.resident(person_input("26794")).await;
    let (status, checked_in) = app
        .post(
            "/locations/79-DN-000123/check-ins",
            Some(&resident.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{checked_in}");
    assert_eq!(checked_in["visit"]["checkpoint_id"], checkpoint.as_str());
    assert_eq!(checked_in["organization_name"], "Chợ Thủ Đức");
}
