//! Retention: old visits, idempotency keys and ledger entries go, recent
//! ones stay. On PostgreSQL a day of visits goes as a partition once all of
//! it is past the age, never earlier; rows of the default partition go by
//! range; the partitions stay at the retention window and the days ahead;
//! reads of open visits touch only the days they can be in; and scans stay
//! idempotent across midnight.

use antoan::config::RetentionSettings;
use antoan::db::schema::{access_log, visit_idempotency_keys, visits};
use antoan::db::{self, DatabaseUrl, DbConnection, organizations, people};
use antoan::retention::{self, DAYS_AHEAD, Mode, Report, day_of, partition_name};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{TestApp, person_input};

crate::on_both_backends!(
    old_rows_go_and_recent_ones_stay,
    a_replay_across_a_day_boundary_records_nothing_new,
    a_key_whose_visit_is_gone_records_anew,
    the_partitioning_migration_keeps_every_visit,
);

mod postgres_only {
    macro_rules! on_postgres {
        ($($scenario:ident),* $(,)?) => {
            $(
                #[actix_web::test]
                async fn $scenario() {
                    if let Some(app) =
                        crate::common::TestApp::spawn(crate::common::Backend::Postgres).await
                    {
                        super::$scenario(app).await;
                    }
                }
            )*
        };
    }

    on_postgres!(
        a_day_is_dropped_once_all_of_it_is_past_the_age,
        the_default_partition_catches_days_without_a_partition,
        partitions_stay_at_the_retention_window_and_the_days_ahead,
        reads_of_open_visits_touch_only_the_days_they_can_be_in,
        one_replica_at_a_time_runs_retention,
        a_drop_that_cannot_get_its_lock_waits_for_the_next_run,
    );
}

/// Visits kept 60 days and the ledger a year, two rows a batch so that
/// every deletion here takes several batches.
fn policy() -> RetentionSettings {
    RetentionSettings {
        enabled: true,
        visit_days: 60,
        access_log_days: 365,
        interval: std::time::Duration::from_secs(3600),
        batch_size: 2,
    }
}

/// A checkpoint with its staff, and a vaccinated person with their QR.
struct Site {
    checkpoint: String,
    checkpoint_id: i64,
    organization_id: i64,
    staff: String,
    person_id: i64,
    payload: String,
}

async fn site(app: &TestApp) -> Site {
    let admin = app.admin().await;
    let officer = app.ward_officer(&admin, "26794").await.token;
    let organization = app.organization("Chợ Thủ Đức").await;
    let checkpoint = app.checkpoint(&organization, "Cổng chính").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff = app.staff(&organization).await.token;
    let person = app.person(&officer, person_input("26794")).await;
    let id = person["id"].as_str().unwrap();
    app.dose(&officer, id, "pfizer", 1, 20).await;
    let (_, code) = app.get(&format!("/people/{id}/qr"), Some(&officer)).await;
    let document = person["document_number"].as_str().unwrap().to_owned();
    let lookup = checkpoint.clone();
    let (checkpoint_id, organization_id, person_id) = with_conn(app, move |conn| {
        let checkpoint = organizations::checkpoint(conn, None, &lookup)
            .unwrap()
            .unwrap();
        let person = people::by_document(conn, &document).unwrap().unwrap();
        (checkpoint.id, checkpoint.organization_id, person.id)
    })
    .await;
    Site {
        checkpoint,
        checkpoint_id,
        organization_id,
        staff,
        person_id,
        payload: code["payload"].as_str().unwrap().to_owned(),
    }
}

/// The site's person scanned at its checkpoint now, with `key`.
async fn scan(app: &TestApp, site: &Site, key: &str) -> (StatusCode, serde_json::Value) {
    app.post(
        &format!("/checkpoints/{}/scans", site.checkpoint),
        Some(&site.staff),
        &json!({ "payload": site.payload, "idempotency_key": key }),
    )
    .await
}

async fn with_conn<T: Send + 'static>(
    app: &TestApp,
    work: impl FnOnce(&mut DbConnection) -> T + Send + 'static,
) -> T {
    let state = app.state.clone();
    actix_web::web::block(move || work(&mut state.db.get().unwrap()))
        .await
        .unwrap()
}

