//! Contact queries for health officers: given a person and an infectious
//! window, their visits and everyone whose visit at the same checkpoint
//! touched or overlapped one of them, within a margin. Each query states its
//! purpose, is kept, lands in the ledger of every person it names, and can
//! be exported as CSV, streamed a few of the person's visits at a time.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access_log::StatedPurpose;
use super::exports::{Export, FetchPage};
use super::fields;
use crate::auth::{PersonScope, Principal, Role};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::contacts::{self, PlacedVisit};
use crate::db::{self, DbConnection, people, visits};
use crate::domain::identity::mask_document_text;
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(run_contact_query).service(export_contact_query);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactQueryRequest {
    /// The person whose contacts are sought (the index case).
    pub person_id: String,
    /// Start of the infectious window (RFC 3339).
    pub from: DateTime<Utc>,
    /// End of the infectious window (RFC 3339), after `from`, at most 60 days later.
    pub until: DateTime<Utc>,
    /// Minutes added before and after each visit of the person; the
    /// server's default (`ANTOAN_CONTACT_MARGIN_MINUTES`) when omitted. 0 to 240.
    pub margin_minutes: Option<i32>,
    /// Why the query is run, e.g. the case number; written to the ledger of
    /// every person the answer names. 3 to 300 characters.
    pub purpose: String,
}

/// A visit as a contact query shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactVisitView {
    pub visit_id: String,
    pub checkpoint_id: String,
    pub checkpoint_name: String,
    pub organization_name: String,
    /// The visitor's person id; absent when they are not in antoan.
    pub person_id: Option<String>,
    pub folded_name: String,
    pub document_masked: String,
    /// The colour when they came in.
    pub colour: String,
    pub entered_at: DateTime<Utc>,
    /// When the visit stopped counting: the exit, or the maximum stay.
    pub ends_at: DateTime<Utc>,
}

/// One visit of the index person with the contacts it found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExposureView {
    pub visit: ContactVisitView,
    /// Other visits at the same checkpoint that touched or overlapped this
    /// one widened by the margin, oldest first; only the first of them when
    /// the answer was cut (`contacts_truncated`).
    pub contacts: Vec<ContactVisitView>,
    /// How many such visits there are, listed or not.
    pub contacts_total: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactQueryView {
    pub id: String,
    pub person_id: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub margin_minutes: i32,
    pub purpose: String,
    pub exposures: Vec<ExposureView>,
    /// How many different people (or unknown visitors) the listed contacts
    /// are.
    pub contact_count: usize,
    /// Whether the answer lists only the first contact visits, because
    /// there are more than the server lists at once (5,000 by default).
    /// The CSV export (`GET /contact-queries/{id}/contacts.csv`) lists
    /// them all; each exposure's `contacts_total` counts them.
    pub contacts_truncated: bool,
    pub created_at: DateTime<Utc>,
}

fn visit_view(placed: &PlacedVisit) -> ContactVisitView {
    ContactVisitView {
        visit_id: placed.visit.public_id.clone(),
        checkpoint_id: placed.checkpoint_public_id.clone(),
        checkpoint_name: placed.checkpoint_name.clone(),
        organization_name: placed.organization_name.clone(),
        person_id: placed.person_public_id.clone(),
        folded_name: placed.visit.subject_name.clone(),
        document_masked: mask_document_text(placed.document_number.as_deref().unwrap_or_default()),
        colour: placed.visit.colour.clone(),
        entered_at: super::utc(placed.visit.entered_at),
        ends_at: super::utc(placed.visit.ends_at),
    }
}

/// One visit of the index person, the contacts listed for it, and how many
/// it has in all.
struct Exposure {
    visit: PlacedVisit,
    listed: Vec<PlacedVisit>,
    total: i64,
}

/// The answer of a stored query, computed from the visits as they are now,
/// listing at most `max_listed` contact visits in all: a crowded gate's
/// hundreds of thousands would otherwise be held in memory at once.
struct Answer {
    exposures: Vec<Exposure>,
}

impl Answer {
    fn compute(
        conn: &mut DbConnection,
        query: &contacts::NewContactQuery,
        max_listed: usize,
    ) -> Result<Self, ApiError> {
        let margin = Duration::minutes(i64::from(query.margin_minutes));
        let mut room = max_listed;
        let mut exposures = Vec::new();
        for visit in
            contacts::visits_of(conn, query.person_id, query.window_from, query.window_until)?
        {
            // One more than there is room for tells whether all of them fit.
            let mut listed = match room {
                0 => Vec::new(),
                _ => contacts::contacts_of(conn, &visit.visit, margin, Some(room as i64 + 1))?,
            };
            let total = if room > 0 && listed.len() <= room {
                listed.len() as i64
            } else {
                contacts::count_contacts(conn, &visit.visit, margin)?
            };
            listed.truncate(room);
            room -= listed.len();
            exposures.push(Exposure {
                visit,
                listed,
                total,
            });
        }
        Ok(Self { exposures })
    }

