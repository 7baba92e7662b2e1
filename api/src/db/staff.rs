//! An organization's staff: links from the organization to people, found
//! by document number, so that lists can show each one's status and tell
//! staff from visitors.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::people::Person;
use super::schema::{people, staff_links};
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = staff_links)]
pub struct StaffLink {
    pub id: i64,
    pub organization_id: i64,
    pub person_id: i64,
    pub title: Option<String>,
    pub linked_by_account_id: Option<i64>,
    pub linked_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff_links)]
pub struct NewStaffLink {
    pub organization_id: i64,
    pub person_id: i64,
    pub title: Option<String>,
    pub linked_by_account_id: Option<i64>,
    pub linked_at: NaiveDateTime,
}

/// Links a person to an organization; a second link of the same person is a 409.
pub fn link(conn: &mut DbConnection, link: &NewStaffLink) -> Result<StaffLink, ApiError> {
    let already = || {
        ApiError::conflict(
            "already_staff",
            "This person is already on the organization's staff list.",
        )
    };
    if of_person(conn, link.organization_id, link.person_id)?.is_some() {
        return Err(already());
    }
    match diesel::insert_into(staff_links::table)
        .values(link)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => return Err(already()),
        other => other?,
    };
    of_person(conn, link.organization_id, link.person_id)?
        .ok_or_else(|| ApiError::internal("a staff link just written is missing"))
}

pub fn of_person(
    conn: &mut DbConnection,
    organization_id: i64,
    person_id: i64,
) -> Result<Option<StaffLink>, ApiError> {
    Ok(staff_links::table
        .filter(staff_links::organization_id.eq(organization_id))
        .filter(staff_links::person_id.eq(person_id))
        .select(StaffLink::as_select())
        .first(conn)
        .optional()?)
}

/// Removes a link; false when there was none.
pub fn unlink(
    conn: &mut DbConnection,
    organization_id: i64,
    person_id: i64,
) -> Result<bool, ApiError> {
    let removed = diesel::delete(
        staff_links::table
            .filter(staff_links::organization_id.eq(organization_id))
            .filter(staff_links::person_id.eq(person_id)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// The staff of an organization with their people, in the order linked,
/// after link id `after`.
pub fn list(
    conn: &mut DbConnection,
    organization_id: i64,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<(StaffLink, Person)>, ApiError> {
    Ok(staff_links::table
        .inner_join(people::table)
        .filter(staff_links::organization_id.eq(organization_id))
        .filter(staff_links::id.gt(after.unwrap_or(0)))
        .order(staff_links::id)
        .limit(limit)
        .select((StaffLink::as_select(), Person::as_select()))
        .load(conn)?)
}

/// How many people are on the organization's staff list.
pub fn count(conn: &mut DbConnection, organization_id: i64) -> Result<i64, ApiError> {
    Ok(staff_links::table
        .filter(staff_links::organization_id.eq(organization_id))
        .count()
        .get_result(conn)?)
}

/// Which of `person_ids` are staff of the organization.
pub fn staff_among(
    conn: &mut DbConnection,
    organization_id: i64,
    person_ids: &[i64],
) -> Result<Vec<i64>, ApiError> {
    Ok(staff_links::table
        .filter(staff_links::organization_id.eq(organization_id))
        .filter(staff_links::person_id.eq_any(person_ids.to_vec()))
        .select(staff_links::person_id)
        .load(conn)?)
}
