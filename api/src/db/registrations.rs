//! Registration by SMS and the card links it ends with: pending requests
//! with a hashed one-time code, the counts behind the request limits, and
//! links (stored as hashes) that open a person's card without an account.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::DbConnection;
use super::schema::{card_links, phone_registrations};
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = phone_registrations)]
pub struct PhoneRegistration {
    pub id: i64,
    pub public_id: String,
    pub phone: String,
    pub client_address: String,
    pub details: String,
    pub code_hash: String,
    pub attempts: i32,
    pub expires_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub person_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = phone_registrations)]
pub struct NewPhoneRegistration {
    pub public_id: String,
    pub phone: String,
    pub client_address: String,
    pub details: String,
    pub code_hash: String,
    pub attempts: i32,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// The stored form of a one-time code: bound to its request, so a hash
/// cannot be matched against another request's.
pub fn code_hash(registration_id: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{registration_id}:{code}")))
}

/// The stored form of a card link's secret.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn insert(
    conn: &mut DbConnection,
    registration: &NewPhoneRegistration,
) -> Result<PhoneRegistration, ApiError> {
    diesel::insert_into(phone_registrations::table)
        .values(registration)
        .execute(conn)?;
    by_public_id(conn, &registration.public_id)?
        .ok_or_else(|| ApiError::internal("inserted registration not found"))
}

pub fn by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
) -> Result<Option<PhoneRegistration>, ApiError> {
    Ok(phone_registrations::table
        .filter(phone_registrations::public_id.eq(public_id))
        .select(PhoneRegistration::as_select())
        .first(conn)
        .optional()?)
}

/// The requests for `phone` since `since`, oldest first: the limit per number.
pub fn requested_for_phone(
    conn: &mut DbConnection,
    phone: &str,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, ApiError> {
    Ok(phone_registrations::table
        .filter(phone_registrations::phone.eq(phone))
        .filter(phone_registrations::created_at.gt(since))
        .order(phone_registrations::created_at)
        .select(phone_registrations::created_at)
        .load(conn)?)
}

/// The requests from `address` since `since`, oldest first: the limit per address.
pub fn requested_from_address(
    conn: &mut DbConnection,
    address: &str,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, ApiError> {
    Ok(phone_registrations::table
        .filter(phone_registrations::client_address.eq(address))
        .filter(phone_registrations::created_at.gt(since))
        .order(phone_registrations::created_at)
        .select(phone_registrations::created_at)
        .load(conn)?)
}

/// Counts one confirmation attempt, unless the attempts are used up or the
/// request is already confirmed. True when the attempt may go ahead.
pub fn count_attempt(conn: &mut DbConnection, id: i64, max: i32) -> Result<bool, ApiError> {
    let counted = diesel::update(
        phone_registrations::table
            .filter(phone_registrations::id.eq(id))
            .filter(phone_registrations::attempts.lt(max))
            .filter(phone_registrations::confirmed_at.is_null()),
    )
    .set(phone_registrations::attempts.eq(phone_registrations::attempts + 1))
    .execute(conn)?;
    Ok(counted == 1)
}

/// The code was right: the request is done and its details are dropped.
pub fn confirm(
    conn: &mut DbConnection,
    id: i64,
    person_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(phone_registrations::table.find(id))
        .set((
            phone_registrations::confirmed_at.eq(Some(now)),
            phone_registrations::person_id.eq(Some(person_id)),
            phone_registrations::details.eq("{}"),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = card_links)]
pub struct CardLink {
    pub id: i64,
    pub token_hash: String,
    pub person_id: i64,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = card_links)]
struct NewCardLink<'a> {
    token_hash: &'a str,
    person_id: i64,
    expires_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Stores a new link's secret (hashed) for `person_id`.
pub fn insert_card_link(
    conn: &mut DbConnection,
    token: &str,
    person_id: i64,
    expires_at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(card_links::table)
        .values(&NewCardLink {
            token_hash: &token_hash(token),
            person_id,
            expires_at,
            created_at: super::now(),
        })
        .execute(conn)?;
    Ok(())
}

/// The link of `token` if it is neither expired nor revoked at `now`.
pub fn live_card_link(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<CardLink>, ApiError> {
    Ok(card_links::table
        .filter(card_links::token_hash.eq(token_hash(token)))
        .filter(card_links::expires_at.gt(now))
        .filter(card_links::revoked_at.is_null())
        .select(CardLink::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes every live link of a person; returns how many.
pub fn revoke_card_links(
    conn: &mut DbConnection,
    person_id: i64,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    Ok(diesel::update(
        card_links::table
            .filter(card_links::person_id.eq(person_id))
            .filter(card_links::revoked_at.is_null())
            .filter(card_links::expires_at.gt(now)),
    )
    .set(card_links::revoked_at.eq(Some(now)))
    .execute(conn)?)
}
