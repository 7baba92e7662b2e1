//! Correction requests: a resident, or a ward officer for them, asks for
//! vaccination data (routed to the national vaccination portal's queue,
//! which the city exports for the portal) or recovery status (routed to
//! the ward) to be corrected. Each request moves from open through in
//! progress to resolved or rejected, and keeps its history. Resolving a
//! recovery request can record the recovery it asked for; resolving either
//! kind can remove the wrongly recorded dose or recovery it is about, which
//! revokes the person's QR codes issued before.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access_log::{PURPOSE_HELP, Read, StatedPurpose};
use super::fields;
use super::health::{RecoveryView, VaccinationView, recovery_view, vaccination_view};
use super::people::writable_person;
use super::{Page, PageParams};
use crate::auth::{Principal, Role};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, DbConnection, corrections, health, people, revocations};
use crate::domain::correction::{CorrectionKind, CorrectionState};
use crate::domain::identity::mask_document_text;
use crate::domain::revocation;
use crate::domain::spreadsheet::safe_cell;
use crate::domain::time::local_date;
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(file_correction)
        .service(list_person_corrections)
        .service(export_vaccination_corrections)
        .service(list_corrections)
        .service(get_correction)
        .service(transition_correction);
}

/// What the vaccination data should say; every field is optional, since a
/// person may only know that a dose is missing.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct VaccinationCorrection {
    pub vaccine_code: Option<String>,
    pub dose_number: Option<i32>,
    pub administered_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub lot: Option<String>,
}

/// What the recovery record should say. With both dates, resolving the
/// request can record the recovery.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct RecoveryCorrection {
    pub positive_on: Option<NaiveDate>,
    pub recovered_on: Option<NaiveDate>,
    pub certificate_number: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FileCorrectionRequest {
    /// `vaccination` or `recovery`.
    pub kind: String,
    /// What is wrong, in the person's words.
    pub description: String,
    /// For `vaccination`: what the record should say.
    pub vaccination: Option<VaccinationCorrection>,
    /// For `recovery`: what the record should say.
    pub recovery: Option<RecoveryCorrection>,
}

/// One change in a request's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionEventView {
    /// Absent for the filing itself.
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    /// The account that made the change, and its role.
    pub by_account_id: String,
    pub by_role: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionView {
    pub id: String,
    pub person_id: String,
    /// The person's name, as the ward office's queue shows it.
    pub person_full_name: String,
    /// The person's document number with its first six characters hidden.
    pub person_document_number_masked: String,
    /// `vaccination` or `recovery`.
    pub kind: String,
    /// `national_portal` for vaccination data, `ward` for recovery status.
    pub routed_to: String,
    /// The person's ward when the request was filed.
    pub ward_code: String,
    /// `open`, `in_progress`, `resolved` or `rejected`.
    pub state: String,
    pub description: String,
    pub vaccination: Option<VaccinationCorrection>,
    pub recovery: Option<RecoveryCorrection>,
    /// Every change, oldest first.
    pub history: Vec<CorrectionEventView>,
    /// The record that resolving this request removed, if it removed one.
    pub removed_record: Option<RemovedRecordView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A dose or recovery a correction removed. It is kept, but no longer
/// counts for the status, health records, scans or exports.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemovedRecordView {
    /// `vaccination` or `recovery`.
    pub kind: String,
    /// The removed dose, for a vaccination request.
    pub vaccination: Option<VaccinationView>,
    /// The removed recovery, for a recovery request.
    pub recovery: Option<RecoveryView>,
    pub removed_at: DateTime<Utc>,
    /// The account that removed it.
    pub removed_by_account_id: String,
}

