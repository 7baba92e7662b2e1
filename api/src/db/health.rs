//! A person's health records: vaccination doses, recoveries, test results
//! and health declarations, each stored as its own event. A dose or a
//! recovery that a correction showed to be wrong is kept, marked removed
//! with who, when and the request; every read here skips it.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    accounts, health_declarations, recoveries, test_results, vaccinations, vaccines,
};
use crate::domain::correction::CorrectionKind;
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = vaccinations)]
pub struct Vaccination {
    pub id: i64,
    pub public_id: String,
    pub person_id: i64,
    pub vaccine_code: String,
    pub dose_number: i32,
    pub administered_on: NaiveDate,
    pub place: Option<String>,
    pub lot: Option<String>,
    pub source: String,
    pub source_record_id: Option<String>,
    pub recorded_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
    pub removed_by_account_id: Option<i64>,
    pub removed_by_request_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = vaccinations)]
pub struct NewVaccination {
    pub public_id: String,
    pub person_id: i64,
    pub vaccine_code: String,
    pub dose_number: i32,
    pub administered_on: NaiveDate,
    pub place: Option<String>,
    pub lot: Option<String>,
    pub source: String,
    pub source_record_id: Option<String>,
    pub recorded_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = recoveries)]
pub struct Recovery {
    pub id: i64,
    pub public_id: String,
    pub person_id: i64,
    pub positive_on: NaiveDate,
    pub recovered_on: NaiveDate,
    pub certificate_number: Option<String>,
    pub recorded_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
    pub removed_by_account_id: Option<i64>,
    pub removed_by_request_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = recoveries)]
pub struct NewRecovery {
    pub public_id: String,
    pub person_id: i64,
    pub positive_on: NaiveDate,
    pub recovered_on: NaiveDate,
    pub certificate_number: Option<String>,
    pub recorded_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = test_results)]
pub struct TestResult {
    pub id: i64,
    pub public_id: String,
    pub person_id: i64,
    pub kind: String,
    pub sampled_at: NaiveDateTime,
    pub positive: bool,
    pub facility: Option<String>,
    pub recorded_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = test_results)]
pub struct NewTestResult {
    pub public_id: String,
    pub person_id: i64,
    pub kind: String,
    pub sampled_at: NaiveDateTime,
    pub positive: bool,
    pub facility: Option<String>,
    pub recorded_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = health_declarations)]
pub struct HealthDeclaration {
    pub id: i64,
    pub public_id: String,
    pub person_id: i64,
    pub declared_at: NaiveDateTime,
    pub symptoms: String,
    pub contact_with_case: bool,
    pub recent_travel: bool,
    pub note: Option<String>,
    pub declared_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = health_declarations)]
pub struct NewHealthDeclaration {
    pub public_id: String,
    pub person_id: i64,
    pub declared_at: NaiveDateTime,
    pub symptoms: String,
    pub contact_with_case: bool,
    pub recent_travel: bool,
    pub note: Option<String>,
    pub declared_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A dose with what the status rules need to know about its vaccine.
#[derive(Clone, Debug, Queryable)]
pub struct DoseFacts {
    pub vaccination: Vaccination,
    pub vaccine_name: String,
    pub primary_doses: i32,
}

/// Records a dose; a dose number the person already has is a 409.
pub fn insert_vaccination(
    conn: &mut DbConnection,
    dose: &NewVaccination,
) -> Result<Vaccination, ApiError> {
    match diesel::insert_into(vaccinations::table)
        .values(dose)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => Err(ApiError::conflict(
            "duplicate_dose",
            format!(
                "Dose {} is already recorded for this person; a wrong dose is corrected, not added again.",
                dose.dose_number
            ),
        )),
        other => other.map_err(ApiError::from),
    }?;
    Ok(vaccinations::table
        .filter(vaccinations::public_id.eq(&dose.public_id))
        .select(Vaccination::as_select())
        .first(conn)?)
}

/// Ids per `IN (...)` list of a batched read, well under the bound
/// parameters SQLite and PostgreSQL take in one statement.
pub const IN_CHUNK: usize = 500;

pub fn doses(conn: &mut DbConnection, person_id: i64) -> Result<Vec<DoseFacts>, ApiError> {
    doses_of(conn, &[person_id])
}

/// The doses of `person_ids` (at most [`IN_CHUNK`]), each person's in the
/// order given.
fn doses_of(conn: &mut DbConnection, person_ids: &[i64]) -> Result<Vec<DoseFacts>, ApiError> {
    Ok(vaccinations::table
        .inner_join(vaccines::table)
        .filter(vaccinations::person_id.eq_any(person_ids))
        .filter(vaccinations::removed_at.is_null())
        .order((
            vaccinations::person_id,
            vaccinations::administered_on,
            vaccinations::dose_number,
        ))
        .select((
            Vaccination::as_select(),
            vaccines::name,
            vaccines::primary_doses,
        ))
        .load::<(Vaccination, String, i32)>(conn)?
        .into_iter()
        .map(|(vaccination, vaccine_name, primary_doses)| DoseFacts {
            vaccination,
            vaccine_name,
            primary_doses,
        })
        .collect())
}

