//! Legacy codes: organizations that received a code on the earlier
//! declaration portal keep it. The city imports a CSV of them; each becomes
//! an organization whose code is the legacy code, with a main checkpoint
//! whose location code is that same code, so posters printed with it keep
//! checking people in and staff keep scanning there.

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::organizations::check_tax_code;
use crate::auth::{Principal, Role};
use crate::db::{self, DbConnection, organizations, reference};
use crate::domain::identity::{PhoneNumber, WardCode};
use crate::error::{ApiError, FieldError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(import_legacy_organizations);
}

/// The largest import file read: about 20,000 organizations.
pub const IMPORT_LIMIT: usize = 4 * 1024 * 1024;

const COLUMNS: [&str; 7] = [
    "legacy_code",
    "tax_code",
    "name",
    "address",
    "ward_code",
    "sector",
    "contact_phone",
];
const OPTIONAL_COLUMNS: [&str; 1] = ["checkpoint_name"];

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any rejected row rejects the whole file, and nothing is written.
    #[default]
    AllOrNothing,
    /// The good rows are imported; the rejected ones are reported.
    GoodRows,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `all_or_nothing` (the default) or `good_rows`.
    pub mode: Option<ImportMode>,
}

/// One rejected row.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRow {
    /// The line of the file the row starts on (the header is line 1).
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// One imported organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedOrganization {
    pub line: usize,
    pub organization_id: String,
    /// The legacy code, kept as the organization's code and its main checkpoint's location code.
    pub code: String,
    pub checkpoint_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub mode: ImportMode,
    /// Data rows read (the header not counted).
    pub rows: usize,
    pub imported: Vec<ImportedOrganization>,
    pub rejected: Vec<RejectedRow>,
}

/// A row that passed every check that needs no database.
struct LegacyRow {
    line: usize,
    code: String,
    tax_code: String,
    name: String,
    address: String,
    ward: WardCode,
    sector: String,
    phone: PhoneNumber,
    checkpoint_name: String,
}

fn check_row(line: usize, cell: impl Fn(&str) -> String) -> Result<LegacyRow, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let code = cell("legacy_code").trim().to_uppercase();
    if !(3..=40).contains(&code.len())
        || !code.bytes().all(|b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
    {
        errors.push(
            "legacy_code",
            "invalid_legacy_code",
            "a legacy code has 3 to 40 letters, digits, dashes, dots or underscores",
        );
    }
    let tax_code = cell("tax_code").trim().to_owned();
    if !check_tax_code(&tax_code) {
        errors.push(
            "tax_code",
            "invalid_tax_code",
            "a tax code has 10 digits, or 10-3 for a branch",
        );
    }
    let name = super::fields::required(&cell("name"), "name", 200, &mut errors);
    let address = super::fields::required(&cell("address"), "address", 300, &mut errors);
    let sector = super::fields::required(&cell("sector"), "sector", 50, &mut errors);
    let ward = errors.check("ward_code", WardCode::parse(cell("ward_code").trim()));
    let phone = errors.check(
        "contact_phone",
        PhoneNumber::parse(cell("contact_phone").trim()),
    );
    let checkpoint = cell("checkpoint_name");
    let checkpoint_name = if checkpoint.trim().is_empty() {
        "Cổng chính".to_owned()
    } else {
        super::fields::required(&checkpoint, "checkpoint_name", 100, &mut errors)
    };
    match (errors.into_vec(), ward, phone) {
        (errors, Some(ward), Some(phone)) if errors.is_empty() => Ok(LegacyRow {
            line,
            code,
            tax_code,
            name,
            address,
            ward,
            sector,
            phone,
            checkpoint_name,
        }),
        (errors, _, _) => Err(errors),
    }
}

/// What became of one row.
type RowOutcome = Result<ImportedOrganization, Vec<FieldError>>;

/// Writes one row in a savepoint: a row the database refuses leaves nothing.
fn import_row(conn: &mut DbConnection, row: LegacyRow) -> Result<RowOutcome, ApiError> {
    let refuse =
        |field: &str, code: &str, message: &str| vec![FieldError::new(field, code, message)];
    let taken = || {
        refuse(
            "legacy_code",
            "legacy_code_taken",
            "an organization or a location code already has this code",
        )
    };
    let outcome = db::savepoint(conn, |conn| {
        if reference::ward(conn, row.ward.as_str())?.is_none() {
            return Ok(Err(refuse(
                "ward_code",
                "unknown_ward",
                "there is no ward with this code",
            )));
        }
        if organizations::code_in_use(conn, &row.code)? {
            return Ok(Err(taken()));
        }
        let now = db::now();
        let organization = organizations::insert(
            conn,
            &organizations::NewOrganization {
                public_id: db::new_public_id(),
                code: row.code.clone(),
                tax_code: row.tax_code,
                name: row.name,
                address: row.address,
                ward_code: row.ward.as_str().to_owned(),
                sector: row.sector,
                contact_phone: row.phone.as_str().to_owned(),
                created_at: now,
            },
        )?;
        let checkpoint = organizations::insert_checkpoint(
            conn,
            &organizations::NewCheckpoint {
                public_id: db::new_public_id(),
                organization_id: organization.id,
                name: row.checkpoint_name,
                description: Some(
                    "Imported with the legacy code of the earlier declaration portal".into(),
                ),
                created_at: now,
                max_stay_minutes: super::organizations::DEFAULT_MAX_STAY_MINUTES,
            },
        )?;
        organizations::add_location_code(conn, checkpoint.id, &row.code)?;
        Ok::<_, ApiError>(Ok(ImportedOrganization {
            line: row.line,
            organization_id: organization.public_id,
            code: row.code,
            checkpoint_id: checkpoint.public_id,
        }))
    });
    match outcome {
        // Another import took the code between the check and the insert.
        Err(ApiError::Conflict { .. }) => Ok(Err(taken())),
        other => other,
    }
}

