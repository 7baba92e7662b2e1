//! Organizations, their checkpoints ("điểm kiểm soát") and the location
//! codes printed on each checkpoint's poster.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{checkpoints, location_codes, organizations};
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub public_id: String,
    pub code: String,
    pub tax_code: String,
    pub name: String,
    pub address: String,
    pub ward_code: String,
    pub sector: String,
    pub contact_phone: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization {
    pub public_id: String,
    pub code: String,
    pub tax_code: String,
    pub name: String,
    pub address: String,
    pub ward_code: String,
    pub sector: String,
    pub contact_phone: String,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = checkpoints)]
pub struct Checkpoint {
    pub id: i64,
    pub public_id: String,
    pub organization_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    /// How long a visit left open counts as presence before it closes.
    pub max_stay_minutes: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = checkpoints)]
pub struct NewCheckpoint {
    pub public_id: String,
    pub organization_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub max_stay_minutes: i32,
}

/// Sets a checkpoint's maximum stay; visits already recorded keep theirs.
pub fn set_max_stay(
    conn: &mut DbConnection,
    checkpoint_id: i64,
    minutes: i32,
) -> Result<(), ApiError> {
    diesel::update(checkpoints::table.find(checkpoint_id))
        .set(checkpoints::max_stay_minutes.eq(minutes))
        .execute(conn)?;
    Ok(())
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = location_codes)]
pub struct LocationCode {
    pub code: String,
    pub checkpoint_id: i64,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Inserts an organization with a fresh organization code.
pub fn insert(
    conn: &mut DbConnection,
    organization: &NewOrganization,
) -> Result<Organization, ApiError> {
    diesel::insert_into(organizations::table)
        .values(organization)
        .execute(conn)?;
    Ok(organizations::table
        .filter(organizations::public_id.eq(&organization.public_id))
        .select(Organization::as_select())
        .first(conn)?)
}

/// An organization code nobody has: `79-` and eight characters from an
/// alphabet without look-alikes, easy to read aloud over the phone.
pub fn unused_code(conn: &mut DbConnection) -> Result<String, ApiError> {
    loop {
        let code = format!("79-{}", super::readable_code(8));
        let taken: i64 = organizations::table
            .filter(organizations::code.eq(&code))
            .count()
            .get_result(conn)?;
        if taken == 0 {
            return Ok(code);
        }
    }
}

pub fn by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
) -> Result<Option<Organization>, ApiError> {
    Ok(organizations::table
        .filter(organizations::public_id.eq(public_id))
        .select(Organization::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Organization>, ApiError> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()?)
}

/// Every organization, for the city; keyset-paginated by id.
pub fn list(
    conn: &mut DbConnection,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Organization>, ApiError> {
    Ok(organizations::table
        .filter(organizations::id.gt(after_id.unwrap_or(0)))
        .order(organizations::id)
        .limit(limit)
        .select(Organization::as_select())
        .load(conn)?)
}

pub fn insert_checkpoint(
    conn: &mut DbConnection,
    checkpoint: &NewCheckpoint,
) -> Result<Checkpoint, ApiError> {
    diesel::insert_into(checkpoints::table)
        .values(checkpoint)
        .execute(conn)?;
    Ok(checkpoints::table
        .filter(checkpoints::public_id.eq(&checkpoint.public_id))
        .select(Checkpoint::as_select())
        .first(conn)?)
}

/// A checkpoint, only when it belongs to `organization_id` (or to anyone,
/// for `None`: the city's view).
pub fn checkpoint(
    conn: &mut DbConnection,
    organization_id: Option<i64>,
    public_id: &str,
) -> Result<Option<Checkpoint>, ApiError> {
    let mut query = checkpoints::table
        .filter(checkpoints::public_id.eq(public_id.to_owned()))
        .select(Checkpoint::as_select())
        .into_boxed();
    if let Some(organization_id) = organization_id {
        query = query.filter(checkpoints::organization_id.eq(organization_id));
    }
    Ok(query.first(conn).optional()?)
}

/// The checkpoints of a batch of scans, by public id, whatever their
/// organization: the caller checks each scanner's right to each.
pub fn checkpoints_by_public_ids(
    conn: &mut DbConnection,
    public_ids: &[&str],
) -> Result<Vec<Checkpoint>, ApiError> {
    let mut found = Vec::new();
    for chunk in public_ids.chunks(super::health::IN_CHUNK) {
        found.extend(
            checkpoints::table
                .filter(checkpoints::public_id.eq_any(chunk))
                .select(Checkpoint::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

pub fn checkpoint_by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Checkpoint>, ApiError> {
    Ok(checkpoints::table
        .find(id)
        .select(Checkpoint::as_select())
        .first(conn)
        .optional()?)
}

pub fn checkpoints_of(
    conn: &mut DbConnection,
    organization_id: i64,
) -> Result<Vec<Checkpoint>, ApiError> {
    Ok(checkpoints::table
        .filter(checkpoints::organization_id.eq(organization_id))
        .order(checkpoints::id)
        .select(Checkpoint::as_select())
        .load(conn)?)
}

/// Issues a new location code for a checkpoint and revokes its current one,
/// in the caller's transaction.
pub fn replace_location_code(
    conn: &mut DbConnection,
    checkpoint_id: i64,
) -> Result<LocationCode, ApiError> {
    let now = super::now();
    diesel::update(
        location_codes::table
            .filter(location_codes::checkpoint_id.eq(checkpoint_id))
            .filter(location_codes::revoked_at.is_null()),
    )
    .set(location_codes::revoked_at.eq(now))
    .execute(conn)?;
    let code = LocationCode {
        code: super::new_location_code(),
        checkpoint_id,
        created_at: now,
        revoked_at: None,
    };
    diesel::insert_into(location_codes::table)
        .values(&code)
        .execute(conn)?;
    Ok(code)
}

/// True when an organization or a location code already uses `code`.
pub fn code_in_use(conn: &mut DbConnection, code: &str) -> Result<bool, ApiError> {
    let organizations: i64 = organizations::table
        .filter(organizations::code.eq(code))
        .count()
        .get_result(conn)?;
    let locations: i64 = location_codes::table
        .filter(location_codes::code.eq(code))
        .count()
        .get_result(conn)?;
    Ok(organizations + locations > 0)
}

/// Gives a checkpoint a location code chosen elsewhere (a legacy code), in
/// force beside none other.
pub fn add_location_code(
    conn: &mut DbConnection,
    checkpoint_id: i64,
    code: &str,
) -> Result<LocationCode, ApiError> {
    let code = LocationCode {
        code: code.to_owned(),
        checkpoint_id,
        created_at: super::now(),
        revoked_at: None,
    };
    diesel::insert_into(location_codes::table)
        .values(&code)
        .execute(conn)?;
    Ok(code)
}

/// The code in force for a checkpoint.
pub fn current_location_code(
    conn: &mut DbConnection,
    checkpoint_id: i64,
) -> Result<Option<LocationCode>, ApiError> {
    Ok(location_codes::table
        .filter(location_codes::checkpoint_id.eq(checkpoint_id))
        .filter(location_codes::revoked_at.is_null())
        .select(LocationCode::as_select())
        .first(conn)
        .optional()?)
}

/// The checkpoint a location code names, revoked or not.
pub fn resolve_location_code(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<(LocationCode, Checkpoint)>, ApiError> {
    Ok(location_codes::table
        .inner_join(checkpoints::table)
        .filter(location_codes::code.eq(code))
        .select((LocationCode::as_select(), Checkpoint::as_select()))
        .first(conn)
        .optional()?)
}