/// Records a visit of the site's person through the database layer, as a
/// scan entered at `entered_at` would.
fn seed_visit(
    conn: &mut DbConnection,
    site: (i64, i64, i64),
    entered_at: NaiveDateTime,
    key: Option<&str>,
) -> db::visits::Recorded {
    let (checkpoint_id, organization_id, person_id) = site;
    db::visits::record(
        conn,
        &db::visits::NewVisit {
            public_id: db::new_public_id(),
            checkpoint_id,
            organization_id,
            person_id: Some(person_id),
            subject_document: None,
            subject_name: "NGUYEN THI DOAN".to_owned(),
            colour: "green".to_owned(),
            reason: json!({ "en": "dose 1", "vi": "mũi 1" }).to_string(),
            policy_version: "hcmc-2021-10-01".to_owned(),
            method: "staff_scan".to_owned(),
            signature: "valid".to_owned(),
            scanned_by_account_id: None,
            idempotency_key: key.map(str::to_owned),
            entered_at,
            ends_at: entered_at + Duration::hours(4),
        },
    )
    .unwrap()
}

fn visit_of(recorded: db::visits::Recorded) -> (bool, db::visits::Visit) {
    match recorded {
        db::visits::Recorded::New(visit) => (false, visit),
        db::visits::Recorded::Replayed(visit) => (true, visit),
    }
}

/// A ledger entry about `person_id`, read `at`.
fn seed_ledger_entry(conn: &mut DbConnection, person_id: i64, at: NaiveDateTime) {
    diesel::insert_into(access_log::table)
        .values((
            access_log::public_id.eq(db::new_public_id()),
            access_log::person_id.eq(person_id),
            access_log::account_role.eq("health_officer"),
            access_log::kind.eq("contact_query"),
            access_log::purpose.eq(Some("điều tra ca F0")),
            access_log::accessed_at.eq(at),
        ))
        .execute(conn)
        .unwrap();
}

fn entries(conn: &mut DbConnection) -> Vec<NaiveDateTime> {
    access_log::table
        .select(access_log::accessed_at)
        .order(access_log::accessed_at)
        .load(conn)
        .unwrap()
}

fn entered(conn: &mut DbConnection) -> Vec<NaiveDateTime> {
    visits::table
        .select(visits::entered_at)
        .order(visits::entered_at)
        .load(conn)
        .unwrap()
}

fn keys(conn: &mut DbConnection) -> Vec<String> {
    visit_idempotency_keys::table
        .select(visit_idempotency_keys::idempotency_key)
        .order(visit_idempotency_keys::idempotency_key)
        .load(conn)
        .unwrap()
}

async fn run(app: &TestApp, settings: RetentionSettings, now: DateTime<Utc>, mode: Mode) -> Report {
    retention::run_once(&app.state.db, &settings, now, mode)
        .await
        .unwrap()
}

