//! Integrators: API keys made, scoped and revoked by the city, and imports
//! of a day of vaccinations and of test results that change nothing when
//! sent twice, with a result per record and the job's progress.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, cccd, local_today, person_input};

crate::on_both_backends!(
    a_day_of_vaccinations_imported_twice_creates_no_duplicates,
    test_results_import_from_csv_once,
    keys_are_scoped_revocable_and_kept_as_hashes,
);

async fn new_key(app: &TestApp, admin: &str, source: &str, scopes: &[&str]) -> Value {
    let (status, key) = app
        .post(
            "/api-keys",
            Some(admin),
            &json!({ "name": "Cổng thông tin tiêm chủng", "source": source, "scopes": scopes }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    key
}

async fn send(
    app: &TestApp,
    path: &str,
    credential: &str,
    content_type: &str,
    body: String,
) -> (StatusCode, Value) {
    app.send(
        app.client
            .post(app.url(path))
            .bearer_auth(credential)
            .header("content-type", content_type)
            .body(body),
    )
    .await
}

fn outcomes(job: &Value) -> Vec<&str> {
    job["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect()
}

async fn a_day_of_vaccinations_imported_twice_creates_no_duplicates(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let mut documents = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let person = app.person(&ward.token, person_input("26794")).await;
        documents.push(person["document_number"].as_str().unwrap().to_owned());
        ids.push(person["id"].as_str().unwrap().to_owned());
    }
    let key = new_key(&app, &admin, "national_portal", &["import_vaccinations"]).await;
    let secret = key["secret"].as_str().unwrap();
    assert!(secret.starts_with("atk_"));

    // A day's file: 450 records (three chunks): two doses for each of three
    // people, doses of people nobody registered, and one malformed line.
    let day = local_today() - chrono::Duration::days(20);
    let mut lines: Vec<String> = Vec::new();
    for (n, document) in documents.iter().enumerate() {
        for dose in 1..=2 {
            lines.push(
                json!({
                    "source_record_id": format!("VN-2021-{n}-{dose}"),
                    "document_number": document,
                    "vaccine_code": "pfizer",
                    "dose_number": dose,
                    "administered_on": day - chrono::Duration::days(28 * (2 - i64::from(dose))),
                    "place": "Trường THCS Linh Xuân",
                })
                .to_string(),
            );
        }
    }
    for n in 0..443 {
        lines.push(
            json!({
                "source_record_id": format!("VN-2021-x{n}"),
                "document_number": cccd(1950, false, 900_000 + n),
                "vaccine_code": "pfizer",
                "dose_number": 1,
                "administered_on": day,
            })
            .to_string(),
        );
    }
    lines.push("{not json".to_owned());
    let file = lines.join("\n");

    let (status, first) = send(
        &app,
        "/imports/vaccinations",
        secret,
        "application/x-ndjson",
        file.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["state"], "done");
    assert_eq!(first["total"], 450);
    assert_eq!(first["processed"], 450);
    assert_eq!(first["created"], 6);
    assert_eq!(first["rejected"], 444);
    assert_eq!(first["results"][0]["outcome"], "created");
    assert_eq!(first["results"][0]["source_record_id"], "VN-2021-0-1");
    assert_eq!(first["results"][6]["errors"][0]["code"], "unknown_person");
    assert_eq!(first["results"][449]["line"], 450);
    assert_eq!(
        first["results"][449]["errors"][0]["code"],
        "malformed_record"
    );

    let (status, second) = send(
        &app,
        "/imports/vaccinations",
        secret,
        "application/x-ndjson",
        file,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["created"], 0);
    assert_eq!(second["unchanged"], 6);
    assert_eq!(&outcomes(&second)[..6], ["unchanged"; 6]);

    // Each person has their two doses once, and is green from them.
    let id = &ids[0];
    let (_, records) = app
        .get(&format!("/people/{id}/health-records"), Some(&ward.token))
        .await;
    let doses = records["vaccinations"].as_array().unwrap();
    assert_eq!(doses.len(), 2);
    assert_eq!(doses[0]["source"], "national_portal");
    let (_, status_now) = app
        .get(&format!("/people/{id}/status"), Some(&ward.token))
        .await;
    assert_eq!(status_now["colour"], "green");

    // The job's progress stays readable by the key that ran it.
    let path = format!("/imports/{}", second["id"].as_str().unwrap());
    let (status, progress) = app.get(&path, Some(secret)).await;
    assert_eq!(status, StatusCode::OK, "{progress}");
    assert_eq!(progress["processed"], 450);
    assert!(progress["results"].as_array().unwrap().is_empty());
    let other = new_key(&app, &admin, "lab_cho_ray", &["import_test_results"]).await;
    let (status, _) = app.get(&path, other["secret"].as_str()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The same record id with other values is refused, not applied.
    let changed = json!({
        "source_record_id": "VN-2021-0-1",
        "document_number": documents[0],
        "vaccine_code": "astrazeneca",
        "dose_number": 1,
        "administered_on": day - chrono::Duration::days(28),
    })
    .to_string();
    let (_, job) = send(
        &app,
        "/imports/vaccinations",
        secret,
        "application/x-ndjson",
        changed,
    )
    .await;
    assert_eq!(job["results"][0]["errors"][0]["code"], "changed_record");

    // Dates before COVID-19 vaccination began are refused record by record
    // (PostgreSQL could not even store the first); the good record stands.
    let record = |id: &str, dose: i32, on: String| {
        json!({
            "source_record_id": id,
            "document_number": documents[1],
            "vaccine_code": "pfizer",
            "dose_number": dose,
            "administered_on": on,
        })
        .to_string()
    };
    let file = [
        record("VN-2021-1-3", 3, day.to_string()),
        record("VN-odd-1", 4, "-0005-01-01".to_owned()),
        record("VN-odd-2", 5, "2019-06-01".to_owned()),
    ]
    .join("\n");
    let (status, job) = send(
        &app,
        "/imports/vaccinations",
        secret,
        "application/x-ndjson",
        file,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(outcomes(&job), ["created", "rejected", "rejected"], "{job}");
    for result in &job["results"].as_array().unwrap()[1..] {
        assert_eq!(result["errors"][0]["code"], "too_early", "{job}");
    }
}

async fn test_results_import_from_csv_once(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let person = app.person(&ward.token, person_input("26794")).await;
    let document = person["document_number"].as_str().unwrap();
    let key = new_key(&app, &admin, "lab_cho_ray", &["import_test_results"]).await;
    let secret = key["secret"].as_str().unwrap();
    let sampled = (chrono::Utc::now() - chrono::Duration::hours(3))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let file = format!(
        "source_record_id,document_number,kind,sampled_at,result,facility\n\
         LAB-1,{document},pcr,{sampled},negative,Bệnh viện Chợ Rẫy\n\
         LAB-2,{document},rapid_antigen,{sampled},maybe,\n"
    );
    for round in 0..2 {
        let (status, job) = send(
            &app,
            "/imports/test-results",
            secret,
            "text/csv",
            file.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{job}");
        assert_eq!(job["results"][1]["line"], 3);
        assert_eq!(job["results"][1]["errors"][0]["code"], "unknown_result");
        let expected = if round == 0 { "created" } else { "unchanged" };
        assert_eq!(job["results"][0]["outcome"], expected);
    }
    let (_, records) = app
        .get(
            &format!("/people/{}/health-records", person["id"].as_str().unwrap()),
            Some(&ward.token),
        )
        .await;
    assert_eq!(records["test_results"].as_array().unwrap().len(), 1);
}

async fn keys_are_scoped_revocable_and_kept_as_hashes(app: TestApp) {
    let admin = app.admin().await;
    let ward = app.ward_officer(&admin, "26794").await;
    let key = new_key(&app, &admin, "lab_pasteur", &["import_test_results"]).await;
    let secret = key["secret"].as_str().unwrap().to_owned();

    let (status, _) = send(
        &app,
        "/imports/vaccinations",
        &secret,
        "application/x-ndjson",
        String::new(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no vaccination scope");
    let (status, _) = send(
        &app,
        "/imports/test-results",
        &ward.token,
        "text/csv",
        String::new(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "officers do not import");
    let (status, _) = send(
        &app,
        "/imports/test-results",
        "atk_guessed",
        "text/csv",
        String::new(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The list never shows a secret.
    let (_, keys) = app.get("/api-keys", Some(&admin)).await;
    assert!(!keys.to_string().contains(&secret));
    assert_eq!(keys[0]["key_prefix"], &secret[..10]);

    let (status, _) = app
        .post(
            "/api-keys",
            Some(&admin),
            &json!({ "name": "x", "source": "lab_pasteur", "scopes": ["import_test_results"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .post(
            "/api-keys",
            Some(&admin),
            &json!({ "name": "x", "source": "Bad Source", "scopes": ["read_everything"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);

    let (status, revoked) = app
        .post(
            &format!("/api-keys/{}/revoke", key["id"].as_str().unwrap()),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    let (status, _) = send(
        &app,
        "/imports/test-results",
        &secret,
        "text/csv",
        String::new(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
