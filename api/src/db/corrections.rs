//! Correction requests and their history. A request's state changes only
//! together with a history event, in one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{accounts, correction_events, correction_requests, people};
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = correction_requests)]
pub struct Request {
    pub id: i64,
    pub public_id: String,
    pub person_id: i64,
    pub ward_code: String,
    pub kind: String,
    pub routed_to: String,
    pub state: String,
    pub description: String,
    pub details: String,
    pub filed_by_account_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = correction_requests)]
pub struct NewRequest {
    pub public_id: String,
    pub person_id: i64,
    pub ward_code: String,
    pub kind: String,
    pub routed_to: String,
    pub state: String,
    pub description: String,
    pub details: String,
    pub filed_by_account_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One change of state, with who made it (their account's public id and role).
#[derive(Clone, Debug)]
pub struct Event {
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    pub account_public_id: String,
    pub account_role: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = correction_events)]
struct NewEvent<'a> {
    request_id: i64,
    from_state: Option<&'a str>,
    to_state: &'a str,
    note: Option<&'a str>,
    account_id: i64,
    created_at: NaiveDateTime,
}

/// Files a request and its first history event.
pub fn insert(conn: &mut DbConnection, request: &NewRequest) -> Result<Request, ApiError> {
    diesel::insert_into(correction_requests::table)
        .values(request)
        .execute(conn)?;
    let stored = by_public_id(conn, &request.public_id)?
        .ok_or_else(|| ApiError::internal("inserted correction request not found"))?;
    add_event(
        conn,
        stored.id,
        None,
        &stored.state,
        None,
        request.filed_by_account_id,
        request.created_at,
    )?;
    Ok(stored)
}

fn add_event(
    conn: &mut DbConnection,
    request_id: i64,
    from_state: Option<&str>,
    to_state: &str,
    note: Option<&str>,
    account_id: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(correction_events::table)
        .values(&NewEvent {
            request_id,
            from_state,
            to_state,
            note,
            account_id,
            created_at: at,
        })
        .execute(conn)?;
    Ok(())
}

/// Moves a request from `from` to `to`, recording who and why. Fails with
/// a conflict when the request is no longer in `from` (a concurrent change).
pub fn move_state(
    conn: &mut DbConnection,
    request: &Request,
    to: &str,
    note: Option<&str>,
    account_id: i64,
) -> Result<Request, ApiError> {
    let now = super::now();
    let moved = diesel::update(
        correction_requests::table
            .filter(correction_requests::id.eq(request.id))
            .filter(correction_requests::state.eq(&request.state)),
    )
    .set((
        correction_requests::state.eq(to),
        correction_requests::updated_at.eq(now),
    ))
    .execute(conn)?;
    if moved != 1 {
        return Err(ApiError::conflict(
            "state_changed",
            "Someone changed this request meanwhile; reload it and try again.",
        ));
    }
    add_event(
        conn,
        request.id,
        Some(&request.state),
        to,
        note,
        account_id,
        now,
    )?;
    by_public_id(conn, &request.public_id)?
        .ok_or_else(|| ApiError::internal("moved correction request not found"))
}

pub fn by_public_id(conn: &mut DbConnection, public_id: &str) -> Result<Option<Request>, ApiError> {
    Ok(correction_requests::table
        .filter(correction_requests::public_id.eq(public_id))
        .select(Request::as_select())
        .first(conn)
        .optional()?)
}

/// The history of a request, oldest first.
pub fn events(conn: &mut DbConnection, request_id: i64) -> Result<Vec<Event>, ApiError> {
    Ok(correction_events::table
        .inner_join(accounts::table)
        .filter(correction_events::request_id.eq(request_id))
        .order(correction_events::id)
        .select((
            correction_events::from_state,
            correction_events::to_state,
            correction_events::note,
            accounts::public_id,
            accounts::role,
            correction_events::created_at,
        ))
        .load::<(
            Option<String>,
            String,
            Option<String>,
            String,
            String,
            NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(
            |(from_state, to_state, note, account_public_id, account_role, created_at)| Event {
                from_state,
                to_state,
                note,
                account_public_id,
                account_role,
                created_at,
            },
        )
        .collect())
}

/// Which requests a list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub person_id: Option<i64>,
    pub ward_code: Option<String>,
    pub routed_to: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    /// Newest first, after this (created_at, id).
    pub before: Option<(NaiveDateTime, i64)>,
}

/// Requests matching `filter`, newest first, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Request>, ApiError> {
    let mut query = correction_requests::table.into_boxed();
    if let Some(person) = filter.person_id {
        query = query.filter(correction_requests::person_id.eq(person));
    }
    if let Some(ward) = &filter.ward_code {
        query = query.filter(correction_requests::ward_code.eq(ward.clone()));
    }
    if let Some(routed_to) = &filter.routed_to {
        query = query.filter(correction_requests::routed_to.eq(routed_to.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(correction_requests::kind.eq(kind.clone()));
    }
    if let Some(state) = &filter.state {
        query = query.filter(correction_requests::state.eq(state.clone()));
    }
    if let Some((at, id)) = filter.before {
        query = query.filter(
            correction_requests::created_at
                .lt(at)
                .or(correction_requests::created_at
                    .eq(at)
                    .and(correction_requests::id.lt(id))),
        );
    }
    Ok(query
        .order((
            correction_requests::created_at.desc(),
            correction_requests::id.desc(),
        ))
        .limit(limit)
        .select(Request::as_select())
        .load(conn)?)
}

/// A request with the person it concerns, for the national portal's export.
pub fn with_people(
    conn: &mut DbConnection,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<(Request, super::people::Person)>, ApiError> {
    let requests = list(conn, filter, limit)?;
    let ids: Vec<i64> = requests.iter().map(|r| r.person_id).collect();
    let found: Vec<super::people::Person> = people::table
        .filter(people::id.eq_any(ids))
        .select(super::people::Person::as_select())
        .load(conn)?;
    Ok(requests
        .into_iter()
        .filter_map(|request| {
            let person = found.iter().find(|p| p.id == request.person_id)?.clone();
            Some((request, person))
        })
        .collect())
}
