//! Integrators: API keys that the city administrator creates, scopes and
//! revokes, and bulk imports of vaccination doses and test results, as
//! NDJSON or CSV, idempotent by the source system's record id.
//!
//! An integrator sends its key as the Bearer credential
//! (`Authorization: Bearer atk_…`); the city administrator's access token
//! works too. An import is read in chunks of [`CHUNK`] records, each chunk
//! committed with the job's progress, so `GET /imports/{id}` shows how far a
//! long import has come; sending the same file again changes nothing.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::fields;
use crate::auth::{Principal, Role};
use crate::db::{self, DbConnection, health, integrations, people, reference};
use crate::domain::identity::DocumentNumber;
use crate::error::{ApiError, FieldError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_api_key)
        .service(list_api_keys)
        .service(revoke_api_key)
        .service(import_vaccinations)
        .service(import_test_results)
        .service(get_import);
}

/// What a key may do.
pub const SCOPES: [&str; 2] = ["import_vaccinations", "import_test_results"];
const KEY_PREFIX: &str = "atk_";
/// Records per committed chunk.
pub const CHUNK: usize = 200;
/// The most records one import holds: a day of the city's vaccinations.
const IMPORT_RECORDS: usize = 200_000;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateApiKeyRequest {
    /// Who the key is for, e.g. "Cổng thông tin tiêm chủng".
    pub name: String,
    /// The source name its records carry, e.g. `national_portal`:
    /// lower-case letters, digits and `_`; unique among keys.
    pub source: String,
    /// Any of `import_vaccinations`, `import_test_results`.
    pub scopes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub source: String,
    pub scopes: Vec<String>,
    /// The key's first characters, to tell keys apart.
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKeyView {
    #[serde(flatten)]
    pub key: ApiKeyView,
    /// The key itself, shown this once; only its hash is kept.
    pub secret: String,
}

fn key_view(key: &integrations::ApiKey) -> ApiKeyView {
    ApiKeyView {
        id: key.public_id.clone(),
        name: key.name.clone(),
        source: key.source.clone(),
        scopes: key.scopes.split(',').map(str::to_owned).collect(),
        key_prefix: key.key_prefix.clone(),
        created_at: super::utc(key.created_at),
        revoked_at: key.revoked_at.map(super::utc),
    }
}

/// Create an API key for an integrator (city administrator).
#[utoipa::path(
    tag = "integrations",
    operation_id = "createApiKey",
    request_body = CreateApiKeyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the secret is shown once", body = CreatedApiKeyView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Only the city administrator manages keys", body = Problem),
        (status = 409, description = "The source name is taken", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let name = fields::required(&input.name, "name", 100, &mut errors);
    let source = input.source.trim().to_owned();
    if source.is_empty()
        || source.len() > 50
        || !source
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        errors.push(
            "source",
            "invalid_source",
            "source is 1 to 50 lower-case letters, digits and _",
        );
    } else if source == "staff" {
        errors.push(
            "source",
            "reserved_source",
            "staff is the source of records entered by officers",
        );
    }
    let mut scopes = input.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() || scopes.iter().any(|s| !SCOPES.contains(&s.as_str())) {
        errors.push(
            "scopes",
            "unknown_scope",
            format!("scopes are one or more of {}", SCOPES.join(", ")),
        );
    }
    errors.finish()?;

    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let new = integrations::NewApiKey {
        public_id: db::new_public_id(),
        name,
        source,
        key_prefix: secret.chars().take(10).collect(),
        key_hash: integrations::key_hash(&secret),
        scopes: scopes.join(","),
        created_by_account_id: principal.account_id,
        created_at: db::now(),
    };
    let key = state
        .db
        .transaction(move |conn| integrations::insert_key(conn, &new))
        .await?;
    tracing::info!(api_key.id = %key.public_id, "api_key.created");
    Ok(HttpResponse::Created().json(CreatedApiKeyView {
        key: key_view(&key),
        secret,
    }))
}

