//! Visits as time ranges: staff scan a person out at a checkpoint, and a
//! resident checks in by the location QR on the poster and checks out again.
//! A visit nobody closes ends by itself at its checkpoint's maximum stay. A
//! resident lists their own visits and those of the people they declared
//! for, open ones included, so that a reloaded page can still check out.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::organizations::visible_checkpoint;
use super::scans::{decide, exit_of, identify, reasons};
use crate::auth::{Principal, Role};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, organizations, people, visits};
use crate::domain::identity::mask_document_text;
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(record_exit)
        .service(check_in)
        .service(check_out)
        .service(list_own_visits);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExitRequest {
    /// The text the camera read from the person's QR.
    pub payload: Option<String>,
    /// A document number typed by hand.
    pub document_number: Option<String>,
}

/// A visit as its visitor or the gate sees it once it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitRangeView {
    pub visit_id: String,
    pub checkpoint_id: String,
    pub checkpoint_name: String,
    pub folded_name: String,
    pub document_masked: String,
    pub entered_at: DateTime<Utc>,
    /// When the visit ended; absent while it is open.
    pub exited_at: Option<DateTime<Utc>>,
    /// `staff_scan`, `self_check_out` or `max_stay`; absent while open.
    pub exit_method: Option<String>,
    /// When an open visit will close by itself (the maximum stay).
    pub ends_at: DateTime<Utc>,
}

fn range_view(
    visit: &visits::Visit,
    checkpoint: &organizations::Checkpoint,
    document: &str,
) -> VisitRangeView {
    range_view_at(visit, &checkpoint.public_id, &checkpoint.name, document)
}

fn range_view_at(
    visit: &visits::Visit,
    checkpoint_id: &str,
    checkpoint_name: &str,
    document: &str,
) -> VisitRangeView {
    let (exited_at, exit_method) = exit_of(visit, db::now());
    VisitRangeView {
        visit_id: visit.public_id.clone(),
        checkpoint_id: checkpoint_id.to_owned(),
        checkpoint_name: checkpoint_name.to_owned(),
        folded_name: visit.subject_name.clone(),
        document_masked: mask_document_text(document),
        entered_at: super::utc(visit.entered_at),
        exited_at,
        exit_method,
        ends_at: super::utc(visit.ends_at),
    }
}

fn no_open_visit() -> ApiError {
    ApiError::unprocessable(
        "no_open_visit",
        "This person has no open visit at this checkpoint: they were never scanned in, \
         already left, or their maximum stay ran out.",
    )
}

/// Scan a person out at a checkpoint (its staff and admins): the latest open
/// visit of theirs there ends now.
#[utoipa::path(
    tag = "scans",
    operation_id = "recordExit",
    params(("id" = String, Path, description = "The checkpoint's id")),
    request_body = ExitRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The visit, now ended", body = VisitRangeView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not staff of this checkpoint", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Unreadable code, or no open visit of this person here", body = Problem),
    )
)]
#[post("/checkpoints/{id}/exits")]
pub async fn record_exit(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<ExitRequest>,
) -> Result<web::Json<VisitRangeView>, ApiError> {
    principal.require(&[Role::OrganizationAdmin, Role::CheckpointStaff])?;
    let public_id = path.into_inner();
    let request = body.into_inner();
    let app = state.clone();
    let view = state
        .db
        .transaction(move |conn| {
            let checkpoint = visible_checkpoint(conn, &principal, &public_id)?;
            if principal
                .checkpoint_id
                .is_some_and(|bound| bound != checkpoint.id)
            {
                return Err(ApiError::Forbidden(
                    "This account scans at another checkpoint.",
                ));
            }
            let subject = identify(conn, &app, &request.payload, &request.document_number)?;
            let now = db::now();
            let person_id = subject.person.as_ref().map(|p| p.id);
            let open = visits::open_visit(
                conn,
                checkpoint.id,
                person_id,
                subject.document.as_deref(),
                now,
            )?
            .ok_or_else(no_open_visit)?;
            let visit = visits::close(conn, &open, now, "staff_scan")?;
            let document = subject
                .person
                .as_ref()
                .map(|p| p.document_number.clone())
                .or(subject.document)
                .unwrap_or_default();
            Ok(range_view(&visit, &checkpoint, &document))
        })
        .await?;
    tracing::info!("visit.exit_scanned");
    Ok(web::Json(view))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CheckInRequest {
    /// Someone the resident declared for ("khai hộ") who checks in with
    /// them; the resident themselves when omitted.
    pub person_id: Option<String>,
    /// A key the phone makes once per check-in; a retry with the same key
    /// records nothing new.
    pub idempotency_key: Option<String>,
}

/// What the resident's phone shows after checking in.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInView {
    pub visit: VisitRangeView,
    pub organization_name: String,
    /// The resident's colour as they came in.
    pub colour: String,
    pub reason: String,
    pub reason_vi: String,
    pub replayed: bool,
}