impl RemovedRecordView {
    fn of(record: health::RemovedRecord) -> Self {
        // The query that found the record matched its removal, so it has a time.
        let when = |at: Option<chrono::NaiveDateTime>| super::utc(at.unwrap_or_default());
        match record {
            health::RemovedRecord::Vaccination(dose, by) => Self {
                kind: CorrectionKind::Vaccination.as_str().to_owned(),
                removed_at: when(dose.removed_at),
                removed_by_account_id: by,
                vaccination: Some(vaccination_view(dose)),
                recovery: None,
            },
            health::RemovedRecord::Recovery(recovery, by) => Self {
                kind: CorrectionKind::Recovery.as_str().to_owned(),
                removed_at: when(recovery.removed_at),
                removed_by_account_id: by,
                vaccination: None,
                recovery: Some(recovery_view(recovery)),
            },
        }
    }
}

/// The stored details of a request: the one matching its kind.
#[derive(Debug, Default, Deserialize, Serialize)]
struct Details {
    vaccination: Option<VaccinationCorrection>,
    recovery: Option<RecoveryCorrection>,
}

fn details_of(request: &corrections::Request) -> Details {
    serde_json::from_str(&request.details).unwrap_or_default()
}

fn correction_view(
    conn: &mut DbConnection,
    request: &corrections::Request,
) -> Result<CorrectionView, ApiError> {
    let person = people::by_id(conn, request.person_id)?
        .ok_or_else(|| ApiError::internal("a correction without its person"))?;
    let details = details_of(request);
    let history = corrections::events(conn, request.id)?
        .into_iter()
        .map(|event| CorrectionEventView {
            from_state: event.from_state,
            to_state: event.to_state,
            note: event.note,
            by_account_id: event.account_public_id,
            by_role: event.account_role,
            at: super::utc(event.created_at),
        })
        .collect();
    // Only resolving removes a record, so open requests need not look.
    let removed_record = if request.state == CorrectionState::Resolved.as_str() {
        health::removed_by_request(conn, request.id)?.map(RemovedRecordView::of)
    } else {
        None
    };
    Ok(CorrectionView {
        id: request.public_id.clone(),
        person_document_number_masked: mask_document_text(&person.document_number),
        person_full_name: person.full_name,
        person_id: person.public_id,
        kind: request.kind.clone(),
        routed_to: request.routed_to.clone(),
        ward_code: request.ward_code.clone(),
        state: request.state.clone(),
        description: request.description.clone(),
        vaccination: details.vaccination,
        recovery: details.recovery,
        history,
        removed_record,
        created_at: super::utc(request.created_at),
        updated_at: super::utc(request.updated_at),
    })
}

fn check_vaccination(
    input: Option<VaccinationCorrection>,
    errors: &mut FieldErrors,
) -> VaccinationCorrection {
    let input = input.unwrap_or_default();
    if let Some(dose) = input.dose_number
        && !(1..=10).contains(&dose)
    {
        errors.push(
            "vaccination.dose_number",
            "out_of_range",
            "dose_number is between 1 and 10",
        );
    }
    if let Some(on) = input.administered_on {
        check_date(on, "vaccination.administered_on", errors);
    }
    VaccinationCorrection {
        vaccine_code: fields::optional(input.vaccine_code, "vaccination.vaccine_code", 50, errors),
        dose_number: input.dose_number,
        administered_on: input.administered_on,
        place: fields::optional(input.place, "vaccination.place", 200, errors),
        lot: fields::optional(input.lot, "vaccination.lot", 50, errors),
    }
}

fn check_recovery(
    input: Option<RecoveryCorrection>,
    errors: &mut FieldErrors,
) -> RecoveryCorrection {
    let input = input.unwrap_or_default();
    for (on, field) in [
        (input.positive_on, "recovery.positive_on"),
        (input.recovered_on, "recovery.recovered_on"),
    ] {
        if let Some(on) = on {
            check_date(on, field, errors);
        }
    }
    if let (Some(positive), Some(recovered)) = (input.positive_on, input.recovered_on)
        && recovered < positive
    {
        errors.push(
            "recovery.recovered_on",
            "before_positive",
            "recovered_on cannot be before positive_on",
        );
    }
    RecoveryCorrection {
        positive_on: input.positive_on,
        recovered_on: input.recovered_on,
        certificate_number: fields::optional(
            input.certificate_number,
            "recovery.certificate_number",
            50,
            errors,
        ),
    }
}

