//! Seeding for the scan benchmark (`bench/run`), behind the hidden
//! `bench-seed` subcommand: a million people with one vaccination each,
//! written in bulk SQL, and the signed QR payloads of a sample of them,
//! made by the same code that issues a person's QR over the API.
//!
//! Seeded people have document numbers `079090000000` upwards and QIDs
//! `9` followed by 17 digits of their ordinal, so a pgbench script can name
//! any of them without a lookup table. The export timing
//! (`api/tests/api/export_timing.rs`) seeds with the same code, adding a
//! visit and a staff link for each person.

use std::io::Write;
use std::path::Path;

use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Date, Text, Timestamp};

use crate::config::Settings;
use crate::db::{DbConnection, people};
use crate::error::ApiError;
use crate::startup::prepare_state;

/// What the benchmark asks for.
pub struct SeedRequest<'a> {
    pub people: i64,
    /// Every `sample_every`-th person's payload is written out.
    pub sample_every: i64,
    pub payloads: &'a Path,
}

/// Seeds an empty database; refuses one that already has people, since the
/// benchmark's document numbers would collide with theirs.
pub fn seed(settings: Settings, request: &SeedRequest<'_>) -> Result<String, String> {
    if request.people < 1 || request.people > 1_000_000 {
        return Err("--people must be between 1 and 1000000 (six digits of serial)".into());
    }
    if request.sample_every < 1 {
        return Err("--sample-every must be at least 1".into());
    }
    let state = prepare_state(settings).map_err(|err| err.to_string())?;
    let mut conn = state.db.get().map_err(|err| err.for_operator())?;
    let operator = |err: ApiError| err.for_operator();

    let existing: i64 = count(&mut conn, "SELECT COUNT(*) AS n FROM people").map_err(operator)?;
    if existing > 0 {
        return Err(format!(
            "the database already has {existing} people; seed an empty one"
        ));
    }
    insert_people(&mut conn, request.people).map_err(operator)?;

    // Sampled people's codes, signed by the server's own issuing code with
    // the current records, exactly as `GET /people/{id}/qr` signs them.
    let file = std::fs::File::create(request.payloads)
        .map_err(|err| format!("{}: {err}", request.payloads.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let now = Utc::now();
    let mut written = 0_u64;
    let mut ordinal = 0_i64;
    while ordinal < request.people {
        let qid = format!("9{ordinal:017}");
        let person = people::by_qid(&mut conn, &qid)
            .map_err(operator)?
            .ok_or_else(|| format!("seeded person {qid} is missing"))?;
        let (code, _) =
            crate::routes::qr::issue_for(&mut conn, &state, &person, now).map_err(operator)?;
        writeln!(out, "{}", code.payload).map_err(|err| err.to_string())?;
        written += 1;
        ordinal += request.sample_every;
    }
    out.flush().map_err(|err| err.to_string())?;
    Ok(format!(
        "seeded {} people with a dose each; {written} signed payloads in {}",
        request.people,
        request.payloads.display()
    ))
}

fn count(conn: &mut DbConnection, sql: &str) -> Result<i64, ApiError> {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<Count> = diesel::sql_query(sql).load(conn)?;
    Ok(rows.first().map_or(0, |row| row.n))
}

/// One statement per table on each backend: a series of ordinals turned
/// into people, then a first Pfizer dose for each, 30 days ago, which the
/// policy of 1 October 2021 shows green.
pub fn insert_people(conn: &mut DbConnection, how_many: i64) -> Result<(), ApiError> {
    let now = crate::db::now();
    let dose_on = (Utc::now() + Duration::hours(7)).date_naive() - Duration::days(30);
    let last = how_many - 1;
    let columns = "public_id, qid, document_kind, document_number, full_name, folded_name, \
                   birth_date, gender, ward_code, created_at, updated_at";
    let dose_columns = "public_id, person_id, vaccine_code, dose_number, administered_on, \
                        source, created_at";
    match conn {
        DbConnection::Postgresql(pg) => {
            pg.batch_execute("BEGIN")?;
            diesel::sql_query(format!(
                "INSERT INTO people ({columns}) \
                 SELECT md5('bench-person-' || n), '9' || lpad(n::text, 17, '0'), 'cccd', \
                        '079090' || lpad(n::text, 6, '0'), 'Nguyễn Văn Thử', 'NGUYEN VAN THU', \
                        DATE '1990-05-17', 1, '26794', $1, $1 \
                 FROM generate_series(0, $2) AS n"
            ))
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(last)
            .execute(pg)?;
            diesel::sql_query(format!(
                "INSERT INTO vaccinations ({dose_columns}) \
                 SELECT md5('bench-dose-' || id), id, 'pfizer', 1, $1, 'staff', $2 FROM people"
            ))
            .bind::<Date, _>(dose_on)
            .bind::<Timestamp, _>(now)
            .execute(pg)?;
            pg.batch_execute("COMMIT; ANALYZE people; ANALYZE vaccinations;")?;
        }
        DbConnection::Sqlite(sqlite) => {
            sqlite.batch_execute("BEGIN IMMEDIATE")?;
            diesel::sql_query(format!(
                "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) \
                 INSERT INTO people ({columns}) \
                 SELECT lower(hex(randomblob(16))), '9' || printf('%017d', n), 'cccd', \
                        '079090' || printf('%06d', n), 'Nguyễn Văn Thử', 'NGUYEN VAN THU', \
                        '1990-05-17', 1, '26794', ?, ? \
                 FROM seq"
            ))
            .bind::<BigInt, _>(last)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .execute(sqlite)?;
            diesel::sql_query(format!(
                "INSERT INTO vaccinations ({dose_columns}) \
                 SELECT lower(hex(randomblob(16))), id, 'pfizer', 1, ?, 'staff', ? FROM people"
            ))
            .bind::<Date, _>(dose_on)
            .bind::<Timestamp, _>(now)
            .execute(sqlite)?;
            sqlite.batch_execute("COMMIT; ANALYZE;")?;
        }
    }
    Ok(())
}

/// One visit an hour ago of every person at checkpoint `checkpoint_public_id`,
/// and every person on the staff list of its organization: one statement
/// per table, so that an export of tens of thousands of people can be
/// timed without tens of thousands of requests.
pub fn insert_visits_and_staff(
    conn: &mut DbConnection,
    checkpoint_public_id: &str,
) -> Result<(), ApiError> {
    let now = crate::db::now();
    let entered_at = now - Duration::hours(1);
    let ends_at = now + Duration::hours(3);
    let visit_columns = "public_id, checkpoint_id, organization_id, person_id, subject_name, \
                         colour, reason, policy_version, method, signature, entered_at, ends_at";
    match conn {
        DbConnection::Postgresql(pg) => {
            pg.batch_execute("BEGIN")?;
            diesel::sql_query(format!(
                "INSERT INTO visits ({visit_columns}) \
                 SELECT md5('bench-visit-' || p.id), c.id, c.organization_id, p.id, p.folded_name, \
                        'green', '{{}}', 'hcmc-2021-10-01', 'staff_scan', 'signed', $2, $3 \
                 FROM people p CROSS JOIN checkpoints c WHERE c.public_id = $1"
            ))
            .bind::<Text, _>(checkpoint_public_id)
            .bind::<Timestamp, _>(entered_at)
            .bind::<Timestamp, _>(ends_at)
            .execute(pg)?;
            diesel::sql_query(
                "INSERT INTO staff_links (organization_id, person_id, linked_at) \
                 SELECT c.organization_id, p.id, $2 \
                 FROM people p CROSS JOIN checkpoints c WHERE c.public_id = $1",
            )
            .bind::<Text, _>(checkpoint_public_id)
            .bind::<Timestamp, _>(now)
            .execute(pg)?;
            pg.batch_execute("COMMIT; ANALYZE visits; ANALYZE staff_links;")?;
        }
        DbConnection::Sqlite(sqlite) => {
            sqlite.batch_execute("BEGIN IMMEDIATE")?;
            diesel::sql_query(format!(
                "INSERT INTO visits ({visit_columns}) \
                 SELECT lower(hex(randomblob(16))), c.id, c.organization_id, p.id, p.folded_name, \
                        'green', '{{}}', 'hcmc-2021-10-01', 'staff_scan', 'signed', ?, ? \
                 FROM people p CROSS JOIN checkpoints c WHERE c.public_id = ?"
            ))
            .bind::<Timestamp, _>(entered_at)
            .bind::<Timestamp, _>(ends_at)
            .bind::<Text, _>(checkpoint_public_id)
            .execute(sqlite)?;
            diesel::sql_query(
                "INSERT INTO staff_links (organization_id, person_id, linked_at) \
                 SELECT c.organization_id, p.id, ? \
                 FROM people p CROSS JOIN checkpoints c WHERE c.public_id = ?",
            )
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(checkpoint_public_id)
            .execute(sqlite)?;
            sqlite.batch_execute("COMMIT; ANALYZE;")?;
        }
    }
    Ok(())
}
