//! Ward office work in bulk: creating residents from a CSV file, and
//! printing their personal QR cards as A4 sheets.

use std::collections::HashSet;

use actix_web::{HttpResponse, post, web};
use chrono::{NaiveDate, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access_log::{PURPOSE_HELP, Read, StatedPurpose};
use super::people::{PersonInput, insert_person};
use super::qr::issue_for;
use crate::auth::{Principal, Role};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{DbConnection, people, reference};
use crate::domain::identity::mask_document_text;
use crate::error::{ApiError, FieldError, FieldErrors, Problem};
use crate::print::{self, Card};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(import_residents).service(print_cards);
}

/// The most rows one import reads.
const IMPORT_ROWS: usize = 2_000;
/// The most cards one sheet prints.
const PRINT_CARDS: usize = 500;

/// Refuses unless the caller is the city administrator or an officer of
/// `ward`, and `ward` exists.
async fn ward_office(
    state: &web::Data<AppState>,
    principal: &Principal,
    ward: &str,
) -> Result<reference::Ward, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer])?;
    if principal.role == Role::WardOfficer && principal.ward_code.as_deref() != Some(ward) {
        return Err(ApiError::Forbidden(
            "A ward officer works for their own ward only.",
        ));
    }
    let code = ward.to_owned();
    state
        .db
        .run(move |conn| reference::ward(conn, &code))
        .await?
        .ok_or(ApiError::NotFound("ward"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `all_or_nothing` (the default: one bad row and nothing is created)
    /// or `good_rows` (the good rows are created, the bad ones reported).
    pub mode: Option<String>,
}

/// A resident the import created.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedResident {
    /// The line of the file, counting the header as line 1.
    pub line: u64,
    pub person_id: String,
}

/// A row the import refused, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedResident {
    pub line: u64,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentImportReport {
    pub mode: String,
    /// True when the created rows were committed.
    pub committed: bool,
    pub created: Vec<ImportedResident>,
    pub rejected: Vec<RejectedResident>,
}

const COLUMNS: [&str; 8] = [
    "document_kind",
    "document_number",
    "full_name",
    "birth_date",
    "gender",
    "phone",
    "health_insurance_number",
    "address",
];
const REQUIRED: [&str; 5] = [
    "document_kind",
    "document_number",
    "full_name",
    "birth_date",
    "gender",
];

/// The rows of a file as read: (line, person), and the rows that cannot
/// even be read, by line.
type ReadRows = (Vec<(u64, PersonInput)>, Vec<RejectedResident>);

/// The largest residents file a ward office sends: about 40,000 rows.
const IMPORT_LIMIT: usize = 4 * 1024 * 1024;

/// Reads the file into rows.
fn read_rows(body: &[u8], ward: &str) -> Result<ReadRows, ApiError> {
    let file_error = |detail: String| ApiError::field("file", "malformed_csv", detail);
    let text = std::str::from_utf8(body)
        .map_err(|_| file_error("the file must be UTF-8 text".to_owned()))?;
    let mut reader = crate::csv::reader(text, true);
    let header: Vec<String> = reader
        .headers()
        .map_err(|err| file_error(format!("the header cannot be read: {err}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut errors = FieldErrors::new();
    for name in &header {
        if !COLUMNS.contains(&name.as_str()) {
            errors.push(
                "file",
                "unknown_column",
                format!(
                    "unknown column {name:?}; the columns are {}",
                    COLUMNS.join(", ")
                ),
            );
        }
    }
    for name in REQUIRED {
        if !header.iter().any(|h| h == name) {
            errors.push(
                "file",
                "missing_column",
                format!("the column {name} is missing"),
            );
        }
    }
    errors.finish()?;

    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        if index >= IMPORT_ROWS {
            return Err(file_error(format!(
                "an import holds at most {IMPORT_ROWS} rows; split the file"
            )));
        }
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                rejected.push(RejectedResident {
                    line,
                    errors: vec![FieldError::new("row", "malformed_row", err.to_string())],
                });
                continue;
            }
        };
        let line = record.position().map_or(line, |p| p.line());
        if record.len() != header.len() {
            rejected.push(RejectedResident {
                line,
                errors: vec![FieldError::new(
                    "row",
                    "wrong_field_count",
                    format!(
                        "the row has {} fields, the header {}",
                        record.len(),
                        header.len()
                    ),
                )],
            });
            continue;
        }
        let cell = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or_default()
                .to_owned()
        };
        let optional = |name: &str| Some(cell(name)).filter(|v| !v.is_empty());
        let Ok(birth_date) = NaiveDate::parse_from_str(&cell("birth_date"), "%Y-%m-%d") else {
            rejected.push(RejectedResident {
                line,
                errors: vec![FieldError::new(
                    "birth_date",
                    "invalid_date",
                    "birth_date is a date written YYYY-MM-DD",
                )],
            });
            continue;
        };
        rows.push((
            line,
            PersonInput {
                document_kind: cell("document_kind"),
                document_number: cell("document_number"),
                full_name: cell("full_name"),
                birth_date,
                gender: cell("gender"),
                phone: optional("phone"),
                health_insurance_number: optional("health_insurance_number"),
                ward_code: ward.to_owned(),
                address: optional("address"),
            },
        ));
    }
    Ok((rows, rejected))
}