/// On PostgreSQL the visits seeded here older than a week have no day
/// partition (the migration makes them from 7 days back), so they wait in
/// the default partition and go by range at the exact age, as on SQLite.
async fn old_rows_go_and_recent_ones_stay(app: TestApp) {
    let site = site(&app).await;
    let ids = (site.checkpoint_id, site.organization_id, site.person_id);
    let now = Utc::now();
    let at = move |days: i64| db::truncate_to_micros((now - Duration::days(days)).naive_utc());
    let (visits_before, ledger_before) = with_conn(&app, move |conn| {
        for (days, key) in [
            (100, Some("old/1")),
            (61, Some("old/2")),
            (59, Some("kept/59")),
            (9, Some("kept/9")),
            (1, Some("kept/1")),
            (0, None),
        ] {
            seed_visit(conn, ids, at(days), key);
        }
        for days in [800, 400, 366, 364, 1] {
            seed_ledger_entry(conn, ids.2, at(days));
        }
        (entered(conn), entries(conn))
    })
    .await;

    // Switched off, retention deletes nothing.
    let off = RetentionSettings {
        enabled: false,
        ..policy()
    };
    let report = run(&app, off, now, Mode::Apply).await;
    assert!(!report.enabled && !report.skipped);
    assert_eq!(report.visits_deleted + report.access_log_deleted, 0);

    // A dry run counts what would go and changes nothing.
    let report = run(&app, policy(), now, Mode::DryRun).await;
    assert_eq!(report.visits_deleted, 2, "{report}");
    assert_eq!(report.idempotency_keys_deleted, 4, "{report}");
    assert_eq!(report.access_log_deleted, 3, "{report}");
    assert!(report.partitions_dropped.is_empty(), "{report}");
    let unchanged = with_conn(&app, |conn| (entered(conn), entries(conn))).await;
    assert_eq!(unchanged, (visits_before.clone(), ledger_before.clone()));

    let report = run(&app, policy(), now, Mode::Apply).await;
    assert!(!report.skipped);
    assert_eq!(report.visits_deleted, 2, "{report}");
    assert_eq!(report.idempotency_keys_deleted, 4, "{report}");
    assert_eq!(report.access_log_deleted, 3, "{report}");
    let (visits_after, ledger_after, keys_after) =
        with_conn(&app, |conn| (entered(conn), entries(conn), keys(conn))).await;
    assert_eq!(visits_after, visits_before[2..].to_vec());
    assert_eq!(ledger_after, ledger_before[3..].to_vec());
    // Keys outlast the replay window only: the 9-day-old visit stays, its key goes.
    assert_eq!(keys_after, ["kept/1"]);

    // A second run finds nothing more to do.
    let again = run(&app, policy(), now, Mode::Apply).await;
    assert_eq!(
        again.visits_deleted + again.idempotency_keys_deleted + again.access_log_deleted,
        0
    );

    // The key of yesterday's visit is still remembered.
    let (status, _) = scan(&app, &site, "kept/1").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the key of yesterday's visit still replays"
    );
}

async fn a_replay_across_a_day_boundary_records_nothing_new(app: TestApp) {
    let site = site(&app).await;
    let ids = (site.checkpoint_id, site.organization_id, site.person_id);
    let today = day_of(Utc::now().naive_utc());
    let yesterday = today - Duration::days(1);
    let before_midnight = today - Duration::minutes(1);
    let after_midnight = today + Duration::minutes(5);

    let (first, replay, stored, partitions) = with_conn(&app, move |conn| {
        let first = visit_of(seed_visit(conn, ids, before_midnight, Some("gate-1/2359")));
        let replay = visit_of(seed_visit(conn, ids, after_midnight, Some("gate-1/2359")));
        let other = visit_of(seed_visit(conn, ids, after_midnight, Some("gate-1/0005")));
        let stored: i64 = visits::table.count().get_result(conn).unwrap();
        let partitions = match conn {
            DbConnection::Postgresql(_) => vec![
                partition_of(conn, &first.1.public_id),
                partition_of(conn, &other.1.public_id),
            ],
            DbConnection::Sqlite(_) => Vec::new(),
        };
        (first, replay, stored, partitions)
    })
    .await;
    assert!(!first.0, "the scan at 23:59 is new");
    assert!(replay.0, "its replay at 00:05 is a replay");
    assert_eq!(replay.1.public_id, first.1.public_id);
    assert_eq!(replay.1.entered_at, before_midnight);
    assert_eq!(stored, 2, "one visit per key");
    if !partitions.is_empty() {
        assert_eq!(
            partitions,
            [partition_name(yesterday), partition_name(today)],
            "the two visits live in two days' partitions"
        );
    }

    // Replayed over HTTP now, without its time, the scan answers the first visit.
    let (status, body) = scan(&app, &site, "gate-1/2359").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["replayed"], true);
    assert_eq!(body["visit_id"], first.1.public_id.as_str());
    let stored: i64 = with_conn(&app, |conn| visits::table.count().get_result(conn).unwrap()).await;
    assert_eq!(stored, 2);
}

/// A key whose visit was deleted by hand names the next visit that uses it.
async fn a_key_whose_visit_is_gone_records_anew(app: TestApp) {
    let site = site(&app).await;
    let (status, first) = scan(&app, &site, "gate-1/lost").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let lost = first["visit_id"].as_str().unwrap().to_owned();
    with_conn(&app, move |conn| {
        diesel::delete(visits::table.filter(visits::public_id.eq(lost)))
            .execute(conn)
            .unwrap()
    })
    .await;

    let (status, second) = scan(&app, &site, "gate-1/lost").await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_ne!(second["visit_id"], first["visit_id"]);
    let (status, replay) = scan(&app, &site, "gate-1/lost").await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!(replay["visit_id"], second["visit_id"]);
}

