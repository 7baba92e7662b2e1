//! The SMS outbox: messages written in the transaction of the change that
//! causes them, claimed by a delivery worker under a lease, and marked sent
//! or failed. A message is claimed by one worker at a time, so two replicas
//! never send it together.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::sms_outbox;
use crate::error::ApiError;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = sms_outbox)]
pub struct Message {
    pub id: i64,
    pub public_id: String,
    pub phone: String,
    pub body: String,
    pub purpose: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sms_outbox)]
struct NewMessage<'a> {
    public_id: String,
    phone: &'a str,
    body: &'a str,
    purpose: &'a str,
    status: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Writes a message for delivery, on the caller's connection, so that it is
/// committed or rolled back with the change that causes it. `purpose` is a
/// short snake_case word for the logs (`registration_code`, `card_link`).
pub fn enqueue(
    conn: &mut DbConnection,
    phone: &str,
    body: &str,
    purpose: &str,
) -> Result<String, ApiError> {
    let now = super::now();
    let public_id = super::new_public_id();
    diesel::insert_into(sms_outbox::table)
        .values(&NewMessage {
            public_id: public_id.clone(),
            phone,
            body,
            purpose,
            status: PENDING,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        })
        .execute(conn)?;
    Ok(public_id)
}

/// Up to `limit` pending messages whose next attempt is due at `now`,
/// oldest due first. They still have to be claimed.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Message>, ApiError> {
    Ok(sms_outbox::table
        .filter(sms_outbox::status.eq(PENDING))
        .filter(sms_outbox::next_attempt_at.le(now))
        .filter(
            sms_outbox::locked_until
                .is_null()
                .or(sms_outbox::locked_until.le(now)),
        )
        .order((sms_outbox::next_attempt_at, sms_outbox::id))
        .limit(limit)
        .select(Message::as_select())
        .load(conn)?)
}

/// Takes the lease on a due message until `lease_until` and counts the
/// attempt. False when another worker claimed it first or it is done.
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> Result<bool, ApiError> {
    let claimed = diesel::update(
        sms_outbox::table
            .filter(sms_outbox::id.eq(id))
            .filter(sms_outbox::status.eq(PENDING))
            .filter(sms_outbox::next_attempt_at.le(now))
            .filter(
                sms_outbox::locked_until
                    .is_null()
                    .or(sms_outbox::locked_until.le(now)),
            ),
    )
    .set((
        sms_outbox::attempts.eq(sms_outbox::attempts + 1),
        sms_outbox::locked_until.eq(Some(lease_until)),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// The gateway accepted the message: it is done, and its text is dropped.
pub fn mark_sent(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<(), ApiError> {
    diesel::update(sms_outbox::table.find(id))
        .set((
            sms_outbox::status.eq(SENT),
            sms_outbox::sent_at.eq(Some(now)),
            sms_outbox::locked_until.eq(None::<NaiveDateTime>),
            sms_outbox::last_error.eq(None::<String>),
            sms_outbox::body.eq(""),
        ))
        .execute(conn)?;
    Ok(())
}

/// The attempt failed and may be tried again at `next_attempt_at`.
pub fn mark_retry(
    conn: &mut DbConnection,
    id: i64,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> Result<(), ApiError> {
    diesel::update(sms_outbox::table.find(id))
        .set((
            sms_outbox::next_attempt_at.eq(next_attempt_at),
            sms_outbox::locked_until.eq(None::<NaiveDateTime>),
            sms_outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The message will never be delivered: the gateway refused it for good or
/// the attempts ran out. Its text is dropped.
pub fn mark_failed(conn: &mut DbConnection, id: i64, error: &str) -> Result<(), ApiError> {
    diesel::update(sms_outbox::table.find(id))
        .set((
            sms_outbox::status.eq(FAILED),
            sms_outbox::locked_until.eq(None::<NaiveDateTime>),
            sms_outbox::last_error.eq(Some(error)),
            sms_outbox::body.eq(""),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn by_public_id(conn: &mut DbConnection, public_id: &str) -> Result<Option<Message>, ApiError> {
    Ok(sms_outbox::table
        .filter(sms_outbox::public_id.eq(public_id))
        .select(Message::as_select())
        .first(conn)
        .optional()?)
}

/// Every message to `phone`, oldest first (for operators and tests).
pub fn to_phone(conn: &mut DbConnection, phone: &str) -> Result<Vec<Message>, ApiError> {
    Ok(sms_outbox::table
        .filter(sms_outbox::phone.eq(phone))
        .order(sms_outbox::id)
        .select(Message::as_select())
        .load(conn)?)
}
