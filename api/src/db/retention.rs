//! Retention's queries: rows older than a cutoff deleted in small batches,
//! and on PostgreSQL the daily partitions of the visits table, created
//! ahead and dropped once a whole day is past the cutoff.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};

use super::DbConnection;
use crate::error::ApiError;

/// Rows that retention deletes by age: a table and the instant it ages by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aged<'a> {
    /// Visits by entry: on PostgreSQL one partition of `visits` (or its
    /// default partition), on SQLite the table itself.
    Visits(&'a str),
    /// Idempotency keys, by the entry of the visit each one recorded.
    IdempotencyKeys,
    /// Access-ledger entries, by when the read happened.
    AccessLog,
}

impl Aged<'_> {
    /// The table (or partition) the rows live in.
    pub fn table(&self) -> &str {
        match self {
            Aged::Visits(table) => table,
            Aged::IdempotencyKeys => "visit_idempotency_keys",
            Aged::AccessLog => "access_log",
        }
    }

    fn column(&self) -> &'static str {
        match self {
            Aged::Visits(_) | Aged::IdempotencyKeys => "entered_at",
            Aged::AccessLog => "accessed_at",
        }
    }

    /// The table's name as an SQL identifier. Names come from this module
    /// or from PostgreSQL's catalog, never from a request; a name that
    /// would need escaping is refused all the same.
    fn quoted_table(&self) -> Result<String, ApiError> {
        let table = self.table();
        if table.is_empty() || !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ApiError::internal(format!(
                "retention refuses the table name {table:?}"
            )));
        }
        Ok(format!("\"{table}\""))
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Deletes at most `limit` of the oldest rows before `cutoff`, in one
/// transaction of its own, and says how many went. The batch is picked
/// through the time index and deleted by physical row id, so each batch
/// is a short transaction however large the table.
pub fn delete_batch(
    conn: &mut DbConnection,
    aged: Aged<'_>,
    cutoff: NaiveDateTime,
    limit: u32,
) -> Result<u64, ApiError> {
    let table = aged.quoted_table()?;
    let column = aged.column();
    // On a partitioned table a ctid repeats across partitions; the outer
    // time condition keeps such a twin to rows that are due all the same.
    let sql = match conn {
        DbConnection::Postgresql(_) => format!(
            "DELETE FROM {table} WHERE {column} < $1 AND ctid = ANY(ARRAY(\
             SELECT ctid FROM {table} WHERE {column} < $1 ORDER BY {column} LIMIT $2))"
        ),
        DbConnection::Sqlite(_) => format!(
            "DELETE FROM {table} WHERE rowid IN (\
             SELECT rowid FROM {table} WHERE {column} < ?1 ORDER BY {column} LIMIT ?2)"
        ),
    };
    let deleted = super::transaction(conn, |conn| {
        Ok(diesel::sql_query(&sql)
            .bind::<Timestamp, _>(cutoff)
            .bind::<BigInt, _>(i64::from(limit))
            .execute(conn)?)
    })?;
    Ok(u64::try_from(deleted).unwrap_or_default())
}

/// How many rows are older than `cutoff`, for a dry run.
pub fn count_before(
    conn: &mut DbConnection,
    aged: Aged<'_>,
    cutoff: NaiveDateTime,
) -> Result<u64, ApiError> {
    let table = aged.quoted_table()?;
    let column = aged.column();
    let placeholder = match conn {
        DbConnection::Postgresql(_) => "$1",
        DbConnection::Sqlite(_) => "?1",
    };
    let rows = diesel::sql_query(format!(
        "SELECT count(*) AS count FROM {table} WHERE {column} < {placeholder}"
    ))
    .bind::<Timestamp, _>(cutoff)
    .load(conn)?;
    Ok(first_count(&rows))
}

/// How many rows a table holds, for the default partition's report.
pub fn count_all(conn: &mut DbConnection, aged: Aged<'_>) -> Result<u64, ApiError> {
    let table = aged.quoted_table()?;
    let rows = diesel::sql_query(format!("SELECT count(*) AS count FROM {table}")).load(conn)?;
    Ok(first_count(&rows))
}