/// The migration that partitions visits keeps every visit on its way down
/// and up again; a key used twice (the side table had forgotten it) stays
/// on its first visit only in the plain table.
async fn the_partitioning_migration_keeps_every_visit(app: TestApp) {
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
    const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
    const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
    const PARTITIONING: &str = "20211005000001";

    let site = site(&app).await;
    let ids = (site.checkpoint_id, site.organization_id, site.person_id);
    let now = Utc::now();
    let at = move |days: i64| db::truncate_to_micros((now - Duration::days(days)).naive_utc());
    let first_of_twice = with_conn(&app, move |conn| {
        let first = visit_of(seed_visit(conn, ids, at(40), Some("twice"))).1;
        seed_visit(conn, ids, at(1), Some("once"));
        seed_visit(conn, ids, at(0), None);
        diesel::delete(visit_idempotency_keys::table.find((ids.0, "twice")))
            .execute(conn)
            .unwrap();
        seed_visit(conn, ids, at(0), Some("twice"));
        first.public_id
    })
    .await;

    let url = app.state.settings.database_url.clone();
    let (down, up, homes) = actix_web::web::block(move || {
        let keys_in_visits = |conn: &mut DbConnection| -> Vec<(String, Option<String>)> {
            visits::table
                .select((visits::public_id, visits::idempotency_key))
                .order((visits::entered_at, visits::id))
                .load(conn)
                .unwrap()
        };
        let mut conn = match &url {
            DatabaseUrl::Postgres(url) => {
                DbConnection::Postgresql(PgConnection::establish(url).unwrap())
            }
            DatabaseUrl::Sqlite(path) => {
                DbConnection::Sqlite(SqliteConnection::establish(&path.to_string_lossy()).unwrap())
            }
        };
        // Down until the partitioning migration is reverted (later ones go
        // first), then every migration up again.
        let revert_last = |conn: &mut DbConnection| {
            match conn {
                DbConnection::Postgresql(pg) => pg.revert_last_migration(POSTGRES).unwrap(),
                DbConnection::Sqlite(sqlite) => sqlite.revert_last_migration(SQLITE).unwrap(),
            }
            .to_string()
        };
        let cycle = |conn: &mut DbConnection, down: bool| match conn {
            _ if down => while revert_last(conn) != PARTITIONING {},
            DbConnection::Postgresql(pg) => {
                pg.run_pending_migrations(POSTGRES).unwrap();
            }
            DbConnection::Sqlite(sqlite) => {
                sqlite.run_pending_migrations(SQLITE).unwrap();
            }
        };
        cycle(&mut conn, true);
        let down = keys_in_visits(&mut conn);
        cycle(&mut conn, false);
        let up = (keys_in_visits(&mut conn), keys(&mut conn));
        // Where each visit lives after the way up, and where its day's
        // partition would be.
        let mut homes: Vec<(String, String)> = Vec::new();
        if matches!(conn, DbConnection::Postgresql(_)) {
            let stored: Vec<(String, NaiveDateTime)> = visits::table
                .select((visits::public_id, visits::entered_at))
                .load(&mut conn)
                .unwrap();
            for (id, entered_at) in stored {
                homes.push((
                    partition_of(&mut conn, &id),
                    partition_name(day_of(entered_at)),
                ));
            }
        }
        (down, up, homes)
    })
    .await
    .unwrap();

    assert_eq!(down.len(), 4);
    assert_eq!(down[0], (first_of_twice, Some("twice".to_owned())));
    let twice: Vec<_> = down
        .iter()
        .filter(|(_, key)| key.as_deref() == Some("twice"))
        .collect();
    assert_eq!(twice.len(), 1, "{down:?}");
    let (visits_up, keys_up) = up;
    assert_eq!(visits_up, down);
    assert_eq!(keys_up, ["once", "twice"]);
    // On PostgreSQL the migration makes a partition for every day that
    // holds a visit, the 40-day-old one included: none waits in the default.
    for (home, day) in &homes {
        assert_eq!(home, day);
    }

    // Scans replay against the keys the migration carried over.
    let (status, replay) = scan(&app, &site, "once").await;
    assert_eq!(status, StatusCode::OK, "{replay}");
}

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The partition a visit is stored in.
fn partition_of(conn: &mut DbConnection, public_id: &str) -> String {
    let rows: Vec<Named> = diesel::sql_query(
        "SELECT tableoid::regclass::text AS name FROM visits WHERE public_id = $1",
    )
    .bind::<Text, _>(public_id)
    .load(conn)
    .unwrap();
    rows.into_iter().next().unwrap().name
}

