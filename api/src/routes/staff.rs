//! Staff and visitor lists of an organization with each person's status:
//! colour, vaccination, latest test and latest health declaration; filters;
//! and exports as CSV (streamed page by page) or XLSX, every cell safe from
//! spreadsheet formulas. Every list and export is in the ledger of each
//! person it shows.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::accounts::visible_organization;
use super::exports::{self, CountRows, Export, FetchPage};
use super::health::StatusBatch;
use crate::auth::{Principal, Role, VisitScope};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, DbConnection, health, people, staff, visits};
use crate::domain::identity::{DocumentNumber, mask_document_text};
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(link_staff)
        .service(unlink_staff)
        .service(list_staff)
        .service(export_staff)
        .service(export_staff_xlsx)
        .service(list_visitors)
        .service(export_visitors)
        .service(export_visitors_xlsx);
}

/// A person's status as the organization's lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
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

/// What a list shows of each of `person_ids`, in a fixed number of queries
/// however many they are: their records and latest declarations are read
/// for all of them at once, and each colour is evaluated in memory by the
/// same rules as `GET /people/{id}/status`.
fn summaries_of(
    conn: &mut DbConnection,
    person_ids: &[i64],
) -> Result<HashMap<i64, HealthSummary>, ApiError> {
    let batch = StatusBatch::load(conn, person_ids)?;
    let mut declarations = health::latest_declarations(conn, person_ids)?;
    let now = Utc::now();
    let mut summaries = HashMap::new();
    for &person_id in person_ids {
        if summaries.contains_key(&person_id) {
            continue;
        }
        let evaluation = batch.evaluate(person_id, now)?;
        let rows = batch.rows(person_id);
        let last = rows.doses.last();
        let test = rows.tests.last();
        let declaration = declarations.remove(&person_id);
        summaries.insert(
            person_id,
            HealthSummary {
                colour: evaluation.colour.as_str().to_owned(),
                reason: evaluation.reason.text_en,
                doses: rows.doses.len(),
                last_dose_vaccine: last.map(|d| d.vaccine_name.clone()),
                last_dose_on: last.map(|d| d.vaccination.administered_on),
                latest_test_kind: test.map(|t| t.kind.clone()),
                latest_test_result: test
                    .map(|t| if t.positive { "positive" } else { "negative" }.to_owned()),
                latest_test_at: test.map(|t| super::utc(t.sampled_at)),
                latest_declaration_at: declaration.as_ref().map(|d| super::utc(d.declared_at)),
                latest_declaration_symptoms: declaration
                    .as_ref()
                    .map(|d| serde_json::from_str(&d.symptoms).unwrap_or_default())
                    .unwrap_or_default(),
                latest_declaration_contact_with_case: declaration
                    .as_ref()
                    .map(|d| d.contact_with_case),
            },
        );
    }
    Ok(summaries)
}

/// The summary of one person, for an answer that shows one.
fn summary_of(conn: &mut DbConnection, person_id: i64) -> Result<HealthSummary, ApiError> {
    summaries_of(conn, &[person_id])?
        .remove(&person_id)
        .ok_or_else(|| ApiError::internal("a summary just computed is missing"))
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

/// Links read at a time while a colour filter fills a page.
const STAFF_BATCH: usize = 200;

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
    let mut next = None;
    // The colour is computed, not stored: with a colour filter, read links
    // in batches until the page is full or the links run out. Without one,
    // one link past the page tells whether there is more.
    let batch_size = match colour {
        Some(_) => STAFF_BATCH.max(limit + 1),
        None => limit + 1,
    };
    'batches: loop {
        let batch = staff::list(
            conn,
            organization_id,
            after,
            i64::try_from(batch_size).unwrap_or(i64::MAX),
        )?;
        let exhausted = batch.len() < batch_size;
        let ids: Vec<i64> = batch.iter().map(|(_, person)| person.id).collect();
        let mut summaries = summaries_of(conn, &ids)?;
        let mut rest = batch.into_iter().peekable();
        while let Some((link, person)) = rest.next() {
            if items.len() == limit {
                // A link past a full page: the page ends before it.
                next = after;
                break 'batches;
            }
            after = Some(link.id);
            let Some(status) = summaries.remove(&person.id) else {
                continue;
            };
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
            if items.len() == limit && rest.peek().is_none() && !exhausted {
                // The page is full at the end of a batch: one more link
                // read tells whether another page follows.
                if !staff::list(conn, organization_id, after, 1)?.is_empty() {
                    next = after;
                }
                break 'batches;
            }
        }
        if exhausted {
            break;
        }
    }
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let access = Access::new(kind, None).at(Some(organization_id), None);
    access_log::record_many(conn, principal, &ids, &access)?;
    Ok((items.into_iter().map(|(_, v)| v).collect(), next))
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

