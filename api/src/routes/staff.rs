//! Staff and visitor lists of an organization with each person's status:
//! colour, vaccination, latest test and latest health declaration; filters;
//! and CSV exports streamed page by page, every cell defused against
//! spreadsheet formulas. Every list and export is in the ledger of each
//! person it shows.

use std::sync::Arc;

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::accounts::visible_organization;
use super::health::StatusInputs;
use crate::auth::{Principal, Role, VisitScope};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, Db, DbConnection, health, people, staff, visits};
use crate::domain::identity::{DocumentNumber, mask_document_text};
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(link_staff)
        .service(unlink_staff)
        .service(list_staff)
        .service(export_staff)
        .service(list_visitors)
        .service(export_visitors);
}

/// A person's status as the organization's lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthSummary {
    /// `green` or `black`, now.
    pub colour: String,
    pub reason: String,
    /// Doses on record.
    pub doses: usize,
    pub last_dose_vaccine: Option<String>,
    pub last_dose_on: Option<NaiveDate>,
    /// `pcr` or `rapid_antigen`.
    pub latest_test_kind: Option<String>,
    /// `positive` or `negative`.
    pub latest_test_result: Option<String>,
    pub latest_test_at: Option<DateTime<Utc>>,
    pub latest_declaration_at: Option<DateTime<Utc>>,
    pub latest_declaration_symptoms: Vec<String>,
    pub latest_declaration_contact_with_case: Option<bool>,
}

/// Loads what a list shows of one person.
///
/// Limitation: each listed person costs a handful of queries (their
/// records and the policies); a page of 200 is fine, but an export of
/// tens of thousands of people takes minutes rather than seconds.
fn summary_of(conn: &mut DbConnection, person_id: i64) -> Result<HealthSummary, ApiError> {
    let evaluation = StatusInputs::load(conn, person_id)?.evaluate(Utc::now())?;
    let doses = health::doses(conn, person_id)?;
    let test = health::tests(conn, person_id)?.pop();
    let declaration = health::declarations(conn, person_id)?.pop();
    let last = doses.last();
    Ok(HealthSummary {
        colour: evaluation.colour.as_str().to_owned(),
        reason: evaluation.reason.text_en,
        doses: doses.len(),
        last_dose_vaccine: last.map(|d| d.vaccine_name.clone()),
        last_dose_on: last.map(|d| d.vaccination.administered_on),
        latest_test_kind: test.as_ref().map(|t| t.kind.clone()),
        latest_test_result: test
            .as_ref()
            .map(|t| if t.positive { "positive" } else { "negative" }.to_owned()),
        latest_test_at: test.as_ref().map(|t| super::utc(t.sampled_at)),
        latest_declaration_at: declaration.as_ref().map(|d| super::utc(d.declared_at)),
        latest_declaration_symptoms: declaration
            .as_ref()
            .map(|d| serde_json::from_str(&d.symptoms).unwrap_or_default())
            .unwrap_or_default(),
        latest_declaration_contact_with_case: declaration.as_ref().map(|d| d.contact_with_case),
    })
}

fn summary_cells(s: &HealthSummary) -> Vec<String> {
    vec![
        s.colour.clone(),
        s.doses.to_string(),
        s.last_dose_vaccine.clone().unwrap_or_default(),
        s.last_dose_on.map(|d| d.to_string()).unwrap_or_default(),
        s.latest_test_kind.clone().unwrap_or_default(),
        s.latest_test_result.clone().unwrap_or_default(),
        s.latest_test_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        s.latest_declaration_at
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
        s.latest_declaration_symptoms.join(" "),
    ]
}

const SUMMARY_COLUMNS: [&str; 9] = [
    "colour",
    "doses",
    "last_dose_vaccine",
    "last_dose_on",
    "latest_test_kind",
    "latest_test_result",
    "latest_test_at",
    "latest_declaration_at",
    "latest_declaration_symptoms",
];

fn check_colour(colour: &Option<String>) -> Result<(), ApiError> {
    match colour.as_deref() {
        None | Some("green" | "black") => Ok(()),
        Some(_) => Err(ApiError::field(
            "colour",
            "unknown_colour",
            "colour is green or black",
        )),
    }
}