/// The partitions of visits, as PostgreSQL's catalog lists them.
fn partitions(conn: &mut DbConnection) -> Vec<String> {
    let rows: Vec<Named> = diesel::sql_query(
        "SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'visits'::regclass ORDER BY 1",
    )
    .load(conn)
    .unwrap();
    rows.into_iter().map(|row| row.name).collect()
}

/// The names of the partitions of `count` days from `first`.
fn day_partitions(first: NaiveDateTime, count: i64) -> Vec<String> {
    (0..count)
        .map(|day| partition_name(first + Duration::days(day)))
        .collect()
}

fn dropped(report: &Report) -> Vec<&str> {
    report
        .partitions_dropped
        .iter()
        .map(|p| p.name.as_str())
        .collect()
}

/// A day straddling the cutoff stays whole, its visits past the age
/// included; the first run after all of it is past the age drops it, and
/// no visit younger than the age goes with it.
async fn a_day_is_dropped_once_all_of_it_is_past_the_age(app: TestApp) {
    let site = site(&app).await;
    let ids = (site.checkpoint_id, site.organization_id, site.person_id);
    // Two days ago: the migration made the partitions of the last 7 days.
    let today = day_of(Utc::now().naive_utc());
    let day = today - Duration::days(2);
    let early = day + Duration::hours(1);
    let late = day + Duration::hours(23);
    let next = day + Duration::days(1);
    let seeded = with_conn(&app, move |conn| {
        for entered_at in [early, late, next] {
            seed_visit(conn, ids, entered_at, None);
        }
        partitions(conn)
    })
    .await;
    assert!(seeded.contains(&partition_name(day)), "{seeded:?}");
    let age = Duration::days(i64::from(policy().visit_days));

    // Noon of the 60th day after: the early visit is past the age, the late
    // one is not, and their day straddles the cutoff.
    let noon = (day + age + Duration::hours(12)).and_utc();
    assert!(noon.naive_utc() - early > age && noon.naive_utc() - late < age);
    let report = run(&app, policy(), noon, Mode::Apply).await;
    // The older days of the migration's window go whole; this one stays.
    assert_eq!(
        dropped(&report),
        day_partitions(today - Duration::days(7), 5),
        "{report}"
    );
    assert_eq!(report.visits_deleted, 0, "{report}");
    let (listed, left) = with_conn(&app, |conn| (partitions(conn), entered(conn))).await;
    assert!(listed.contains(&partition_name(day)), "{listed:?}");
    assert_eq!(left, [early, late, next]);

    // Midnight after it: all of the day is past the age. A dry run says so
    // and changes nothing.
    let midnight = (next + age).and_utc();
    let report = run(&app, policy(), midnight, Mode::DryRun).await;
    assert_eq!(dropped(&report), [partition_name(day)], "{report}");
    let left = with_conn(&app, entered).await;
    assert_eq!(left.len(), 3);

    let report = run(&app, policy(), midnight, Mode::Apply).await;
    assert_eq!(dropped(&report), [partition_name(day)], "{report}");
    assert_eq!(report.visits_deleted, 0, "{report}");
    assert!(report.partitions_postponed.is_empty(), "{report}");
    let (listed, left) = with_conn(&app, |conn| (partitions(conn), entered(conn))).await;
    assert!(!listed.contains(&partition_name(day)), "{listed:?}");
    assert!(listed.contains(&partition_name(next)), "{listed:?}");
    // The visit of the next day is exactly the age: it stays. Those that
    // went were past the age by less than a day.
    assert_eq!(left, [next]);
    for gone in [early, late] {
        let age_at_drop = midnight.naive_utc() - gone;
        assert!(age_at_drop >= age && age_at_drop <= age + Duration::days(1));
    }
}

