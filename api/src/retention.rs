//! Retention: visits and access-ledger entries older than their configured
//! age are deleted by a job that every replica runs on a timer and that
//! `antoan retention` runs by hand.
//!
//! On PostgreSQL the visits table is partitioned by UTC day of entry, and
//! the job deletes visits only by dropping a whole day once all of it lies
//! before the cutoff: a visit goes between `visit_days` and `visit_days`
//! plus one day after its entry (and at most one interval of the job
//! later, when the drop happens at the next run). The job also creates the
//! partitions of the replay window and of the next [`DAYS_AHEAD`] days, so
//! that the default partition stays empty; should rows land there all the
//! same, it deletes them by range, in batches, and warns. On SQLite, which
//! has no partitions, it deletes old visits by range in batches, exactly at
//! the cutoff. Idempotency keys go after the replay window, and ledger
//! entries after their own, longer, age, by range on both backends.
//!
//! On PostgreSQL a session lock lets one replica at a time run the job; the
//! others skip that round. Every step is safe to repeat, so a run that dies
//! halfway is finished by the next.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::config::RetentionSettings;
use crate::db::retention::{self as queries, Aged, DEFAULT_PARTITION, Partition};
use crate::db::{self, Db, DbConnection, visits};
use crate::error::ApiError;

/// How many days after today have a visits partition ready on PostgreSQL.
///
/// Every run of the job makes the missing ones, and some replica runs it
/// every `ANTOAN_RETENTION_INTERVAL_MINUTES` (an hour by default, a week at
/// most). Fourteen days are two of the longest intervals: a run that fails,
/// or replicas that are down at their turn, still leave at least a week
/// before a scan would fall into the default partition; at the default
/// interval that is 336 runs to spare. More days would only add empty
/// tables that every read naming no entry time has to probe.
pub const DAYS_AHEAD: i64 = 14;

/// Whether a run deletes or only says what it would delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Apply,
    DryRun,
}

/// A partition of visits that a run dropped (or would drop).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedPartition {
    pub name: String,
    /// PostgreSQL's estimate of its rows, from its last analysis.
    pub estimated_rows: i64,
}

/// What one run did, or in a dry run would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub mode: Mode,
    pub backend: &'static str,
    /// Another replica held the retention lock: this run did nothing.
    pub skipped: bool,
    /// False when retention is switched off: only partitions were made.
    pub enabled: bool,
    pub visit_cutoff: NaiveDateTime,
    pub idempotency_key_cutoff: NaiveDateTime,
    pub access_log_cutoff: NaiveDateTime,
    pub partitions_created: Vec<String>,
    pub partitions_dropped: Vec<DroppedPartition>,
    /// Partitions whose creation or drop could not take its lock in time,
    /// or failed otherwise: the next run tries again.
    pub partitions_postponed: Vec<String>,
    /// Visits deleted by range: on SQLite every expired one, on PostgreSQL
    /// only those of the default partition (the visits of dropped days are
    /// not counted here; see `partitions_dropped`).
    pub visits_deleted: u64,
    pub idempotency_keys_deleted: u64,
    pub access_log_deleted: u64,
    /// Visits left in PostgreSQL's default partition: days without a
    /// partition of their own, newer than the cutoff.
    pub default_partition_rows: u64,
}

impl Report {
    fn new(
        mode: Mode,
        backend: &'static str,
        settings: &RetentionSettings,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            mode,
            backend,
            skipped: false,
            enabled: settings.enabled,
            visit_cutoff: days_before(now, settings.visit_days),
            idempotency_key_cutoff: now - visits::idempotency_key_lifetime(),
            access_log_cutoff: days_before(now, settings.access_log_days),
            partitions_created: Vec::new(),
            partitions_dropped: Vec::new(),
            partitions_postponed: Vec::new(),
            visits_deleted: 0,
            idempotency_keys_deleted: 0,
            access_log_deleted: 0,
            default_partition_rows: 0,
        }
    }
}