/// Check in at a checkpoint by its location code (residents: the check-in
/// page that the poster's QR opens). Legacy codes from the earlier
/// declaration portal work as well.
#[utoipa::path(
    tag = "scans",
    operation_id = "checkIn",
    params(("code" = String, Path, description = "The location code from the poster's URL")),
    request_body = CheckInRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Checked in", body = CheckInView),
        (status = 200, description = "A retry of a check-in already recorded", body = CheckInView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not a resident", body = Problem),
        (status = 404, description = "No such location code, or no such person of the resident's", body = Problem),
        (status = 422, description = "The code was replaced by a newer poster", body = Problem),
    )
)]
#[post("/locations/{code}/check-ins")]
pub async fn check_in(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<CheckInRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::Resident])?;
    let code = path.into_inner().trim().to_uppercase();
    let request = body.into_inner();
    let mut errors = FieldErrors::new();
    let key = super::fields::token(request.idempotency_key, "idempotency_key", 100, &mut errors);
    errors.finish()?;
    let scope = principal.person_read_scope();
    let own = principal
        .person_id
        .ok_or(ApiError::Forbidden("This account holds no person."))?;

    let (view, replayed) = state
        .db
        .transaction(move |conn| {
            let (location, checkpoint) = organizations::resolve_location_code(conn, &code)?
                .ok_or(ApiError::NotFound("location code"))?;
            if location.revoked_at.is_some() {
                return Err(ApiError::unprocessable(
                    "location_code_replaced",
                    "This poster's code was replaced; scan the new poster at the entrance.",
                ));
            }
            let person = match &request.person_id {
                Some(id) => people::find(conn, &scope, id)?,
                None => people::by_id(conn, own)?,
            }
            .ok_or(ApiError::NotFound("person"))?;
            let organization = organizations::by_id(conn, checkpoint.organization_id)?
                .ok_or(ApiError::NotFound("organization"))?;
            let now = Utc::now();
            let decision = decide(conn, Some(&person), now)?;
            let visit = visits::NewVisit {
                public_id: db::new_public_id(),
                checkpoint_id: checkpoint.id,
                organization_id: checkpoint.organization_id,
                person_id: Some(person.id),
                subject_document: None,
                subject_name: person.folded_name.clone(),
                colour: decision.colour,
                reason: serde_json::json!({ "en": decision.reason, "vi": decision.reason_vi })
                    .to_string(),
                policy_version: decision.policy_version,
                method: "self_check_in".to_owned(),
                signature: "self".to_owned(),
                scanned_by_account_id: Some(principal.account_id),
                idempotency_key: key,
                entered_at: db::truncate_to_micros(now.naive_utc()),
                ends_at: db::truncate_to_micros(
                    (now + Duration::minutes(i64::from(checkpoint.max_stay_minutes))).naive_utc(),
                ),
            };
            let (visit, replayed) = match visits::record(conn, &visit)? {
                visits::Recorded::New(visit) => (visit, false),
                visits::Recorded::Replayed(existing) if existing.person_id == visit.person_id => {
                    (existing, true)
                }
                visits::Recorded::Replayed(_) => {
                    return Err(ApiError::conflict(
                        "idempotency_key_reused",
                        "This idempotency key was already used for another check-in.",
                    ));
                }
            };
            // Checking in a relative shows the declarer the relative's colour.
            if !replayed {
                let access = Access::new(AccessKind::Scan, None)
                    .at(Some(checkpoint.organization_id), Some(checkpoint.id));
                access_log::record(conn, &principal, person.id, &access)?;
            }
            let (reason, reason_vi) = reasons(&visit);
            Ok((
                CheckInView {
                    visit: range_view(&visit, &checkpoint, &person.document_number),
                    organization_name: organization.name,
                    colour: visit.colour.clone(),
                    reason,
                    reason_vi,
                    replayed,
                },
                replayed,
            ))
        })
        .await?;
    tracing::info!(check_in.replayed = replayed, "visit.checked_in");
    Ok(if replayed {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

/// Check out of a visit (the resident who checked in, or whom it names).
#[utoipa::path(
    tag = "scans",
    operation_id = "checkOut",
    params(("id" = String, Path, description = "The visit's id, from the check-in answer")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The visit, now ended", body = VisitRangeView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not a resident", body = Problem),
        (status = 404, description = "No such visit of the resident's", body = Problem),
        (status = 409, description = "The visit already ended", body = Problem),
    )
)]
#[post("/visits/{id}/check-out")]
pub async fn check_out(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<VisitRangeView>, ApiError> {
    principal.require(&[Role::Resident])?;
    let public_id = path.into_inner();
    let scope = principal.person_read_scope();
    let view = state
        .db
        .transaction(move |conn| {
            let now = db::now();
            let visit =
                visits::by_public_id(conn, &public_id, now)?.ok_or(ApiError::NotFound("visit"))?;
            let person = match visit.person_id {
                Some(person_id) => people::by_id(conn, person_id)?,
                None => None,
            }
            .ok_or(ApiError::NotFound("visit"))?;
            if people::find(conn, &scope, &person.public_id)?.is_none() {
                return Err(ApiError::NotFound("visit"));
            }
            if !visit.is_open(now) {
                return Err(ApiError::conflict(
                    "visit_ended",
                    "This visit already ended: checked out, scanned out, or past the maximum stay.",
                ));
            }
            let checkpoint = organizations::checkpoint_by_id(conn, visit.checkpoint_id)?
                .ok_or(ApiError::NotFound("checkpoint"))?;
            let visit = visits::close(conn, &visit, now, "self_check_out")?;
            Ok(range_view(&visit, &checkpoint, &person.document_number))
        })
        .await?;
    tracing::info!("visit.checked_out");
    Ok(web::Json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnVisitQuery {
    /// Only the visits of this person: the resident or someone they declared for.
    pub person_id: Option<String>,
    /// Only visits at this checkpoint (the `checkpoint_id` that
    /// `GET /locations/{code}` names).
    pub checkpoint_id: Option<String>,
    /// `true` for only the visits still open, which can be checked out of.
    pub open: Option<bool>,
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A visit of the resident's, or of someone they declared for.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnVisitView {
    /// Whose visit it is.
    pub person_id: String,
    pub organization_name: String,
    /// The colour when they came in.
    pub colour: String,
    pub reason: String,
    pub reason_vi: String,
    /// How they came in: `staff_scan`, `manual` or `self_check_in`.
    pub method: String,
    /// True while the visit counts as presence: it can be checked out of.
    pub open: bool,
    pub visit: VisitRangeView,
}

/// The resident's visits and those of the people they declared for
/// ("khai hộ"), newest first, open ones included (residents).
///
/// Only the resident and the people they declared for are ever listed. A
/// resident's own visits leave no ledger entry; a visit of someone they
/// declared for is a read of that person's data, in their ledger.
#[utoipa::path(
    tag = "scans",
    operation_id = "listOwnVisits",
    params(OwnVisitQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of visits, newest first", body = super::Page<OwnVisitView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not a resident", body = Problem),
        (status = 404, description = "No such person of the resident's", body = Problem),
        (status = 422, description = "Bad limit or cursor", body = Problem),
    )
)]
#[get("/visits")]
pub async fn list_own_visits(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<OwnVisitQuery>,
) -> Result<web::Json<super::Page<OwnVisitView>>, ApiError> {
    principal.require(&[Role::Resident])?;
    let own = principal
        .person_id
        .ok_or(ApiError::Forbidden("This account holds no person."))?;
    let query = query.into_inner();
    let limit = super::PageParams {
        limit: query.limit,
        cursor: None,
    }
    .limit()?;
    let before = query
        .cursor
        .as_deref()
        .map(super::decode_cursor)
        .transpose()?;
    let scope = principal.person_read_scope();
    let page = state
        .db
        .transaction(move |conn| {
            let person_id = match &query.person_id {
                Some(id) => Some(
                    people::find(conn, &scope, id)?
                        .ok_or(ApiError::NotFound("person"))?
                        .id,
                ),
                None => None,
            };
            let now = db::now();
            let mut rows = visits::of_resident(
                conn,
                own,
                &visits::OwnVisitFilter {
                    person_id,
                    checkpoint: query.checkpoint_id,
                    open_at: query.open.unwrap_or(false).then_some(now),
                    before,
                    limit: limit + 1,
                },
            )?;
            let more = rows.len() > usize::try_from(limit).unwrap_or(50);
            rows.truncate(usize::try_from(limit).unwrap_or(50));
            let next_cursor = if more {
                rows.last()
                    .map(|row| super::encode_cursor(row.visit.entered_at, row.visit.id))
            } else {
                None
            };

            let mut shown: Vec<i64> = rows.iter().filter_map(|row| row.visit.person_id).collect();
            shown.sort_unstable();
            shown.dedup();
            let access = Access::new(AccessKind::VisitList, None);
            access_log::record_many(conn, &principal, &shown, &access)?;

            let items = rows
                .into_iter()
                .map(|row| {
                    let (reason, reason_vi) = reasons(&row.visit);
                    OwnVisitView {
                        person_id: row.person_public_id.clone().unwrap_or_default(),
                        organization_name: row.organization_name.clone(),
                        colour: row.visit.colour.clone(),
                        reason,
                        reason_vi,
                        method: row.visit.method.clone(),
                        open: row.visit.is_open(now),
                        visit: range_view_at(
                            &row.visit,
                            &row.checkpoint_public_id,
                            &row.checkpoint_name,
                            row.document_number.as_deref().unwrap_or_default(),
                        ),
                    }
                })
                .collect();
            Ok(super::Page { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}
