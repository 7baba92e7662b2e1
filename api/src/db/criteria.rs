//! Criteria sets and the self-assessments scored against them. Sets are
//! seeded from `api/reference/criteria-sets.json` and added by the city;
//! an organization's submissions are all kept, the newest marked current.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{assessments, criteria_sets, organizations};
use crate::domain::criteria::Definition;
use crate::error::ApiError;

const CRITERIA_SETS_JSON: &str = include_str!("../../reference/criteria-sets.json");

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = criteria_sets)]
pub struct CriteriaSet {
    pub id: i64,
    pub public_id: String,
    pub code: String,
    pub version: String,
    pub organization_kind: String,
    pub title: String,
    pub source: String,
    pub direction: String,
    pub definition: String,
    pub created_at: NaiveDateTime,
}

impl CriteriaSet {
    /// The stored definition; one that no longer reads is a bug in a seed
    /// or a migration, reported as such.
    pub fn definition(&self) -> Result<Definition, ApiError> {
        serde_json::from_str(&self.definition).map_err(|err| {
            ApiError::internal(format!(
                "criteria set {} {} is unreadable: {err}",
                self.code, self.version
            ))
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = criteria_sets)]
pub struct NewCriteriaSet {
    pub public_id: String,
    pub code: String,
    pub version: String,
    pub organization_kind: String,
    pub title: String,
    pub source: String,
    pub direction: String,
    pub definition: String,
    pub created_at: NaiveDateTime,
}

/// A set as the shipped file and the city's requests write it.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct SeedSet {
    pub code: String,
    pub version: String,
    pub organization_kind: String,
    pub title: String,
    pub source: String,
    pub definition: Definition,
}

impl SeedSet {
    pub fn to_row(&self) -> Result<NewCriteriaSet, ApiError> {
        Ok(NewCriteriaSet {
            public_id: super::new_public_id(),
            code: self.code.clone(),
            version: self.version.clone(),
            organization_kind: self.organization_kind.clone(),
            title: self.title.clone(),
            source: self.source.clone(),
            direction: match self.definition.direction {
                crate::domain::criteria::Direction::Risk => "risk",
                crate::domain::criteria::Direction::Safety => "safety",
            }
            .to_owned(),
            definition: serde_json::to_string(&self.definition)
                .map_err(|err| ApiError::internal(format!("criteria definition: {err}")))?,
            created_at: super::now(),
        })
    }
}

/// Inserts the shipped sets that are missing, by code and version, in the
/// caller's transaction (the reference seed's).
pub fn seed(conn: &mut DbConnection) -> Result<(), ApiError> {
    let sets: Vec<SeedSet> = serde_json::from_str(CRITERIA_SETS_JSON)
        .map_err(|err| ApiError::internal(format!("reference/criteria-sets.json: {err}")))?;
    for set in sets {
        if by_code_version(conn, &set.code, &set.version)?.is_none() {
            insert(conn, &set.to_row()?)?;
        }
    }
    Ok(())
}

pub fn insert(conn: &mut DbConnection, set: &NewCriteriaSet) -> Result<CriteriaSet, ApiError> {
    match diesel::insert_into(criteria_sets::table)
        .values(set)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => Err(duplicate_version()),
        other => other.map_err(ApiError::from),
    }?;
    Ok(criteria_sets::table
        .filter(criteria_sets::public_id.eq(&set.public_id))
        .select(CriteriaSet::as_select())
        .first(conn)?)
}

pub fn duplicate_version() -> ApiError {
    ApiError::conflict(
        "duplicate_criteria_version",
        "This criteria set already has this version; give the new one a version of its own.",
    )
}