/// Create residents of a ward from a CSV file.
///
/// The file is UTF-8 CSV with a header row naming the columns
/// `document_kind`, `document_number`, `full_name`, `birth_date`
/// (`YYYY-MM-DD`) and `gender`, and optionally `phone`,
/// `health_insurance_number` and `address`. Every row is checked as
/// `POST /people` checks a person; each refusal names its line. In
/// `all_or_nothing` mode one bad row answers 422 and creates nobody.
#[utoipa::path(
    tag = "wards",
    operation_id = "importResidents",
    params(("code" = String, Path, description = "The ward's code"), ImportParams),
    request_body(content = String, content_type = "text/csv"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was created and what was refused", body = ResidentImportReport),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not an officer of this ward", body = Problem),
        (status = 404, description = "No such ward", body = Problem),
        (status = 422, description = "The file cannot be read, or (all or nothing) a row is refused", body = Problem),
    )
)]
#[post("/wards/{code}/residents/import")]
pub async fn import_residents(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    params: web::Query<ImportParams>,
    payload: web::Payload,
) -> Result<web::Json<ResidentImportReport>, ApiError> {
    let ward = ward_office(&state, &principal, &path.into_inner()).await?;
    let body = super::read_upload(payload, IMPORT_LIMIT).await?;
    let all_or_nothing = match params.mode.as_deref() {
        None | Some("all_or_nothing") => true,
        Some("good_rows") => false,
        Some(_) => {
            return Err(ApiError::field(
                "mode",
                "unknown_mode",
                "mode is all_or_nothing or good_rows",
            ));
        }
    };
    let (rows, mut rejected) = read_rows(&body, &ward.code)?;

    // Every row is checked before anything is written.
    let mut valid = Vec::new();
    let mut documents = HashSet::new();
    for (line, input) in rows {
        let mut errors = FieldErrors::new();
        let person = input.check("", &mut errors);
        let mut errors = errors.into_vec();
        if let Some(person) = &person
            && !documents.insert(person.document.as_str().to_owned())
        {
            errors.push(FieldError::new(
                "document_number",
                "duplicate_in_file",
                "this document number is on an earlier line of the file",
            ));
        }
        match person {
            Some(person) if errors.is_empty() => valid.push((line, person)),
            _ => rejected.push(RejectedResident { line, errors }),
        }
    }
    if all_or_nothing && !rejected.is_empty() {
        return Err(refused(rejected));
    }

    let outcome = state
        .db
        .transaction(move |conn| {
            let mut created = Vec::new();
            for (line, person) in valid {
                // A savepoint per row: a refused row leaves the others intact.
                match conn.transaction(|conn| insert_person(conn, person, None, "ward_code")) {
                    Ok(person) => created.push(ImportedResident {
                        line,
                        person_id: person.public_id,
                    }),
                    Err(err @ ApiError::Conflict { .. }) => rejected.push(RejectedResident {
                        line,
                        errors: vec![FieldError::new(
                            "document_number",
                            err.code(),
                            err.problem().detail,
                        )],
                    }),
                    Err(err) => return Err(err),
                }
            }
            if all_or_nothing && !rejected.is_empty() {
                return Err(refused(rejected));
            }
            rejected.sort_by_key(|row| row.line);
            Ok(ResidentImportReport {
                mode: if all_or_nothing {
                    "all_or_nothing"
                } else {
                    "good_rows"
                }
                .to_owned(),
                committed: true,
                created,
                rejected,
            })
        })
        .await?;
    tracing::info!(
        created = outcome.created.len(),
        rejected = outcome.rejected.len(),
        "residents.imported"
    );
    Ok(web::Json(outcome))
}

