//! Revoking personal QR codes. When a correction removes one of a person's
//! records, the codes issued to them before the removal may vouch for a
//! green they no longer have, so they stop vouching, offline too: each code
//! carries the instant it was issued (token version 2), and the public
//! revocation list names, by a hash of the QID, whose codes issued before
//! which instant are revoked. `docs/national-qr-format.md` writes the rules
//! down for other verifiers.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::domain::time::start_of_hour;

/// How far past the removal a revocation reaches. A code issued while the
/// removal was still being written (its transaction not yet committed), or
/// by a replica whose clock runs a little ahead, was computed from the old
/// records; the margin makes it count as issued before the revocation.
pub const MARGIN: TimeDelta = TimeDelta::seconds(60);

/// What the QID is hashed with, so that the list's hashes match no other
/// list's hashes of the same numbers.
pub const QID_HASH_CONTEXT: &str = "antoan-qr-revocation-1|";

/// How many bytes of the SHA-256 the list keeps: 16 bytes (32 hex digits)
/// make an accidental match between two people's hashes negligible.
const QID_HASH_BYTES: usize = 16;

/// The name under which the revocation list carries a person: the first 16
/// bytes of SHA-256 over [`QID_HASH_CONTEXT`] and the QID, in lower-case hex.
pub fn qid_hash(qid: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(QID_HASH_CONTEXT.as_bytes());
    hasher.update(qid.as_bytes());
    hex::encode(&hasher.finalize()[..QID_HASH_BYTES])
}

/// The instant a revocation reaches for a removal written at `removed_at`:
/// codes issued before it are revoked. Whole seconds, rounded up, since
/// tokens carry whole seconds, then [`MARGIN`] later.
pub fn issued_before(removed_at: DateTime<Utc>) -> DateTime<Utc> {
    let whole = removed_at.timestamp() + i64::from(removed_at.timestamp_subsec_nanos() > 0);
    DateTime::from_timestamp(whole, 0).unwrap_or(removed_at) + MARGIN
}

/// The issue instant a new code carries: the start of the hour, so that
/// the cards printed for one person within an hour are identical; or the
/// person's latest revocation when that is later, so that a code made after
/// a removal is never taken for one made before it.
pub fn issue_instant(
    now: DateTime<Utc>,
    latest_revocation: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let hour = start_of_hour(now);
    latest_revocation.map_or(hour, |revoked| revoked.max(hour))
}

/// Whether a code issued at `issued_at` is revoked by a revocation that
/// reaches `issued_before`. Version-1 codes carry no issue instant
/// (`None`); every one of them was issued before the first revocation could
/// be made, so any revocation of the holder revokes them.
pub fn is_revoked(issued_at: Option<DateTime<Utc>>, issued_before: DateTime<Utc>) -> bool {
    issued_at.is_none_or(|issued| issued < issued_before)
}