/// Rows of days without a partition wait in the default partition: the
/// job deletes them by range at the exact age, a scan lands there when its
/// day's partition is gone, and making the day's partition moves it out.
async fn the_default_partition_catches_days_without_a_partition(app: TestApp) {
    let site = site(&app).await;
    let ids = (site.checkpoint_id, site.organization_id, site.person_id);
    let now = Utc::now();
    let cutoff = now.naive_utc() - Duration::days(i64::from(policy().visit_days));
    let today = day_of(now.naive_utc());
    let far = today + Duration::days(200);
    let kept = db::truncate_to_micros(cutoff + Duration::hours(1));
    let homes = with_conn(&app, move |conn| {
        let mut homes = Vec::new();
        for entered_at in [
            today - Duration::days(100),
            db::truncate_to_micros(cutoff - Duration::hours(1)),
            kept,
            far,
        ] {
            let visit = visit_of(seed_visit(conn, ids, entered_at, None)).1;
            homes.push(partition_of(conn, &visit.public_id));
        }
        homes
    })
    .await;
    assert_eq!(homes, ["visits_default"; 4]);

    let report = run(&app, policy(), now, Mode::DryRun).await;
    assert_eq!(report.visits_deleted, 2, "{report}");
    let report = run(&app, policy(), now, Mode::Apply).await;
    assert_eq!(report.visits_deleted, 2, "{report}");
    assert_eq!(report.default_partition_rows, 2, "{report}");
    assert!(report.partitions_dropped.is_empty(), "{report}");
    let left = with_conn(&app, entered).await;
    assert_eq!(left, [kept, far]);

    // Run as if 62 and a half days had passed: today's partition goes, and
    // the days around then are made.
    let later = (today + Duration::days(62) + Duration::hours(12)).and_utc();
    let report = run(&app, policy(), later, Mode::Apply).await;
    assert!(
        dropped(&report).contains(&partition_name(today).as_str()),
        "{report}"
    );
    let needed = day_partitions(
        day_of(later.naive_utc()) - Duration::days(7),
        7 + 1 + DAYS_AHEAD,
    );
    assert_eq!(report.partitions_created, needed, "{report}");
    assert_eq!(report.visits_deleted, 1, "the kept row aged: {report}");
    assert_eq!(report.default_partition_rows, 1, "{report}");

    // A scan today finds no partition of its day: it lands in the default.
    let (status, first) = scan(&app, &site, "gate-1/today").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let visit_id = first["visit_id"].as_str().unwrap().to_owned();
    let lookup = visit_id.clone();
    let home = with_conn(&app, move |conn| partition_of(conn, &lookup)).await;
    assert_eq!(home, "visits_default");

    // The next run, at the real time, makes today's partition again and
    // moves the scan into it; its replay still finds it there.
    let report = run(&app, policy(), Utc::now(), Mode::Apply).await;
    assert!(
        report.partitions_created.contains(&partition_name(today)),
        "{report}"
    );
    assert_eq!(report.default_partition_rows, 1, "the far future stays");
    let lookup = visit_id.clone();
    let home = with_conn(&app, move |conn| partition_of(conn, &lookup)).await;
    assert_eq!(home, partition_name(today));
    let (status, again) = scan(&app, &site, "gate-1/today").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["visit_id"], visit_id.as_str());
}

