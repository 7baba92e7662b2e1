//! Scans at checkpoints and the visits they record. Staff post what the
//! camera read (or a document number typed by hand); the answer is what the
//! guard shows: colour, folded name, masked number and reason. The same
//! idempotency key never records a visit twice, so an offline scanner can
//! replay its queue safely.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access_log::{PURPOSE_HELP, Read, StatedPurpose};
use super::accounts::visible_organization;
use super::organizations::visible_checkpoint;
use crate::auth::{Principal, Role, VisitScope};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, DbConnection, visits};
use crate::domain::identity::mask_document_text;
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

mod reading;
mod record;

pub use reading::{Decision, Lookup, Reading, Subject, decide, identify, read_scan};
pub use record::{ScanJob, Scanned, record_scans};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(record_scan)
        .service(list_checkpoint_visits)
        .service(list_organization_visits);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ScanRequest {
    /// The text the camera or USB scanner read from a personal QR.
    pub payload: Option<String>,
    /// A document number typed by hand, for a card that will not scan.
    pub document_number: Option<String>,
    /// A key the scanner makes once per scan (a UUID); replaying the scan
    /// with the same key returns the first answer and records nothing new.
    pub idempotency_key: Option<String>,
    /// When the scan happened, for scans replayed from an offline queue;
    /// now when omitted. At most 7 days in the past.
    pub scanned_at: Option<DateTime<Utc>>,
}

/// What the guard's screen shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanView {
    pub visit_id: String,
    /// True when this answer is the replay of a scan already recorded.
    pub replayed: bool,
    /// `green` or `black`.
    pub colour: String,
    /// The name as folded for QR codes.
    pub folded_name: String,
    /// The document number with its first six characters hidden.
    pub document_masked: String,
    pub reason: String,
    pub reason_vi: String,
    /// The status policy that decided the colour.
    pub policy_version: String,
    /// `valid`; `revoked` (our code, intact, but issued before a correction removed one of
    /// the holder's records: the colour still comes from the current records, but ask for a
    /// new code); `masked` (a masked copy of our code), `foreign`, `absent` or `manual`
    /// (typed by hand).
    pub signature: String,
    /// False when the person is not in antoan: the colour is black for lack of records.
    pub person_known: bool,
    pub scanned_at: DateTime<Utc>,
}