fn days_before(now: NaiveDateTime, days: u32) -> NaiveDateTime {
    now.checked_sub_signed(chrono::Duration::days(i64::from(days)))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Runs retention once on a connection of the caller's, as of `now`.
pub fn run(
    conn: &mut DbConnection,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
    mode: Mode,
) -> Result<Report, ApiError> {
    let now = db::truncate_to_micros(now.naive_utc());
    let mut report = Report::new(mode, backend(conn), settings, now);
    if mode == Mode::Apply && !queries::try_lock(conn)? {
        report.skipped = true;
        tracing::info!(
            retention.reason = "another replica runs it",
            "retention.skipped"
        );
        return Ok(report);
    }
    let outcome = run_steps(conn, settings, now, &mut report);
    if mode == Mode::Apply {
        queries::unlock(conn)?;
    }
    outcome?;
    tracing::info!(
        retention.mode = ?report.mode,
        retention.enabled = report.enabled,
        retention.partitions_created = report.partitions_created.len(),
        retention.partitions_dropped = report.partitions_dropped.len(),
        retention.partitions_postponed = report.partitions_postponed.len(),
        retention.visits_deleted = report.visits_deleted,
        retention.idempotency_keys_deleted = report.idempotency_keys_deleted,
        retention.access_log_deleted = report.access_log_deleted,
        retention.default_partition_rows = report.default_partition_rows,
        "retention.finished"
    );
    Ok(report)
}

fn backend(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Postgresql(_) => "postgresql",
        DbConnection::Sqlite(_) => "sqlite",
    }
}

/// The visits partitions a run made (or in a dry run would make), and
/// those whose creation it left to the next run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prepared {
    pub created: Vec<String>,
    pub postponed: Vec<String>,
}

/// Creates the visits partitions that `now` needs, as a run of the job
/// would, and nothing else: what `antoan migrate` does after migrating, so
/// that a database is ready for scans before any server starts. `None`
/// when another replica holds the retention lock (its run makes them);
/// nothing to do on SQLite.
pub fn prepare_partitions(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Option<Prepared>, ApiError> {
    if !matches!(conn, DbConnection::Postgresql(_)) {
        return Ok(Some(Prepared::default()));
    }
    if !queries::try_lock(conn)? {
        return Ok(None);
    }
    let now = db::truncate_to_micros(now.naive_utc());
    let outcome = create_partitions_ahead(conn, now, Mode::Apply);
    queries::unlock(conn)?;
    let prepared = outcome?;
    tracing::info!(
        retention.partitions_created = prepared.created.len(),
        retention.partitions_postponed = prepared.postponed.len(),
        "retention.partitions_prepared"
    );
    Ok(Some(prepared))
}

fn run_steps(
    conn: &mut DbConnection,
    settings: &RetentionSettings,
    now: NaiveDateTime,
    report: &mut Report,
) -> Result<(), ApiError> {
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    if postgres {
        let prepared = create_partitions_ahead(conn, now, report.mode)?;
        report.partitions_created = prepared.created;
        report.partitions_postponed = prepared.postponed;
    }
    if settings.enabled {
        if postgres {
            expire_visit_partitions(conn, settings, report)?;
        } else {
            report.visits_deleted = expire(
                conn,
                Aged::Visits("visits"),
                report.visit_cutoff,
                settings,
                report.mode,
            )?;
        }
        report.idempotency_keys_deleted = expire(
            conn,
            Aged::IdempotencyKeys,
            report.idempotency_key_cutoff,
            settings,
            report.mode,
        )?;
        report.access_log_deleted = expire(
            conn,
            Aged::AccessLog,
            report.access_log_cutoff,
            settings,
            report.mode,
        )?;
    }
    if postgres {
        report.default_partition_rows = queries::count_all(conn, Aged::Visits(DEFAULT_PARTITION))?;
        if report.default_partition_rows > 0 {
            tracing::warn!(
                retention.rows = report.default_partition_rows,
                "retention.default_partition_holds_visits"
            );
        }
    }
    Ok(())
}

/// Midnight (UTC) of the day that holds `instant`: where its partition starts.
pub fn day_of(instant: NaiveDateTime) -> NaiveDateTime {
    instant.date().and_time(chrono::NaiveTime::MIN)
}

/// The days that must have a partition at `now`: from the day of the
/// oldest scan the endpoint still accepts to [`DAYS_AHEAD`] days after
/// today. With visits kept at least 14 days, none of them is ever past the
/// cutoff, so the job never drops a day it would then make again.
pub fn days_needed(now: NaiveDateTime) -> Vec<NaiveDateTime> {
    let first = day_of(now - chrono::Duration::days(visits::REPLAY_WINDOW_DAYS));
    let last = day_of(now) + chrono::Duration::days(DAYS_AHEAD);
    let mut days = Vec::new();
    let mut day = first;
    while day <= last {
        days.push(day);
        day += chrono::Duration::days(1);
    }
    days
}

/// The name the partition of `day` gets, as `antoan_create_visit_partition`
/// makes it: `visits_2021_10_05`.
pub fn partition_name(day: NaiveDateTime) -> String {
    day.format("visits_%Y_%m_%d").to_string()
}

fn create_partitions_ahead(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    mode: Mode,
) -> Result<Prepared, ApiError> {
    let existing = queries::visit_partitions(conn)?;
    let mut prepared = Prepared::default();
    for day in days_needed(now) {
        if existing.iter().any(|p| p.from == Some(day)) {
            continue;
        }
        let name = partition_name(day);
        if mode == Mode::DryRun {
            prepared.created.push(name);
            continue;
        }
        match queries::create_visit_partition(conn, day) {
            Ok(true) => {
                tracing::info!(retention.partition = %name, "retention.partition_created");
                prepared.created.push(name);
            }
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(
                    retention.partition = %name,
                    error.cause = %err.for_operator(),
                    "retention.partition_creation_postponed"
                );
                prepared.postponed.push(name);
            }
        }
    }
    Ok(prepared)
}

