//! Visits: one row per scan or check-in, the big table. Reads are by
//! checkpoint or organization over a time window, newest first, with a
//! keyset cursor on (entered_at, id).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::contacts::{LONGEST_STAY, PlacedRow, PlacedVisit, placed};
use super::schema::{
    checkpoints, organizations, people, staff_links, visit_idempotency_keys, visits,
};
use crate::auth::VisitScope;
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = visits)]
pub struct Visit {
    pub id: i64,
    pub public_id: String,
    pub checkpoint_id: i64,
    pub organization_id: i64,
    pub person_id: Option<i64>,
    pub subject_document: Option<String>,
    pub subject_name: String,
    pub colour: String,
    pub reason: String,
    pub policy_version: String,
    pub method: String,
    pub signature: String,
    pub scanned_by_account_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub entered_at: NaiveDateTime,
    pub exited_at: Option<NaiveDateTime>,
    /// When the visit stops counting as presence: the exit, or the entry
    /// plus the checkpoint's maximum stay.
    pub ends_at: NaiveDateTime,
    /// `staff_scan` or `self_check_out` once someone left.
    pub exit_method: Option<String>,
}

impl Visit {
    /// True while the person counts as present: no exit, and the maximum
    /// stay not over.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.exited_at.is_none() && self.ends_at > now
    }
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = visits)]
pub struct NewVisit {
    pub public_id: String,
    pub checkpoint_id: i64,
    pub organization_id: i64,
    pub person_id: Option<i64>,
    pub subject_document: Option<String>,
    pub subject_name: String,
    pub colour: String,
    pub reason: String,
    pub policy_version: String,
    pub method: String,
    pub signature: String,
    pub scanned_by_account_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub entered_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// Whether a recorded visit is new or the replay of one already stored.
pub enum Recorded {
    New(Visit),
    Replayed(Visit),
}

/// How many days after a scan the scan endpoint accepts its replay from an
/// offline queue.
pub const REPLAY_WINDOW_DAYS: i64 = 7;

/// How long an idempotency key is remembered after its visit's entry: the
/// replay window and a day more, for retries of scans sent without their
/// time. Retention deletes older keys.
pub fn idempotency_key_lifetime() -> chrono::Duration {
    chrono::Duration::days(REPLAY_WINDOW_DAYS + 1)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = visit_idempotency_keys)]
struct NewKey<'a> {
    checkpoint_id: i64,
    idempotency_key: &'a str,
    visit_public_id: &'a str,
    entered_at: NaiveDateTime,
}

/// Stores a visit once per (checkpoint, idempotency key). A replay returns
/// the visit first stored, whichever month either of them entered in; two
/// racing replays both end with that one row.
///
/// The key is claimed first in its own table, whose primary key decides: a
/// concurrent claim of the same key waits for the first transaction and
/// then finds the key taken. The visit is written in the same transaction,
/// so a claimed key always names a stored visit.
pub fn record(conn: &mut DbConnection, visit: &NewVisit) -> Result<Recorded, ApiError> {
    if let Some(key) = &visit.idempotency_key {
        let claim = NewKey {
            checkpoint_id: visit.checkpoint_id,
            idempotency_key: key,
            visit_public_id: &visit.public_id,
            entered_at: visit.entered_at,
        };
        if !claim_key(conn, &claim)? {
            if let Some(existing) = by_idempotency_key(conn, visit.checkpoint_id, key)? {
                return Ok(Recorded::Replayed(existing));
            }
            reassign_key(
                conn,
                visit.checkpoint_id,
                key,
                &visit.public_id,
                visit.entered_at,
            )?;
        }
    }

    diesel::insert_into(visits::table)
        .values(visit)
        .execute(conn)?;
    Ok(Recorded::New(
        visits::table
            .filter(visits::public_id.eq(&visit.public_id))
            .filter(visits::entered_at.eq(visit.entered_at))
            .select(Visit::as_select())
            .first(conn)?,
    ))
}

