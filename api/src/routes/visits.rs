//! Visits as time ranges: staff scan a person out at a checkpoint, and a
//! resident checks in by the location QR on the poster and checks out again.
//! A visit nobody closes ends by itself at its checkpoint's maximum stay.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
        .service(check_out);
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
    let (exited_at, exit_method) = exit_of(visit, db::now());
    VisitRangeView {
        visit_id: visit.public_id.clone(),
        checkpoint_id: checkpoint.public_id.clone(),
        checkpoint_name: checkpoint.name.clone(),
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
            let visit = visits::close(conn, open.id, now, "staff_scan")?;
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
            let visit =
                visits::by_public_id(conn, &public_id)?.ok_or(ApiError::NotFound("visit"))?;
            let person = match visit.person_id {
                Some(person_id) => people::by_id(conn, person_id)?,
                None => None,
            }
            .ok_or(ApiError::NotFound("visit"))?;
            if people::find(conn, &scope, &person.public_id)?.is_none() {
                return Err(ApiError::NotFound("visit"));
            }
            let now = db::now();
            if !visit.is_open(now) {
                return Err(ApiError::conflict(
                    "visit_ended",
                    "This visit already ended: checked out, scanned out, or past the maximum stay.",
                ));
            }
            let checkpoint = organizations::checkpoint_by_id(conn, visit.checkpoint_id)?
                .ok_or(ApiError::NotFound("checkpoint"))?;
            let visit = visits::close(conn, visit.id, now, "self_check_out")?;
            Ok(range_view(&visit, &checkpoint, &person.document_number))
        })
        .await?;
    tracing::info!("visit.checked_out");
    Ok(web::Json(view))
}