/// The staff list as a download: one row per staff member, paged by link id.
fn staff_export(principal: Principal, public_id: String, colour: Option<String>) -> Export {
    let mut columns = vec!["person_id", "full_name", "document", "title", "linked_at"];
    columns.extend(SUMMARY_COLUMNS);
    let counting = (principal.clone(), public_id.clone());
    let fetch: Arc<FetchPage> = Arc::new(move |conn, after| {
        let organization = visible_organization(conn, &principal, &public_id)?;
        let (items, next) = staff_page(
            conn,
            &principal,
            organization.id,
            colour.as_deref(),
            after,
            exports::PAGE_ROWS,
            AccessKind::Export,
        )?;
        let rows = items
            .into_iter()
            .map(|item| {
                let mut cells = vec![
                    item.person_id,
                    item.full_name,
                    item.document_masked,
                    item.title.unwrap_or_default(),
                    item.linked_at.to_rfc3339(),
                ];
                cells.extend(summary_cells(&item.status));
                cells
            })
            .collect();
        Ok((rows, next))
    });
    // The colour is computed while paging, so the count is of every link:
    // at most what the file would hold.
    let count: Arc<CountRows> = Arc::new(move |conn| {
        let (principal, public_id) = &counting;
        let organization = visible_organization(conn, principal, public_id)?;
        staff::count(conn, organization.id)
    });
    Export {
        name: "staff",
        columns,
        fetch,
        count: Some(count),
    }
}

/// Export the organization's staff with their status as CSV, streamed.
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
    let export = staff_export(principal, path.into_inner(), query.colour.clone());
    exports::csv(state.db.clone(), export).await
}

/// Export the organization's staff with their status as an XLSX workbook,
/// at most `ANTOAN_XLSX_MAX_ROWS` rows (built whole before it is sent).
#[utoipa::path(
    tag = "organizations",
    operation_id = "exportStaffXlsx",
    params(("id" = String, Path, description = "The organization's id"), StaffQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One row per staff member, every cell text", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 422, description = "Bad colour, or more staff than an XLSX file holds (`export_too_large`: use the CSV)", body = Problem),
    )
)]
#[get("/organizations/{id}/staff.xlsx")]
pub async fn export_staff_xlsx(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<StaffQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    check_colour(&query.colour)?;
    let export = staff_export(principal, path.into_inner(), query.colour.clone());
    exports::xlsx(state.db.clone(), export, state.settings.xlsx_max_rows).await
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
    let (from, until) = super::fields::visit_window(query.from, query.until)?;
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

impl VisitorFilter {
    /// The filter as the visits table reads it, for a page of `limit`
    /// after `before`.
    fn as_visit_filter(&self, before: Option<VisitKey>, limit: i64) -> visits::VisitFilter {
        visits::VisitFilter {
            checkpoint_id: self.checkpoint_id,
            organization_id: Some(self.organization_id),
            from: self.from.naive_utc(),
            until: self.until.naive_utc(),
            before,
            limit,
            colour: self.colour.clone(),
            staff_of: self.staff.map(|staff| (self.organization_id, staff)),
        }
    }
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
        &filter.as_visit_filter(before, i64::try_from(limit + 1).unwrap_or(201)),
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
    let summaries = summaries_of(conn, &person_ids)?;
    let now = db::now();
    let items = rows
        .into_iter()
        .map(|row| {
            let status = row
                .visit
                .person_id
                .and_then(|id| summaries.get(&id).cloned());
            let (exited_at, _) = super::scans::exit_of(&row.visit, now);
            VisitorView {
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
            }
        })
        .collect();
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

/// The visitor list as a download: one row per visit, newest first.
fn visitor_export(principal: Principal, public_id: String, query: VisitorQuery) -> Export {
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
    let counting = (principal.clone(), public_id.clone(), query.clone());
    // The keyset of a visit page is (entered_at, id); an export continues
    // by id alone within the same window, newest first.
    let fetch: Arc<FetchPage> = Arc::new(move |conn, before_id| {
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
            exports::PAGE_ROWS,
            AccessKind::Export,
        )?;
        let rows = items
            .into_iter()
            .map(|item| {
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
                cells
            })
            .collect();
        Ok((rows, next.map(|(_, id)| id)))
    });
    let count: Arc<CountRows> = Arc::new(move |conn| {
        let (principal, public_id, query) = &counting;
        let filter = visitor_filter(conn, principal, public_id, query)?;
        visits::count(
            conn,
            VisitScope::Organization(filter.organization_id),
            &filter.as_visit_filter(None, 0),
        )
    });
    Export {
        name: "visitors",
        columns,
        fetch,
        count: Some(count),
    }
}

/// Export the organization's visitors in a window with their status as CSV, streamed.
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
    let export = visitor_export(principal, path.into_inner(), query.into_inner());
    exports::csv(state.db.clone(), export).await
}

/// Export the organization's visitors in a window with their status as an
/// XLSX workbook, at most `ANTOAN_XLSX_MAX_ROWS` rows (built whole before
/// it is sent).
#[utoipa::path(
    tag = "organizations",
    operation_id = "exportVisitorsXlsx",
    params(("id" = String, Path, description = "The organization's id"), VisitorQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One row per visit, every cell text", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization or checkpoint visible to the caller", body = Problem),
        (status = 422, description = "Bad window or filter, or more visits than an XLSX file holds (`export_too_large`: narrow the filter or use the CSV)", body = Problem),
    )
)]
#[get("/organizations/{id}/visitors.xlsx")]
pub async fn export_visitors_xlsx(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<VisitorQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let export = visitor_export(principal, path.into_inner(), query.into_inner());
    exports::xlsx(state.db.clone(), export, state.settings.xlsx_max_rows).await
}