/// List the API keys, revoked ones included (city administrator).
#[utoipa::path(
    tag = "integrations",
    operation_id = "listApiKeys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The keys, oldest first", body = Vec<ApiKeyView>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Only the city administrator manages keys", body = Problem),
    )
)]
#[get("/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<web::Json<Vec<ApiKeyView>>, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    let keys = state.db.run(integrations::keys).await?;
    Ok(web::Json(keys.iter().map(key_view).collect()))
}

/// Revoke an API key (city administrator); it stops working at once.
#[utoipa::path(
    tag = "integrations",
    operation_id = "revokeApiKey",
    params(("id" = String, Path, description = "The key's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = ApiKeyView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Only the city administrator manages keys", body = Problem),
        (status = 404, description = "No such key", body = Problem),
    )
)]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    let public_id = path.into_inner();
    let key = state
        .db
        .transaction(move |conn| {
            let key = integrations::key_by_public_id(conn, &public_id)?
                .ok_or(ApiError::NotFound("API key"))?;
            integrations::revoke_key(conn, key.id)
        })
        .await?;
    tracing::info!(api_key.id = %key.public_id, "api_key.revoked");
    Ok(web::Json(key_view(&key)))
}

/// Who runs an import: a key (whose source the records carry) or the city
/// administrator (source `city_admin`).
#[derive(Clone, Debug)]
struct Importer {
    api_key_id: Option<i64>,
    account_id: Option<i64>,
    source: String,
}

fn bearer(request: &HttpRequest) -> Result<String, ApiError> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .ok_or(ApiError::Unauthenticated(
            "Send an API key or an access token as `Authorization: Bearer <credential>`.",
        ))
}

async fn importer(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    scope: &'static str,
) -> Result<Importer, ApiError> {
    let credential = bearer(request)?;
    if !credential.starts_with(KEY_PREFIX) {
        let principal = state.tokens.verify_access(&credential)?;
        principal.require(&[Role::CityAdmin])?;
        return Ok(Importer {
            api_key_id: None,
            account_id: Some(principal.account_id),
            source: "city_admin".to_owned(),
        });
    }
    let key = state
        .db
        .run(move |conn| integrations::live_key(conn, &credential))
        .await?
        .ok_or(ApiError::Unauthenticated(
            "This API key is unknown or revoked.",
        ))?;
    if !key.has_scope(scope) {
        return Err(ApiError::Forbidden(
            "This API key lacks the scope for this.",
        ));
    }
    Ok(Importer {
        api_key_id: Some(key.id),
        account_id: None,
        source: key.source,
    })
}

/// What happened to one record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResult {
    /// The record's line in the file (CSV: counting the header as line 1).
    pub line: u64,
    pub source_record_id: Option<String>,
    /// `created`, `unchanged` (already imported with the same values) or `rejected`.
    pub outcome: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJobView {
    pub id: String,
    /// `vaccinations` or `test_results`.
    pub kind: String,
    /// `running`, `done`, or `failed` when an error stopped it: the records
    /// processed before it are kept, and sending the file again completes
    /// the import.
    pub state: String,
    pub total: i32,
    pub processed: i32,
    pub created: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// One result per record, in file order; empty when reading progress.
    pub results: Vec<RecordResult>,
}

fn job_view(job: &integrations::ImportJob, results: Vec<RecordResult>) -> ImportJobView {
    ImportJobView {
        id: job.public_id.clone(),
        kind: job.kind.clone(),
        state: job.state.clone(),
        total: job.total,
        processed: job.processed,
        created: job.created,
        unchanged: job.unchanged,
        rejected: job.rejected,
        started_at: super::utc(job.started_at),
        finished_at: job.finished_at.map(super::utc),
        results,
    }
}

/// A dose as an integrator sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VaccinationRecord {
    /// The source system's id of this record; the same id is imported once.
    pub source_record_id: String,
    pub document_number: String,
    pub vaccine_code: String,
    pub dose_number: i32,
    pub administered_on: NaiveDate,
    pub place: Option<String>,
    pub lot: Option<String>,
}