/// Drops the partitions of the days wholly before the cutoff. A day that
/// straddles the cutoff stays whole until the next day's run, rows older
/// than the age included: that keeps deletion to dropping tables. Only the
/// default partition, which has no day to drop, is deleted by range.
fn expire_visit_partitions(
    conn: &mut DbConnection,
    settings: &RetentionSettings,
    report: &mut Report,
) -> Result<(), ApiError> {
    let cutoff = report.visit_cutoff;
    let partitions = queries::visit_partitions(conn)?;
    for partition in &partitions {
        let Partition {
            name,
            until,
            estimated_rows,
            ..
        } = partition;
        if partition.is_default() {
            // Limitation: rows of days without a partition (the job did not
            // run for more than DAYS_AHEAD days) can only be deleted one by
            // one; the warning tells the operator that it happened.
            let deleted = expire(conn, Aged::Visits(name), cutoff, settings, report.mode)?;
            if deleted > 0 && report.mode == Mode::Apply {
                tracing::warn!(
                    retention.rows = deleted,
                    "retention.default_partition_visits_deleted"
                );
            }
            report.visits_deleted += deleted;
            continue;
        }
        if !until.is_some_and(|until| until <= cutoff) {
            continue;
        }
        let dropped = DroppedPartition {
            name: name.clone(),
            estimated_rows: *estimated_rows,
        };
        if report.mode == Mode::DryRun {
            report.partitions_dropped.push(dropped);
            continue;
        }
        match queries::drop_visit_partition(conn, name) {
            Ok(()) => {
                tracing::info!(
                    retention.partition = %name,
                    retention.rows_estimated = estimated_rows,
                    "retention.partition_dropped"
                );
                report.partitions_dropped.push(dropped);
            }
            Err(err) => {
                tracing::warn!(
                    retention.partition = %name,
                    error.cause = %err.for_operator(),
                    "retention.partition_drop_postponed"
                );
                report.partitions_postponed.push(name.clone());
            }
        }
    }
    Ok(())
}

