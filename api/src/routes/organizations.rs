//! Organizations and their checkpoints. An organization registers with its
//! first admin account and receives an organization code; each checkpoint
//! gets an unguessable location code, printed as a QR that opens the web
//! UI's check-in page, which can be revoked and replaced.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::accounts::{AccountView, Credentials, account_view, visible_organization};
use super::fields;
use crate::auth::{Principal, Role, password};
use crate::db::{self, DbConnection, accounts, criteria, organizations, reference};
use crate::domain::identity::{PhoneNumber, WardCode};
use crate::error::{ApiError, FieldErrors, Problem};
use crate::qr::render;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_organization)
        .service(list_organizations)
        .service(get_organization)
        .service(create_checkpoint)
        .service(list_checkpoints)
        .service(get_checkpoint)
        .service(update_checkpoint)
        .service(replace_location_code)
        .service(location_qr_png)
        .service(location_qr_svg)
        .service(resolve_location);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: String,
    /// The organization code issued at registration, e.g. `79-K7QM2XPA`.
    pub code: String,
    pub tax_code: String,
    pub name: String,
    pub address: String,
    pub ward_code: String,
    pub sector: String,
    pub contact_phone: String,
    pub created_at: DateTime<Utc>,
    /// The newest self-assessment; absent until the organization submits one.
    pub current_assessment: Option<CurrentAssessment>,
}

/// What an organization's newest self-assessment concluded.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentAssessment {
    pub id: String,
    /// The band's level, e.g. `low` or `safe`.
    pub level: String,
    pub may_operate: bool,
    pub score: i32,
    pub max_score: i32,
    pub submitted_at: DateTime<Utc>,
}

fn current_assessment(a: &criteria::Assessment) -> CurrentAssessment {
    CurrentAssessment {
        id: a.public_id.clone(),
        level: a.level.clone(),
        may_operate: a.may_operate,
        score: a.score,
        max_score: a.max_score,
        submitted_at: super::utc(a.submitted_at),
    }
}

/// An organization with its current assessment, looked up.
fn organization_with_assessment(
    conn: &mut DbConnection,
    o: organizations::Organization,
) -> Result<OrganizationView, ApiError> {
    let current = criteria::current_of(conn, &[o.id])?;
    let mut view = organization_view(o);
    view.current_assessment = current.first().map(current_assessment);
    Ok(view)
}