/// The revocation list at `now` carries every revocation that reaches past
/// this instant. A code ends its window at most `validity_cap` after it was
/// issued, so once `issued_before + validity_cap` has passed, every code a
/// revocation revokes has expired and the entry can go.
///
/// Limitation: the cap is the one in force now. After `ANTOAN_QR_VALIDITY_DAYS`
/// is lowered, codes signed under the longer cap may outlive their
/// revocation's entry, and offline verifiers trust them again until their
/// own windows end.
pub fn list_horizon(now: DateTime<Utc>, validity_cap: Duration) -> DateTime<Utc> {
    let cap = TimeDelta::from_std(validity_cap).unwrap_or(TimeDelta::MAX);
    now.checked_sub_signed(cap)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_qid_hash_is_the_documented_one() {
        // The vector of docs/national-qr-format.md.
        let hash = qid_hash("123456789012345678");
        assert_eq!(hash.len(), 32);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let docs = include_str!("../../../docs/national-qr-format.md");
        assert!(docs.contains(&hash), "the docs lack the QID hash {hash}");
        assert_ne!(qid_hash("123456789012345679"), hash);
    }

    #[test]
    fn a_revocation_reaches_a_minute_past_the_removal_in_whole_seconds() {
        assert_eq!(
            issued_before(at("2021-10-20T03:30:00Z")),
            at("2021-10-20T03:31:00Z")
        );
        assert_eq!(
            issued_before(at("2021-10-20T03:30:00.000001Z")),
            at("2021-10-20T03:31:01Z")
        );
        assert_eq!(
            issued_before(at("2021-10-20T03:30:59.999Z")),
            at("2021-10-20T03:32:00Z")
        );
    }

    #[test]
    fn codes_start_their_hour_unless_a_revocation_is_later() {
        let now = at("2021-10-20T03:45:12.5Z");
        assert_eq!(issue_instant(now, None), at("2021-10-20T03:00:00Z"));
        assert_eq!(
            issue_instant(now, Some(at("2021-10-19T08:00:00Z"))),
            at("2021-10-20T03:00:00Z")
        );
        // Right after a removal, the new code carries the revocation's
        // instant, a minute ahead of the clock, and is not revoked by it.
        let revoked = issued_before(at("2021-10-20T03:45:00Z"));
        let issued = issue_instant(now, Some(revoked));
        assert_eq!(issued, at("2021-10-20T03:46:00Z"));
        assert!(!is_revoked(Some(issued), revoked));
    }

    #[test]
    fn codes_issued_before_the_instant_are_revoked_and_later_ones_are_not() {
        let revoked = at("2021-10-20T03:31:00Z");
        assert!(is_revoked(Some(at("2021-10-20T03:00:00Z")), revoked));
        assert!(is_revoked(Some(at("2021-10-20T03:30:59Z")), revoked));
        assert!(!is_revoked(Some(revoked), revoked));
        assert!(!is_revoked(Some(at("2021-10-20T04:00:00Z")), revoked));
        // Version 1 codes carry no issue instant and predate every revocation.
        assert!(is_revoked(None, revoked));
    }

    #[test]
    fn a_code_made_while_the_removal_was_written_counts_as_before_it() {
        // The removal is written at 03:59:59.9 and commits at 04:00:00.4; a
        // code issued at 04:00:00.2 read the records before the commit.
        let revoked = issued_before(at("2021-10-20T03:59:59.9Z"));
        let stale = issue_instant(at("2021-10-20T04:00:00.2Z"), None);
        assert!(is_revoked(Some(stale), revoked));
        // Once the revocation is visible, the next code is not revoked.
        let fresh = issue_instant(at("2021-10-20T04:00:00.5Z"), Some(revoked));
        assert!(!is_revoked(Some(fresh), revoked));
    }

    #[test]
    fn the_documented_revocation_revokes_the_documented_codes() {
        // A removal on 2021-10-18 at 09:30 local time, as the docs show it.
        let revoked = issued_before(at("2021-10-18T02:30:00Z"));
        let docs = include_str!("../../../docs/national-qr-format.md");
        assert!(docs.contains(&format!(
            "\"issued_before\": \"{}\"",
            revoked.format("%Y-%m-%dT%H:%M:%SZ")
        )));
        // The version 2 vector, issued 2021-10-16T03:00:00Z, and the version 1 one.
        assert!(is_revoked(Some(at("2021-10-16T03:00:00Z")), revoked));
        assert!(is_revoked(None, revoked));
    }

    #[test]
    fn the_list_keeps_revocations_for_the_longest_window() {
        let now = at("2021-10-27T03:00:00Z");
        let week = Duration::from_secs(7 * 86_400);
        assert_eq!(list_horizon(now, week), at("2021-10-20T03:00:00Z"));
        assert_eq!(
            list_horizon(now, Duration::from_secs(u64::MAX)),
            DateTime::<Utc>::MIN_UTC
        );
    }
}