fn check_date(on: NaiveDate, field: &str, errors: &mut FieldErrors) {
    if on > local_date(Utc::now()) {
        errors.push(
            field,
            "in_future",
            format!("{field} cannot be in the future"),
        );
    } else if on < fields::pandemic_start().date_naive() {
        errors.push(
            field,
            "too_early",
            format!("{field} is before COVID-19 existed (December 2019)"),
        );
    }
}

/// File a correction request for a person.
///
/// The person themself (or whoever declared for them), a ward officer of
/// their ward, or the city administrator files it.
#[utoipa::path(
    tag = "corrections",
    operation_id = "fileCorrection",
    params(("id" = String, Path, description = "The person's id")),
    request_body = FileCorrectionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Filed, in state open", body = CorrectionView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may read but not act for this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/people/{id}/corrections")]
pub async fn file_correction(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<FileCorrectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let kind = CorrectionKind::parse(&input.kind);
    if kind.is_none() {
        errors.push("kind", "unknown_kind", "kind is vaccination or recovery");
    }
    let description = fields::required(&input.description, "description", 1000, &mut errors);
    let details = match kind {
        Some(CorrectionKind::Vaccination) => Details {
            vaccination: Some(check_vaccination(input.vaccination, &mut errors)),
            recovery: None,
        },
        Some(CorrectionKind::Recovery) => Details {
            vaccination: None,
            recovery: Some(check_recovery(input.recovery, &mut errors)),
        },
        None => Details::default(),
    };
    errors.finish()?;
    let kind = kind.ok_or_else(|| ApiError::internal("kind checked above"))?;
    let details =
        serde_json::to_string(&details).map_err(|err| ApiError::internal(err.to_string()))?;

    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            let now = db::now();
            let request = corrections::insert(
                conn,
                &corrections::NewRequest {
                    public_id: db::new_public_id(),
                    person_id: person.id,
                    ward_code: person.ward_code.clone(),
                    kind: kind.as_str().to_owned(),
                    routed_to: kind.routed_to().to_owned(),
                    state: CorrectionState::Open.as_str().to_owned(),
                    description,
                    details,
                    filed_by_account_id: principal.account_id,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            correction_view(conn, &request)
        })
        .await?;
    tracing::info!(correction.kind = %view.kind, "correction.filed");
    Ok(HttpResponse::Created().json(view))
}

/// List a person's correction requests, newest first.
#[utoipa::path(
    tag = "corrections",
    operation_id = "listPersonCorrections",
    params(
        ("id" = String, Path, description = "The person's id"),
        PageParams,
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The requests", body = Page<CorrectionView>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Invalid paging, or no purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/corrections")]
pub async fn list_person_corrections(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<CorrectionView>>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let public_id = path.into_inner();
    let limit = page.limit()?;
    let before = page
        .cursor
        .as_deref()
        .map(super::decode_cursor)
        .transpose()?;
    let scope = principal.person_read_scope();
    let page = state
        .db
        .transaction(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            let access = Access::new(AccessKind::HealthRecordsRead, purpose.as_deref());
            access_log::record(conn, &principal, person.id, &access)?;
            let filter = corrections::Filter {
                person_id: Some(person.id),
                before,
                ..Default::default()
            };
            page_of(conn, &filter, limit).map(|(page, _)| page)
        })
        .await?;
    Ok(web::Json(page))
}