fn organization_view(o: organizations::Organization) -> OrganizationView {
    OrganizationView {
        id: o.public_id,
        code: o.code,
        tax_code: o.tax_code,
        name: o.name,
        address: o.address,
        ward_code: o.ward_code,
        sector: o.sector,
        contact_phone: o.contact_phone,
        created_at: super::utc(o.created_at),
        current_assessment: None,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganizationInput {
    pub name: String,
    /// The tax code (mã số thuế): 10 digits, or 10 digits, `-` and 3 for a branch.
    pub tax_code: String,
    pub address: String,
    pub ward_code: String,
    /// The kind of organization, e.g. `market`, `supermarket`, `enterprise`, `office`.
    pub sector: String,
    pub contact_phone: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOrganizationRequest {
    pub organization: OrganizationInput,
    /// The first admin account of the organization.
    pub admin: Credentials,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationRegistrationView {
    pub organization: OrganizationView,
    pub admin: AccountView,
}

pub fn check_tax_code(tax_code: &str) -> bool {
    let (main, branch) = match tax_code.split_once('-') {
        Some((main, branch)) => (main, Some(branch)),
        None => (tax_code, None),
    };
    main.len() == 10
        && main.bytes().all(|b| b.is_ascii_digit())
        && branch.is_none_or(|b| b.len() == 3 && b.bytes().all(|c| c.is_ascii_digit()))
}

/// Register an organization with its first admin account.
#[utoipa::path(
    tag = "organizations",
    operation_id = "createOrganization",
    request_body = CreateOrganizationRequest,
    security(()),
    responses(
        (status = 201, description = "Registered; the admin logs in with the credentials", body = OrganizationRegistrationView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 409, description = "The username is taken", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    body: web::Json<CreateOrganizationRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateOrganizationRequest {
        organization: input,
        admin,
    } = body.into_inner();
    let mut errors = FieldErrors::new();
    let name = fields::required(&input.name, "organization.name", 200, &mut errors);
    let address = fields::required(&input.address, "organization.address", 300, &mut errors);
    let sector = fields::required(&input.sector, "organization.sector", 50, &mut errors);
    let tax_code = input.tax_code.trim().to_owned();
    if !check_tax_code(&tax_code) {
        errors.push(
            "organization.tax_code",
            "invalid_tax_code",
            "a tax code has 10 digits, or 10-3 for a branch",
        );
    }
    let ward = errors.check("organization.ward_code", WardCode::parse(&input.ward_code));
    let phone = errors.check(
        "organization.contact_phone",
        PhoneNumber::parse(&input.contact_phone),
    );
    let username = admin.checked_username("admin", &mut errors);
    errors.finish()?;
    let (Some(ward), Some(phone), Some(username)) = (ward, phone, username) else {
        return Err(ApiError::internal("organization checked above"));
    };
    let password_hash = password::hash(&admin.password)?;

    let view = state
        .db
        .transaction(move |conn| {
            if reference::ward(conn, ward.as_str())?.is_none() {
                return Err(ApiError::field(
                    "organization.ward_code",
                    "unknown_ward",
                    "there is no ward with this code",
                ));
            }
            let now = db::now();
            let code = organizations::unused_code(conn)?;
            let organization = organizations::insert(
                conn,
                &organizations::NewOrganization {
                    public_id: db::new_public_id(),
                    code,
                    tax_code,
                    name,
                    address,
                    ward_code: ward.as_str().to_owned(),
                    sector,
                    contact_phone: phone.as_str().to_owned(),
                    created_at: now,
                },
            )?;
            let account = accounts::insert(
                conn,
                accounts::NewAccount {
                    organization_id: Some(organization.id),
                    ..accounts::NewAccount::new(username, password_hash, Role::OrganizationAdmin)
                },
            )?;
            Ok(OrganizationRegistrationView {
                admin: account_view(conn, &account)?,
                organization: organization_view(organization),
            })
        })
        .await?;
    tracing::info!("organization.registered");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListQuery {
    /// Only organizations of this ward.
    pub ward_code: Option<String>,
    /// Only organizations whose current self-assessment has this level, e.g. `high`.
    pub level: Option<String>,
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List organizations (city administrator and health officers).
#[utoipa::path(
    tag = "organizations",
    operation_id = "listOrganizations",
    params(OrganizationListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of organizations", body = super::Page<OrganizationView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not the city or a health officer", body = Problem),
        (status = 422, description = "Bad limit or cursor", body = Problem),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<OrganizationListQuery>,
) -> Result<web::Json<super::Page<OrganizationView>>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::HealthOfficer])?;
    let page = super::PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let after = match &page.cursor {
        Some(cursor) => Some(super::decode_cursor(cursor)?.1),
        None => None,
    };
    let ward = query.ward_code.clone();
    let level = query.level.clone();
    let (items, next_cursor) = state
        .db
        .run(move |conn| {
            let rows = criteria::organizations_filtered(
                conn,
                after,
                limit + 1,
                ward.as_deref(),
                level.as_deref(),
            )?;
            let has_more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
            let rows: Vec<_> = rows
                .into_iter()
                .take(usize::try_from(limit).unwrap_or(0))
                .collect();
            let next_cursor = if has_more {
                rows.last()
                    .map(|o| super::encode_cursor(o.created_at, o.id))
            } else {
                None
            };
            let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
            let current = criteria::current_of(conn, &ids)?;
            let items = rows
                .into_iter()
                .map(|o| {
                    let assessment = current.iter().find(|a| a.organization_id == o.id);
                    let mut view = organization_view(o);
                    view.current_assessment = assessment.map(current_assessment);
                    view
                })
                .collect::<Vec<_>>();
            Ok((items, next_cursor))
        })
        .await?;
    Ok(web::Json(super::Page { items, next_cursor }))
}

/// Read an organization (its own accounts, the city, health officers).
#[utoipa::path(
    tag = "organizations",
    operation_id = "getOrganization",
    params(("id" = String, Path, description = "The organization's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organization", body = OrganizationView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
    )
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<OrganizationView>, ApiError> {
    let public_id = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            organization_with_assessment(conn, organization)
        })
        .await?;
    Ok(web::Json(view))
}

/// A checkpoint ("điểm kiểm soát") with its location code in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub description: Option<String>,
    /// The code in force; print it only through `location_url`'s QR.
    pub location_code: String,
    /// The web UI's check-in page for this checkpoint: what the location QR holds.
    pub location_url: String,
    /// Minutes after entry at which a visit nobody closed stops counting as presence.
    pub max_stay_minutes: i32,
    pub created_at: DateTime<Utc>,
}

fn checkpoint_view(
    conn: &mut DbConnection,
    state: &AppState,
    checkpoint: organizations::Checkpoint,
) -> Result<CheckpointView, ApiError> {
    let organization = organizations::by_id(conn, checkpoint.organization_id)?
        .ok_or(ApiError::NotFound("organization"))?;
    let code = match organizations::current_location_code(conn, checkpoint.id)? {
        Some(code) => code,
        None => organizations::replace_location_code(conn, checkpoint.id)?,
    };
    Ok(CheckpointView {
        id: checkpoint.public_id,
        organization_id: organization.public_id,
        name: checkpoint.name,
        description: checkpoint.description,
        location_url: location_url(state, &code.code),
        location_code: code.code,
        max_stay_minutes: checkpoint.max_stay_minutes,
        created_at: super::utc(checkpoint.created_at),
    })
}

/// The address a location QR holds.
pub fn location_url(state: &AppState, code: &str) -> String {
    format!("{}/check-in/{code}", state.settings.public_url)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckpointInput {
    /// The area's name as printed on its poster, e.g. "Cổng chính" (main gate).
    pub name: String,
    pub description: Option<String>,
    /// Minutes after which a visit nobody closed ends, 5 to 1440; 240 when omitted.
    pub max_stay_minutes: Option<i32>,
}

/// The default maximum stay of a checkpoint: four hours.
pub const DEFAULT_MAX_STAY_MINUTES: i32 = 240;

fn check_max_stay(minutes: i32, errors: &mut FieldErrors) {
    let longest = i32::try_from(crate::db::contacts::LONGEST_STAY.num_minutes()).unwrap_or(1440);
    if !(5..=longest).contains(&minutes) {
        errors.push(
            "max_stay_minutes",
            "out_of_range",
            format!("max_stay_minutes is between 5 and {longest}"),
        );
    }
}

/// The checkpoint `public_id` if the caller may see it: its organization's
/// accounts, the city and health officers.
pub fn visible_checkpoint(
    conn: &mut DbConnection,
    principal: &Principal,
    public_id: &str,
) -> Result<organizations::Checkpoint, ApiError> {
    let scope = match principal.role {
        Role::CityAdmin | Role::HealthOfficer => None,
        Role::OrganizationAdmin | Role::CheckpointStaff => Some(principal.own_organization()?),
        _ => return Err(ApiError::NotFound("checkpoint")),
    };
    organizations::checkpoint(conn, scope, public_id)?.ok_or(ApiError::NotFound("checkpoint"))
}

/// Create a checkpoint (the organization's admin, or the city).
#[utoipa::path(
    tag = "organizations",
    operation_id = "createCheckpoint",
    params(("id" = String, Path, description = "The organization's id")),
    request_body = CheckpointInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its first location code", body = CheckpointView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/organizations/{id}/checkpoints")]