pub fn by_code_version(
    conn: &mut DbConnection,
    code: &str,
    version: &str,
) -> Result<Option<CriteriaSet>, ApiError> {
    Ok(criteria_sets::table
        .filter(criteria_sets::code.eq(code))
        .filter(criteria_sets::version.eq(version))
        .select(CriteriaSet::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
) -> Result<Option<CriteriaSet>, ApiError> {
    Ok(criteria_sets::table
        .filter(criteria_sets::public_id.eq(public_id))
        .select(CriteriaSet::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<CriteriaSet>, ApiError> {
    Ok(criteria_sets::table
        .find(id)
        .select(CriteriaSet::as_select())
        .first(conn)
        .optional()?)
}

/// Every set, by code and then in the order added; the newest of a code is
/// its current version.
pub fn list(
    conn: &mut DbConnection,
    organization_kind: Option<&str>,
) -> Result<Vec<CriteriaSet>, ApiError> {
    let mut query = criteria_sets::table
        .order((criteria_sets::code, criteria_sets::id))
        .select(CriteriaSet::as_select())
        .into_boxed();
    if let Some(kind) = organization_kind {
        query = query.filter(criteria_sets::organization_kind.eq(kind.to_owned()));
    }
    Ok(query.load(conn)?)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = assessments)]
pub struct Assessment {
    pub id: i64,
    pub public_id: String,
    pub organization_id: i64,
    pub criteria_set_id: i64,
    pub answers: String,
    pub outcome: String,
    pub score: i32,
    pub max_score: i32,
    pub level: String,
    pub may_operate: bool,
    pub current: bool,
    pub submitted_by_account_id: Option<i64>,
    pub submitted_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = assessments)]
pub struct NewAssessment {
    pub public_id: String,
    pub organization_id: i64,
    pub criteria_set_id: i64,
    pub answers: String,
    pub outcome: String,
    pub score: i32,
    pub max_score: i32,
    pub level: String,
    pub may_operate: bool,
    pub current: bool,
    pub submitted_by_account_id: Option<i64>,
    pub submitted_at: NaiveDateTime,
}

/// Stores a submission as the organization's current one, in the caller's
/// transaction.
pub fn submit(conn: &mut DbConnection, assessment: &NewAssessment) -> Result<Assessment, ApiError> {
    diesel::update(
        assessments::table
            .filter(assessments::organization_id.eq(assessment.organization_id))
            .filter(assessments::current.eq(true)),
    )
    .set(assessments::current.eq(false))
    .execute(conn)?;
    diesel::insert_into(assessments::table)
        .values(assessment)
        .execute(conn)?;
    Ok(assessments::table
        .filter(assessments::public_id.eq(&assessment.public_id))
        .select(Assessment::as_select())
        .first(conn)?)
}

/// An organization's submissions, newest first, after the keyset `before`.
pub fn history(
    conn: &mut DbConnection,
    organization_id: i64,
    before: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> Result<Vec<Assessment>, ApiError> {
    let mut query = assessments::table
        .filter(assessments::organization_id.eq(organization_id))
        .order((assessments::submitted_at.desc(), assessments::id.desc()))
        .limit(limit)
        .select(Assessment::as_select())
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            assessments::submitted_at
                .lt(at)
                .or(assessments::submitted_at.eq(at).and(assessments::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// The current assessment of each of `organization_ids`.
pub fn current_of(
    conn: &mut DbConnection,
    organization_ids: &[i64],
) -> Result<Vec<Assessment>, ApiError> {
    Ok(assessments::table
        .filter(assessments::organization_id.eq_any(organization_ids.to_vec()))
        .filter(assessments::current.eq(true))
        .select(Assessment::as_select())
        .load(conn)?)
}

/// Organizations by id after `after_id`, filtered by ward and by the level
/// of their current assessment.
pub fn organizations_filtered(
    conn: &mut DbConnection,
    after_id: Option<i64>,
    limit: i64,
    ward_code: Option<&str>,
    level: Option<&str>,
) -> Result<Vec<super::organizations::Organization>, ApiError> {
    use super::organizations::Organization;
    let mut query = organizations::table
        .filter(organizations::id.gt(after_id.unwrap_or(0)))
        .order(organizations::id)
        .limit(limit)
        .select(Organization::as_select())
        .into_boxed();
    if let Some(ward) = ward_code {
        query = query.filter(organizations::ward_code.eq(ward.to_owned()));
    }
    if let Some(level) = level {
        let assessed = assessments::table
            .filter(assessments::current.eq(true))
            .filter(assessments::level.eq(level.to_owned()))
            .select(assessments::organization_id);
        query = query.filter(organizations::id.eq_any(assessed));
    }
    Ok(query.load(conn)?)
}

/// The set a stored assessment was scored against.
pub fn set_of(conn: &mut DbConnection, assessment: &Assessment) -> Result<CriteriaSet, ApiError> {
    by_id(conn, assessment.criteria_set_id)?
        .ok_or_else(|| ApiError::internal("an assessment names a missing criteria set"))
}