/// Claims the idempotency keys of a batch of scans at once and answers
/// which of them this call claimed; the others were claimed before (or by a
/// concurrent transaction, which this one waited for).
pub fn claim_keys(
    conn: &mut DbConnection,
    claims: &[(i64, &str, &str, NaiveDateTime)],
) -> Result<Vec<(i64, String)>, ApiError> {
    // In one order for every batch: two batches claiming the same keys in
    // opposite orders would each wait for the other's row locks.
    let mut rows: Vec<NewKey<'_>> = claims
        .iter()
        .map(
            |&(checkpoint_id, key, visit_public_id, entered_at)| NewKey {
                checkpoint_id,
                idempotency_key: key,
                visit_public_id,
                entered_at,
            },
        )
        .collect();
    rows.sort_unstable_by(|a, b| {
        (a.checkpoint_id, a.idempotency_key).cmp(&(b.checkpoint_id, b.idempotency_key))
    });
    let mut claimed = Vec::with_capacity(rows.len());
    match conn {
        // One statement per chunk of keys, answering with those it claimed.
        DbConnection::Postgresql(pg) => {
            // Four bound values a row keep every chunk far below the limit.
            for chunk in rows.chunks(500) {
                claimed.extend(
                    diesel::insert_into(visit_idempotency_keys::table)
                        .values(chunk)
                        .on_conflict((
                            visit_idempotency_keys::checkpoint_id,
                            visit_idempotency_keys::idempotency_key,
                        ))
                        .do_nothing()
                        .returning((
                            visit_idempotency_keys::checkpoint_id,
                            visit_idempotency_keys::idempotency_key,
                        ))
                        .get_results::<(i64, String)>(pg)?,
                );
            }
        }
        // diesel writes a batch row by row on SQLite and takes a row that
        // `DO NOTHING` skipped for an error, so each key is claimed by a
        // statement of its own, which costs no round trip in SQLite.
        DbConnection::Sqlite(sqlite) => {
            for row in &rows {
                let inserted = diesel::insert_into(visit_idempotency_keys::table)
                    .values(row)
                    .on_conflict((
                        visit_idempotency_keys::checkpoint_id,
                        visit_idempotency_keys::idempotency_key,
                    ))
                    .do_nothing()
                    .execute(sqlite)?;
                if inserted == 1 {
                    claimed.push((row.checkpoint_id, row.idempotency_key.to_owned()));
                }
            }
        }
    }
    Ok(claimed)
}