pub async fn create_checkpoint(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<CheckpointInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let name = fields::required(&input.name, "name", 100, &mut errors);
    let description = fields::optional(input.description, "description", 500, &mut errors);
    let max_stay_minutes = input.max_stay_minutes.unwrap_or(DEFAULT_MAX_STAY_MINUTES);
    check_max_stay(max_stay_minutes, &mut errors);
    errors.finish()?;

    let app = state.clone();
    let view = state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let checkpoint = organizations::insert_checkpoint(
                conn,
                &organizations::NewCheckpoint {
                    public_id: db::new_public_id(),
                    organization_id: organization.id,
                    name,
                    description,
                    created_at: db::now(),
                    max_stay_minutes,
                },
            )?;
            checkpoint_view(conn, &app, checkpoint)
        })
        .await?;
    tracing::info!("checkpoint.created");
    Ok(HttpResponse::Created().json(view))
}

/// List an organization's checkpoints.
#[utoipa::path(
    tag = "organizations",
    operation_id = "listCheckpoints",
    params(("id" = String, Path, description = "The organization's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checkpoints", body = Vec<CheckpointView>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
    )
)]
#[get("/organizations/{id}/checkpoints")]
pub async fn list_checkpoints(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<Vec<CheckpointView>>, ApiError> {
    let public_id = path.into_inner();
    let app = state.clone();
    let views = state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            organizations::checkpoints_of(conn, organization.id)?
                .into_iter()
                .map(|checkpoint| checkpoint_view(conn, &app, checkpoint))
                .collect()
        })
        .await?;
    Ok(web::Json(views))
}

