//! Reference data: districts, wards, vaccines, status policies and (through
//! `criteria::seed`) criteria sets, seeded
//! from the copies shipped in `api/reference/` and readable by everyone.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{districts, status_policies, vaccines, wards};
use crate::domain::status::{Policy, PolicyRules};
use crate::error::ApiError;

const DISTRICTS_CSV: &str = include_str!("../../reference/hcmc-districts-2021.csv");
const WARDS_CSV: &str = include_str!("../../reference/thu-duc-wards-2021.csv");
const VACCINES_CSV: &str = include_str!("../../reference/vaccines-vn-2021.csv");
const POLICIES_JSON: &str = include_str!("../../reference/status-policies.json");

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = districts)]
pub struct District {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = wards)]
pub struct Ward {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub former_district: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = vaccines)]
pub struct Vaccine {
    pub code: String,
    pub name: String,
    pub manufacturer: String,
    pub primary_doses: i32,
    pub eu_product_code: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = status_policies)]
pub struct PolicyRow {
    pub id: i64,
    pub version: String,
    pub effective_from: NaiveDate,
    pub description: String,
    pub rules: String,
    pub created_at: chrono::NaiveDateTime,
}

impl PolicyRow {
    /// The domain policy; a row whose rules no longer parse is a bug in a
    /// migration or seed, reported as such.
    pub fn to_policy(&self) -> Result<Policy, ApiError> {
        let rules: PolicyRules = serde_json::from_str(&self.rules).map_err(|err| {
            ApiError::internal(format!(
                "status policy {} has unreadable rules: {err}",
                self.version
            ))
        })?;
        Ok(Policy {
            version: self.version.clone(),
            effective_from: self.effective_from,
            rules,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = status_policies)]
pub struct NewPolicy<'a> {
    pub version: &'a str,
    pub effective_from: NaiveDate,
    pub description: &'a str,
    pub rules: String,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(serde::Deserialize)]
struct SeedPolicy {
    version: String,
    effective_from: NaiveDate,
    description: String,
    rules: PolicyRules,
}

/// Rows of a shipped CSV file, header skipped. The files are ours and have
/// no quoted commas, which `seed_files_are_well_formed` checks.
fn csv_rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split(',').collect())
}

fn districts_seed() -> Vec<District> {
    csv_rows(DISTRICTS_CSV)
        .map(|r| District {
            code: r[0].into(),
            name: r[1].into(),
            kind: r[2].into(),
        })
        .collect()
}

fn wards_seed() -> Vec<Ward> {
    csv_rows(WARDS_CSV)
        .map(|r| Ward {
            code: r[0].into(),
            name: r[1].into(),
            district_code: r[2].into(),
            former_district: Some(r[3].to_owned()).filter(|s| !s.is_empty()),
        })
        .collect()
}

fn vaccines_seed() -> Vec<Vaccine> {
    csv_rows(VACCINES_CSV)
        .map(|r| Vaccine {
            code: r[0].into(),
            name: r[1].into(),
            manufacturer: r[2].into(),
            primary_doses: r[3].parse().unwrap_or(0),
            eu_product_code: Some(r[4].to_owned()).filter(|s| !s.is_empty()),
        })
        .collect()
}

fn policies_seed() -> Result<Vec<SeedPolicy>, ApiError> {
    serde_json::from_str(POLICIES_JSON)
        .map_err(|err| ApiError::internal(format!("reference/status-policies.json: {err}")))
}

/// Inserts whatever shipped reference data is missing; running it again
/// changes nothing, and rows an administrator added are left alone.
pub fn seed(conn: &mut DbConnection) -> Result<(), ApiError> {
    super::transaction(conn, |conn| {
        let known: Vec<String> = districts::table.select(districts::code).load(conn)?;
        for district in districts_seed()
            .into_iter()
            .filter(|d| !known.contains(&d.code))
        {
            diesel::insert_into(districts::table)
                .values(district)
                .execute(conn)?;
        }

        let known: Vec<String> = wards::table.select(wards::code).load(conn)?;
        for ward in wards_seed()
            .into_iter()
            .filter(|w| !known.contains(&w.code))
        {
            diesel::insert_into(wards::table)
                .values(ward)
                .execute(conn)?;
        }

        let known: Vec<String> = vaccines::table.select(vaccines::code).load(conn)?;
        for vaccine in vaccines_seed()
            .into_iter()
            .filter(|v| !known.contains(&v.code))
        {
            diesel::insert_into(vaccines::table)
                .values(vaccine)
                .execute(conn)?;
        }

        let known: Vec<String> = status_policies::table
            .select(status_policies::version)
            .load(conn)?;
        for policy in policies_seed()?
            .into_iter()
            .filter(|p| !known.contains(&p.version))
        {
            let rules = serde_json::to_string(&policy.rules)
                .map_err(|err| ApiError::internal(format!("policy rules: {err}")))?;
            diesel::insert_into(status_policies::table)
                .values(NewPolicy {
                    version: &policy.version,
                    effective_from: policy.effective_from,
                    description: &policy.description,
                    rules,
                    created_at: super::now(),
                })
                .execute(conn)?;
        }
        super::criteria::seed(conn)
    })
}