pub fn insert_recovery(
    conn: &mut DbConnection,
    recovery: &NewRecovery,
) -> Result<Recovery, ApiError> {
    diesel::insert_into(recoveries::table)
        .values(recovery)
        .execute(conn)?;
    Ok(recoveries::table
        .filter(recoveries::public_id.eq(&recovery.public_id))
        .select(Recovery::as_select())
        .first(conn)?)
}

pub fn recoveries(conn: &mut DbConnection, person_id: i64) -> Result<Vec<Recovery>, ApiError> {
    recoveries_of(conn, &[person_id])
}

fn recoveries_of(conn: &mut DbConnection, person_ids: &[i64]) -> Result<Vec<Recovery>, ApiError> {
    Ok(recoveries::table
        .filter(recoveries::person_id.eq_any(person_ids))
        .filter(recoveries::removed_at.is_null())
        .order((
            recoveries::person_id,
            recoveries::recovered_on,
            recoveries::id,
        ))
        .select(Recovery::as_select())
        .load(conn)?)
}

/// Who removes a record, when, and the correction request that showed it wrong.
#[derive(Clone, Copy, Debug)]
pub struct Removal {
    pub account_id: i64,
    pub request_id: i64,
    pub at: NaiveDateTime,
}

/// What became of a removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalOutcome {
    Removed,
    /// The record was removed before, by another request.
    AlreadyRemoved,
    /// The person has no record of this kind with this id.
    NotFound,
}

/// Marks the person's dose or recovery `public_id` removed. Only a record
/// not yet removed changes, so two removals of one record cannot both win.
pub fn remove(
    conn: &mut DbConnection,
    kind: CorrectionKind,
    person_id: i64,
    public_id: &str,
    removal: Removal,
) -> Result<RemovalOutcome, ApiError> {
    let (changed, found) = match kind {
        CorrectionKind::Vaccination => {
            let record = vaccinations::table
                .filter(vaccinations::person_id.eq(person_id))
                .filter(vaccinations::public_id.eq(public_id));
            let changed = diesel::update(record.filter(vaccinations::removed_at.is_null()))
                .set((
                    vaccinations::removed_at.eq(Some(removal.at)),
                    vaccinations::removed_by_account_id.eq(Some(removal.account_id)),
                    vaccinations::removed_by_request_id.eq(Some(removal.request_id)),
                ))
                .execute(conn)?;
            (changed, record.count().get_result::<i64>(conn)?)
        }
        CorrectionKind::Recovery => {
            let record = recoveries::table
                .filter(recoveries::person_id.eq(person_id))
                .filter(recoveries::public_id.eq(public_id));
            let changed = diesel::update(record.filter(recoveries::removed_at.is_null()))
                .set((
                    recoveries::removed_at.eq(Some(removal.at)),
                    recoveries::removed_by_account_id.eq(Some(removal.account_id)),
                    recoveries::removed_by_request_id.eq(Some(removal.request_id)),
                ))
                .execute(conn)?;
            (changed, record.count().get_result::<i64>(conn)?)
        }
    };
    Ok(match (changed, found) {
        (1.., _) => RemovalOutcome::Removed,
        (0, 1..) => RemovalOutcome::AlreadyRemoved,
        _ => RemovalOutcome::NotFound,
    })
}

/// The record a correction request removed, with the public id of the
/// account that removed it.
#[derive(Clone, Debug)]
pub enum RemovedRecord {
    Vaccination(Vaccination, String),
    Recovery(Recovery, String),
}

/// What request `request_id` removed, if anything.
pub fn removed_by_request(
    conn: &mut DbConnection,
    request_id: i64,
) -> Result<Option<RemovedRecord>, ApiError> {
    let dose = vaccinations::table
        .inner_join(
            accounts::table.on(vaccinations::removed_by_account_id.eq(accounts::id.nullable())),
        )
        .filter(vaccinations::removed_by_request_id.eq(request_id))
        .select((Vaccination::as_select(), accounts::public_id))
        .first::<(Vaccination, String)>(conn)
        .optional()?;
    if let Some((dose, by)) = dose {
        return Ok(Some(RemovedRecord::Vaccination(dose, by)));
    }
    let recovery = recoveries::table
        .inner_join(
            accounts::table.on(recoveries::removed_by_account_id.eq(accounts::id.nullable())),
        )
        .filter(recoveries::removed_by_request_id.eq(request_id))
        .select((Recovery::as_select(), accounts::public_id))
        .first::<(Recovery, String)>(conn)
        .optional()?;
    Ok(recovery.map(|(recovery, by)| RemovedRecord::Recovery(recovery, by)))
}