/// Read a checkpoint.
#[utoipa::path(
    tag = "organizations",
    operation_id = "getCheckpoint",
    params(("id" = String, Path, description = "The checkpoint's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checkpoint", body = CheckpointView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
    )
)]
#[get("/checkpoints/{id}")]
pub async fn get_checkpoint(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<CheckpointView>, ApiError> {
    let public_id = path.into_inner();
    let app = state.clone();
    let view = state
        .db
        .transaction(move |conn| {
            let checkpoint = visible_checkpoint(conn, &principal, &public_id)?;
            checkpoint_view(conn, &app, checkpoint)
        })
        .await?;
    Ok(web::Json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCheckpointRequest {
    /// Minutes after which a visit nobody closed ends, 5 to 1440. Visits
    /// already recorded keep the maximum stay they began with.
    pub max_stay_minutes: i32,
}

/// Change a checkpoint's maximum stay (the organization's admin, or the city).
#[utoipa::path(
    tag = "organizations",
    operation_id = "updateCheckpoint",
    params(("id" = String, Path, description = "The checkpoint's id")),
    request_body = UpdateCheckpointRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checkpoint", body = CheckpointView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[patch("/checkpoints/{id}")]
pub async fn update_checkpoint(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<UpdateCheckpointRequest>,
) -> Result<web::Json<CheckpointView>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let minutes = body.max_stay_minutes;
    let mut errors = FieldErrors::new();
    check_max_stay(minutes, &mut errors);
    errors.finish()?;
    let public_id = path.into_inner();
    let app = state.clone();
    let view = state
        .db
        .transaction(move |conn| {
            let checkpoint = visible_checkpoint(conn, &principal, &public_id)?;
            organizations::set_max_stay(conn, checkpoint.id, minutes)?;
            let checkpoint = organizations::checkpoint_by_id(conn, checkpoint.id)?
                .ok_or(ApiError::NotFound("checkpoint"))?;
            checkpoint_view(conn, &app, checkpoint)
        })
        .await?;
    Ok(web::Json(view))
}

/// Revoke a checkpoint's location code and issue a new one.
///
/// Posters with the old code stop checking people in and say the code was
/// replaced; print the new poster.
#[utoipa::path(
    tag = "organizations",
    operation_id = "replaceLocationCode",
    params(("id" = String, Path, description = "The checkpoint's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checkpoint with its new code", body = CheckpointView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
    )
)]
#[post("/checkpoints/{id}/location-code")]
pub async fn replace_location_code(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<CheckpointView>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let public_id = path.into_inner();
    let app = state.clone();
    let view = state
        .db
        .transaction(move |conn| {
            let checkpoint = visible_checkpoint(conn, &principal, &public_id)?;
            organizations::replace_location_code(conn, checkpoint.id)?;
            checkpoint_view(conn, &app, checkpoint)
        })
        .await?;
    tracing::info!("checkpoint.location_code_replaced");
    Ok(web::Json(view))
}

async fn location_url_of(
    state: &web::Data<AppState>,
    principal: Principal,
    public_id: String,
) -> Result<String, ApiError> {
    let app = state.clone();
    state
        .db
        .transaction(move |conn| {
            let checkpoint = visible_checkpoint(conn, &principal, &public_id)?;
            Ok(checkpoint_view(conn, &app, checkpoint)?.location_url)
        })
        .await
}

/// The location QR of a checkpoint as a PNG, for its poster.
#[utoipa::path(
    tag = "organizations",
    operation_id = "getLocationQrPng",
    params(("id" = String, Path, description = "The checkpoint's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The QR", content_type = "image/png", body = Vec<u8>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
    )
)]
#[get("/checkpoints/{id}/location-qr.png")]
pub async fn location_qr_png(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let url = location_url_of(&state, principal, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .body(render::png(&url, 1024)?))
}

/// The location QR of a checkpoint as an SVG, for a poster of any size.
#[utoipa::path(
    tag = "organizations",
    operation_id = "getLocationQrSvg",
    params(("id" = String, Path, description = "The checkpoint's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The QR", content_type = "image/svg+xml", body = String),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
    )
)]
#[get("/checkpoints/{id}/location-qr.svg")]
pub async fn location_qr_svg(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let url = location_url_of(&state, principal, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .body(render::svg(&url)?))
}

/// What a location code names, for the check-in page.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    pub checkpoint_id: String,
    pub checkpoint_name: String,
    pub organization_name: String,
    /// False when the code was replaced: the poster is out of date.
    pub active: bool,
}

/// Resolve a location code (public: anyone who scanned the poster).
#[utoipa::path(
    tag = "organizations",
    operation_id = "resolveLocation",
    params(("code" = String, Path, description = "The location code from the poster's URL")),
    security(()),
    responses(
        (status = 200, description = "The checkpoint the code names", body = LocationView),
        (status = 404, description = "No such location code", body = Problem),
    )
)]
#[get("/locations/{code}")]
pub async fn resolve_location(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<LocationView>, ApiError> {
    let code = path.into_inner().trim().to_uppercase();
    let view = state
        .db
        .run(move |conn| {
            let (code, checkpoint) = organizations::resolve_location_code(conn, &code)?
                .ok_or(ApiError::NotFound("location code"))?;
            let organization = organizations::by_id(conn, checkpoint.organization_id)?
                .ok_or(ApiError::NotFound("organization"))?;
            Ok(LocationView {
                checkpoint_id: checkpoint.public_id,
                checkpoint_name: checkpoint.name,
                organization_name: organization.name,
                active: code.revoked_at.is_none(),
            })
        })
        .await?;
    Ok(web::Json(view))
}