/// Day after day, the job keeps the days of the retention age (the day
/// straddling the cutoff included) and the days ahead, and no more.
async fn partitions_stay_at_the_retention_window_and_the_days_ahead(app: TestApp) {
    let shortest = RetentionSettings {
        visit_days: RetentionSettings::MIN_VISIT_DAYS,
        ..policy()
    };
    let age = i64::from(shortest.visit_days);
    let most = usize::try_from(age + 1 + DAYS_AHEAD).unwrap();
    let start = Utc::now();
    for days in 1..=10 {
        let at = start + Duration::days(days);
        let report = run(&app, shortest.clone(), at, Mode::Apply).await;
        assert!(report.partitions_postponed.is_empty(), "{report}");
        let mut listed = with_conn(&app, partitions).await;
        assert!(listed.contains(&"visits_default".to_owned()));
        assert!(listed.len() <= most + 1, "day {days}: {listed:?}");
        if days == 10 {
            let mut expected = day_partitions(
                day_of(at.naive_utc()) - Duration::days(age),
                age + 1 + DAYS_AHEAD,
            );
            expected.push("visits_default".to_owned());
            listed.sort();
            expected.sort();
            assert_eq!(listed, expected);
        }
    }
}

/// The partitions of `visits` that the current transaction has locked: a
/// plan locks the partitions it may read, and only those.
fn locked_partitions(conn: &mut DbConnection) -> Vec<String> {
    let rows: Vec<Named> = diesel::sql_query(
        "SELECT DISTINCT c.relname::text AS name
           FROM pg_locks l
           JOIN pg_class c ON c.oid = l.relation
           JOIN pg_inherits i ON i.inhrelid = c.oid
          WHERE l.pid = pg_backend_pid() AND i.inhparent = 'visits'::regclass
          ORDER BY 1",
    )
    .load(conn)
    .unwrap();
    rows.into_iter().map(|row| row.name).collect()
}

/// Runs `read` in a transaction of its own and says which partitions of
/// visits it locked. Plans are made for the values at hand, as for the
/// first executions of any statement: a generic plan prunes when it starts
/// (`Subplans Removed` in EXPLAIN) but locks every partition first, which
/// this way of looking could not tell apart.
fn partitions_read<T>(
    conn: &mut DbConnection,
    read: impl FnOnce(&mut DbConnection) -> T,
) -> (T, Vec<String>) {
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(conn)?;
        let value = read(conn);
        Ok((value, locked_partitions(conn)))
    })
    .unwrap()
}

async fn reads_of_open_visits_touch_only_the_days_they_can_be_in(app: TestApp) {
    let site = site(&app).await;
    let (status, scanned) = scan(&app, &site, "gate-1/open").await;
    assert_eq!(status, StatusCode::CREATED, "{scanned}");
    let public_id = scanned["visit_id"].as_str().unwrap().to_owned();
    let (checkpoint, person) = (site.checkpoint_id, site.person_id);
    with_conn(&app, move |conn| {
        let now = db::now();
        let around: Vec<String> = (-1..=1)
            .map(|day| partition_name(day_of(now) + Duration::days(day)))
            .collect();
        let total = partitions(conn).len();
        assert!(total >= 7 + 1 + 14, "{total}");

        let (open, read) = partitions_read(conn, |conn| {
            db::visits::open_visit(conn, checkpoint, Some(person), None, now).unwrap()
        });
        let open = open.expect("the visit is open");
        assert!(
            !read.is_empty() && read.iter().all(|p| around.contains(p)),
            "{read:?}"
        );

        let (found, read) = partitions_read(conn, |conn| {
            db::visits::by_public_id(conn, &public_id, now).unwrap()
        });
        assert_eq!(found.map(|v| v.id), Some(open.id));
        assert!(read.iter().all(|p| around.contains(p)), "{read:?}");

        // The resident's own list: open visits, and a later page.
        let own = |open_at, before| db::visits::OwnVisitFilter {
            person_id: None,
            checkpoint: None,
            open_at,
            before,
            limit: 10,
        };
        let (listed, read) = partitions_read(conn, |conn| {
            db::visits::of_resident(conn, person, &own(Some(now), None)).unwrap()
        });
        assert_eq!(listed.len(), 1);
        assert!(read.iter().all(|p| around.contains(p)), "{read:?}");

        // A later page of the list reads no day after its cursor.
        let cursor = day_of(now) - Duration::days(2) + Duration::hours(1);
        let (_, read) = partitions_read(conn, |conn| {
            db::visits::of_resident(conn, person, &own(None, Some((cursor, i64::MAX)))).unwrap()
        });
        assert!(!read.is_empty(), "{read:?}");
        assert!(
            read.iter()
                .all(|p| p == "visits_default" || *p <= partition_name(day_of(cursor))),
            "{read:?}"
        );

        let (closed, read) = partitions_read(conn, |conn| {
            db::visits::close(conn, &open, now, "staff_scan").unwrap()
        });
        assert_eq!(closed.exit_method.as_deref(), Some("staff_scan"));
        assert_eq!(read, [partition_name(day_of(open.entered_at))]);

        // A read that names no entry time reads every partition: the way
        // of looking sees the difference.
        let (_, read) = partitions_read(conn, |conn| db::visits::by_id(conn, open.id).unwrap());
        assert_eq!(read.len(), total, "{read:?}");
    })
    .await;
}

