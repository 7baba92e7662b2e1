//! Retention: visits and access-ledger entries older than their configured
//! age are deleted by a job that every replica runs on a timer and that
//! `antoan retention` runs by hand.
//!
//! On PostgreSQL the visits table is partitioned by month of entry. The job
//! creates the partitions of the coming months ahead, drops every partition
//! that lies wholly before the cutoff, and deletes by range, in batches, the
//! older visits of the month that straddles the cutoff and of the default
//! partition. On SQLite, which has no partitions, it deletes old visits by
//! range in batches. Idempotency keys go after the replay window, and
//! ledger entries after their own, longer, age.
//!
//! On PostgreSQL a session lock lets one replica at a time run the job; the
//! others skip that round. Every step is safe to repeat, so a run that dies
//! halfway is finished by the next.

use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Utc};

use crate::config::RetentionSettings;
use crate::db::retention::{self as queries, Aged, Partition};
use crate::db::{self, Db, DbConnection, visits};
use crate::error::ApiError;

/// How many months ahead of the current one have a partition ready.
pub const MONTHS_AHEAD: u32 = 3;

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
    /// Visits deleted by range (whole partitions dropped are not counted
    /// here; see `partitions_dropped`).
    pub visits_deleted: u64,
    pub idempotency_keys_deleted: u64,
    pub access_log_deleted: u64,
    /// Visits left in PostgreSQL's default partition: months without a
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
    let backend = match conn {
        DbConnection::Postgresql(_) => "postgresql",
        DbConnection::Sqlite(_) => "sqlite",
    };
    let mut report = Report::new(mode, backend, settings, now);
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

fn run_steps(
    conn: &mut DbConnection,
    settings: &RetentionSettings,
    now: NaiveDateTime,
    report: &mut Report,
) -> Result<(), ApiError> {
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    if postgres {
        create_partitions_ahead(conn, now, report)?;
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
        report.default_partition_rows = queries::count_all(conn, Aged::Visits("visits_default"))?;
        if report.default_partition_rows > 0 {
            tracing::warn!(
                retention.rows = report.default_partition_rows,
                "retention.default_partition_holds_visits"
            );
        }
    }
    Ok(())
}

/// The first instant of the month that holds `instant`.
pub fn month_of(instant: NaiveDateTime) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(instant.year(), instant.month(), 1)
        .unwrap_or(instant.date())
        .and_time(chrono::NaiveTime::MIN)
}

/// The months that must have a partition at `now`: from the month of the
/// oldest scan the endpoint still accepts to [`MONTHS_AHEAD`] months ahead.
pub fn months_needed(now: NaiveDateTime) -> Vec<NaiveDateTime> {
    let oldest = now - chrono::Duration::days(visits::REPLAY_WINDOW_DAYS);
    let last = month_of(now)
        .checked_add_months(Months::new(MONTHS_AHEAD))
        .unwrap_or(now);
    let mut months = Vec::new();
    let mut month = month_of(oldest);
    while month <= last {
        months.push(month);
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            break;
        };
        month = next;
    }
    months
}

fn partition_name(month: NaiveDateTime) -> String {
    format!("visits_{:04}_{:02}", month.year(), month.month())
}

fn create_partitions_ahead(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    report: &mut Report,
) -> Result<(), ApiError> {
    let existing = queries::visit_partitions(conn)?;
    for month in months_needed(now) {
        if existing.iter().any(|p| p.from == Some(month)) {
            continue;
        }
        let name = partition_name(month);
        if report.mode == Mode::DryRun {
            report.partitions_created.push(name);
            continue;
        }
        match queries::create_visit_partition(conn, month) {
            Ok(true) => {
                tracing::info!(retention.partition = %name, "retention.partition_created");
                report.partitions_created.push(name);
            }
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(
                    retention.partition = %name,
                    error.cause = %err.for_operator(),
                    "retention.partition_creation_postponed"
                );
                report.partitions_postponed.push(name);
            }
        }
    }
    Ok(())
}

/// Drops the partitions wholly before the cutoff, then deletes by range
/// the older visits of the partition that straddles it and of the default
/// partition.
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
            from,
            until,
            estimated_rows,
        } = partition;
        match (from, until) {
            (Some(_), Some(until)) if *until <= cutoff => {
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
            // Limitation: the cutoff is exact, so the visits of the month
            // that straddles it are deleted row by row as they age (10 to 30
            // million a day at the city's peak); dropping the month later
            // removes an empty table. See docs/scaling.md.
            (Some(from), Some(_)) if *from < cutoff => {
                report.visits_deleted +=
                    expire(conn, Aged::Visits(name), cutoff, settings, report.mode)?;
            }
            (None, _) => {
                report.visits_deleted +=
                    expire(conn, Aged::Visits(name), cutoff, settings, report.mode)?;
            }
            _ => {}
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
                "{} visits wait in the default partition for a partition of their month",
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
    fn partitions_cover_the_replay_window_and_three_months_ahead() {
        let months: Vec<String> = months_needed(at("2021-11-03 10:00:00"))
            .into_iter()
            .map(partition_name)
            .collect();
        assert_eq!(
            months,
            [
                "visits_2021_10",
                "visits_2021_11",
                "visits_2021_12",
                "visits_2022_01",
                "visits_2022_02"
            ]
        );
        // Past the seventh day, last month's scans can no longer arrive.
        let months = months_needed(at("2021-11-08 00:00:01"));
        assert_eq!(partition_name(months[0]), "visits_2021_11");
        assert_eq!(months.len(), 4);
    }

    #[test]
    fn a_month_starts_at_midnight_utc_on_its_first_day() {
        assert_eq!(
            month_of(at("2021-12-31 23:59:59")),
            at("2021-12-01 00:00:00")
        );
        assert_eq!(
            month_of(at("2022-01-01 00:00:00")),
            at("2022-01-01 00:00:00")
        );
    }
}
