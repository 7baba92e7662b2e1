//! Reference data everyone may read: districts, wards, the vaccine
//! catalogue and the status policies. The city administrator adds policy
//! versions.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Principal, Role};
use crate::db::{self, reference};
use crate::domain::status::PolicyRules;
use crate::error::{ApiError, Problem, validate};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_districts)
        .service(list_wards)
        .service(list_vaccines)
        .service(list_policies)
        .service(create_policy);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictView {
    /// The national administrative code, e.g. `769` for Thủ Đức City.
    pub code: String,
    pub name: String,
    /// `quan` (urban district), `huyen` (rural district) or `thanh_pho` (city).
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WardView {
    /// The national administrative code, five digits.
    pub code: String,
    pub name: String,
    pub district_code: String,
    /// The district the ward belonged to before Thủ Đức City was formed.
    pub former_district: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VaccineView {
    pub code: String,
    pub name: String,
    pub manufacturer: String,
    /// Doses in the primary series: 1 for Janssen, 3 for Abdala, 2 otherwise.
    pub primary_doses: i32,
    pub eu_product_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    /// The version stored with every scan this policy decided.
    pub version: String,
    /// The local date from which the policy applies.
    pub effective_from: NaiveDate,
    pub description: String,
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WardQuery {
    /// Only the wards of this district.
    pub district: Option<String>,
}

/// List the city's districts.
#[utoipa::path(
    tag = "reference",
    operation_id = "listDistricts",
    security(()),
    responses((status = 200, description = "Every district", body = Vec<DistrictView>))
)]
#[get("/districts")]
pub async fn list_districts(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<DistrictView>>, ApiError> {
    let rows = state.db.run(reference::districts).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|d| DistrictView {
                code: d.code,
                name: d.name,
                kind: d.kind,
            })
            .collect(),
    ))
}

/// List wards, optionally of one district.
#[utoipa::path(
    tag = "reference",
    operation_id = "listWards",
    params(WardQuery),
    security(()),
    responses(
        (status = 200, description = "The wards", body = Vec<WardView>),
        (status = 400, description = "Bad query", body = Problem),
    )
)]
#[get("/wards")]
pub async fn list_wards(
    state: web::Data<AppState>,
    query: web::Query<WardQuery>,
) -> Result<web::Json<Vec<WardView>>, ApiError> {
    let district = query.into_inner().district;
    let rows = state
        .db
        .run(move |conn| reference::wards(conn, district.as_deref()))
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|w| WardView {
                code: w.code,
                name: w.name,
                district_code: w.district_code,
                former_district: w.former_district,
            })
            .collect(),
    ))
}

/// List the vaccine catalogue.
#[utoipa::path(
    tag = "reference",
    operation_id = "listVaccines",
    security(()),
    responses((status = 200, description = "Every vaccine", body = Vec<VaccineView>))
)]
#[get("/vaccines")]
pub async fn list_vaccines(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<VaccineView>>, ApiError> {
    let rows = state.db.run(reference::vaccines).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|v| VaccineView {
                code: v.code,
                name: v.name,
                manufacturer: v.manufacturer,
                primary_doses: v.primary_doses,
                eu_product_code: v.eu_product_code,
            })
            .collect(),
    ))
}

fn policy_view(row: reference::PolicyRow) -> Result<PolicyView, ApiError> {
    let rules = serde_json::from_str(&row.rules)
        .map_err(|err| ApiError::internal(format!("policy {} rules: {err}", row.version)))?;
    Ok(PolicyView {
        version: row.version,
        effective_from: row.effective_from,
        description: row.description,
        rules,
        created_at: super::utc(row.created_at),
    })
}

/// List the status policies, oldest first.
#[utoipa::path(
    tag = "reference",
    operation_id = "listStatusPolicies",
    security(()),
    responses((status = 200, description = "Every policy version", body = Vec<PolicyView>))
)]
#[get("/status-policies")]
pub async fn list_policies(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<PolicyView>>, ApiError> {
    let rows = state.db.run(reference::policies).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(policy_view)
            .collect::<Result<_, _>>()?,
    ))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreatePolicyRequest {
    /// A new, never used version name, e.g. `hcmc-2021-11-15`.
    #[validate(length(min = 3, max = 64, message = "a version has 3 to 64 characters"))]
    pub version: String,
    pub effective_from: NaiveDate,
    #[validate(length(min = 1, max = 2000, message = "describe the policy in words"))]
    pub description: String,
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
}

/// Add a status policy version (city administrator).
#[utoipa::path(
    tag = "reference",
    operation_id = "createStatusPolicy",
    request_body = CreatePolicyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = PolicyView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not the city administrator", body = Problem),
        (status = 409, description = "The version exists", body = Problem),
        (status = 422, description = "Invalid rules", body = Problem),
    )
)]
#[post("/status-policies")]
pub async fn create_policy(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<CreatePolicyRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    validate(&*body)?;
    let request = body.into_inner();
    let mut errors = crate::error::FieldErrors::new();
    let version = request.version.trim().to_owned();
    if !version
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        errors.push(
            "version",
            "invalid_version",
            "a version uses letters, digits, '-', '_' and '.'",
        );
    }
    let description =
        super::fields::required(&request.description, "description", 2000, &mut errors);
    // A policy that reached back would change the colour of scans already
    // stored under another version; new rules start tomorrow at the earliest.
    let today = crate::domain::time::local_date(chrono::Utc::now());
    if request.effective_from <= today {
        errors.push(
            "effective_from",
            "not_in_future",
            format!("a new policy takes effect after today ({today}), so past colours keep their meaning"),
        );
    }
    errors.finish()?;
    let rules: PolicyRules = serde_json::from_value(request.rules).map_err(|err| {
        ApiError::field(
            "rules",
            "invalid_rules",
            format!("the rules cannot be read: {err}"),
        )
    })?;
    rules
        .validate()
        .map_err(|err| ApiError::field("rules", "invalid_rules", err.to_string()))?;
    let rules_text = serde_json::to_string(&rules)
        .map_err(|err| ApiError::internal(format!("policy rules: {err}")))?;
    let row = state
        .db
        .transaction(move |conn| {
            reference::insert_policy(
                conn,
                reference::NewPolicy {
                    version: &version,
                    effective_from: request.effective_from,
                    description: &description,
                    rules: rules_text,
                    created_at: db::now(),
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(policy_view(row)?))
}