fn page_of(
    conn: &mut DbConnection,
    filter: &corrections::Filter,
    limit: i64,
) -> Result<(Page<CorrectionView>, Vec<i64>), ApiError> {
    let mut requests = corrections::list(conn, filter, limit + 1)?;
    let next_cursor = if requests.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        requests.pop();
        requests
            .last()
            .map(|last| super::encode_cursor(last.created_at, last.id))
    } else {
        None
    };
    let items = requests
        .iter()
        .map(|request| correction_view(conn, request))
        .collect::<Result<_, _>>()?;
    let people = requests.iter().map(|request| request.person_id).collect();
    Ok((Page { items, next_cursor }, people))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `open`, `in_progress`, `resolved` or `rejected`.
    pub state: Option<String>,
    /// `vaccination` or `recovery`.
    pub kind: Option<String>,
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn checked_queue_filter(params: &QueueParams) -> Result<(corrections::Filter, i64), ApiError> {
    let mut errors = FieldErrors::new();
    if let Some(state) = &params.state
        && CorrectionState::parse(state).is_none()
    {
        errors.push(
            "state",
            "unknown_state",
            "state is open, in_progress, resolved or rejected",
        );
    }
    if let Some(kind) = &params.kind
        && CorrectionKind::parse(kind).is_none()
    {
        errors.push("kind", "unknown_kind", "kind is vaccination or recovery");
    }
    errors.finish()?;
    let limit = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit()?;
    let before = params
        .cursor
        .as_deref()
        .map(super::decode_cursor)
        .transpose()?;
    Ok((
        corrections::Filter {
            state: params.state.clone(),
            kind: params.kind.clone(),
            before,
            ..Default::default()
        },
        limit,
    ))
}

/// The queue of correction requests, newest first.
///
/// A ward officer sees the requests filed in their ward (recovery requests
/// are theirs to handle; vaccination requests are the portal's, shown for
/// follow-up); the city administrator sees every request.
#[utoipa::path(
    tag = "corrections",
    operation_id = "listCorrections",
    params(QueueParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The requests", body = Page<CorrectionView>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Only ward officers and the city administrator see the queue", body = Problem),
        (status = 422, description = "Invalid filters or paging", body = Problem),
    )
)]
#[get("/corrections")]
pub async fn list_corrections(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<QueueParams>,
) -> Result<web::Json<Page<CorrectionView>>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer])?;
    let (mut filter, limit) = checked_queue_filter(&params)?;
    if principal.role == Role::WardOfficer {
        filter.ward_code = Some(
            principal
                .ward_code
                .clone()
                .ok_or(ApiError::Forbidden("This ward officer has no ward."))?,
        );
    }
    let page = state
        .db
        .transaction(move |conn| {
            let (page, ids) = page_of(conn, &filter, limit)?;
            // The queue shows what each person asked to have corrected.
            let access = Access::new(AccessKind::HealthRecordsRead, None);
            access_log::record_many(conn, &principal, &ids, &access)?;
            Ok(page)
        })
        .await?;
    Ok(web::Json(page))
}

/// The request `public_id` if the caller may see it: whoever may read the
/// person, and the ward officers of the ward it was filed in.
fn visible_request(
    conn: &mut DbConnection,
    principal: &Principal,
    public_id: &str,
) -> Result<corrections::Request, ApiError> {
    let hidden = || ApiError::NotFound("correction request");
    let request = corrections::by_public_id(conn, public_id)?.ok_or_else(hidden)?;
    if principal.role == Role::WardOfficer
        && principal.ward_code.as_deref() == Some(request.ward_code.as_str())
    {
        return Ok(request);
    }
    let person = people::by_id(conn, request.person_id)?.ok_or_else(hidden)?;
    people::find(conn, &principal.person_read_scope(), &person.public_id)?.ok_or_else(hidden)?;
    Ok(request)
}

