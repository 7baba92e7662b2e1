//! Integrators: API keys (stored as hashes, scoped, revocable), the import
//! jobs they run with their progress, and the lookups that make imports
//! idempotent by the source system's record id.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::DbConnection;
use super::schema::{api_keys, import_jobs, test_results, vaccinations};
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    pub source: String,
    pub key_prefix: String,
    pub key_hash: String,
    pub scopes: String,
    pub created_by_account_id: i64,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiKey {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split(',').any(|s| s == scope)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey {
    pub public_id: String,
    pub name: String,
    pub source: String,
    pub key_prefix: String,
    pub key_hash: String,
    pub scopes: String,
    pub created_by_account_id: i64,
    pub created_at: NaiveDateTime,
}

/// The stored form of an API key.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

pub fn insert_key(conn: &mut DbConnection, key: &NewApiKey) -> Result<ApiKey, ApiError> {
    match diesel::insert_into(api_keys::table)
        .values(key)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => Err(ApiError::conflict(
            "duplicate_source",
            "Another live or revoked key already uses this source name; choose another.",
        )),
        other => other.map_err(ApiError::from),
    }?;
    key_by_public_id(conn, &key.public_id)?
        .ok_or_else(|| ApiError::internal("inserted API key not found"))
}

pub fn key_by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
) -> Result<Option<ApiKey>, ApiError> {
    Ok(api_keys::table
        .filter(api_keys::public_id.eq(public_id))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?)
}

/// The live key whose secret is `key`.
pub fn live_key(conn: &mut DbConnection, key: &str) -> Result<Option<ApiKey>, ApiError> {
    Ok(api_keys::table
        .filter(api_keys::key_hash.eq(key_hash(key)))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?)
}

pub fn keys(conn: &mut DbConnection) -> Result<Vec<ApiKey>, ApiError> {
    Ok(api_keys::table
        .order(api_keys::id)
        .select(ApiKey::as_select())
        .load(conn)?)
}

pub fn revoke_key(conn: &mut DbConnection, id: i64) -> Result<ApiKey, ApiError> {
    diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(super::now())))
    .execute(conn)?;
    Ok(api_keys::table
        .find(id)
        .select(ApiKey::as_select())
        .first(conn)?)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = import_jobs)]
pub struct ImportJob {
    pub id: i64,
    pub public_id: String,
    pub api_key_id: Option<i64>,
    pub account_id: Option<i64>,
    pub kind: String,
    pub state: String,
    pub total: i32,
    pub processed: i32,
    pub created: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = import_jobs)]
pub struct NewImportJob {
    pub public_id: String,
    pub api_key_id: Option<i64>,
    pub account_id: Option<i64>,
    pub kind: String,
    pub state: String,
    pub total: i32,
    pub processed: i32,
    pub created: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub started_at: NaiveDateTime,
}

pub fn insert_job(conn: &mut DbConnection, job: &NewImportJob) -> Result<ImportJob, ApiError> {
    diesel::insert_into(import_jobs::table)
        .values(job)
        .execute(conn)?;
    job_by_public_id(conn, &job.public_id)?
        .ok_or_else(|| ApiError::internal("inserted import job not found"))
}

pub fn job_by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
) -> Result<Option<ImportJob>, ApiError> {
    Ok(import_jobs::table
        .filter(import_jobs::public_id.eq(public_id))
        .select(ImportJob::as_select())
        .first(conn)
        .optional()?)
}

/// Adds a committed chunk's counts to the job's progress.
pub fn add_progress(
    conn: &mut DbConnection,
    id: i64,
    created: i32,
    unchanged: i32,
    rejected: i32,
) -> Result<(), ApiError> {
    diesel::update(import_jobs::table.find(id))
        .set((
            import_jobs::processed.eq(import_jobs::processed + created + unchanged + rejected),
            import_jobs::created.eq(import_jobs::created + created),
            import_jobs::unchanged.eq(import_jobs::unchanged + unchanged),
            import_jobs::rejected.eq(import_jobs::rejected + rejected),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn finish_job(conn: &mut DbConnection, id: i64) -> Result<ImportJob, ApiError> {
    end_job(conn, id, "done")
}

/// Marks a job that stopped on an error: the chunks before it stay
/// committed, and sending the file again completes it.
pub fn fail_job(conn: &mut DbConnection, id: i64) -> Result<ImportJob, ApiError> {
    end_job(conn, id, "failed")
}

fn end_job(conn: &mut DbConnection, id: i64, state: &str) -> Result<ImportJob, ApiError> {
    diesel::update(import_jobs::table.find(id))
        .set((
            import_jobs::state.eq(state),
            import_jobs::finished_at.eq(Some(super::now())),
        ))
        .execute(conn)?;
    Ok(import_jobs::table
        .find(id)
        .select(ImportJob::as_select())
        .first(conn)?)
}

/// The dose a source already sent under `record_id`.
pub fn vaccination_from(
    conn: &mut DbConnection,
    source: &str,
    record_id: &str,
) -> Result<Option<super::health::Vaccination>, ApiError> {
    Ok(vaccinations::table
        .filter(vaccinations::source.eq(source))
        .filter(vaccinations::source_record_id.eq(record_id))
        .select(super::health::Vaccination::as_select())
        .first(conn)
        .optional()?)
}

/// The test result a source already sent under `record_id`.
pub fn test_from(
    conn: &mut DbConnection,
    source: &str,
    record_id: &str,
) -> Result<Option<super::health::TestResult>, ApiError> {
    Ok(test_results::table
        .filter(test_results::source.eq(source))
        .filter(test_results::source_record_id.eq(record_id))
        .select(super::health::TestResult::as_select())
        .first(conn)
        .optional()?)
}

/// Tags a test result with the source record it came from.
pub fn tag_test(
    conn: &mut DbConnection,
    id: i64,
    source: &str,
    record_id: &str,
) -> Result<(), ApiError> {
    diesel::update(test_results::table.find(id))
        .set((
            test_results::source.eq(Some(source)),
            test_results::source_record_id.eq(Some(record_id)),
        ))
        .execute(conn)?;
    Ok(())
}