pub fn insert_test(conn: &mut DbConnection, test: &NewTestResult) -> Result<TestResult, ApiError> {
    diesel::insert_into(test_results::table)
        .values(test)
        .execute(conn)?;
    Ok(test_results::table
        .filter(test_results::public_id.eq(&test.public_id))
        .select(TestResult::as_select())
        .first(conn)?)
}

pub fn tests(conn: &mut DbConnection, person_id: i64) -> Result<Vec<TestResult>, ApiError> {
    tests_of(conn, &[person_id])
}

fn tests_of(conn: &mut DbConnection, person_ids: &[i64]) -> Result<Vec<TestResult>, ApiError> {
    Ok(test_results::table
        .filter(test_results::person_id.eq_any(person_ids))
        .order((
            test_results::person_id,
            test_results::sampled_at,
            test_results::id,
        ))
        .select(TestResult::as_select())
        .load(conn)?)
}

pub fn insert_declaration(
    conn: &mut DbConnection,
    declaration: &NewHealthDeclaration,
) -> Result<HealthDeclaration, ApiError> {
    diesel::insert_into(health_declarations::table)
        .values(declaration)
        .execute(conn)?;
    Ok(health_declarations::table
        .filter(health_declarations::public_id.eq(&declaration.public_id))
        .select(HealthDeclaration::as_select())
        .first(conn)?)
}

pub fn declarations(
    conn: &mut DbConnection,
    person_id: i64,
) -> Result<Vec<HealthDeclaration>, ApiError> {
    Ok(health_declarations::table
        .filter(health_declarations::person_id.eq(person_id))
        .order((health_declarations::declared_at, health_declarations::id))
        .select(HealthDeclaration::as_select())
        .load(conn)?)
}

/// The latest health declaration of each of `person_ids` that has one:
/// the one with no later (declared_at, id), as the end of
/// [`declarations`] would be.
pub fn latest_declarations(
    conn: &mut DbConnection,
    person_ids: &[i64],
) -> Result<HashMap<i64, HealthDeclaration>, ApiError> {
    let later = diesel::alias!(health_declarations as later);
    let mut latest = HashMap::new();
    for chunk in distinct(person_ids).chunks(IN_CHUNK) {
        let newer = later
            .filter(
                later
                    .field(health_declarations::person_id)
                    .eq(health_declarations::person_id),
            )
            .filter(
                later
                    .field(health_declarations::declared_at)
                    .gt(health_declarations::declared_at)
                    .or(later
                        .field(health_declarations::declared_at)
                        .eq(health_declarations::declared_at)
                        .and(
                            later
                                .field(health_declarations::id)
                                .gt(health_declarations::id),
                        )),
            );
        let rows: Vec<HealthDeclaration> = health_declarations::table
            .filter(health_declarations::person_id.eq_any(chunk))
            .filter(diesel::dsl::not(diesel::dsl::exists(newer)))
            .select(HealthDeclaration::as_select())
            .load(conn)?;
        latest.extend(rows.into_iter().map(|row| (row.person_id, row)));
    }
    Ok(latest)
}

/// The doses, recoveries and tests of one person: what the status rules
/// read, each list in the order of the single-person reads above.
#[derive(Clone, Debug, Default)]
pub struct PersonRecords {
    pub doses: Vec<DoseFacts>,
    pub recoveries: Vec<Recovery>,
    pub tests: Vec<TestResult>,
}

/// The records of each of `person_ids`, in three queries per
/// [`IN_CHUNK`] people however many records they hold. A person with no
/// records has no entry.
pub fn records_of(
    conn: &mut DbConnection,
    person_ids: &[i64],
) -> Result<HashMap<i64, PersonRecords>, ApiError> {
    let mut records: HashMap<i64, PersonRecords> = HashMap::new();
    for chunk in distinct(person_ids).chunks(IN_CHUNK) {
        for dose in doses_of(conn, chunk)? {
            let person_id = dose.vaccination.person_id;
            records.entry(person_id).or_default().doses.push(dose);
        }
        for recovery in recoveries_of(conn, chunk)? {
            let person_id = recovery.person_id;
            records
                .entry(person_id)
                .or_default()
                .recoveries
                .push(recovery);
        }
        for test in tests_of(conn, chunk)? {
            let person_id = test.person_id;
            records.entry(person_id).or_default().tests.push(test);
        }
    }
    Ok(records)
}

/// The ids once each: a page of visits names a frequent visitor many times.
fn distinct(person_ids: &[i64]) -> Vec<i64> {
    let mut ids = person_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}