/// Read a correction request with its history.
#[utoipa::path(
    tag = "corrections",
    operation_id = "getCorrection",
    params(
        ("id" = String, Path, description = "The request's id"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = CorrectionView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such request within the caller's scope", body = Problem),
        (status = 422, description = "No purpose stated", body = Problem),
    )
)]
#[get("/corrections/{id}")]
pub async fn get_correction(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
) -> Result<web::Json<CorrectionView>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let public_id = path.into_inner();
    let view = state
        .db
        .transaction(move |conn| {
            let request = visible_request(conn, &principal, &public_id)?;
            let access = Access::new(AccessKind::HealthRecordsRead, purpose.as_deref());
            access_log::record(conn, &principal, request.person_id, &access)?;
            correction_view(conn, &request)
        })
        .await?;
    Ok(web::Json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionRequest {
    /// The new state: `in_progress`, `resolved` or `rejected`. Absent to
    /// add a note to the history without changing the state.
    pub to: Option<String>,
    /// Why; required to reject and to add a note.
    pub note: Option<String>,
    /// When resolving a recovery request: record the recovery it asks for
    /// (both of its dates must be given).
    #[serde(default)]
    pub record_recovery: bool,
    /// When resolving: the id of the person's wrongly recorded dose (for a
    /// vaccination request) or recovery (for a recovery request) to remove.
    /// The record is kept, marked removed with who, when and this request,
    /// and no longer counts anywhere; the person's QR codes issued before
    /// now are revoked. With `record_recovery`, the right recovery replaces
    /// the wrong one in the same step.
    pub remove_record_id: Option<String>,
}

/// Move a correction request on, or add a note to its history.
///
/// Recovery requests are handled by a ward officer of the ward they were
/// filed in; vaccination requests by the city administrator, on behalf of
/// the national portal's queue. The city administrator may handle both.
///
/// Resolving may remove the wrongly recorded dose or recovery the request
/// is about (`remove_record_id`): a ward officer removes a recovery of a
/// resident of their ward, only the city administrator removes a dose. The
/// removal, the revocation of the person's earlier QR codes, the ledger
/// entry and the request's new state are written together or not at all.
#[utoipa::path(
    tag = "corrections",
    operation_id = "transitionCorrection",
    params(("id" = String, Path, description = "The request's id")),
    request_body = TransitionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved on", body = CorrectionView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may see but not handle this request", body = Problem),
        (status = 404, description = "No such request within the caller's scope", body = Problem),
        (status = 409, description = "The request is closed or changed meanwhile, or the record was already removed", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/corrections/{id}/transitions")]
pub async fn transition_correction(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<TransitionRequest>,
) -> Result<web::Json<CorrectionView>, ApiError> {
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let to = match input.to.as_deref() {
        None => None,
        Some(text) => match CorrectionState::parse(text) {
            Some(to) => Some(to),
            None => {
                errors.push(
                    "to",
                    "unknown_state",
                    "to is in_progress, resolved or rejected",
                );
                None
            }
        },
    };
    let note = fields::optional(input.note, "note", 1000, &mut errors);
    if note.is_none() && matches!(input.to.as_deref(), None | Some("rejected")) {
        errors.push(
            "note",
            "required",
            "a note is required to reject a request or to add a note",
        );
    }
    if input.record_recovery && to != Some(CorrectionState::Resolved) {
        errors.push(
            "record_recovery",
            "only_when_resolving",
            "a recovery is recorded only when the request is resolved",
        );
    }
    let remove_record_id =
        fields::token(input.remove_record_id, "remove_record_id", 100, &mut errors);
    if remove_record_id.is_some() && to != Some(CorrectionState::Resolved) {
        errors.push(
            "remove_record_id",
            "only_when_resolving",
            "a record is removed only when the request is resolved",
        );
    }
    errors.finish()?;
    let removing = remove_record_id.is_some();

    let view = state
        .db
        .transaction(move |conn| {
            let request = visible_request(conn, &principal, &public_id)?;
            may_handle(&principal, &request)?;
            let current = CorrectionState::parse(&request.state)
                .ok_or_else(|| ApiError::internal("stored correction state is unknown"))?;
            let target = to.unwrap_or(current);
            if to.is_some() && !current.may_move_to(target) {
                return Err(ApiError::conflict(
                    "invalid_transition",
                    format!(
                        "A request that is {} cannot become {}.",
                        current.as_str(),
                        target.as_str()
                    ),
                ));
            }
            if to.is_none() && current.is_closed() {
                return Err(ApiError::conflict(
                    "request_closed",
                    "This request is closed; file a new one.",
                ));
            }
            if let Some(record_id) = &remove_record_id {
                remove_record(conn, &principal, &request, record_id)?;
            }
            if input.record_recovery {
                record_recovery(conn, &principal, &request)?;
            }
            let moved = corrections::move_state(
                conn,
                &request,
                target.as_str(),
                note.as_deref(),
                principal.account_id,
            )?;
            correction_view(conn, &moved)
        })
        .await?;
    tracing::info!(
        correction.state = %view.state,
        correction.record_removed = removing,
        "correction.moved"
    );
    Ok(web::Json(view))
}

/// Who may move a request on: see [`transition_correction`].
fn may_handle(principal: &Principal, request: &corrections::Request) -> Result<(), ApiError> {
    let allowed = match (principal.role, CorrectionKind::parse(&request.kind)) {
        (Role::CityAdmin, _) => true,
        (Role::WardOfficer, Some(CorrectionKind::Recovery)) => {
            principal.ward_code.as_deref() == Some(request.ward_code.as_str())
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Recovery requests are handled by their ward, vaccination requests by the city for \
             the national portal.",
        ))
    }
}