/// Deletes the rows of `aged` older than `cutoff`, a batch per transaction
/// (in a dry run, counts them); returns how many.
fn expire(
    conn: &mut DbConnection,
    aged: Aged<'_>,
    cutoff: NaiveDateTime,
    settings: &RetentionSettings,
    mode: Mode,
) -> Result<u64, ApiError> {
    if mode == Mode::DryRun {
        return queries::count_before(conn, aged, cutoff);
    }
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    let mut total = 0;
    loop {
        let deleted = queries::delete_batch(conn, aged, cutoff, settings.batch_size)?;
        total += deleted;
        if deleted < u64::from(settings.batch_size) {
            break;
        }
        // SQLite has one write lock, and its busy handler is no queue: a
        // pause lets the scans waiting for it in before the next batch.
        if sqlite {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    if total > 0 {
        let event = match aged {
            Aged::Visits(_) => "retention.visits_deleted",
            Aged::IdempotencyKeys => "retention.idempotency_keys_deleted",
            Aged::AccessLog => "retention.access_log_deleted",
        };
        tracing::info!(
            retention.rows = total,
            retention.table = aged.table(),
            "{event}"
        );
    }
    Ok(total)
}

/// Runs retention once on a connection of the pool, off the async executor.
pub async fn run_once(
    db: &Db,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
    mode: Mode,
) -> Result<Report, ApiError> {
    let settings = settings.clone();
    db.run(move |conn| run(conn, &settings, now, mode)).await
}

/// Starts the retention job on the current runtime: a run at start-up and
/// then one `settings.interval` after the end of each, so that a long run
/// is never followed by a burst of runs. Several replicas may each run
/// one; the lock lets one of them work at a time.
pub fn spawn_worker(db: Db, settings: RetentionSettings) {
    actix_web::rt::spawn(async move {
        loop {
            if let Err(err) = run_once(&db, &settings, Utc::now(), Mode::Apply).await {
                tracing::warn!(error.cause = %err.for_operator(), "retention.run_failed");
            }
            actix_web::rt::time::sleep(settings.interval).await;
        }
    });
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dry = self.mode == Mode::DryRun;
        let (would, did) = if dry { ("would ", "") } else { ("", "d") };
        if self.skipped {
            return writeln!(f, "another replica is running retention; nothing was done");
        }
        writeln!(
            f,
            "retention on {}{}",
            self.backend,
            if dry { " (dry run)" } else { "" }
        )?;
        if self.enabled {
            writeln!(
                f,
                "visits entered before {} UTC, idempotency keys before {} UTC, \
                 access-ledger entries before {} UTC",
                self.visit_cutoff.format("%Y-%m-%d %H:%M"),
                self.idempotency_key_cutoff.format("%Y-%m-%d %H:%M"),
                self.access_log_cutoff.format("%Y-%m-%d %H:%M"),
            )?;
        } else {
            writeln!(
                f,
                "retention is switched off (ANTOAN_RETENTION_ENABLED=false): nothing is deleted"
            )?;
        }
        for partition in &self.partitions_created {
            writeln!(f, "{would}create{did} partition {partition}")?;
        }
        for partition in &self.partitions_dropped {
            writeln!(
                f,
                "{would}drop{} partition {} (about {} visits)",
                if dry { "" } else { "ped" },
                partition.name,
                partition.estimated_rows
            )?;
        }
        for partition in &self.partitions_postponed {
            writeln!(
                f,
                "postponed partition {partition} to the next run (see the log)"
            )?;
        }
        if self.enabled {
            writeln!(
                f,
                "{would}delete{}: {} visits by range, {} idempotency keys, {} access-ledger entries",
                if dry { "" } else { "d" },
                self.visits_deleted,
                self.idempotency_keys_deleted,
                self.access_log_deleted
            )?;
        }
        if self.default_partition_rows > 0 {
            writeln!(
                f,
                "{} visits wait in the default partition for a partition of their day",
                self.default_partition_rows
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn partitions_cover_the_replay_window_and_fourteen_days_ahead() {
        let days: Vec<String> = days_needed(at("2021-11-03 10:00:00"))
            .into_iter()
            .map(partition_name)
            .collect();
        // Seven days back (a scan replayed from 2021-10-27 10:00 still
        // arrives), today, and fourteen days ahead.
        assert_eq!(days.len(), 7 + 1 + 14, "{days:?}");
        assert_eq!(days[0], "visits_2021_10_27");
        assert_eq!(days[7], "visits_2021_11_03");
        assert_eq!(days[21], "visits_2021_11_17");
        // Right after midnight, the day eight days back is out of reach.
        let days = days_needed(at("2021-11-04 00:00:00"));
        assert_eq!(partition_name(days[0]), "visits_2021_10_28");
        assert_eq!(days.len(), 22);
    }

    #[test]
    fn a_day_starts_at_midnight_utc() {
        assert_eq!(day_of(at("2021-12-31 23:59:59")), at("2021-12-31 00:00:00"));
        assert_eq!(day_of(at("2022-01-01 00:00:00")), at("2022-01-01 00:00:00"));
        assert_eq!(
            partition_name(day_of(at("2022-01-01 00:05:00"))),
            "visits_2022_01_01"
        );
    }
}