/// A member of the organization's staff with their status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub person_id: String,
    pub full_name: String,
    pub document_masked: String,
    pub title: Option<String>,
    pub linked_at: DateTime<Utc>,
    pub status: HealthSummary,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StaffInput {
    /// The person's document number, in any form people type it.
    pub document_number: String,
    /// The job, e.g. "bảo vệ" (guard).
    pub title: Option<String>,
}

/// Add a person to the organization's staff list (its admin).
#[utoipa::path(
    tag = "organizations",
    operation_id = "linkStaff",
    params(("id" = String, Path, description = "The organization's id")),
    request_body = StaffInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Linked", body = StaffView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 409, description = "Already on the staff list", body = Problem),
        (status = 422, description = "Not a document number, or nobody registered with it", body = Problem),
    )
)]
#[post("/organizations/{id}/staff")]
pub async fn link_staff(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<StaffInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::OrganizationAdmin])?;
    let input = body.into_inner();
    let document = DocumentNumber::detect(&super::typed_document(&input.document_number))
        .map_err(|err| ApiError::field("document_number", err.code(), err.to_string()))?;
    let mut errors = FieldErrors::new();
    let title = super::fields::optional(input.title, "title", 100, &mut errors);
    errors.finish()?;
    let public_id = path.into_inner();
    let view = state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let person = people::by_document(conn, document.as_str())?.ok_or_else(|| {
                ApiError::field(
                    "document_number",
                    "unknown_person",
                    "nobody is registered with this document number; the ward office registers them",
                )
            })?;
            let link = staff::link(
                conn,
                &staff::NewStaffLink {
                    organization_id: organization.id,
                    person_id: person.id,
                    title,
                    linked_by_account_id: Some(principal.account_id),
                    linked_at: db::now(),
                },
            )?;
            let access = Access::new(AccessKind::StaffList, None).at(Some(organization.id), None);
            access_log::record(conn, &principal, person.id, &access)?;
            Ok(StaffView {
                status: summary_of(conn, person.id)?,
                person_id: person.public_id,
                full_name: person.full_name,
                document_masked: mask_document_text(&person.document_number),
                title: link.title,
                linked_at: super::utc(link.linked_at),
            })
        })
        .await?;
    tracing::info!("staff.linked");
    Ok(HttpResponse::Created().json(view))
}

