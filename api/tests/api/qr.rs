//! Personal QR codes: issuing, rendering, the key set, and verification of
//! our codes, altered ones and other apps' codes.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    qr_renders_and_decodes_to_the_signed_payload,
    verify_reads_ours_and_others,
);

/// Decodes the one QR code in a PNG.
pub fn decode_png(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR decodes").1
}

async fn qr_renders_and_decodes_to_the_signed_payload(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let input = person_input("26794");
    let person = app.person(&officer.token, input.clone()).await;
    let id = person["id"].as_str().unwrap();
    app.dose(&officer.token, id, "moderna", 1, 20).await;

    let (status, code) = app
        .get(&format!("/people/{id}/qr"), Some(&officer.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{code}");
    let payload = code["payload"].as_str().unwrap();
    let number = input["document_number"].as_str().unwrap();
    assert!(
        payload.starts_with(&format!(
            "{number}|NGUYEN THI DOAN|1990-05-17|0|{}|<2<<<AT2.",
            person["qid"].as_str().unwrap()
        )),
        "{payload}"
    );
    assert_eq!(code["status"]["colour"], "green");
    assert!(code["green_until"].as_str() > code["green_from"].as_str());

    let (status, kind, png) = app
        .get_bytes(&format!("/people/{id}/qr.png"), Some(&officer.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "image/png");
    let decoded = decode_png(&png);
    let (_, verified) = app
        .post("/qr/verify", None, &json!({ "payload": decoded }))
        .await;
    assert_eq!(verified["signature"], "valid", "{verified}");
    assert_eq!(verified["offline_colour"], "green");
    assert_eq!(
        verified["document_masked"],
        format!("******{}", &number[6..])
    );

    let (status, kind, svg) = app
        .get_bytes(&format!("/people/{id}/qr.svg"), Some(&officer.token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "image/svg+xml");
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    let (status, body) = app
        .get(&format!("/people/{id}/qr.png?size=5"), Some(&officer.token))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (_, keys) = app.get("/qr/jwks.json", None).await;
    assert_eq!(keys["keys"][0]["kid"], code["key_id"]);
    assert_eq!(keys["keys"][0]["crv"], "P-256");
    assert!(payload.contains(&format!("AT2.{}.", code["key_id"].as_str().unwrap())));

    // A black person's code vouches for nothing offline.
    let black = app.person(&officer.token, person_input("26794")).await;
    let (_, code) = app
        .get(
            &format!("/people/{}/qr", black["id"].as_str().unwrap()),
            Some(&officer.token),
        )
        .await;
    assert_eq!(code["green_from"], code["green_until"]);
    let (_, verified) = app
        .post("/qr/verify", None, &json!({ "payload": code["payload"] }))
        .await;
    assert_eq!(verified["offline_colour"], "black");
}

async fn verify_reads_ours_and_others(app: TestApp) {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await;
    let person = app.person(&officer.token, person_input("26794")).await;
    let id = person["id"].as_str().unwrap();
    app.dose(&officer.token, id, "pfizer", 1, 30).await;
    let (_, code) = app
        .get(&format!("/people/{id}/qr"), Some(&officer.token))
        .await;
    let payload = code["payload"].as_str().unwrap();

    let altered = payload.replace("NGUYEN THI DOAN", "NGUYEN THI DOAM");
    let (status, verified) = app
        .post("/qr/verify", None, &json!({ "payload": altered }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verified["signature"], "invalid");
    assert_eq!(verified["offline_colour"], serde_json::Value::Null);

    // A masked display copy of our own code cannot be checked, but it is no forgery.
    let masked_copy = format!("******{}", &payload[6..]);
    let (_, verified) = app
        .post("/qr/verify", None, &json!({ "payload": masked_copy }))
        .await;
    assert_eq!(verified["signature"], "masked", "{verified}");

    // Another app's codes: unsigned, masked, EXT in their own order.
    let other_app = "079185004321|Lê Văn Tám|15/04/1985|1|100000000000000001|0912345678<1<";
    let (status, verified) = app
        .post("/qr/verify", None, &json!({ "payload": other_app }))
        .await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["signature"], "absent");
    assert_eq!(verified["folded_name"], "LE VAN TAM");
    assert_eq!(verified["declared_on_behalf"], true);
    let masked = "******004321|LE VAN TAM|**/**/1985|0|100000000000000001|";
    let (_, verified) = app
        .post("/qr/verify", None, &json!({ "payload": masked }))
        .await;
    assert_eq!(verified["masked"], true);
    assert_eq!(verified["birth_year"], 1985);

    for (text, code) in [
        (
            "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH",
            "unsupported_format",
        ),
        ("https://example.invalid/check-in/ABC", "validation_failed"),
        ("hello", "validation_failed"),
        ("", "validation_failed"),
    ] {
        let (status, body) = app
            .post("/qr/verify", None, &json!({ "payload": text }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}: {body}");
        assert_eq!(body["code"], code, "{text}: {body}");
    }
}
