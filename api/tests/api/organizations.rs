//! Organizations and checkpoints: registration, location codes and their
//! replacement, the location QR, and one organization never seeing another.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{PASSWORD, TestApp};
use crate::qr::decode_png;

crate::on_both_backends!(
    organizations_register_with_their_admin,
    location_codes_are_replaced_and_old_ones_say_so,
    organizations_do_not_see_each_other,
);

async fn organizations_register_with_their_admin(app: TestApp) {
    let organization = app.organization("Siêu thị Co.op Linh Trung").await;
    let (status, body) = app
        .get(
            &format!("/organizations/{}", organization.id),
            Some(&organization.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let code = body["code"].as_str().unwrap();
    assert!(code.starts_with("79-") && code.len() == 11, "{code}");
    assert_eq!(body["name"], "Siêu thị Co.op Linh Trung");

    let bad = json!({
        "organization": { "name": "", "tax_code": "12345", "address": "x", "ward_code": "26815", "sector": "market", "contact_phone": "12" },
        "admin": { "username": "a b", "password": "short" },
    });
    let (status, body) = app.post("/organizations", None, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "organization.name",
        "organization.tax_code",
        "organization.contact_phone",
        "admin.password",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }

    // The same admin username twice is a conflict, and nothing is left behind.
    let again = json!({
        "organization": { "name": "Another", "tax_code": "0312345678-001", "address": "x", "ward_code": "26815", "sector": "office", "contact_phone": "0909123456" },
        "admin": { "username": organization.admin.username, "password": PASSWORD },
    });
    let (status, body) = app.post("/organizations", None, &again).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let admin = app.admin().await;
    let (_, list) = app.get("/organizations", Some(&admin)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
}

async fn location_codes_are_replaced_and_old_ones_say_so(app: TestApp) {
    let organization = app.organization("Chợ Thủ Đức").await;
    let checkpoint = app.checkpoint(&organization, "Cổng chính").await;
    let id = checkpoint["id"].as_str().unwrap();
    let old_code = checkpoint["location_code"].as_str().unwrap().to_owned();
    assert_eq!(old_code.len(), 20);
    assert_eq!(
        checkpoint["location_url"],
        format!("{}/check-in/{old_code}", app.base)
    );

    let (status, _, png) = app
        .get_bytes(
            &format!("/checkpoints/{id}/location-qr.png"),
            Some(&organization.admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        decode_png(&png),
        checkpoint["location_url"].as_str().unwrap()
    );

    let (status, location) = app.get(&format!("/locations/{old_code}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(location["checkpoint_name"], "Cổng chính");
    assert_eq!(location["organization_name"], "Chợ Thủ Đức");
    assert_eq!(location["active"], true);

    let (status, replaced) = app
        .post(
            &format!("/checkpoints/{id}/location-code"),
            Some(&organization.admin.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    let new_code = replaced["location_code"].as_str().unwrap();
    assert_ne!(new_code, old_code);
    let (_, old) = app.get(&format!("/locations/{old_code}"), None).await;
    assert_eq!(old["active"], false);
    let (_, new) = app.get(&format!("/locations/{new_code}"), None).await;
    assert_eq!(new["active"], true);
    let (status, _) = app.get("/locations/NOSUCHCODE", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, listed) = app
        .get(
            &format!("/organizations/{}/checkpoints", organization.id),
            Some(&organization.admin.token),
        )
        .await;
    assert_eq!(listed[0]["location_code"], new_code);

    let staff = app.staff(&organization).await;
    let (status, _) = app
        .post(
            &format!("/checkpoints/{id}/location-code"),
            Some(&staff.token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn organizations_do_not_see_each_other(app: TestApp) {
    let market = app.organization("Chợ Thủ Đức").await;
    let shop = app.organization("Bách Hóa Xanh").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let gate_id = gate["id"].as_str().unwrap();
    let shop_staff = app.staff(&shop).await;

    for path in [
        format!("/organizations/{}", market.id),
        format!("/organizations/{}/checkpoints", market.id),
        format!("/organizations/{}/accounts", market.id),
        format!("/organizations/{}/visits", market.id),
        format!("/checkpoints/{gate_id}"),
        format!("/checkpoints/{gate_id}/visits"),
    ] {
        let (status, body) = app.get(&path, Some(&shop.admin.token)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, _) = app
        .post(
            &format!("/checkpoints/{gate_id}/scans"),
            Some(&shop_staff.token),
            &json!({ "document_number": "079090001234" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post(
            &format!("/organizations/{}/checkpoints", market.id),
            Some(&shop.admin.token),
            &json!({ "name": "Cửa sau" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post("/accounts", Some(&shop.admin.token), &json!({ "username": "sneaky", "password": PASSWORD, "role": "checkpoint_staff", "organization_id": market.id }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