fn first_count(rows: &[Count]) -> u64 {
    rows.first()
        .map_or(0, |row| u64::try_from(row.count).unwrap_or_default())
}

/// The partition of the visits table on PostgreSQL that holds the rows of
/// days without a partition of their own.
pub const DEFAULT_PARTITION: &str = "visits_default";

/// One partition of the visits table on PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq, QueryableByName)]
pub struct Partition {
    #[diesel(sql_type = Text)]
    pub name: String,
    /// The first instant it holds; absent for the default partition.
    #[diesel(sql_type = Nullable<Timestamp>, column_name = range_from)]
    pub from: Option<NaiveDateTime>,
    /// The first instant it no longer holds; absent for the default partition.
    #[diesel(sql_type = Nullable<Timestamp>, column_name = range_until)]
    pub until: Option<NaiveDateTime>,
    /// PostgreSQL's estimate of its rows as of the last analysis; 0 when
    /// it was never analysed.
    #[diesel(sql_type = BigInt)]
    pub estimated_rows: i64,
}

impl Partition {
    pub fn is_default(&self) -> bool {
        self.from.is_none()
    }
}

/// The partitions of the visits table, oldest first, the default one
/// first of all; none on SQLite, which has no partitions.
pub fn visit_partitions(conn: &mut DbConnection) -> Result<Vec<Partition>, ApiError> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(Vec::new());
    };
    Ok(diesel::sql_query(
        "SELECT c.relname::text AS name,
                substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamp AS range_from,
                substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamp AS range_until,
                GREATEST(c.reltuples, 0)::bigint AS estimated_rows
           FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'visits'::regclass
          ORDER BY range_from NULLS FIRST",
    )
    .load(pg)?)
}

/// How long a partition's creation or drop waits for its lock before it
/// gives up until the next run, rather than queue every scan behind it.
const LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '2s'";

/// Creates the visits partition of the UTC day that holds `day` unless it
/// exists, moving that day's rows out of the default partition; true when
/// it created one. PostgreSQL only.
pub fn create_visit_partition(
    conn: &mut DbConnection,
    day: NaiveDateTime,
) -> Result<bool, ApiError> {
    #[derive(QueryableByName)]
    struct Created {
        #[diesel(sql_type = Bool)]
        created: bool,
    }
    let DbConnection::Postgresql(_) = conn else {
        return Ok(false);
    };
    super::transaction(conn, |conn| {
        diesel::sql_query(LOCK_TIMEOUT).execute(conn)?;
        let rows: Vec<Created> =
            diesel::sql_query("SELECT antoan_create_visit_partition($1) AS created")
                .bind::<Timestamp, _>(day)
                .load(conn)?;
        Ok(rows.first().is_some_and(|row| row.created))
    })
}

/// Drops one partition of the visits table, and every visit in it.
/// PostgreSQL only.
pub fn drop_visit_partition(conn: &mut DbConnection, name: &str) -> Result<(), ApiError> {
    let table = Aged::Visits(name).quoted_table()?;
    super::transaction(conn, |conn| {
        diesel::sql_query(LOCK_TIMEOUT).execute(conn)?;
        diesel::sql_query(format!("DROP TABLE {table}")).execute(conn)?;
        Ok(())
    })
}

/// The session lock that lets one replica at a time run retention: the
/// ASCII of "antoan" and a 1, so that it is recognizable in `pg_locks`.
pub const RETENTION_LOCK: i64 = 0x616e_746f_616e_0001;

/// Takes the retention lock for this connection's session unless another
/// session holds it; true when taken. Always true on SQLite, where writers
/// take turns anyway and every deletion is safe to repeat.
pub fn try_lock(conn: &mut DbConnection) -> Result<bool, ApiError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(true);
    };
    let rows: Vec<Locked> = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(RETENTION_LOCK)
        .load(pg)?;
    Ok(rows.first().is_some_and(|row| row.locked))
}

/// Releases the retention lock taken by [`try_lock`].
pub fn unlock(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<BigInt, _>(RETENTION_LOCK)
            .execute(pg)?;
    }
    Ok(())
}
