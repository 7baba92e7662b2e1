//! The database layer: one connection type over PostgreSQL and SQLite, the
//! pool, migrations, and the queries of each aggregate in its own module.
//! Nothing above this layer names diesel.

pub mod access_log;
pub mod accounts;
pub mod contacts;
pub mod corrections;
pub mod criteria;
pub mod health;
pub mod integrations;
pub mod organizations;
pub mod outbox;
pub mod people;
pub mod reference;
pub mod registrations;
pub mod retention;
pub mod revocations;
pub mod schema;
pub mod staff;
pub mod visits;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::ApiError;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// A connection to either backend. Queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a `DATABASE_URL` names, chosen from its scheme and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Reads `postgres://…`, `postgresql://…`, `sqlite://PATH` or `sqlite:PATH`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite://".to_owned()
            })?;
        if path.is_empty() {
            return Err(
                "DATABASE_URL sqlite:// needs a file path, e.g. sqlite://data/antoan.db".into(),
            );
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// Why a connection could not be made; unlike the derived `establish`, it
/// keeps the backend's own message.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] ConnectionError),
    #[error("cannot prepare the database connection: {0}")]
    Setup(#[from] diesel::result::Error),
}

/// The r2d2 manager that opens the backend the URL names.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Postgresql(
                diesel::PgConnection::establish(url)?,
            )),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // The busy timeout must come first: switching to WAL may
                // itself wait for another connection's lock. FULL syncs the
                // log at every commit, so an acknowledged scan survives a
                // power cut too, not only a crash of the process.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;",
                )?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        Ok(conn.ping()?)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The pool as the request handlers see it: work runs on the blocking thread
/// pool, inside the request's tracing span.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: &'static str,
}

impl Db {
    /// Opens a pool; fails with the backend's message when the first
    /// connection cannot be made.
    pub fn connect(url: &DatabaseUrl, size: u32, timeout: Duration) -> Result<Self, String> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .connection_timeout(timeout)
            .build(Manager { url: url.clone() })
            .map_err(|err| err.to_string())?;
        Ok(Self {
            pool,
            backend: url.backend(),
        })
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// A connection for start-up work and subcommands, outside any request.
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, ApiError> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` with a connection, off the async executor.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|err| ApiError::internal(format!("blocking task failed: {err}")))?
    }

    /// Runs `work` in one transaction: an error rolls back everything it wrote.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| transaction(conn, work)).await
    }
}

/// Runs `work` in one write transaction on a connection the caller holds.
///
/// On SQLite the transaction takes the write lock when it begins (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads first and then writes
/// fails at once with "database is locked" when another writer got there
/// first, while an immediate one waits out the busy timeout for its turn.
/// Nested transactions inside `work` become savepoints as usual.
pub fn transaction<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    if matches!(conn, DbConnection::Postgresql(_)) {
        return conn.transaction(work);
    }
    if let DbConnection::Sqlite(sqlite) = &mut *conn {
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    }
    let outcome = work(&mut *conn);
    let DbConnection::Sqlite(sqlite) = conn else {
        return Err(ApiError::internal(
            "the connection changed backend inside a transaction",
        ));
    };
    match outcome {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(sqlite)?;
            Ok(value)
        }
        Err(err) => {
            AnsiTransactionManager::rollback_transaction(sqlite)?;
            Err(err)
        }
    }
}

/// Runs `work` in a savepoint of the caller's transaction: an error undoes
/// what `work` wrote and leaves the outer transaction usable.
pub fn savepoint<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    conn.transaction(work)
}

/// Checks that the database answers.
pub fn ping(conn: &mut DbConnection) -> Result<(), ApiError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

/// Applies every pending migration of the connection's backend.
pub fn migrate(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    let applied = match conn {
        DbConnection::Postgresql(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|err| ApiError::internal(format!("migration failed: {err}")))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every migration of the connection's backend (used by the tests
/// that prove each migration survives up, down, up).
pub fn revert_all(conn: &mut DbConnection) -> Result<(), ApiError> {
    match conn {
        DbConnection::Postgresql(pg) => pg.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(sqlite) => sqlite.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    }
    .map_err(|err| ApiError::internal(format!("revert failed: {err}")))
}

/// The current instant as stored: UTC, truncated to microseconds so that
/// both backends return exactly what was written.
pub fn now() -> chrono::NaiveDateTime {
    truncate_to_micros(chrono::Utc::now().naive_utc())
}

/// Drops what PostgreSQL's `TIMESTAMP` cannot hold, so values compare equal
/// after a round trip through either backend. A leap second (`:60`, which
/// chrono keeps as a nanosecond count past one billion) becomes the start
/// of the next second, as PostgreSQL stores it; SQLite would keep `:60`.
pub fn truncate_to_micros(instant: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let nanos = instant.nanosecond();
    let next_second = nanos.checked_sub(1_000_000_000).and_then(|past_leap| {
        let second = instant.with_nanosecond(0)?;
        Some((
            second.checked_add_signed(chrono::Duration::seconds(1))?,
            past_leap,
        ))
    });
    let (instant, nanos) = next_second.unwrap_or((instant, nanos));
    instant
        .with_nanosecond(nanos / 1_000 * 1_000)
        .unwrap_or(instant)
}

/// A random identifier for anything that leaves the system: 128 bits,
/// lower-case hex, neither guessable nor enumerable.
pub fn new_public_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// True when a diesel error is a unique-constraint violation.
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Characters that cannot be mistaken for one another when read aloud or
/// copied by hand: no 0/O, 1/I/L.
const READABLE: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `len` random characters of the readable alphabet.
pub fn readable_code(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(READABLE[rng.gen_range(0..READABLE.len())]))
        .collect()
}

/// A checkpoint's location code: 20 readable characters, about 99 bits.
pub fn new_location_code() -> String {
    readable_code(20)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::NaiveDateTime;

    use super::truncate_to_micros;

    fn instant(text: &str) -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn an_instant_keeps_its_microseconds_and_drops_the_rest() {
        assert_eq!(
            truncate_to_micros(instant("2021-10-05T08:00:00.1234567Z")),
            instant("2021-10-05T08:00:00.123456Z")
        );
    }

    #[test]
    fn a_leap_second_is_the_start_of_the_next_second() {
        assert_eq!(
            truncate_to_micros(instant("2021-10-05T10:11:60.5+07:00")),
            instant("2021-10-05T03:12:00.5Z")
        );
        assert_eq!(
            truncate_to_micros(instant("2021-12-31T23:59:60Z")),
            instant("2022-01-01T00:00:00Z")
        );
    }
}