/// Points a key that outlived its visit (deleted by hand, since retention
/// keeps visits longer than keys) at a new visit.
pub fn reassign_key(
    conn: &mut DbConnection,
    checkpoint_id: i64,
    key: &str,
    visit_public_id: &str,
    entered_at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(visit_idempotency_keys::table.find((checkpoint_id, key)))
        .set((
            visit_idempotency_keys::visit_public_id.eq(visit_public_id),
            visit_idempotency_keys::entered_at.eq(entered_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Inserts the visits of a batch of scans in one statement per chunk and
/// returns them as stored, in no particular order.
pub fn insert_many(conn: &mut DbConnection, new: &[NewVisit]) -> Result<Vec<Visit>, ApiError> {
    let mut stored = Vec::with_capacity(new.len());
    // Sixteen bound values a row keep every chunk below SQLite's limit.
    for chunk in new.chunks(500) {
        let insert = diesel::insert_into(visits::table).values(chunk);
        stored.extend(match conn {
            DbConnection::Postgresql(pg) => {
                insert.returning(Visit::as_returning()).get_results(pg)?
            }
            DbConnection::Sqlite(sqlite) => insert
                .returning(Visit::as_returning())
                .get_results(sqlite)?,
        });
    }
    Ok(stored)
}

/// Claims an idempotency key; false when it was already claimed.
fn claim_key(conn: &mut DbConnection, claim: &NewKey<'_>) -> Result<bool, ApiError> {
    let insert = diesel::insert_into(visit_idempotency_keys::table)
        .values(claim)
        .on_conflict((
            visit_idempotency_keys::checkpoint_id,
            visit_idempotency_keys::idempotency_key,
        ))
        .do_nothing();
    let inserted = match conn {
        DbConnection::Postgresql(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    Ok(inserted == 1)
}

/// The visit an idempotency key recorded, looked up by its entry time too,
/// so in its own day's partition.
pub fn by_idempotency_key(
    conn: &mut DbConnection,
    checkpoint_id: i64,
    key: &str,
) -> Result<Option<Visit>, ApiError> {
    Ok(visits::table
        .inner_join(
            visit_idempotency_keys::table.on(visit_idempotency_keys::visit_public_id
                .eq(visits::public_id)
                .and(visit_idempotency_keys::entered_at.eq(visits::entered_at))),
        )
        .filter(visit_idempotency_keys::checkpoint_id.eq(checkpoint_id))
        .filter(visit_idempotency_keys::idempotency_key.eq(key))
        .select(Visit::as_select())
        .first(conn)
        .optional()?)
}

/// The entry times a visit still open at `now` can have, for reads that
/// look for open visits.
///
/// A visit ends at most the checkpoint's maximum stay after its entry, and
/// no maximum stay is longer than [`LONGEST_STAY`], so a visit whose end is
/// after `now` entered after `now - LONGEST_STAY`. The scan endpoint
/// refuses scans more than 5 minutes ahead of its clock, so a day ahead
/// leaves a wide margin for clocks that disagree. The window changes no
/// answer; it lets PostgreSQL prune the visits table to the two or three
/// days' partitions it touches instead of probing all of them (about 75
/// with 60 days of retention).
fn open_entry_window(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    (now - LONGEST_STAY, now + LONGEST_STAY)
}

/// The latest open visit of a person (by record, or by the document number
/// scanned for someone not in antoan) at a checkpoint.
pub fn open_visit(
    conn: &mut DbConnection,
    checkpoint_id: i64,
    person_id: Option<i64>,
    document: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<Visit>, ApiError> {
    let (entered_from, entered_until) = open_entry_window(now);
    let mut query = visits::table
        .filter(visits::checkpoint_id.eq(checkpoint_id))
        .filter(visits::exited_at.is_null())
        .filter(visits::ends_at.gt(now))
        .filter(visits::entered_at.ge(entered_from))
        .filter(visits::entered_at.le(entered_until))
        .order((visits::entered_at.desc(), visits::id.desc()))
        .select(Visit::as_select())
        .into_boxed();
    query = match (person_id, document) {
        (Some(person_id), _) => query.filter(visits::person_id.eq(person_id)),
        (None, Some(document)) => query
            .filter(visits::person_id.is_null())
            .filter(visits::subject_document.eq(document.to_owned())),
        (None, None) => return Ok(None),
    };
    Ok(query.first(conn).optional()?)
}

/// The visit with this id. Exports look their cursor up here once per page
/// of rows, so probing every day's partition by primary key is cheap
/// enough there.
pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Visit>, ApiError> {
    Ok(visits::table
        .find(id)
        .select(Visit::as_select())
        .first(conn)
        .optional()?)
}

/// The visit with this public id, for a check-out at `now`.
///
/// A visit that can be checked out is open, so it is looked for first
/// among the entry times an open visit can have (see
/// [`open_entry_window`]), which PostgreSQL answers from two or three
/// days' partitions. Only an id found there neither (a visit long over, or
/// none) is looked up in every partition, so that an old visit is still
/// told apart from an unknown one.
///
/// Limitation: on PostgreSQL the partitioned table can only enforce a
/// public id unique together with its entry time; across days it is
/// unique by its 128 random bits.
pub fn by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
    now: NaiveDateTime,
) -> Result<Option<Visit>, ApiError> {
    let (entered_from, entered_until) = open_entry_window(now);
    let recent = visits::table
        .filter(visits::public_id.eq(public_id))
        .filter(visits::entered_at.ge(entered_from))
        .filter(visits::entered_at.le(entered_until))
        .select(Visit::as_select())
        .first(conn)
        .optional()?;
    if recent.is_some() {
        return Ok(recent);
    }
    Ok(visits::table
        .filter(visits::public_id.eq(public_id))
        .select(Visit::as_select())
        .first(conn)
        .optional()?)
}

/// Ends an open visit at `at`; `method` says who ended it. The visit is
/// found by its entry time as well as its id, so that on PostgreSQL the
/// update touches its day's partition only.
pub fn close(
    conn: &mut DbConnection,
    visit: &Visit,
    at: NaiveDateTime,
    method: &str,
) -> Result<Visit, ApiError> {
    let this = visits::table
        .filter(visits::id.eq(visit.id))
        .filter(visits::entered_at.eq(visit.entered_at));
    diesel::update(this)
        .set((
            visits::exited_at.eq(Some(at)),
            visits::ends_at.eq(at),
            visits::exit_method.eq(Some(method)),
        ))
        .execute(conn)?;
    Ok(this.select(Visit::as_select()).first(conn)?)
}

/// What a list of visits is filtered by.
pub struct VisitFilter {
    pub checkpoint_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    /// The last (entered_at, id) of the previous page.
    pub before: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
    /// Only visits whose colour at entry was this.
    pub colour: Option<String>,
    /// Only the staff (true) or only everyone but the staff (false) of
    /// this organization.
    pub staff_of: Option<(i64, bool)>,
}

/// A visit with what its list shows beside it.
#[derive(Clone, Debug)]
pub struct ListedVisit {
    pub visit: Visit,
    pub checkpoint_public_id: String,
    pub checkpoint_name: String,
    /// The visitor's document number, from their record or as scanned.
    pub document_number: Option<String>,
}

/// Narrows a boxed query over visits (joined or not) to what `scope` and
/// `filter` allow; one macro so that a list and its count filter alike.
macro_rules! filtered {
    ($query:expr, $scope:expr, $filter:expr) => {{
        let filter: &VisitFilter = $filter;
        let mut query = $query
            .filter(visits::entered_at.ge(filter.from))
            .filter(visits::entered_at.lt(filter.until));
        if let VisitScope::Organization(organization_id) = $scope {
            query = query.filter(visits::organization_id.eq(organization_id));
        }
        if let Some(checkpoint_id) = filter.checkpoint_id {
            query = query.filter(visits::checkpoint_id.eq(checkpoint_id));
        }
        if let Some(organization_id) = filter.organization_id {
            query = query.filter(visits::organization_id.eq(organization_id));
        }
        if let Some(colour) = &filter.colour {
            query = query.filter(visits::colour.eq(colour.clone()));
        }
        if let Some((organization_id, staff)) = filter.staff_of {
            let staff_ids = staff_links::table
                .filter(staff_links::organization_id.eq(organization_id))
                .select(staff_links::person_id.nullable());
            query = if staff {
                query.filter(visits::person_id.eq_any(staff_ids))
            } else {
                query.filter(
                    visits::person_id
                        .is_null()
                        .or(diesel::dsl::not(visits::person_id.eq_any(staff_ids))),
                )
            };
        }
        if let Some((entered_at, id)) = filter.before {
            query = query.filter(
                visits::entered_at
                    .lt(entered_at)
                    .or(visits::entered_at.eq(entered_at).and(visits::id.lt(id))),
            );
        }
        query
    }};
}

/// Visits within `[from, until)`, newest first, only those `scope` allows,
/// each with its checkpoint and visitor in the same query.
pub fn list(
    conn: &mut DbConnection,
    scope: VisitScope,
    filter: &VisitFilter,
) -> Result<Vec<ListedVisit>, ApiError> {
    let query = visits::table
        .inner_join(checkpoints::table)
        .left_join(people::table)
        .select((
            Visit::as_select(),
            checkpoints::public_id,
            checkpoints::name,
            people::document_number.nullable(),
        ))
        .order((visits::entered_at.desc(), visits::id.desc()))
        .limit(filter.limit)
        .into_boxed();
    let rows: Vec<(Visit, String, String, Option<String>)> =
        filtered!(query, scope, filter).load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(visit, checkpoint_public_id, checkpoint_name, document)| ListedVisit {
                document_number: document.or_else(|| visit.subject_document.clone()),
                visit,
                checkpoint_public_id,
                checkpoint_name,
            },
        )
        .collect())
}

/// How many visits [`list`] would walk through with `filter`, over all its
/// pages (the filter's `limit` and `before` aside).
pub fn count(
    conn: &mut DbConnection,
    scope: VisitScope,
    filter: &VisitFilter,
) -> Result<i64, ApiError> {
    let everything = VisitFilter {
        before: None,
        colour: filter.colour.clone(),
        ..*filter
    };
    let query = visits::table.count().into_boxed();
    Ok(filtered!(query, scope, &everything).get_result(conn)?)
}

/// What a resident's list of visits is narrowed to.
pub struct OwnVisitFilter {
    /// Only this one of the resident's people.
    pub person_id: Option<i64>,
    /// Only visits at the checkpoint with this public id.
    pub checkpoint: Option<String>,
    /// Only visits still open at this instant.
    pub open_at: Option<NaiveDateTime>,
    /// The last (entered_at, id) of the previous page.
    pub before: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

/// The visits of person `declarer_id` and of the people they declared for
/// ("khai hộ"), newest first, with where each was. The scope is part of the
/// query: no other person's visit can come back, whatever the filter says.
///
/// Limitation: a first page of every visit names no entry time, so on
/// PostgreSQL it probes the person index of each day's partition (about 75
/// with 60 days of retention): one short index probe per day and household
/// member, and 10 to 20 ms of planning on the 2-core benchmark machine, for
/// a list a resident opens now and then. Open visits and later pages are
/// bounded by entry time and read only the days they can be in.
pub fn of_resident(
    conn: &mut DbConnection,
    declarer_id: i64,
    filter: &OwnVisitFilter,
) -> Result<Vec<PlacedVisit>, ApiError> {
    let household = diesel::alias!(people as household);
    let theirs = household
        .filter(
            household.field(people::id).eq(declarer_id).or(household
                .field(people::declared_by_person_id)
                .eq(declarer_id)),
        )
        .select(household.field(people::id).nullable());
    let mut query = visits::table
        .inner_join(checkpoints::table.inner_join(organizations::table))
        .left_join(people::table)
        .filter(visits::person_id.eq_any(theirs))
        .order((visits::entered_at.desc(), visits::id.desc()))
        .limit(filter.limit)
        .select((
            Visit::as_select(),
            checkpoints::public_id,
            checkpoints::name,
            organizations::name,
            people::public_id.nullable(),
            people::document_number.nullable(),
        ))
        .into_boxed();
    if let Some(person_id) = filter.person_id {
        query = query.filter(visits::person_id.eq(person_id));
    }
    if let Some(checkpoint) = &filter.checkpoint {
        query = query.filter(checkpoints::public_id.eq(checkpoint.clone()));
    }
    if let Some(now) = filter.open_at {
        let (entered_from, entered_until) = open_entry_window(now);
        query = query
            .filter(visits::exited_at.is_null())
            .filter(visits::ends_at.gt(now))
            .filter(visits::entered_at.ge(entered_from))
            .filter(visits::entered_at.le(entered_until));
    }
    if let Some((entered_at, id)) = filter.before {
        // The plain upper bound repeats what the keyset says, in a shape
        // PostgreSQL prunes by: a later page skips the newer days' partitions.
        query = query.filter(visits::entered_at.le(entered_at)).filter(
            visits::entered_at
                .lt(entered_at)
                .or(visits::entered_at.eq(entered_at).and(visits::id.lt(id))),
        );
    }
    let rows: Vec<PlacedRow> = query.load(conn)?;
    Ok(placed(rows))
}