/// Removes the dose or recovery `record_id` that `request` shows to be
/// wrong, revokes the person's codes issued before now, and writes the
/// removal to the person's ledger.
///
/// Limitation: only doses and recoveries can be removed, and only here;
/// test results and health declarations cannot, and the national portal's
/// import has no way to withdraw a dose it sent.
fn remove_record(
    conn: &mut DbConnection,
    principal: &Principal,
    request: &corrections::Request,
    record_id: &str,
) -> Result<(), ApiError> {
    let kind = CorrectionKind::parse(&request.kind)
        .ok_or_else(|| ApiError::internal("stored correction kind is unknown"))?;
    let person = people::by_id(conn, request.person_id)?
        .ok_or_else(|| ApiError::internal("a correction without its person"))?;
    // The request may have been filed in a ward the person has since left:
    // only those who may change the person's records now remove one.
    if people::find(conn, &principal.person_write_scope(), &person.public_id)?.is_none() {
        return Err(ApiError::Forbidden(
            "This person's records are now kept by another ward; their ward office removes the \
             record.",
        ));
    }

    let now = db::now();
    let removal = health::Removal {
        account_id: principal.account_id,
        request_id: request.id,
        at: now,
    };
    match health::remove(conn, kind, person.id, record_id, removal)? {
        health::RemovalOutcome::Removed => {}
        health::RemovalOutcome::AlreadyRemoved => {
            return Err(ApiError::conflict(
                "record_already_removed",
                "This record was already removed by another correction request.",
            ));
        }
        health::RemovalOutcome::NotFound => {
            return Err(ApiError::field(
                "remove_record_id",
                "unknown_record",
                format!(
                    "this person has no {} with this id; see GET /people/{{id}}/health-records",
                    kind.as_str()
                ),
            ));
        }
    }

    revocations::insert(
        conn,
        &revocations::NewRevocation {
            person_id: person.id,
            issued_before: db::truncate_to_micros(
                revocation::issued_before(super::utc(now)).naive_utc(),
            ),
            reason: revocations::REASON_RECORD_REMOVED.to_owned(),
            correction_request_id: Some(request.id),
            created_by_account_id: Some(principal.account_id),
            created_at: now,
        },
    )?;
    let why = format!("correction request {}", request.public_id);
    access_log::record(
        conn,
        principal,
        person.id,
        &Access::new(AccessKind::RecordRemoval, Some(&why)),
    )?;
    Ok(())
}