pub fn districts(conn: &mut DbConnection) -> Result<Vec<District>, ApiError> {
    Ok(districts::table
        .order(districts::code)
        .select(District::as_select())
        .load(conn)?)
}

pub fn wards(conn: &mut DbConnection, district: Option<&str>) -> Result<Vec<Ward>, ApiError> {
    let mut query = wards::table
        .order(wards::code)
        .select(Ward::as_select())
        .into_boxed();
    if let Some(district) = district {
        query = query.filter(wards::district_code.eq(district.to_owned()));
    }
    Ok(query.load(conn)?)
}

pub fn ward(conn: &mut DbConnection, code: &str) -> Result<Option<Ward>, ApiError> {
    Ok(wards::table
        .find(code)
        .select(Ward::as_select())
        .first(conn)
        .optional()?)
}

pub fn vaccines(conn: &mut DbConnection) -> Result<Vec<Vaccine>, ApiError> {
    Ok(vaccines::table
        .order(vaccines::code)
        .select(Vaccine::as_select())
        .load(conn)?)
}

pub fn vaccine(conn: &mut DbConnection, code: &str) -> Result<Option<Vaccine>, ApiError> {
    Ok(vaccines::table
        .find(code)
        .select(Vaccine::as_select())
        .first(conn)
        .optional()?)
}

/// Every status policy, oldest effective date first.
pub fn policies(conn: &mut DbConnection) -> Result<Vec<PolicyRow>, ApiError> {
    Ok(status_policies::table
        .order((status_policies::effective_from, status_policies::id))
        .select(PolicyRow::as_select())
        .load(conn)?)
}

/// Adds a new policy version; an existing version is a conflict, because a
/// version, once used by a scan, must keep meaning the same rules.
pub fn insert_policy(
    conn: &mut DbConnection,
    policy: NewPolicy<'_>,
) -> Result<PolicyRow, ApiError> {
    let version = policy.version.to_owned();
    let same_day: i64 = status_policies::table
        .filter(status_policies::effective_from.eq(policy.effective_from))
        .count()
        .get_result(conn)?;
    if same_day > 0 {
        return Err(ApiError::conflict(
            "policy_date_taken",
            format!(
                "A status policy already takes effect on {}; one day has one policy.",
                policy.effective_from
            ),
        ));
    }
    match diesel::insert_into(status_policies::table)
        .values(policy)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => Err(ApiError::conflict(
            "policy_version_exists",
            format!("A status policy with version {version} already exists; choose a new version."),
        )),
        other => other.map(|_| ()).map_err(ApiError::from),
    }?;
    Ok(status_policies::table
        .filter(status_policies::version.eq(version))
        .select(PolicyRow::as_select())
        .first(conn)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn seed_files_are_well_formed() {
        let districts = districts_seed();
        assert_eq!(districts.len(), 22);
        let wards = wards_seed();
        assert_eq!(wards.len(), 34);
        assert!(
            wards
                .iter()
                .all(|w| districts.iter().any(|d| d.code == w.district_code))
        );
        let vaccines = vaccines_seed();
        assert_eq!(vaccines.len(), 10);
        assert!(vaccines.iter().all(|v| (1..=3).contains(&v.primary_doses)));
        assert_eq!(
            vaccines
                .iter()
                .find(|v| v.code == "janssen")
                .unwrap()
                .primary_doses,
            1
        );
        assert_eq!(
            vaccines
                .iter()
                .find(|v| v.code == "abdala")
                .unwrap()
                .primary_doses,
            3
        );
        for text in [DISTRICTS_CSV, WARDS_CSV, VACCINES_CSV] {
            let columns = text.lines().next().unwrap().split(',').count();
            assert!(csv_rows(text).all(|row| row.len() == columns));
        }
        let policies = policies_seed().unwrap();
        assert!(policies.iter().any(|p| p.version == "hcmc-2021-10-01"));
        for policy in policies {
            policy.rules.validate().unwrap();
        }
    }
}
