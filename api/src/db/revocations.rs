//! Revocations of personal QR codes: each says that a person's codes issued
//! before an instant no longer vouch for them. The public list carries the
//! latest one per person for as long as a code it revokes could still be
//! inside its window.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{people, qr_revocations};
use crate::error::ApiError;

/// Why codes were revoked: a correction removed one of the person's records.
pub const REASON_RECORD_REMOVED: &str = "record_removed";

#[derive(Debug, Insertable)]
#[diesel(table_name = qr_revocations)]
pub struct NewRevocation {
    pub person_id: i64,
    /// Codes issued before this instant are revoked.
    pub issued_before: NaiveDateTime,
    pub reason: String,
    pub correction_request_id: Option<i64>,
    pub created_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, revocation: &NewRevocation) -> Result<(), ApiError> {
    diesel::insert_into(qr_revocations::table)
        .values(revocation)
        .execute(conn)?;
    Ok(())
}

/// The instant the person's latest revocation reaches, if they have one.
pub fn latest(conn: &mut DbConnection, person_id: i64) -> Result<Option<NaiveDateTime>, ApiError> {
    Ok(qr_revocations::table
        .filter(qr_revocations::person_id.eq(person_id))
        .select(max(qr_revocations::issued_before))
        .first(conn)?)
}

/// The instant the latest revocation of each of `person_ids` reaches, for
/// those who have one.
pub fn latest_of(
    conn: &mut DbConnection,
    person_ids: &[i64],
) -> Result<HashMap<i64, NaiveDateTime>, ApiError> {
    let mut latest = HashMap::new();
    for chunk in person_ids.chunks(super::health::IN_CHUNK) {
        let rows: Vec<(i64, Option<NaiveDateTime>)> = qr_revocations::table
            .filter(qr_revocations::person_id.eq_any(chunk))
            .group_by(qr_revocations::person_id)
            .select((
                qr_revocations::person_id,
                max(qr_revocations::issued_before),
            ))
            .load(conn)?;
        latest.extend(
            rows.into_iter()
                .filter_map(|(person_id, at)| Some((person_id, at?))),
        );
    }
    Ok(latest)
}

/// Each person with a revocation that reaches past `horizon`, by QID, with
/// the latest instant any of their revocations reaches.
pub fn reaching_past(
    conn: &mut DbConnection,
    horizon: NaiveDateTime,
) -> Result<Vec<(String, NaiveDateTime)>, ApiError> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = qr_revocations::table
        .inner_join(people::table)
        .filter(qr_revocations::issued_before.gt(horizon))
        .group_by(people::qid)
        .select((people::qid, max(qr_revocations::issued_before)))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(qid, latest)| Some((qid, latest?)))
        .collect())
}