/// A test result as an integrator sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TestResultRecord {
    pub source_record_id: String,
    pub document_number: String,
    /// `pcr` or `rapid_antigen`.
    pub kind: String,
    pub sampled_at: DateTime<Utc>,
    /// `positive` or `negative`.
    pub result: String,
    pub facility: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportFormat {
    /// `ndjson` (one JSON record a line) or `csv` (a header row naming the
    /// fields); read from the Content-Type when omitted.
    pub format: Option<String>,
}

/// The records of a file in order: their line, and the record or why it
/// cannot be read.
type Parsed<T> = Vec<(u64, Result<T, String>)>;

/// Parses the body into records.
fn parse<T: serde::de::DeserializeOwned>(
    body: &[u8],
    format: Option<&str>,
    request: &HttpRequest,
) -> Result<Parsed<T>, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let csv = match format {
        Some("csv") => true,
        Some("ndjson") => false,
        Some(_) => {
            return Err(ApiError::field(
                "format",
                "unknown_format",
                "format is ndjson or csv",
            ));
        }
        None => content_type.starts_with("text/csv"),
    };
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::field("file", "malformed_file", "the file must be UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records: Parsed<T> = if csv {
        crate::csv::reader(text, false)
            .deserialize::<T>()
            .enumerate()
            .map(|(index, record)| {
                let line = record
                    .as_ref()
                    .err()
                    .and_then(|err| err.position())
                    .map_or(index as u64 + 2, |p| p.line());
                (line, record.map_err(|err| err.to_string()))
            })
            .collect()
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, line)| {
                (
                    index as u64 + 1,
                    serde_json::from_str::<T>(line).map_err(|err| err.to_string()),
                )
            })
            .collect()
    };
    if records.len() > IMPORT_RECORDS {
        return Err(ApiError::field(
            "file",
            "too_many_records",
            format!("an import holds at most {IMPORT_RECORDS} records; split the file"),
        ));
    }
    Ok(records)
}

/// The person a record names, by document number in any typed form.
fn person_of(
    conn: &mut DbConnection,
    document: &str,
) -> Result<Result<people::Person, FieldError>, ApiError> {
    let Ok(document) = DocumentNumber::detect(&super::typed_document(document)) else {
        return Ok(Err(FieldError::new(
            "document_number",
            "invalid_document",
            "not a CCCD, CMND or passport number",
        )));
    };
    Ok(
        people::by_document(conn, document.as_str())?.ok_or_else(|| {
            FieldError::new(
                "document_number",
                "unknown_person",
                "no person with this document number is registered",
            )
        }),
    )
}

enum Outcome {
    Created,
    Unchanged,
    Rejected(Vec<FieldError>),
}

fn rejected(field: &str, code: &str, message: impl Into<String>) -> Outcome {
    Outcome::Rejected(vec![FieldError::new(field, code, message)])
}