/// Remove a person from the organization's staff list (its admin).
#[utoipa::path(
    tag = "organizations",
    operation_id = "unlinkStaff",
    params(
        ("id" = String, Path, description = "The organization's id"),
        ("person_id" = String, Path, description = "The person's id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization, or not on its staff list", body = Problem),
    )
)]
#[delete("/organizations/{id}/staff/{person_id}")]
pub async fn unlink_staff(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::OrganizationAdmin])?;
    let (public_id, person_public_id) = path.into_inner();
    state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let person = people::find(conn, &crate::auth::PersonScope::All, &person_public_id)?
                .ok_or(ApiError::NotFound("staff member"))?;
            if !staff::unlink(conn, organization.id, person.id)? {
                return Err(ApiError::NotFound("staff member"));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Only staff of this colour now: `green` or `black`.
    pub colour: Option<String>,
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of staff after link id `after`, filtered by colour, with the
/// id to continue after; written to the ledger as `kind`.
fn staff_page(
    conn: &mut DbConnection,
    principal: &Principal,
    organization_id: i64,
    colour: Option<&str>,
    mut after: Option<i64>,
    limit: usize,
    kind: AccessKind,
) -> Result<(Vec<StaffView>, Option<i64>), ApiError> {
    let mut items = Vec::new();
    // The colour is computed, not stored: read links in batches until the
    // page is full or the links run out.
    loop {
        let batch = staff::list(conn, organization_id, after, 200)?;
        let exhausted = batch.len() < 200;
        for (link, person) in batch {
            after = Some(link.id);
            let status = summary_of(conn, person.id)?;
            if colour.is_some_and(|c| c != status.colour) {
                continue;
            }
            items.push((
                person.id,
                StaffView {
                    person_id: person.public_id,
                    full_name: person.full_name,
                    document_masked: mask_document_text(&person.document_number),
                    title: link.title,
                    linked_at: super::utc(link.linked_at),
                    status,
                },
            ));
            if items.len() == limit {
                let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
                let access = Access::new(kind, None).at(Some(organization_id), None);
                access_log::record_many(conn, principal, &ids, &access)?;
                let more = !staff::list(conn, organization_id, after, 1)?.is_empty();
                return Ok((
                    items.into_iter().map(|(_, v)| v).collect(),
                    after.filter(|_| more),
                ));
            }
        }
        if exhausted {
            let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
            let access = Access::new(kind, None).at(Some(organization_id), None);
            access_log::record_many(conn, principal, &ids, &access)?;
            return Ok((items.into_iter().map(|(_, v)| v).collect(), None));
        }
    }
}

fn staff_cursor(id: i64) -> String {
    super::encode_cursor(chrono::DateTime::UNIX_EPOCH.naive_utc(), id)
}

/// The organization's staff with their status (its admin, the city, health officers).
#[utoipa::path(
    tag = "organizations",
    operation_id = "listStaff",
    params(("id" = String, Path, description = "The organization's id"), StaffQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of staff", body = super::Page<StaffView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 422, description = "Bad colour, limit or cursor", body = Problem),
    )
)]
#[get("/organizations/{id}/staff")]
pub async fn list_staff(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<StaffQuery>,
) -> Result<web::Json<super::Page<StaffView>>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    check_colour(&query.colour)?;
    let limit = super::PageParams {
        limit: query.limit,
        cursor: None,
    }
    .limit()?;
    let after = query
        .cursor
        .as_deref()
        .map(super::decode_cursor)
        .transpose()?
        .map(|(_, id)| id);
    let public_id = path.into_inner();
    let colour = query.colour.clone();
    let page = state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let (items, next) = staff_page(
                conn,
                &principal,
                organization.id,
                colour.as_deref(),
                after,
                usize::try_from(limit).unwrap_or(50),
                AccessKind::StaffList,
            )?;
            Ok(super::Page {
                items,
                next_cursor: next.map(staff_cursor),
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Fetches one page of an export: the CSV text of its lines and the cursor
/// of the next page, if any.
type ExportPage =
    dyn Fn(&mut DbConnection, Option<i64>) -> Result<(String, Option<i64>), ApiError> + Send + Sync;

/// Rows per page of a streamed export.
const EXPORT_PAGE: usize = 200;

/// A CSV download that fetches one page at a time while the client reads,
/// each page in its own transaction, so that no export holds everything in
/// memory or runs into a request timeout. The first page is fetched before
/// answering, so that a refusal is still a proper problem.
async fn csv_stream(
    db: Db,
    filename: &'static str,
    header: String,
    fetch: Arc<ExportPage>,
) -> Result<HttpResponse, ApiError> {
    let first = fetch.clone();
    let (text, next) = db.transaction(move |conn| first(conn, None)).await?;
    let head =
        futures_util::stream::once(
            async move { Ok::<_, ApiError>(web::Bytes::from(header + &text)) },
        );
    let rest = futures_util::stream::unfold(next, move |cursor| {
        let db = db.clone();
        let fetch = fetch.clone();
        async move {
            let after = cursor?;
            match db.transaction(move |conn| fetch(conn, Some(after))).await {
                Ok((text, next)) => Some((Ok(web::Bytes::from(text)), next)),
                Err(err) => {
                    tracing::error!(error = ?err, "export.page_failed");
                    Some((Err(err), None))
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(head.chain(rest)))
}

/// Export the organization's staff with their status as CSV.
#[utoipa::path(
    tag = "organizations",
    operation_id = "exportStaff",
    params(("id" = String, Path, description = "The organization's id"), StaffQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One line per staff member", content_type = "text/csv", body = String),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 422, description = "Bad colour", body = Problem),
    )
)]
#[get("/organizations/{id}/staff.csv")]
pub async fn export_staff(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<StaffQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    check_colour(&query.colour)?;
    let public_id = path.into_inner();
    let colour = query.colour.clone();
    let mut columns = vec!["person_id", "full_name", "document", "title", "linked_at"];
    columns.extend(SUMMARY_COLUMNS);
    let fetch: Arc<ExportPage> = Arc::new(move |conn, after| {
        let organization = visible_organization(conn, &principal, &public_id)?;
        let (items, next) = staff_page(
            conn,
            &principal,
            organization.id,
            colour.as_deref(),
            after,
            EXPORT_PAGE,
            AccessKind::Export,
        )?;
        let mut text = String::new();
        for item in items {
            let mut cells = vec![
                item.person_id,
                item.full_name,
                item.document_masked,
                item.title.unwrap_or_default(),
                item.linked_at.to_rfc3339(),
            ];
            cells.extend(summary_cells(&item.status));
            text.push_str(&crate::csv::line(&cells));
        }
        Ok((text, next))
    });
    csv_stream(
        state.db.clone(),
        "staff.csv",
        crate::csv::line(&columns),
        fetch,
    )
    .await
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitorQuery {
    /// Start of the window (inclusive, RFC 3339); 24 hours before `until` when omitted.
    pub from: Option<DateTime<Utc>>,
    /// End of the window (exclusive, RFC 3339); now when omitted.
    pub until: Option<DateTime<Utc>>,
    /// Only this checkpoint's visits.
    pub checkpoint: Option<String>,
    /// Only visits whose colour at entry was this: `green` or `black`.
    pub colour: Option<String>,
    /// `staff` for the organization's staff only, `visitor` for everyone else.
    pub who: Option<String>,
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A visit with its visitor's status now.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitorView {
    pub visit_id: String,
    pub checkpoint_id: String,
    pub checkpoint_name: String,
    pub folded_name: String,
    pub document_masked: String,
    /// True when the visitor is on the organization's staff list.
    pub staff: bool,
    /// The colour when they came in.
    pub colour_at_entry: String,
    pub entered_at: DateTime<Utc>,
    pub exited_at: Option<DateTime<Utc>>,
    /// The visitor's status now; absent for someone not in antoan.
    pub status: Option<HealthSummary>,
}

struct VisitorFilter {
    organization_id: i64,
    checkpoint_id: Option<i64>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    colour: Option<String>,
    staff: Option<bool>,
}

fn visitor_filter(
    conn: &mut DbConnection,
    principal: &Principal,
    public_id: &str,
    query: &VisitorQuery,
) -> Result<VisitorFilter, ApiError> {
    let organization = visible_organization(conn, principal, public_id)?;
    let checkpoint_id = match &query.checkpoint {
        Some(checkpoint) => Some(
            db::organizations::checkpoint(conn, Some(organization.id), checkpoint)?
                .ok_or(ApiError::NotFound("checkpoint"))?
                .id,
        ),
        None => None,
    };
    let until = query.until.unwrap_or_else(Utc::now);
    let from = query.from.unwrap_or(until - chrono::Duration::hours(24));
    let mut errors = FieldErrors::new();
    super::fields::instant(from, super::fields::far_future(), "from", &mut errors);
    super::fields::instant(until, super::fields::far_future(), "until", &mut errors);
    errors.finish()?;
    if from >= until {
        return Err(ApiError::field(
            "from",
            "reversed_window",
            "from must be before until",
        ));
    }
    if until - from > chrono::Duration::days(93) {
        return Err(ApiError::field(
            "from",
            "window_too_long",
            "a window spans at most 93 days",
        ));
    }
    let staff = match query.who.as_deref() {
        None => None,
        Some("staff") => Some(true),
        Some("visitor") => Some(false),
        Some(_) => {
            return Err(ApiError::field(
                "who",
                "unknown_who",
                "who is staff or visitor",
            ));
        }
    };
    check_colour(&query.colour)?;
    Ok(VisitorFilter {
        organization_id: organization.id,
        checkpoint_id,
        from,
        until,
        colour: query.colour.clone(),
        staff,
    })
}

/// Where a page of visits continues: the last (entered_at, id) shown.
type VisitKey = (chrono::NaiveDateTime, i64);

fn visitor_page(
    conn: &mut DbConnection,
    principal: &Principal,
    filter: &VisitorFilter,
    before: Option<VisitKey>,
    limit: usize,
    kind: AccessKind,
) -> Result<(Vec<VisitorView>, Option<VisitKey>), ApiError> {
    let mut rows = visits::list(
        conn,
        VisitScope::Organization(filter.organization_id),
        &visits::VisitFilter {
            checkpoint_id: filter.checkpoint_id,
            organization_id: Some(filter.organization_id),
            from: filter.from.naive_utc(),
            until: filter.until.naive_utc(),
            before,
            limit: i64::try_from(limit + 1).unwrap_or(201),
            colour: filter.colour.clone(),
            staff_of: filter.staff.map(|staff| (filter.organization_id, staff)),
        },
    )?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|r| (r.visit.entered_at, r.visit.id))
    } else {
        None
    };
    let person_ids: Vec<i64> = rows.iter().filter_map(|r| r.visit.person_id).collect();
    let staff_ids = staff::staff_among(conn, filter.organization_id, &person_ids)?;
    let access = Access::new(kind, None).at(Some(filter.organization_id), filter.checkpoint_id);
    access_log::record_many(conn, principal, &person_ids, &access)?;
    let now = db::now();
    let items = rows
        .into_iter()
        .map(|row| {
            let status = match row.visit.person_id {
                Some(id) => Some(summary_of(conn, id)?),
                None => None,
            };
            let (exited_at, _) = super::scans::exit_of(&row.visit, now);
            Ok(VisitorView {
                staff: row
                    .visit
                    .person_id
                    .is_some_and(|id| staff_ids.contains(&id)),
                visit_id: row.visit.public_id,
                checkpoint_id: row.checkpoint_public_id,
                checkpoint_name: row.checkpoint_name,
                folded_name: row.visit.subject_name,
                document_masked: mask_document_text(
                    row.document_number.as_deref().unwrap_or_default(),
                ),
                colour_at_entry: row.visit.colour,
                entered_at: super::utc(row.visit.entered_at),
                exited_at,
                status,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((items, next))
}

/// The organization's visitors in a window with their status (its admin, the city).
#[utoipa::path(
    tag = "organizations",
    operation_id = "listVisitors",
    params(("id" = String, Path, description = "The organization's id"), VisitorQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of visits, newest first", body = super::Page<VisitorView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization or checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Bad window, filter, limit or cursor", body = Problem),
    )
)]
#[get("/organizations/{id}/visitors")]
pub async fn list_visitors(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<VisitorQuery>,
) -> Result<web::Json<super::Page<VisitorView>>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
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
    let public_id = path.into_inner();
    let query = query.into_inner();
    let page = state
        .db
        .transaction(move |conn| {
            let filter = visitor_filter(conn, &principal, &public_id, &query)?;
            let (items, next) = visitor_page(
                conn,
                &principal,
                &filter,
                before,
                usize::try_from(limit).unwrap_or(50),
                AccessKind::VisitList,
            )?;
            Ok(super::Page {
                items,
                next_cursor: next.map(|(at, id)| super::encode_cursor(at, id)),
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Export the organization's visitors in a window with their status as CSV.
#[utoipa::path(
    tag = "organizations",
    operation_id = "exportVisitors",
    params(("id" = String, Path, description = "The organization's id"), VisitorQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One line per visit", content_type = "text/csv", body = String),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization or checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Bad window or filter", body = Problem),
    )
)]
#[get("/organizations/{id}/visitors.csv")]
pub async fn export_visitors(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<VisitorQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let public_id = path.into_inner();
    let query = query.into_inner();
    let mut columns = vec![
        "visit_id",
        "checkpoint",
        "name",
        "document",
        "staff",
        "colour_at_entry",
        "entered_at",
        "exited_at",
    ];
    columns.extend(SUMMARY_COLUMNS);
    // The keyset of a visit page is (entered_at, id); an export continues
    // by id alone within the same window, newest first.
    let fetch: Arc<ExportPage> = Arc::new(move |conn, before_id| {
        let filter = visitor_filter(conn, &principal, &public_id, &query)?;
        let before = match before_id {
            Some(id) => visits::by_id(conn, id)?.map(|v| (v.entered_at, v.id)),
            None => None,
        };
        let (items, next) = visitor_page(
            conn,
            &principal,
            &filter,
            before,
            EXPORT_PAGE,
            AccessKind::Export,
        )?;
        let mut text = String::new();
        for item in items {
            let mut cells = vec![
                item.visit_id,
                item.checkpoint_name,
                item.folded_name,
                item.document_masked,
                if item.staff { "staff" } else { "visitor" }.to_owned(),
                item.colour_at_entry,
                item.entered_at.to_rfc3339(),
                item.exited_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ];
            match &item.status {
                Some(status) => cells.extend(summary_cells(status)),
                None => cells.extend(SUMMARY_COLUMNS.iter().map(|_| String::new())),
            }
            text.push_str(&crate::csv::line(&cells));
        }
        Ok((text, next.map(|(_, id)| id)))
    });
    csv_stream(
        state.db.clone(),
        "visitors.csv",
        crate::csv::line(&columns),
        fetch,
    )
    .await
}