    /// Whether some contact visits were counted but not listed.
    fn truncated(&self) -> bool {
        self.exposures
            .iter()
            .any(|exposure| exposure.total > exposure.listed.len() as i64)
    }

    /// Everyone the answer names, the index person first.
    fn person_ids(&self, index: i64) -> Vec<i64> {
        // A crowded gate gives a hundred thousand contacts: the set finds
        // each one seen in log time, the list keeps the order.
        let mut seen = BTreeSet::from([index]);
        let mut ids = vec![index];
        for exposure in &self.exposures {
            for contact in &exposure.listed {
                if let Some(id) = contact.visit.person_id
                    && seen.insert(id)
                {
                    ids.push(id);
                }
            }
        }
        ids
    }

    fn contact_count(&self) -> usize {
        let mut seen = BTreeSet::new();
        for exposure in &self.exposures {
            for contact in &exposure.listed {
                match contact.visit.person_id {
                    Some(id) => seen.insert(format!("p{id}")),
                    None => seen.insert(format!(
                        "d{}",
                        contact
                            .document_number
                            .as_deref()
                            .unwrap_or(&contact.visit.public_id)
                    )),
                };
            }
        }
        seen.len()
    }
}

/// Run a contact query (health officers).
#[utoipa::path(
    tag = "contacts",
    operation_id = "runContactQuery",
    request_body = ContactQueryRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The person's visits and their contacts", body = ContactQueryView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not a health officer", body = Problem),
        (status = 404, description = "No such person", body = Problem),
        (status = 422, description = "Reversed or too long window, bad margin, or no purpose", body = Problem),
    )
)]
#[post("/contact-queries")]
pub async fn run_contact_query(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<ContactQueryRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::HealthOfficer])?;
    let request = body.into_inner();
    let mut errors = FieldErrors::new();
    let purpose = match StatedPurpose::checked(&request.purpose) {
        Ok(purpose) => purpose.for_read(&principal, super::access_log::Read::Lookup)?,
        Err(_) => {
            errors.push(
                "purpose",
                "invalid_purpose",
                "state the purpose in 3 to 300 characters",
            );
            None
        }
    };
    fields::instant(request.from, fields::far_future(), "from", &mut errors);
    fields::instant(request.until, fields::far_future(), "until", &mut errors);
    if request.from >= request.until {
        errors.push("until", "reversed_window", "until must be after from");
    } else if request.until - request.from > Duration::days(60) {
        errors.push(
            "until",
            "window_too_long",
            "an infectious window spans at most 60 days",
        );
    }
    let margin = request
        .margin_minutes
        .unwrap_or(state.settings.contact_margin_minutes);
    if !(0..=240).contains(&margin) {
        errors.push(
            "margin_minutes",
            "out_of_range",
            "margin_minutes is between 0 and 240",
        );
    }
    errors.finish()?;
    let purpose = purpose.ok_or_else(|| ApiError::internal("purpose checked above"))?;
    let max_listed = usize::try_from(state.settings.contact_answer_max).unwrap_or(usize::MAX);

    // The reads come first, outside the write transaction: on SQLite a write
    // transaction holds every other writer, scans included, for as long as
    // a query over a busy person's visits reads. The answer goes out only
    // once the query and its ledger entries are committed.
    let (person, query, answer) = state
        .db
        .run(move |conn| {
            let person = people::find(conn, &PersonScope::All, &request.person_id)?
                .ok_or(ApiError::NotFound("person"))?;
            let query = contacts::NewContactQuery {
                public_id: db::new_public_id(),
                account_id: principal.account_id,
                person_id: person.id,
                window_from: db::truncate_to_micros(request.from.naive_utc()),
                window_until: db::truncate_to_micros(request.until.naive_utc()),
                margin_minutes: margin,
                purpose: purpose.clone(),
                created_at: db::now(),
            };
            let answer = Answer::compute(conn, &query, max_listed)?;
            Ok((person, query, answer))
        })
        .await?;
    let view = state
        .db
        .transaction(move |conn| {
            let query = contacts::insert(conn, &query)?;
            let access = Access::new(AccessKind::ContactQuery, Some(&query.purpose));
            access_log::record_many(conn, &principal, &answer.person_ids(person.id), &access)?;
            Ok(ContactQueryView {
                id: query.public_id,
                person_id: person.public_id,
                from: super::utc(query.window_from),
                until: super::utc(query.window_until),
                margin_minutes: query.margin_minutes,
                purpose: query.purpose,
                contact_count: answer.contact_count(),
                contacts_truncated: answer.truncated(),
                exposures: answer
                    .exposures
                    .iter()
                    .map(|exposure| ExposureView {
                        visit: visit_view(&exposure.visit),
                        contacts: exposure.listed.iter().map(visit_view).collect(),
                        contacts_total: exposure.total,
                    })
                    .collect(),
                created_at: super::utc(query.created_at),
            })
        })
        .await?;
    tracing::info!(
        contact_query.exposures = view.exposures.len(),
        contact_query.contacts = view.contact_count,
        contact_query.truncated = view.contacts_truncated,
        "contact_query.run"
    );
    Ok(HttpResponse::Created().json(view))
}