fn import_vaccination(
    conn: &mut DbConnection,
    importer: &Importer,
    record: VaccinationRecord,
) -> Result<Outcome, ApiError> {
    let mut errors = FieldErrors::new();
    let record_id = fields::token(
        Some(record.source_record_id.clone()),
        "source_record_id",
        100,
        &mut errors,
    );
    if !(1..=10).contains(&record.dose_number) {
        errors.push(
            "dose_number",
            "out_of_range",
            "dose_number is between 1 and 10",
        );
    }
    super::health::check_dose_date(record.administered_on, &mut errors);
    let place = fields::optional(record.place, "place", 200, &mut errors);
    let lot = fields::optional(record.lot, "lot", 50, &mut errors);
    if !errors.is_empty() {
        return Ok(Outcome::Rejected(errors.into_vec()));
    }
    let Some(record_id) = record_id else {
        return Ok(rejected(
            "source_record_id",
            "required",
            "source_record_id is required",
        ));
    };
    let person = match person_of(conn, &record.document_number)? {
        Ok(person) => person,
        Err(error) => return Ok(Outcome::Rejected(vec![error])),
    };
    if let Some(existing) = integrations::vaccination_from(conn, &importer.source, &record_id)? {
        // A correction removed it: sending it again does not bring it back.
        if existing.removed_at.is_some() {
            return Ok(rejected(
                "source_record_id",
                "removed_record",
                "this record was removed by a correction request and is not imported again; \
                 correct it at the source",
            ));
        }
        let same = existing.person_id == person.id
            && existing.vaccine_code == record.vaccine_code
            && existing.dose_number == record.dose_number
            && existing.administered_on == record.administered_on;
        return Ok(if same {
            Outcome::Unchanged
        } else {
            rejected(
                "source_record_id",
                "changed_record",
                "this record id was imported with other values; a wrong dose is corrected \
                 through a correction request, not sent again",
            )
        });
    }
    if reference::vaccine(conn, &record.vaccine_code)?.is_none() {
        return Ok(rejected(
            "vaccine_code",
            "unknown_vaccine",
            "not in the vaccine catalogue; see GET /api/v1/vaccines",
        ));
    }
    let dose = health::NewVaccination {
        public_id: db::new_public_id(),
        person_id: person.id,
        vaccine_code: record.vaccine_code,
        dose_number: record.dose_number,
        administered_on: record.administered_on,
        place,
        lot,
        source: importer.source.clone(),
        source_record_id: Some(record_id),
        recorded_by_account_id: importer.account_id,
        created_at: db::now(),
    };
    // A savepoint, so that a refused dose leaves the chunk usable.
    match diesel::Connection::transaction(conn, |conn| health::insert_vaccination(conn, &dose)) {
        Ok(_) => Ok(Outcome::Created),
        Err(err @ ApiError::Conflict { .. }) => {
            Ok(rejected("dose_number", err.code(), err.problem().detail))
        }
        Err(err) => Err(err),
    }
}

fn import_test(
    conn: &mut DbConnection,
    importer: &Importer,
    record: TestResultRecord,
) -> Result<Outcome, ApiError> {
    let mut errors = FieldErrors::new();
    let record_id = fields::token(
        Some(record.source_record_id.clone()),
        "source_record_id",
        100,
        &mut errors,
    );
    if !matches!(record.kind.as_str(), "pcr" | "rapid_antigen") {
        errors.push("kind", "unknown_test_kind", "kind is pcr or rapid_antigen");
    }
    let positive = match record.result.as_str() {
        "positive" => true,
        "negative" => false,
        _ => {
            errors.push("result", "unknown_result", "result is positive or negative");
            false
        }
    };
    fields::instant(
        record.sampled_at,
        Utc::now() + chrono::Duration::minutes(5),
        "sampled_at",
        &mut errors,
    );
    let facility = fields::optional(record.facility, "facility", 200, &mut errors);
    if !errors.is_empty() {
        return Ok(Outcome::Rejected(errors.into_vec()));
    }
    let Some(record_id) = record_id else {
        return Ok(rejected(
            "source_record_id",
            "required",
            "source_record_id is required",
        ));
    };
    let person = match person_of(conn, &record.document_number)? {
        Ok(person) => person,
        Err(error) => return Ok(Outcome::Rejected(vec![error])),
    };
    let sampled_at = db::truncate_to_micros(record.sampled_at.naive_utc());
    if let Some(existing) = integrations::test_from(conn, &importer.source, &record_id)? {
        let same = existing.person_id == person.id
            && existing.kind == record.kind
            && existing.positive == positive
            && existing.sampled_at == sampled_at;
        return Ok(if same {
            Outcome::Unchanged
        } else {
            rejected(
                "source_record_id",
                "changed_record",
                "this record id was imported with other values",
            )
        });
    }
    let test = health::insert_test(
        conn,
        &health::NewTestResult {
            public_id: db::new_public_id(),
            person_id: person.id,
            kind: record.kind,
            sampled_at,
            positive,
            facility,
            recorded_by_account_id: importer.account_id,
            created_at: db::now(),
        },
    )?;
    integrations::tag_test(conn, test.id, &importer.source, &record_id)?;
    Ok(Outcome::Created)
}

