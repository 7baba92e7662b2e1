//! Contact queries: the visits of one person in an infectious window, and
//! every other visit at the same checkpoint whose time range touched or
//! overlapped one of them, widened by a margin on both sides.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{checkpoints, contact_queries, organizations, people, visits};
use super::visits::Visit;
use crate::error::ApiError;

/// The longest a visit can last: the largest maximum stay a checkpoint may
/// have. It bounds the scans below so they use the entry-time indexes.
pub const LONGEST_STAY: Duration = Duration::minutes(24 * 60);

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = contact_queries)]
pub struct ContactQuery {
    pub id: i64,
    pub public_id: String,
    pub account_id: i64,
    pub person_id: i64,
    pub window_from: NaiveDateTime,
    pub window_until: NaiveDateTime,
    pub margin_minutes: i32,
    pub purpose: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = contact_queries)]
pub struct NewContactQuery {
    pub public_id: String,
    pub account_id: i64,
    pub person_id: i64,
    pub window_from: NaiveDateTime,
    pub window_until: NaiveDateTime,
    pub margin_minutes: i32,
    pub purpose: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, query: &NewContactQuery) -> Result<ContactQuery, ApiError> {
    diesel::insert_into(contact_queries::table)
        .values(query)
        .execute(conn)?;
    Ok(contact_queries::table
        .filter(contact_queries::public_id.eq(&query.public_id))
        .select(ContactQuery::as_select())
        .first(conn)?)
}

/// A stored query, only for the account that ran it.
pub fn of_account(
    conn: &mut DbConnection,
    account_id: i64,
    public_id: &str,
) -> Result<Option<ContactQuery>, ApiError> {
    Ok(contact_queries::table
        .filter(contact_queries::public_id.eq(public_id))
        .filter(contact_queries::account_id.eq(account_id))
        .select(ContactQuery::as_select())
        .first(conn)
        .optional()?)
}

/// A visit with where it happened and who it was.
#[derive(Clone, Debug)]
pub struct PlacedVisit {
    pub visit: Visit,
    pub checkpoint_public_id: String,
    pub checkpoint_name: String,
    pub organization_name: String,
    pub person_public_id: Option<String>,
    pub document_number: Option<String>,
}

pub(super) type PlacedRow = (
    Visit,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

pub(super) fn placed(rows: Vec<PlacedRow>) -> Vec<PlacedVisit> {
    rows.into_iter()
        .map(
            |(
                visit,
                checkpoint_public_id,
                checkpoint_name,
                organization_name,
                person,
                document,
            )| {
                PlacedVisit {
                    document_number: document.or_else(|| visit.subject_document.clone()),
                    visit,
                    checkpoint_public_id,
                    checkpoint_name,
                    organization_name,
                    person_public_id: person,
                }
            },
        )
        .collect()
}

/// The visits of `person_id` whose range touches `[from, until]`, oldest first.
pub fn visits_of(
    conn: &mut DbConnection,
    person_id: i64,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<PlacedVisit>, ApiError> {
    let rows: Vec<PlacedRow> = visits::table
        .inner_join(checkpoints::table.inner_join(organizations::table))
        .left_join(people::table)
        .filter(visits::person_id.eq(person_id))
        .filter(visits::entered_at.ge(from - LONGEST_STAY))
        .filter(visits::entered_at.le(until))
        .filter(visits::ends_at.ge(from))
        .order((visits::entered_at, visits::id))
        .select((
            Visit::as_select(),
            checkpoints::public_id,
            checkpoints::name,
            organizations::name,
            people::public_id.nullable(),
            people::document_number.nullable(),
        ))
        .load(conn)?;
    Ok(placed(rows))
}

/// Every other visit at `index`'s checkpoint whose range touches the index
/// visit's range widened by `margin` on both sides, oldest first; the first
/// `limit` of them when a limit is given.
pub fn contacts_of(
    conn: &mut DbConnection,
    index: &Visit,
    margin: Duration,
    limit: Option<i64>,
) -> Result<Vec<PlacedVisit>, ApiError> {
    let (from, until) = (index.entered_at - margin, index.ends_at + margin);
    let mut query = visits::table
        .inner_join(checkpoints::table.inner_join(organizations::table))
        .left_join(people::table)
        .filter(visits::checkpoint_id.eq(index.checkpoint_id))
        .filter(visits::id.ne(index.id))
        .filter(visits::entered_at.ge(from - LONGEST_STAY))
        .filter(visits::entered_at.le(until))
        .filter(visits::ends_at.ge(from))
        .order((visits::entered_at, visits::id))
        .select((
            Visit::as_select(),
            checkpoints::public_id,
            checkpoints::name,
            organizations::name,
            people::public_id.nullable(),
            people::document_number.nullable(),
        ))
        .into_boxed();
    if let Some(person_id) = index.person_id {
        query = query.filter(
            visits::person_id
                .ne(person_id)
                .or(visits::person_id.is_null()),
        );
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    Ok(placed(query.load(conn)?))
}

/// How many visits [`contacts_of`] finds for `index`, counted in the
/// database without loading them.
pub fn count_contacts(
    conn: &mut DbConnection,
    index: &Visit,
    margin: Duration,
) -> Result<i64, ApiError> {
    let (from, until) = (index.entered_at - margin, index.ends_at + margin);
    let mut query = visits::table
        .filter(visits::checkpoint_id.eq(index.checkpoint_id))
        .filter(visits::id.ne(index.id))
        .filter(visits::entered_at.ge(from - LONGEST_STAY))
        .filter(visits::entered_at.le(until))
        .filter(visits::ends_at.ge(from))
        .into_boxed();
    if let Some(person_id) = index.person_id {
        query = query.filter(
            visits::person_id
                .ne(person_id)
                .or(visits::person_id.is_null()),
        );
    }
    Ok(query.count().get_result(conn)?)
}