/// The answer of an all-or-nothing import with refused rows: every
/// failure, named `line.<n>.<field>`.
fn refused(mut rejected: Vec<RejectedResident>) -> ApiError {
    rejected.sort_by_key(|row| row.line);
    ApiError::Validation(
        rejected
            .into_iter()
            .flat_map(|row| {
                row.errors.into_iter().map(move |error| {
                    FieldError::new(
                        format!("line.{}.{}", row.line, error.field),
                        error.code,
                        format!("line {}: {}", row.line, error.message),
                    )
                })
            })
            .collect(),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PrintCardsRequest {
    /// The residents to print, in order: 1 to 500 ids of people of this ward.
    pub person_ids: Vec<String>,
}

/// Print residents' personal QR cards: a PDF of A4 sheets.
///
/// Twelve cards a sheet, each a 5 × 5 cm QR with the name, the masked
/// document number and the ward, and a light frame to cut along.
#[utoipa::path(
    tag = "wards",
    operation_id = "printCards",
    params(
        ("code" = String, Path, description = "The ward's code"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    request_body = PrintCardsRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sheets", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not an officer of this ward", body = Problem),
        (status = 404, description = "No such ward", body = Problem),
        (status = 422, description = "No ids, too many, ids of people not in this ward, or no purpose stated", body = Problem),
    )
)]
#[post("/wards/{code}/cards.pdf")]
pub async fn print_cards(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
    body: web::Json<PrintCardsRequest>,
) -> Result<HttpResponse, ApiError> {
    let ward = ward_office(&state, &principal, &path.into_inner()).await?;
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let ids = body.into_inner().person_ids;
    if ids.is_empty() || ids.len() > PRINT_CARDS {
        return Err(ApiError::field(
            "person_ids",
            "out_of_range",
            format!("print 1 to {PRINT_CARDS} cards at a time"),
        ));
    }
    let app = state.clone();
    let cards = state
        .db
        .transaction(move |conn| {
            let (cards, people) = cards_of(conn, &app, &ward, &ids)?;
            // Each printed card is the person's signed QR, issued to the office.
            let access = Access::new(AccessKind::QrRead, purpose.as_deref());
            access_log::record_many(conn, &principal, &people, &access)?;
            Ok(cards)
        })
        .await?;
    let count = cards.len();
    let pdf = web::block(move || print::cards_pdf(&cards))
        .await
        .map_err(|err| ApiError::internal(format!("blocking task failed: {err}")))??;
    tracing::info!(cards = count, "cards.printed");
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"qr-cards.pdf\"",
        ))
        .body(pdf))
}

fn cards_of(
    conn: &mut DbConnection,
    state: &AppState,
    ward: &reference::Ward,
    ids: &[String],
) -> Result<(Vec<Card>, Vec<i64>), ApiError> {
    let scope = crate::auth::PersonScope::Ward(ward.code.clone());
    let mut errors = FieldErrors::new();
    let mut cards = Vec::new();
    let mut people_ids = Vec::new();
    let now = Utc::now();
    for (index, id) in ids.iter().enumerate() {
        let Some(person) = people::find(conn, &scope, id)? else {
            errors.push(
                &format!("person_ids.{index}"),
                "unknown_person",
                "no resident of this ward has this id",
            );
            continue;
        };
        let (code, _) = issue_for(conn, state, &person, now)?;
        people_ids.push(person.id);
        cards.push(Card {
            payload: code.payload,
            full_name: person.full_name.clone(),
            document_masked: mask_document_text(&person.document_number),
            ward_name: ward.name.clone(),
        });
    }
    errors.finish()?;
    Ok((cards, people_ids))
}