/// Records the recovery a recovery request asks for.
fn record_recovery(
    conn: &mut DbConnection,
    principal: &Principal,
    request: &corrections::Request,
) -> Result<(), ApiError> {
    let recovery = details_of(request).recovery.unwrap_or_default();
    let (Some(positive_on), Some(recovered_on)) = (recovery.positive_on, recovery.recovered_on)
    else {
        return Err(ApiError::field(
            "record_recovery",
            "incomplete_request",
            "the request does not give both positive_on and recovered_on; record the recovery \
             with POST /people/{id}/recoveries instead",
        ));
    };
    health::insert_recovery(
        conn,
        &health::NewRecovery {
            public_id: db::new_public_id(),
            person_id: request.person_id,
            positive_on,
            recovered_on,
            certificate_number: recovery.certificate_number,
            recorded_by_account_id: Some(principal.account_id),
            created_at: db::now(),
        },
    )?;
    Ok(())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only requests in this state; `open` when omitted.
    pub state: Option<String>,
}

/// The most rows one export holds.
const EXPORT_LIMIT: i64 = 10_000;

/// Export vaccination correction requests for the national portal, as CSV.
///
/// One row per request with the person's identity as the portal matches
/// it and what the record should say. Cells that a spreadsheet would read
/// as a formula are prefixed with an apostrophe.
///
/// Limitation: an export holds at most 10,000 requests, built in memory;
/// narrow it by state when the queue is longer.
#[utoipa::path(
    tag = "corrections",
    operation_id = "exportVaccinationCorrections",
    params(ExportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The requests as CSV", content_type = "text/csv", body = String),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Only the city administrator exports for the portal", body = Problem),
        (status = 422, description = "Unknown state", body = Problem),
    )
)]
#[get("/corrections/export.csv")]
pub async fn export_vaccination_corrections(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    let wanted = params.state.clone().unwrap_or_else(|| "open".to_owned());
    if CorrectionState::parse(&wanted).is_none() {
        return Err(ApiError::field(
            "state",
            "unknown_state",
            "state is open, in_progress, resolved or rejected",
        ));
    }
    let rows = state
        .db
        .transaction(move |conn| {
            let filter = corrections::Filter {
                routed_to: Some(CorrectionKind::Vaccination.routed_to().to_owned()),
                state: Some(wanted),
                ..Default::default()
            };
            let rows = corrections::with_people(conn, &filter, EXPORT_LIMIT)?;
            let ids: Vec<i64> = rows.iter().map(|(_, person)| person.id).collect();
            let access = Access::new(AccessKind::Export, Some("national vaccination portal"));
            access_log::record_many(conn, &principal, &ids, &access)?;
            Ok(rows)
        })
        .await?;
    let body = export_csv(&rows)?;
    tracing::info!(rows = rows.len(), "correction.exported");
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"vaccination-corrections.csv\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

fn export_csv(rows: &[(corrections::Request, people::Person)]) -> Result<Vec<u8>, ApiError> {
    let failed = |err: csv::Error| ApiError::internal(format!("csv export: {err}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "request_id",
            "filed_at",
            "state",
            "document_kind",
            "document_number",
            "full_name",
            "birth_date",
            "description",
            "vaccine_code",
            "dose_number",
            "administered_on",
            "place",
            "lot",
        ])
        .map_err(failed)?;
    for (request, person) in rows {
        let vaccination = details_of(request).vaccination.unwrap_or_default();
        let cells = [
            request.public_id.clone(),
            super::utc(request.created_at).to_rfc3339(),
            request.state.clone(),
            person.document_kind.clone(),
            person.document_number.clone(),
            person.full_name.clone(),
            person.birth_date.to_string(),
            request.description.clone(),
            vaccination.vaccine_code.unwrap_or_default(),
            vaccination
                .dose_number
                .map(|n| n.to_string())
                .unwrap_or_default(),
            vaccination
                .administered_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            vaccination.place.unwrap_or_default(),
            vaccination.lot.unwrap_or_default(),
        ];
        writer
            .write_record(cells.iter().map(|cell| safe_cell(cell).into_owned()))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|err| ApiError::internal(format!("csv export: {err}")))
}
