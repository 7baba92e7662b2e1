//! `antoan demo`: a small data set to try every role with, loaded through
//! the API's own handlers in-process, so that it passes the same rules and
//! checks as any client's data. Development mode only.

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::web;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::auth::{Role, password};
use crate::config::{Mode, Settings};
use crate::db::accounts;
use crate::domain::time::local_date;
use crate::startup::{build_app, prepare_state};

/// The password of every demo account: the data set is for trying the
/// product, never for real people.
pub const DEMO_PASSWORD: &str = "demo-password-2021";

const ADMIN: &str = "demo.admin";

/// One POST to the in-process application; a failure names the call.
async fn post<S, B>(
    app: &S,
    path: String,
    token: Option<String>,
    body: Value,
) -> Result<Value, String>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let request = TestRequest::post()
        .uri(&format!("/api/v1{path}"))
        .set_json(body);
    let request = match token {
        Some(token) => request.insert_header(("authorization", format!("Bearer {token}"))),
        None => request,
    };
    let response = call_service(app, request.to_request()).await;
    let status = response.status();
    let body: Value = serde_json::from_slice(&read_body(response).await).unwrap_or_default();
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("POST {path}: {status} {body}"))
    }
}

/// Loads the demo data set and returns the accounts it made, one per line.
pub async fn load(settings: Settings) -> Result<String, String> {
    if settings.mode == Mode::Production {
        return Err("the demo data set is for development mode only".into());
    }
    let state = web::Data::new(prepare_state(settings).map_err(|err| err.to_string())?);
    {
        let mut conn = state.db.get().map_err(|err| err.for_operator())?;
        if accounts::by_username(&mut conn, ADMIN)
            .map_err(|err| err.for_operator())?
            .is_some()
        {
            return Err("the demo data set is already loaded".into());
        }
        let hash = password::hash(DEMO_PASSWORD).map_err(|err| err.for_operator())?;
        accounts::insert(
            &mut conn,
            accounts::NewAccount::new(ADMIN.into(), hash, Role::CityAdmin),
        )
        .map_err(|err| err.for_operator())?;
    }
    let document = web::Data::new(crate::openapi::document_json().map_err(|err| err.to_string())?);
    let app = init_service(build_app(state, document)).await;
    let call = |path: &str, token: Option<&str>, body: Value| {
        post(&app, path.to_owned(), token.map(str::to_owned), body)
    };
    let login = |username: &str| {
        let body = json!({ "username": username, "password": DEMO_PASSWORD });
        let tokens = call("/auth/login", None, body);
        async move {
            let tokens = tokens.await?;
            Ok::<_, String>(
                tokens["access_token"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    let days_ago = |days: i64| (local_date(Utc::now()) - Duration::days(days)).to_string();

    let admin = login(ADMIN).await?;
    for (username, role, ward) in [
        ("demo.yte", "health_officer", None),
        ("demo.linhxuan", "ward_officer", Some("26794")),
    ] {
        let mut body = json!({ "username": username, "password": DEMO_PASSWORD, "role": role });
        if let Some(ward) = ward {
            body["ward_code"] = json!(ward);
        }
        call("/accounts", Some(&admin), body).await?;
    }
    let officer = login("demo.linhxuan").await?;

    // A resident who registered online, vaccinated a month ago (green), who
    // declared for his grandmother ("khai hộ").
    let registration = json!({
        "username": "demo.cudan",
        "password": DEMO_PASSWORD,
        "person": {
            "document_kind": "cccd", "document_number": "079090000101", "full_name": "Nguyễn Văn An",
            "birth_date": "1990-04-12", "gender": "male", "phone": "0909000101", "ward_code": "26794",
        },
    });
    let resident = call("/registrations", None, registration).await?;
    let resident_id = resident["person"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let dose =
        json!({ "vaccine_code": "pfizer", "dose_number": 1, "administered_on": days_ago(30) });
    call(
        &format!("/people/{resident_id}/vaccinations"),
        Some(&officer),
        dose,
    )
    .await?;
    let resident_token = login("demo.cudan").await?;
    let grandmother = json!({
        "document_kind": "cccd", "document_number": "079141000102", "full_name": "Trần Thị Bưởi",
        "birth_date": "1941-02-03", "gender": "female", "ward_code": "26794",
    });
    call("/people", Some(&resident_token), grandmother).await?;

    // Residents without a smartphone, created at the ward office: one
    // vaccinated five days ago (black for nine more days), one recovered
    // two months ago (green).
    let ward_residents = [
        (
            json!({
                "document_kind": "cccd", "document_number": "079185000103", "full_name": "Lê Thị Hoa",
                "birth_date": "1985-08-20", "gender": "female", "ward_code": "26794",
            }),
            "vaccinations",
            json!({ "vaccine_code": "astrazeneca", "dose_number": 1, "administered_on": days_ago(5) }),
        ),
        (
            json!({
                "document_kind": "cccd", "document_number": "079070000104", "full_name": "Phạm Văn Đông",
                "birth_date": "1970-11-30", "gender": "male", "ward_code": "26794",
            }),
            "recoveries",
            json!({ "positive_on": days_ago(74), "recovered_on": days_ago(60) }),
        ),
    ];
    for (person, records, record) in ward_residents {
        let person = call("/people", Some(&officer), person).await?;
        let id = person["id"].as_str().unwrap_or_default();
        call(&format!("/people/{id}/{records}"), Some(&officer), record).await?;
    }

    // A market with its gate and a guard.
    let market = json!({
        "organization": {
            "name": "Chợ Thủ Đức", "tax_code": "0300000001", "address": "Đường Võ Văn Ngân, Linh Chiểu",
            "ward_code": "26815", "sector": "market", "contact_phone": "0909000001",
        },
        "admin": { "username": "demo.cho", "password": DEMO_PASSWORD },
    });
    let market = call("/organizations", None, market).await?;
    let market_admin = login("demo.cho").await?;
    let market_id = market["organization"]["id"].as_str().unwrap_or_default();
    call(
        &format!("/organizations/{market_id}/checkpoints"),
        Some(&market_admin),
        json!({ "name": "Cổng chính" }),
    )
    .await?;
    let guard =
        json!({ "username": "demo.baove", "password": DEMO_PASSWORD, "role": "checkpoint_staff" });
    call("/accounts", Some(&market_admin), guard).await?;

    Ok([
        ("demo.admin", "city administrator"),
        ("demo.yte", "health officer"),
        ("demo.linhxuan", "ward officer of Linh Xuân (26794)"),
        (
            "demo.cho",
            "admin of Chợ Thủ Đức, with its checkpoint Cổng chính",
        ),
        ("demo.baove", "checkpoint staff of Chợ Thủ Đức"),
        (
            "demo.cudan",
            "resident, green; declared for his grandmother",
        ),
    ]
    .iter()
    .map(|(username, who)| format!("{username:<15} {who}"))
    .collect::<Vec<_>>()
    .join("\n"))
}