fn postgres_url(app: &TestApp) -> String {
    match &app.state.settings.database_url {
        DatabaseUrl::Postgres(url) => url.clone(),
        DatabaseUrl::Sqlite(_) => unreachable!("a PostgreSQL test"),
    }
}

async fn one_replica_at_a_time_runs_retention(app: TestApp) {
    let site = site(&app).await;
    let ids = (site.checkpoint_id, site.organization_id, site.person_id);
    let old = db::truncate_to_micros((Utc::now() - Duration::days(90)).naive_utc());
    with_conn(&app, move |conn| seed_visit(conn, ids, old, None)).await;

    // Another replica holds the lock: this one skips the round.
    let mut other = PgConnection::establish(&postgres_url(&app)).unwrap();
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(db::retention::RETENTION_LOCK)
        .execute(&mut other)
        .unwrap();
    let report = run(&app, policy(), Utc::now(), Mode::Apply).await;
    assert!(report.skipped, "{report}");
    assert_eq!(report.visits_deleted, 0);
    let left = with_conn(&app, |conn| entered(conn).len()).await;
    assert_eq!(left, 1);

    // Once it is done, the next round runs here.
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(db::retention::RETENTION_LOCK)
        .execute(&mut other)
        .unwrap();
    let report = run(&app, policy(), Utc::now(), Mode::Apply).await;
    assert!(!report.skipped);
    assert_eq!(report.visits_deleted, 1, "{report}");
    // And the lock is free again after the run.
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    let locked: Vec<Locked> = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(db::retention::RETENTION_LOCK)
        .load(&mut other)
        .unwrap();
    assert!(locked[0].locked);
}

async fn a_drop_that_cannot_get_its_lock_waits_for_the_next_run(app: TestApp) {
    let today = day_of(Utc::now().naive_utc());
    // A run at noon 60 days from today drops the days before today and
    // makes the days around then, so that a run a day later has one day to
    // drop, today, and one to make.
    let noon = (today + Duration::days(60) + Duration::hours(12)).and_utc();
    let report = run(&app, policy(), noon, Mode::Apply).await;
    assert!(report.partitions_postponed.is_empty(), "{report}");
    let later = noon + Duration::days(1);

    // A long read holds the visits table: dropping a partition would have
    // to wait for it, and every scan would queue behind the drop.
    let mut reader = PgConnection::establish(&postgres_url(&app)).unwrap();
    diesel::sql_query("BEGIN").execute(&mut reader).unwrap();
    diesel::sql_query("SELECT count(*) FROM visits")
        .execute(&mut reader)
        .unwrap();
    let report = run(&app, policy(), later, Mode::Apply).await;
    assert!(report.partitions_dropped.is_empty(), "{report}");
    assert!(
        report.partitions_postponed.contains(&partition_name(today)),
        "{report}"
    );
    // Making a partition moves rows out of the default partition, which
    // the read holds too: the new day waits for the next run as well.
    let ahead = partition_name(day_of(later.naive_utc()) + Duration::days(DAYS_AHEAD));
    assert!(report.partitions_postponed.contains(&ahead), "{report}");
    diesel::sql_query("COMMIT").execute(&mut reader).unwrap();

    let report = run(&app, policy(), later, Mode::Apply).await;
    assert!(report.partitions_postponed.is_empty(), "{report}");
    assert_eq!(dropped(&report), [partition_name(today)], "{report}");
    assert_eq!(report.partitions_created, [ahead], "{report}");
    let listed = with_conn(&app, partitions).await;
    assert!(!listed.contains(&partition_name(today)), "{listed:?}");
}