/// Index visits per page of a contact query's export: each page holds
/// their contacts.
const EXPORT_INDEX_VISITS: usize = 20;

/// Export a contact query's answer as CSV (the health officer who ran it),
/// streamed a few of the person's visits at a time.
///
/// The answer is computed again from the visits as they are now, so a visit
/// closed since the query shows its exit.
#[utoipa::path(
    tag = "contacts",
    operation_id = "exportContactQuery",
    params(("id" = String, Path, description = "The contact query's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One line per contact visit", content_type = "text/csv", body = String),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not a health officer", body = Problem),
        (status = 404, description = "No such query run by the caller", body = Problem),
    )
)]
#[get("/contact-queries/{id}/contacts.csv")]
pub async fn export_contact_query(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::HealthOfficer])?;
    let public_id = path.into_inner();
    // Everyone already written to the ledger by an earlier page of this
    // export, so that a person met at many visits gets one entry.
    let named: Mutex<BTreeSet<i64>> = Mutex::default();
    let fetch: Arc<FetchPage> = Arc::new(move |conn, after| {
        let query = contacts::of_account(conn, principal.account_id, &public_id)?
            .ok_or(ApiError::NotFound("contact query"))?;
        let margin = Duration::minutes(i64::from(query.margin_minutes));
        let after = match after {
            Some(id) => visits::by_id(conn, id)?.map(|v| (v.entered_at, v.id)),
            None => None,
        };
        let mut index_visits: Vec<PlacedVisit> =
            contacts::visits_of(conn, query.person_id, query.window_from, query.window_until)?
                .into_iter()
                .filter(|v| after.is_none_or(|key| (v.visit.entered_at, v.visit.id) > key))
                .collect();
        let next = (index_visits.len() > EXPORT_INDEX_VISITS)
            .then(|| index_visits[EXPORT_INDEX_VISITS - 1].visit.id);
        index_visits.truncate(EXPORT_INDEX_VISITS);

        let mut rows = Vec::new();
        let mut people = vec![query.person_id];
        for index in &index_visits {
            for contact in contacts::contacts_of(conn, &index.visit, margin, None)? {
                people.extend(contact.visit.person_id);
                let view = visit_view(&contact);
                rows.push(vec![
                    index.visit.public_id.clone(),
                    index.checkpoint_name.clone(),
                    super::utc(index.visit.entered_at).to_rfc3339(),
                    super::utc(index.visit.ends_at).to_rfc3339(),
                    view.visit_id,
                    view.person_id.unwrap_or_default(),
                    view.folded_name,
                    view.document_masked,
                    view.colour,
                    view.entered_at.to_rfc3339(),
                    view.ends_at.to_rfc3339(),
                    view.organization_name,
                    view.checkpoint_name,
                ]);
            }
        }
        let mut named = named
            .lock()
            .map_err(|_| ApiError::internal("the export's ledger set is poisoned"))?;
        people.retain(|id| named.insert(*id));
        let access = Access::new(AccessKind::Export, Some(&query.purpose));
        access_log::record_many(conn, &principal, &people, &access)?;
        Ok((rows, next))
    });
    let export = Export {
        name: "contacts",
        columns: vec![
            "index_visit_id",
            "index_checkpoint",
            "index_entered_at",
            "index_ends_at",
            "contact_visit_id",
            "contact_person_id",
            "contact_name",
            "contact_document",
            "contact_colour",
            "contact_entered_at",
            "contact_ends_at",
            "organization",
            "checkpoint",
        ],
        fetch,
        count: None,
    };
    super::exports::csv(state.db.clone(), export).await
}