/// Record a scan at a checkpoint (its organization's staff and admins).
#[utoipa::path(
    tag = "scans",
    operation_id = "recordScan",
    params(("id" = String, Path, description = "The checkpoint's id")),
    request_body = ScanRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; show the colour", body = ScanView),
        (status = 200, description = "A replay of a scan already recorded", body = ScanView),
        (status = 409, description = "The idempotency key was used for another person's scan", body = Problem),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not staff of this checkpoint", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Unreadable, masked, forged or unsupported code", body = Problem),
        (status = 503, description = "The database is out of reach, or the queue of scans waiting \
            to be recorded is full; try again after Retry-After seconds with the same idempotency key", body = Problem),
    )
)]
#[post("/checkpoints/{id}/scans")]
pub async fn record_scan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<ScanRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::OrganizationAdmin, Role::CheckpointStaff])?;
    let public_id = path.into_inner();
    let request = body.into_inner();
    let now = Utc::now();
    let scanned_at = request.scanned_at.unwrap_or(now);
    let mut errors = FieldErrors::new();
    if scanned_at > now + Duration::minutes(5) {
        errors.push(
            "scanned_at",
            "in_future",
            "scanned_at cannot be in the future; check the scanner's clock",
        );
    } else if scanned_at < now - Duration::days(visits::REPLAY_WINDOW_DAYS) {
        errors.push(
            "scanned_at",
            "too_old",
            "a queued scan is replayed within 7 days of scanning",
        );
    }
    let key = super::fields::token(
        request.idempotency_key.clone(),
        "idempotency_key",
        100,
        &mut errors,
    );
    errors.finish()?;

    // Staff scan only at their own organization's checkpoints; the writer
    // checks the checkpoint itself.
    principal.own_organization()?;
    // Reading the code and checking its signature need no connection, so
    // they happen here, before the scan waits for a writer.
    let reading = read_scan(&state, &request.payload, &request.document_number)?;
    let Scanned { recorded, document } = state
        .scans
        .submit(ScanJob {
            scanner: principal,
            checkpoint: public_id,
            reading,
            scanned_at,
            idempotency_key: key,
        })
        .await?;

    let (replayed, visit) = match recorded {
        visits::Recorded::New(visit) => (false, visit),
        visits::Recorded::Replayed(visit) => (true, visit),
    };
    let person_known = visit.person_id.is_some();
    let view = scan_view(visit, replayed, person_known, &document);
    tracing::info!(
        scan.replayed = replayed,
        scan.status = %view.colour,
        scan.signature = %view.signature,
        scan.person_known = person_known,
        "scan.recorded"
    );
    Ok(if replayed {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

pub fn reasons(visit: &visits::Visit) -> (String, String) {
    let value: serde_json::Value = serde_json::from_str(&visit.reason).unwrap_or_default();
    let text = |lang: &str| {
        value
            .get(lang)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    (text("en"), text("vi"))
}

fn scan_view(visit: visits::Visit, replayed: bool, person_known: bool, document: &str) -> ScanView {
    let (reason, reason_vi) = reasons(&visit);
    ScanView {
        visit_id: visit.public_id,
        replayed,
        colour: visit.colour,
        folded_name: visit.subject_name,
        document_masked: mask_document_text(document),
        reason,
        reason_vi,
        policy_version: visit.policy_version,
        signature: visit.signature,
        person_known,
        scanned_at: super::utc(visit.entered_at),
    }
}

/// One visit in a list, with the visitor's status at the time.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitView {
    pub id: String,
    pub checkpoint_id: String,
    pub checkpoint_name: String,
    /// The visitor's name as folded for QR codes.
    pub folded_name: String,
    /// The visitor's document number, first six characters hidden.
    pub document_masked: String,
    /// False when the visitor is not in antoan.
    pub person_known: bool,
    /// The colour when they came in.
    pub colour: String,
    pub reason: String,
    pub reason_vi: String,
    pub policy_version: String,
    /// `staff_scan`, `manual` or `self_check_in`.
    pub method: String,
    pub entered_at: DateTime<Utc>,
    /// When the visitor left: scanned out or checked out, or the maximum
    /// stay ran out. Absent while the visit is open.
    pub exited_at: Option<DateTime<Utc>>,
    /// `staff_scan`, `self_check_out` or `max_stay`; absent while open.
    pub exit_method: Option<String>,
}

/// How a visit ended as of `now`: its recorded exit, or its maximum stay
/// once that has run out.
pub fn exit_of(
    visit: &visits::Visit,
    now: chrono::NaiveDateTime,
) -> (Option<DateTime<Utc>>, Option<String>) {
    match (&visit.exited_at, &visit.exit_method) {
        (Some(at), method) => (
            Some(super::utc(*at)),
            Some(method.clone().unwrap_or_else(|| "staff_scan".to_owned())),
        ),
        (None, _) if visit.ends_at <= now => {
            (Some(super::utc(visit.ends_at)), Some("max_stay".to_owned()))
        }
        (None, _) => (None, None),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// Start of the window (inclusive, RFC 3339); 24 hours before `until` when omitted.
    pub from: Option<DateTime<Utc>>,
    /// End of the window (exclusive, RFC 3339); now when omitted.
    pub until: Option<DateTime<Utc>>,
    /// Only this checkpoint's visits (organization lists only).
    pub checkpoint: Option<String>,
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

struct Window {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
    before: Option<(chrono::NaiveDateTime, i64)>,
}

fn window_of(query: &VisitQuery) -> Result<Window, ApiError> {
    let (from, until) = super::fields::visit_window(query.from, query.until)?;
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
    Ok(Window {
        from,
        until,
        limit,
        before,
    })
}

fn visit_page(
    conn: &mut DbConnection,
    reader: &Principal,
    purpose: Option<&str>,
    scope: VisitScope,
    checkpoint_id: Option<i64>,
    organization_id: Option<i64>,
    window: Window,
) -> Result<super::Page<VisitView>, ApiError> {
    let limit = usize::try_from(window.limit).unwrap_or(50);
    let mut rows = visits::list(
        conn,
        scope,
        &visits::VisitFilter {
            checkpoint_id,
            organization_id,
            from: window.from.naive_utc(),
            until: window.until.naive_utc(),
            before: window.before,
            limit: window.limit + 1,
            colour: None,
            staff_of: None,
        },
    )?;
    let has_more = rows.len() > limit;
    rows.truncate(limit);

    // Each listed visitor's colour is a read of their data, in the ledger
    // with the checkpoint where they were seen.
    let mut seen: std::collections::BTreeMap<(i64, i64), Vec<i64>> = Default::default();
    for row in &rows {
        if let Some(person_id) = row.visit.person_id {
            seen.entry((row.visit.organization_id, row.visit.checkpoint_id))
                .or_default()
                .push(person_id);
        }
    }
    for ((organization_id, checkpoint_id), person_ids) in seen {
        let access = Access::new(AccessKind::VisitList, purpose)
            .at(Some(organization_id), Some(checkpoint_id));
        access_log::record_many(conn, reader, &person_ids, &access)?;
    }
    let next_cursor = if has_more {
        rows.last()
            .map(|row| super::encode_cursor(row.visit.entered_at, row.visit.id))
    } else {
        None
    };
    let now = db::now();
    let items = rows
        .into_iter()
        .map(|row| {
            let (reason, reason_vi) = reasons(&row.visit);
            let (exited_at, exit_method) = exit_of(&row.visit, now);
            let visit = row.visit;
            VisitView {
                id: visit.public_id,
                checkpoint_id: row.checkpoint_public_id,
                checkpoint_name: row.checkpoint_name,
                folded_name: visit.subject_name,
                document_masked: mask_document_text(
                    row.document_number.as_deref().unwrap_or_default(),
                ),
                person_known: visit.person_id.is_some(),
                colour: visit.colour,
                reason,
                reason_vi,
                policy_version: visit.policy_version,
                method: visit.method,
                entered_at: super::utc(visit.entered_at),
                exited_at,
                exit_method,
            }
        })
        .collect();
    Ok(super::Page { items, next_cursor })
}

/// List the visits of a checkpoint in a time window, newest first.
#[utoipa::path(
    tag = "scans",
    operation_id = "listCheckpointVisits",
    params(
        ("id" = String, Path, description = "The checkpoint's id"),
        VisitQuery,
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of visits", body = super::Page<VisitView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not the organization's admin or a health officer", body = Problem),
        (status = 404, description = "No such checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Bad window, limit or cursor, or no purpose stated", body = Problem),
    )
)]
#[get("/checkpoints/{id}/visits")]
pub async fn list_checkpoint_visits(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
    query: web::Query<VisitQuery>,
) -> Result<web::Json<super::Page<VisitView>>, ApiError> {
    let scope = principal.visit_scope()?;
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let window = window_of(&query)?;
    let public_id = path.into_inner();
    let page = state
        .db
        .transaction(move |conn| {
            let checkpoint = visible_checkpoint(conn, &principal, &public_id)?;
            let purpose = purpose.as_deref();
            visit_page(
                conn,
                &principal,
                purpose,
                scope,
                Some(checkpoint.id),
                None,
                window,
            )
        })
        .await?;
    Ok(web::Json(page))
}

/// List the visits of an organization in a time window, newest first.
#[utoipa::path(
    tag = "scans",
    operation_id = "listOrganizationVisits",
    params(
        ("id" = String, Path, description = "The organization's id"),
        VisitQuery,
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of visits", body = super::Page<VisitView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not the organization's admin or a health officer", body = Problem),
        (status = 404, description = "No such organization or checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Bad window, limit or cursor, or no purpose stated", body = Problem),
    )
)]
#[get("/organizations/{id}/visits")]
pub async fn list_organization_visits(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
    query: web::Query<VisitQuery>,
) -> Result<web::Json<super::Page<VisitView>>, ApiError> {
    let scope = principal.visit_scope()?;
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let window = window_of(&query)?;
    let checkpoint = query.checkpoint.clone();
    let public_id = path.into_inner();
    let page = state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let checkpoint_id = match checkpoint {
                Some(checkpoint) => {
                    let found = crate::db::organizations::checkpoint(
                        conn,
                        Some(organization.id),
                        &checkpoint,
                    )?
                    .ok_or(ApiError::NotFound("checkpoint"))?;
                    Some(found.id)
                }
                None => None,
            };
            let purpose = purpose.as_deref();
            visit_page(
                conn,
                &principal,
                purpose,
                scope,
                checkpoint_id,
                Some(organization.id),
                window,
            )
        })
        .await?;
    Ok(web::Json(page))
}