/// Runs an import: a job row, then each chunk in its own transaction with
/// the job's progress, then the job marked done.
async fn run_import<T, F>(
    state: &web::Data<AppState>,
    importer: Importer,
    kind: &'static str,
    records: Parsed<T>,
    import_one: F,
) -> Result<ImportJobView, ApiError>
where
    T: Send + 'static,
    F: Fn(&mut DbConnection, &Importer, T) -> Result<Outcome, ApiError> + Send + Copy + 'static,
{
    let total = i32::try_from(records.len()).unwrap_or(i32::MAX);
    let job = integrations::NewImportJob {
        public_id: db::new_public_id(),
        api_key_id: importer.api_key_id,
        account_id: importer.account_id,
        kind: kind.to_owned(),
        state: "running".to_owned(),
        total,
        processed: 0,
        created: 0,
        unchanged: 0,
        rejected: 0,
        started_at: db::now(),
    };
    let job = state
        .db
        .transaction(move |conn| integrations::insert_job(conn, &job))
        .await?;
    let mut results = Vec::with_capacity(records.len());
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let chunk: Parsed<T> = records.by_ref().take(CHUNK).collect();
        let importer = importer.clone();
        let job_id = job.id;
        let chunk_results = state
            .db
            .transaction(move |conn| {
                let mut results = Vec::with_capacity(chunk.len());
                let (mut created, mut unchanged, mut refused) = (0, 0, 0);
                for (line, record) in chunk {
                    let (record_id, outcome) = match record {
                        Err(message) => (None, rejected("record", "malformed_record", message)),
                        Ok(record) => (None, import_one(conn, &importer, record)?),
                    };
                    let (outcome, errors) = match outcome {
                        Outcome::Created => {
                            created += 1;
                            ("created", Vec::new())
                        }
                        Outcome::Unchanged => {
                            unchanged += 1;
                            ("unchanged", Vec::new())
                        }
                        Outcome::Rejected(errors) => {
                            refused += 1;
                            ("rejected", errors)
                        }
                    };
                    results.push(RecordResult {
                        line,
                        source_record_id: record_id,
                        outcome: outcome.to_owned(),
                        errors,
                    });
                }
                integrations::add_progress(conn, job_id, created, unchanged, refused)?;
                Ok(results)
            })
            .await;
        match chunk_results {
            Ok(chunk_results) => results.extend(chunk_results),
            Err(err) => {
                // A job left `running` would say forever that it is still
                // going; the error itself is the caller's answer.
                let _ = state
                    .db
                    .transaction(move |conn| integrations::fail_job(conn, job_id))
                    .await;
                return Err(err);
            }
        }
    }
    let job_id = job.id;
    let job = state
        .db
        .transaction(move |conn| integrations::finish_job(conn, job_id))
        .await?;
    tracing::info!(
        import.id = %job.public_id,
        import.kind = kind,
        import.created = job.created,
        import.unchanged = job.unchanged,
        import.rejected = job.rejected,
        "import.done"
    );
    Ok(job_view(&job, results))
}

