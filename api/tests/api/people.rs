//! People: creation by each allowed role, validation of every identity
//! format, duplicates, search by document number, updates, and
//! declarations on someone's behalf.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{TestApp, cccd, person_input};

crate::on_both_backends!(
    ward_officer_creates_a_resident,
    invalid_fields_are_all_named,
    duplicate_documents_are_409,
    ward_officers_stay_in_their_ward,
    search_finds_within_scope_only,
    updates_keep_the_cccd_consistent,
    residents_declare_on_behalf,
);

async fn ward_officer_creates_a_resident(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let input = person_input("26794");
    let person = app.person(&officer.token, input.clone()).await;
    assert_eq!(person["folded_name"], "NGUYEN THI DOAN");
    assert_eq!(person["full_name"], "Nguyễn Thị Đoàn");
    assert_eq!(person["phone"], "0909123456");
    assert_eq!(person["declared_on_behalf"], false);
    let number = input["document_number"].as_str().unwrap();
    assert_eq!(person["document_number"], number);
    assert_eq!(
        person["document_number_masked"],
        format!("******{}", &number[6..])
    );
    assert_eq!(person["qid"].as_str().unwrap().len(), 18);

    let (status, read) = app
        .get(
            &format!("/people/{}", person["id"].as_str().unwrap()),
            Some(&officer.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, person);
}

async fn invalid_fields_are_all_named(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let bad = json!({
        "document_kind": "cccd",
        "document_number": "07909000123",
        "full_name": "   ",
        "birth_date": "2090-01-01",
        "gender": "other",
        "phone": "01234567890",
        "health_insurance_number": "DN6791234567890",
        "ward_code": "2679",
    });
    let (status, body) = app.post("/people", Some(&officer.token), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "validation_failed");
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "birth_date",
            "document_number",
            "full_name",
            "gender",
            "health_insurance_number",
            "phone",
            "ward_code"
        ]
    );

    // A CCCD whose gender digit says male for a woman is suspect.
    let mut mismatch = person_input("26794");
    mismatch["document_number"] = json!(cccd(1990, false, 4321));
    let (status, body) = app.post("/people", Some(&officer.token), &mismatch).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "document_number");

    // A ward that does not exist.
    let mut unknown_ward = person_input("26794");
    unknown_ward["ward_code"] = json!("99999");
    let (status, body) = app.post("/people", Some(&admin), &unknown_ward).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_ward");

    // Control characters never belong in an address, and PostgreSQL could not store a NUL.
    let mut nul = person_input("26794");
    nul["address"] = json!("5 Kha Vạn Cân\u{0}");
    let (status, body) = app.post("/people", Some(&officer.token), &nul).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "forbidden_character");

    // A body that is not JSON at all.
    let (status, body) = app
        .send(
            app.client
                .post(app.url("/people"))
                .bearer_auth(&officer.token)
                .header("content-type", "application/json")
                .body("{"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "malformed_body");
}

async fn duplicate_documents_are_409(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let input = person_input("26794");
    app.person(&officer.token, input.clone()).await;
    let (status, body) = app.post("/people", Some(&officer.token), &input).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "duplicate_document");
}

async fn ward_officers_stay_in_their_ward(app: TestApp) {
    let admin = app.admin().await;
    let linh_xuan = app.ward_officer(&admin, "26794").await;
    let thao_dien = app.ward_officer(&admin, "27088").await;
    let (status, body) = app
        .post("/people", Some(&linh_xuan.token), &person_input("27088"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let person = app.person(&thao_dien.token, person_input("27088")).await;
    let path = format!("/people/{}", person["id"].as_str().unwrap());
    let (status, _) = app.get(&path, Some(&linh_xuan.token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .patch(
            &path,
            Some(&linh_xuan.token),
            &json!({ "address": "somewhere" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .patch(
            &path,
            Some(&thao_dien.token),
            &json!({ "ward_code": "26794" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn search_finds_within_scope_only(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let other = app.ward_officer(&admin, "26797").await;
    let input = person_input("26794");
    let person = app.person(&officer.token, input.clone()).await;
    let number = input["document_number"].as_str().unwrap();

    // Typed with spaces, as people read it off a card.
    let spaced = format!("{} {} {}", &number[..3], &number[3..6], &number[6..]);
    let (status, found) = app
        .post_for(
            "/people/search",
            &officer.token,
            "resident at the counter",
            &json!({ "document_number": spaced }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["id"], person["id"]);
    let (status, _) = app
        .post_for(
            "/people/search",
            &other.token,
            "resident at the counter",
            &json!({ "document_number": number }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let health = app.health_officer(&admin).await;
    let (status, _) = app
        .post_for(
            "/people/search",
            &health.token,
            "contact tracing, case 79-1234",
            &json!({ "document_number": number }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post_for(
            "/people/search",
            &officer.token,
            "resident at the counter",
            &json!({ "document_number": "12" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn updates_keep_the_cccd_consistent(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let path = format!("/people/{}", person["id"].as_str().unwrap());

    let (status, updated) = app
        .patch(&path, Some(&officer.token), &json!({ "full_name": "Nguyễn Thị Đoàn Trang", "phone": "", "address": "5 Kha Vạn Cân" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["folded_name"], "NGUYEN THI DOAN TRANG");
    assert_eq!(updated["phone"], serde_json::Value::Null);
    assert_eq!(updated["address"], "5 Kha Vạn Cân");

    let (status, body) = app
        .patch(
            &path,
            Some(&officer.token),
            &json!({ "birth_date": "1991-05-17" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .patch(&path, Some(&officer.token), &json!({ "gender": "male" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, unchanged) = app.get(&path, Some(&officer.token)).await;
    assert_eq!(unchanged["birth_date"], "1990-05-17");
    assert_eq!(unchanged["gender"], "female");

    // Fields the API does not know are refused, not silently ignored.
    let (status, body) = app
        .patch(
            &path,
            Some(&officer.token),
            &json!({ "document_number": "079090009999" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn residents_declare_on_behalf(app: TestApp) {
    let (resident, own_id) = app.resident(person_input("26794")).await;
    let mut grandmother = person_input("26794");
    grandmother["document_number"] = json!(cccd(1941, true, 777));
    grandmother["birth_date"] = json!("1941-02-03");
    grandmother["full_name"] = json!("Trần Thị Bưởi");
    let declared = app.person(&resident.token, grandmother).await;
    assert_eq!(declared["declared_on_behalf"], true);
    assert_eq!(declared["declared_by_person_id"], own_id);

    let (status, list) = app
        .get(&format!("/people/{own_id}/declared"), Some(&resident.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["folded_name"], "TRAN THI BUOI");

    // A resident changes their contact details, but not the identity their QR vouches for.
    let own_path = format!("/people/{own_id}");
    let (status, body) = app
        .patch(
            &own_path,
            Some(&resident.token),
            &json!({ "address": "12 Đường số 8" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .patch(
            &own_path,
            Some(&resident.token),
            &json!({ "full_name": "Someone Else" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Another resident sees neither of them.
    let (stranger, _) = app.resident(person_input("26794")).await;
    let (status, _) = app
        .get(&format!("/people/{own_id}"), Some(&stranger.token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(
            &format!("/people/{}", declared["id"].as_str().unwrap()),
            Some(&stranger.token),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
