//! The access ledger: who read whose health data, when, what and why. Every
//! path that shows a person's data to someone other than that person calls
//! [`record`] in the same transaction as its read, so no read is answered
//! without its entry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{access_log, accounts, checkpoints, organizations};
use crate::auth::Principal;
use crate::error::ApiError;

/// What kind of read an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKind {
    /// A scan at a checkpoint showed the person's colour, name and masked number.
    Scan,
    /// The person's record was read or found by document number.
    PersonLookup,
    /// Vaccinations, recoveries, tests and declarations were read.
    HealthRecordsRead,
    /// The person's colour was read.
    StatusRead,
    /// The person's signed QR was issued to someone else.
    QrRead,
    /// A list of visits showed the person's visit and colour.
    VisitList,
    /// An organization's staff list showed the person's status.
    StaffList,
    /// A health officer's contact query named the person.
    ContactQuery,
    /// An export file held the person's data.
    Export,
    /// A correction removed one of the person's records (a dose or a
    /// recovery), which its handler read to remove.
    RecordRemoval,
}

impl AccessKind {
    pub const ALL: [AccessKind; 10] = [
        AccessKind::Scan,
        AccessKind::PersonLookup,
        AccessKind::HealthRecordsRead,
        AccessKind::StatusRead,
        AccessKind::QrRead,
        AccessKind::VisitList,
        AccessKind::StaffList,
        AccessKind::ContactQuery,
        AccessKind::Export,
        AccessKind::RecordRemoval,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Scan => "scan",
            AccessKind::PersonLookup => "person_lookup",
            AccessKind::HealthRecordsRead => "health_records_read",
            AccessKind::StatusRead => "status_read",
            AccessKind::QrRead => "qr_read",
            AccessKind::VisitList => "visit_list",
            AccessKind::StaffList => "staff_list",
            AccessKind::ContactQuery => "contact_query",
            AccessKind::Export => "export",
            AccessKind::RecordRemoval => "record_removal",
        }
    }
}

/// One read, before it is written: the reader comes from the principal.
#[derive(Clone, Debug)]
pub struct Access<'a> {
    pub kind: AccessKind,
    pub purpose: Option<&'a str>,
    pub organization_id: Option<i64>,
    pub checkpoint_id: Option<i64>,
}

impl<'a> Access<'a> {
    pub fn new(kind: AccessKind, purpose: Option<&'a str>) -> Self {
        Self {
            kind,
            purpose,
            organization_id: None,
            checkpoint_id: None,
        }
    }

    /// The same read, made at an organization's checkpoint or on its behalf.
    pub fn at(self, organization_id: Option<i64>, checkpoint_id: Option<i64>) -> Self {
        Self {
            organization_id,
            checkpoint_id,
            ..self
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = access_log)]
#[diesel(treat_none_as_default_value = false)]
struct NewEntry {
    public_id: String,
    person_id: i64,
    account_id: Option<i64>,
    account_role: String,
    kind: String,
    purpose: Option<String>,
    organization_id: Option<i64>,
    checkpoint_id: Option<i64>,
    accessed_at: NaiveDateTime,
}

/// Records that `reader` read the data of `person_id`; a person reading
/// their own data leaves no entry.
pub fn record(
    conn: &mut DbConnection,
    reader: &Principal,
    person_id: i64,
    access: &Access<'_>,
) -> Result<(), ApiError> {
    record_many(conn, reader, &[person_id], access)
}

/// Records one read of each of `person_ids` (a list or an export page), in
/// one statement per chunk.
pub fn record_many(
    conn: &mut DbConnection,
    reader: &Principal,
    person_ids: &[i64],
    access: &Access<'_>,
) -> Result<(), ApiError> {
    let now = super::now();
    let entries: Vec<NewEntry> = person_ids
        .iter()
        .copied()
        .filter(|id| reader.person_id != Some(*id))
        .map(|person_id| new_entry(reader, person_id, access, now))
        .collect();
    insert_entries(conn, &entries)
}

fn new_entry(
    reader: &Principal,
    person_id: i64,
    access: &Access<'_>,
    now: NaiveDateTime,
) -> NewEntry {
    NewEntry {
        public_id: super::new_public_id(),
        person_id,
        account_id: Some(reader.account_id),
        account_role: reader.role.as_str().to_owned(),
        kind: access.kind.as_str().to_owned(),
        purpose: access.purpose.map(str::to_owned),
        organization_id: access.organization_id,
        checkpoint_id: access.checkpoint_id,
        accessed_at: now,
    }
}

fn insert_entries(conn: &mut DbConnection, entries: &[NewEntry]) -> Result<(), ApiError> {
    // Nine bound values a row keep every chunk far below SQLite's limit.
    for chunk in entries.chunks(500) {
        let insert = diesel::insert_into(access_log::table).values(chunk);
        match conn {
            DbConnection::Postgresql(pg) => insert.execute(pg)?,
            DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
        };
    }
    Ok(())
}

/// Records reads by different readers at once (a batch of scans), in one
/// statement per chunk; a person reading their own data leaves no entry.
pub fn record_each(
    conn: &mut DbConnection,
    reads: &[(&Principal, i64, Access<'_>)],
) -> Result<(), ApiError> {
    let now = super::now();
    let entries: Vec<NewEntry> = reads
        .iter()
        .filter(|(reader, person_id, _)| reader.person_id != Some(*person_id))
        .map(|(reader, person_id, access)| new_entry(reader, *person_id, access, now))
        .collect();
    insert_entries(conn, &entries)
}

/// An entry as the person's ledger shows it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: i64,
    pub public_id: String,
    pub kind: String,
    pub purpose: Option<String>,
    pub account_role: String,
    pub account_public_id: Option<String>,
    pub organization_name: Option<String>,
    pub checkpoint_name: Option<String>,
    pub accessed_at: NaiveDateTime,
}

type EntryRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// The entries of `person_id`, newest first, after the keyset `before`.
pub fn of_person(
    conn: &mut DbConnection,
    person_id: i64,
    before: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> Result<Vec<Entry>, ApiError> {
    let mut query = access_log::table
        .left_join(accounts::table)
        .left_join(organizations::table)
        .left_join(checkpoints::table)
        .filter(access_log::person_id.eq(person_id))
        .select((
            access_log::id,
            access_log::public_id,
            access_log::kind,
            access_log::purpose,
            access_log::account_role,
            accounts::public_id.nullable(),
            organizations::name.nullable(),
            checkpoints::name.nullable(),
            access_log::accessed_at,
        ))
        .order((access_log::accessed_at.desc(), access_log::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            access_log::accessed_at
                .lt(at)
                .or(access_log::accessed_at.eq(at).and(access_log::id.lt(id))),
        );
    }
    let rows: Vec<EntryRow> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                public_id,
                kind,
                purpose,
                account_role,
                account_public_id,
                organization_name,
                checkpoint_name,
                accessed_at,
            )| Entry {
                id,
                public_id,
                kind,
                purpose,
                account_role,
                account_public_id,
                organization_name,
                checkpoint_name,
                accessed_at,
            },
        )
        .collect())
}