/// Import vaccination doses (key scope `import_vaccinations`).
///
/// NDJSON (`application/x-ndjson`) or CSV (`text/csv`) records of
/// [`VaccinationRecord`]. A record whose `source_record_id` this source
/// already sent is `unchanged`; each record gets its own result.
#[utoipa::path(
    tag = "integrations",
    operation_id = "importVaccinations",
    params(ImportFormat),
    request_body(content(
        (String = "application/x-ndjson"),
        (String = "text/csv"),
    )),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job and a result per record", body = ImportJobView),
        (status = 401, description = "No valid API key or access token", body = Problem),
        (status = 403, description = "The key lacks the scope, or the account is not the city's", body = Problem),
        (status = 413, description = "The file is larger than 32 MiB", body = Problem),
        (status = 422, description = "The file cannot be read", body = Problem),
    )
)]
#[post("/imports/vaccinations")]
pub async fn import_vaccinations(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ImportFormat>,
    payload: web::Payload,
) -> Result<web::Json<ImportJobView>, ApiError> {
    let importer = importer(&state, &request, "import_vaccinations").await?;
    let body = super::read_upload(payload, state.settings.max_body_bytes).await?;
    let records = parse::<VaccinationRecord>(&body, query.format.as_deref(), &request)?;
    let ids: Vec<Option<String>> = records
        .iter()
        .map(|(_, r)| r.as_ref().ok().map(|r| r.source_record_id.clone()))
        .collect();
    let mut view = run_import(
        &state,
        importer,
        "vaccinations",
        records,
        import_vaccination,
    )
    .await?;
    for (result, id) in view.results.iter_mut().zip(ids) {
        result.source_record_id = id;
    }
    Ok(web::Json(view))
}

/// Import test results (key scope `import_test_results`).
///
/// NDJSON or CSV records of [`TestResultRecord`], idempotent by
/// `source_record_id` like the vaccination import.
#[utoipa::path(
    tag = "integrations",
    operation_id = "importTestResults",
    params(ImportFormat),
    request_body(content(
        (String = "application/x-ndjson"),
        (String = "text/csv"),
    )),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job and a result per record", body = ImportJobView),
        (status = 401, description = "No valid API key or access token", body = Problem),
        (status = 403, description = "The key lacks the scope, or the account is not the city's", body = Problem),
        (status = 413, description = "The file is larger than 32 MiB", body = Problem),
        (status = 422, description = "The file cannot be read", body = Problem),
    )
)]
#[post("/imports/test-results")]
pub async fn import_test_results(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ImportFormat>,
    payload: web::Payload,
) -> Result<web::Json<ImportJobView>, ApiError> {
    let importer = importer(&state, &request, "import_test_results").await?;
    let body = super::read_upload(payload, state.settings.max_body_bytes).await?;
    let records = parse::<TestResultRecord>(&body, query.format.as_deref(), &request)?;
    let ids: Vec<Option<String>> = records
        .iter()
        .map(|(_, r)| r.as_ref().ok().map(|r| r.source_record_id.clone()))
        .collect();
    let mut view = run_import(&state, importer, "test_results", records, import_test).await?;
    for (result, id) in view.results.iter_mut().zip(ids) {
        result.source_record_id = id;
    }
    Ok(web::Json(view))
}

/// The progress of an import (the key or account that started it).
#[utoipa::path(
    tag = "integrations",
    operation_id = "getImport",
    params(("id" = String, Path, description = "The import's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job's counts so far", body = ImportJobView),
        (status = 401, description = "No valid API key or access token", body = Problem),
        (status = 403, description = "The account is not the city's", body = Problem),
        (status = 404, description = "No such import of this caller", body = Problem),
    )
)]
#[get("/imports/{id}")]
pub async fn get_import(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<web::Json<ImportJobView>, ApiError> {
    let credential = bearer(&request)?;
    let public_id = path.into_inner();
    let (key_id, admin) = if credential.starts_with(KEY_PREFIX) {
        let key = state
            .db
            .run(move |conn| integrations::live_key(conn, &credential))
            .await?
            .ok_or(ApiError::Unauthenticated(
                "This API key is unknown or revoked.",
            ))?;
        (Some(key.id), false)
    } else {
        let principal = state.tokens.verify_access(&credential)?;
        principal.require(&[Role::CityAdmin])?;
        (None, true)
    };
    let job = state
        .db
        .run(move |conn| integrations::job_by_public_id(conn, &public_id))
        .await?
        .filter(|job| admin || (key_id.is_some() && job.api_key_id == key_id))
        .ok_or(ApiError::NotFound("import"))?;
    Ok(web::Json(job_view(&job, Vec::new())))
}