/// Import organizations with their legacy codes from CSV (the city).
///
/// The file has a header line naming the columns `legacy_code`, `tax_code`,
/// `name`, `address`, `ward_code`, `sector`, `contact_phone` and optionally
/// `checkpoint_name` (the main checkpoint, "Cổng chính" when empty), in any
/// order. Every rejected row is reported with its line and reason; with
/// `mode=all_or_nothing` any rejection writes nothing and answers 422.
#[utoipa::path(
    tag = "organizations",
    operation_id = "importLegacyOrganizations",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was imported and what was rejected", body = ImportReport),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not the city administrator", body = Problem),
        (status = 413, description = "The file is too large", body = Problem),
        (status = 422, description = "Unreadable file, or rejected rows with mode=all_or_nothing", body = Problem),
    )
)]
#[post("/organizations/legacy-imports")]
pub async fn import_legacy_organizations(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<web::Json<ImportReport>, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    let body = super::read_upload(payload, IMPORT_LIMIT).await?;
    let mode = query.mode.unwrap_or_default();
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::field("body", "not_utf8", "the file must be UTF-8 text"))?;
    let records = crate::csv::read(text).map_err(|err| {
        ApiError::field(&format!("line {}", err.line), "malformed_csv", err.message)
    })?;
    let (header, rows) = records
        .split_first()
        .ok_or_else(|| ApiError::field("body", "empty_file", "the file has no header line"))?;
    let names: Vec<String> = header
        .cells
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let mut errors = FieldErrors::new();
    for name in &names {
        if !COLUMNS.contains(&name.as_str()) && !OPTIONAL_COLUMNS.contains(&name.as_str()) {
            errors.push(
                "line 1",
                "unknown_column",
                format!("{name:?} is not a column of this import"),
            );
        }
    }
    for column in COLUMNS {
        if !names.iter().any(|n| n == column) {
            errors.push(
                "line 1",
                "missing_column",
                format!("the header lacks the column {column}"),
            );
        }
    }
    errors.finish()?;

    let mut checked = Vec::new();
    let mut rejected = Vec::new();
    for record in rows {
        if record.cells.len() != names.len() {
            rejected.push(RejectedRow {
                line: record.line,
                field: String::new(),
                code: "wrong_cell_count".to_owned(),
                message: format!(
                    "the row has {} cells; the header names {}",
                    record.cells.len(),
                    names.len()
                ),
            });
            continue;
        }
        let cell = |column: &str| {
            names
                .iter()
                .position(|n| n == column)
                .and_then(|i| record.cells.get(i))
                .cloned()
                .unwrap_or_default()
        };
        match check_row(record.line, cell) {
            Ok(row) => {
                if checked
                    .iter()
                    .any(|other: &LegacyRow| other.code == row.code)
                {
                    rejected.push(RejectedRow {
                        line: record.line,
                        field: "legacy_code".to_owned(),
                        code: "duplicate_in_file".to_owned(),
                        message: "an earlier row of this file has the same legacy code".to_owned(),
                    });
                } else {
                    checked.push(row);
                }
            }
            Err(problems) => rejected.extend(problems.into_iter().map(|p| RejectedRow {
                line: record.line,
                field: p.field,
                code: p.code,
                message: p.message,
            })),
        }
    }
    let row_count = rows.len();

    let report = state
        .db
        .transaction(move |conn| {
            let mut imported = Vec::new();
            for row in checked {
                let line = row.line;
                match import_row(conn, row)? {
                    Ok(organization) => imported.push(organization),
                    Err(problems) => rejected.extend(problems.into_iter().map(|p| RejectedRow {
                        line,
                        field: p.field,
                        code: p.code,
                        message: p.message,
                    })),
                }
            }
            rejected.sort_by_key(|r| r.line);
            if mode == ImportMode::AllOrNothing && !rejected.is_empty() {
                return Err(ApiError::Validation(
                    rejected
                        .into_iter()
                        .map(|r| {
                            let field = if r.field.is_empty() {
                                format!("line {}", r.line)
                            } else {
                                format!("line {}: {}", r.line, r.field)
                            };
                            FieldError::new(field, r.code, r.message)
                        })
                        .collect(),
                ));
            }
            Ok(ImportReport {
                mode,
                rows: row_count,
                imported,
                rejected,
            })
        })
        .await?;
    tracing::info!(
        import.imported = report.imported.len(),
        import.rejected = report.rejected.len(),
        "legacy_import.done"
    );
    Ok(web::Json(report))
}
