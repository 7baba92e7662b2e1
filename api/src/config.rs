//! Typed configuration from environment variables (documented in
//! `.env.example`). Safe defaults serve the embedded mode; production mode
//! refuses to start without explicit secrets.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::batch::BatchSettings;
use crate::db::DatabaseUrl;
use crate::limits::LoginLimits;

/// A value that must never reach a log line or a debug print.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Development keeps data and secrets under the data directory; production
/// takes them only from the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the service reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    pub database_url: DatabaseUrl,
    /// Where the embedded database, the signing keys and the token secret live.
    pub data_dir: PathBuf,
    /// Where the signing keys live; defaults to `<data_dir>/keys`.
    pub keys_dir: PathBuf,
    pub listen: SocketAddr,
    /// The address people's browsers use, for links printed in location QR codes.
    pub public_url: String,
    /// The secret that signs access tokens; read from the data directory when unset.
    pub token_secret: Option<Secret<String>>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// The longest offline window signed into a personal QR.
    pub qr_validity_cap: Duration,
    /// HTTP worker threads; one per core when unset.
    pub workers: Option<usize>,
    pub pool_size: u32,
    pub pool_timeout: Duration,
    pub log_format: LogFormat,
    /// Minutes a contact query widens each visit by on both sides, unless
    /// the query names its own margin.
    pub contact_margin_minutes: i32,
    /// The most contact visits a contact query's JSON answer lists; its CSV
    /// export lists them all.
    pub contact_answer_max: i64,
    /// The most rows an XLSX export holds; it is built whole before it is
    /// sent, so a larger list is refused with a pointer to the CSV.
    pub xlsx_max_rows: i64,
    /// The built web UI, served at `/` when the folder exists.
    pub web_ui_dir: PathBuf,
    /// Failed logins allowed per username and per client address.
    pub login_limits: LoginLimits,
    /// The largest request body any route accepts; JSON bodies have a lower limit.
    pub max_body_bytes: usize,
    pub sms: SmsSettings,
    /// Registrations by SMS a phone number may request per hour.
    pub registrations_per_phone_hourly: u32,
    /// Registrations by SMS one client address may request per hour.
    pub registrations_per_address_hourly: u32,
    /// Online registrations one client address may have refused per hour
    /// because the document number is already registered.
    pub registration_refusals_per_address: u32,
    pub retention: RetentionSettings,
    /// The threads that record scans in batches (group commit).
    pub scan_writers: BatchSettings,
}

/// How long visits and the access ledger are kept, and how often the
/// retention job runs.
#[derive(Clone, Debug)]
pub struct RetentionSettings {
    /// False: nothing is deleted by age; on PostgreSQL the job still
    /// creates the visits table's partitions ahead.
    pub enabled: bool,
    /// Visits older than this many days are deleted: on SQLite at exactly
    /// this age, on PostgreSQL with their whole day, so at most a day later.
    pub visit_days: u32,
    /// Access-ledger entries older than this many days are deleted; never
    /// fewer than `visit_days`, so that a person can see who read their
    /// visits for at least as long as the visits were kept.
    pub access_log_days: u32,
    /// How often the job runs; each replica runs it, one at a time.
    pub interval: Duration,
    /// Rows deleted per transaction, so that no deletion holds a lock long.
    pub batch_size: u32,
}

impl RetentionSettings {
    /// The fewest days visits may be kept: a contact query looks back 14
    /// days (the incubation period), and a visit must outlive the 8 days its
    /// idempotency key is kept.
    pub const MIN_VISIT_DAYS: u32 = 14;
    /// The most days anything may be kept by this setting (100 years).
    pub const MAX_DAYS: u32 = 36_500;
}

/// How SMS leave the outbox.
#[derive(Clone, Debug)]
pub struct SmsSettings {
    /// The HTTP gateway's address (`http://` only); the logging gateway when unset.
    pub gateway_url: Option<String>,
    /// Sent to the HTTP gateway as a Bearer credential.
    pub gateway_token: Option<Secret<String>>,
    /// Attempts per message, the first included.
    pub max_attempts: u32,
    /// The wait after the first failed attempt; it doubles after each one.
    pub retry_base: Duration,
    /// How often the worker looks for due messages.
    pub poll_interval: Duration,
}

/// A setting that could not be read, named so the operator can fix it.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

impl Settings {
    /// Reads the settings from the process environment (after `.env`, if any).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let mode = match get("ANTOAN_ENV").as_deref() {
            None | Some("development") => Mode::Development,
            Some("production") => Mode::Production,
            Some(other) => {
                return Err(error(
                    "ANTOAN_ENV",
                    format!("expected development or production, got {other}"),
                ));
            }
        };
        let data_dir = PathBuf::from(get("ANTOAN_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url) => {
                DatabaseUrl::parse(&url).map_err(|message| error("DATABASE_URL", message))?
            }
            None if mode == Mode::Production => {
                return Err(error(
                    "DATABASE_URL",
                    "production mode needs an explicit database".into(),
                ));
            }
            None => DatabaseUrl::Sqlite(data_dir.join("antoan.db")),
        };
        let keys_dir = get("ANTOAN_KEYS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("keys"));
        let token_secret = get("ANTOAN_TOKEN_SECRET").map(Secret::new);
        if let Some(secret) = &token_secret
            && secret.expose().len() < 32
        {
            return Err(error(
                "ANTOAN_TOKEN_SECRET",
                "must be at least 32 characters".into(),
            ));
        }
        if mode == Mode::Production {
            if token_secret.is_none() {
                return Err(error(
                    "ANTOAN_TOKEN_SECRET",
                    "production mode needs an explicit secret".into(),
                ));
            }
            if get("ANTOAN_KEYS_DIR").is_none() {
                return Err(error(
                    "ANTOAN_KEYS_DIR",
                    "production mode needs an explicit key folder".into(),
                ));
            }
        }

        let listen_text = get("ANTOAN_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.parse().map_err(|err| {
            error(
                "ANTOAN_LISTEN",
                format!("{listen_text:?} is not host:port ({err})"),
            )
        })?;
        let public_url = get("ANTOAN_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_owned();
        let log_format = match get("ANTOAN_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(error(
                    "ANTOAN_LOG_FORMAT",
                    format!("expected text or json, got {other}"),
                ));
            }
        };
        let gateway_url = get("ANTOAN_SMS_GATEWAY_URL");
        if let Some(url) = &gateway_url
            && !url.starts_with("http://")
        {
            return Err(error(
                "ANTOAN_SMS_GATEWAY_URL",
                "must start with http:// (this build has no TLS client; \
                 reach an https gateway through a local relay)"
                    .into(),
            ));
        }
        let sms = SmsSettings {
            gateway_url,
            gateway_token: get("ANTOAN_SMS_GATEWAY_TOKEN").map(Secret::new),
            max_attempts: u32::try_from(number(&get, "ANTOAN_SMS_MAX_ATTEMPTS", 6)?)
                .map_err(|_| error("ANTOAN_SMS_MAX_ATTEMPTS", "too large".into()))?,
            retry_base: Duration::from_secs(number(&get, "ANTOAN_SMS_RETRY_SECONDS", 30)?),
            poll_interval: Duration::from_secs(number(&get, "ANTOAN_SMS_POLL_SECONDS", 5)?),
        };
        let retention = retention_settings(&get)?;
        let default_pool = match database_url {
            DatabaseUrl::Postgres(_) => 16,
            DatabaseUrl::Sqlite(_) => 8,
        };
        // SQLite has one writer at a time whatever the threads, so one
        // thread takes every waiting scan into its batch; PostgreSQL
        // overlaps a few batches' round trips.
        let default_scan_writers = match database_url {
            DatabaseUrl::Postgres(_) => 4,
            DatabaseUrl::Sqlite(_) => 1,
        };
        let scan_writers = BatchSettings {
            writers: usize::try_from(number(&get, "ANTOAN_SCAN_WRITERS", default_scan_writers)?)
                .map_err(|_| error("ANTOAN_SCAN_WRITERS", "too large".into()))?,
            max_batch: usize::try_from(number(&get, "ANTOAN_SCAN_BATCH_MAX", 64)?)
                .map_err(|_| error("ANTOAN_SCAN_BATCH_MAX", "too large".into()))?,
            queue: 4096,
        };
        if scan_writers.writers > 64 {
            return Err(error("ANTOAN_SCAN_WRITERS", "at most 64".into()));
        }
        if scan_writers.max_batch > 1000 {
            return Err(error("ANTOAN_SCAN_BATCH_MAX", "at most 1000".into()));
        }

        Ok(Self {
            mode,
            database_url,
            data_dir,
            keys_dir,
            listen,
            public_url,
            token_secret,
            access_token_ttl: Duration::from_secs(number(
                &get,
                "ANTOAN_ACCESS_TOKEN_TTL_SECONDS",
                900,
            )?),
            refresh_token_ttl: Duration::from_secs(
                number(&get, "ANTOAN_REFRESH_TOKEN_TTL_DAYS", 30)? * 86_400,
            ),
            qr_validity_cap: Duration::from_secs(
                number(&get, "ANTOAN_QR_VALIDITY_DAYS", 7)? * 86_400,
            ),
            pool_size: u32::try_from(number(&get, "ANTOAN_DB_POOL_SIZE", default_pool)?)
                .map_err(|_| error("ANTOAN_DB_POOL_SIZE", "too large".into()))?,
            pool_timeout: Duration::from_secs(number(&get, "ANTOAN_DB_POOL_TIMEOUT_SECONDS", 5)?),
            workers: match get("ANTOAN_WORKERS") {
                None => None,
                Some(_) => Some(
                    usize::try_from(number(&get, "ANTOAN_WORKERS", 1)?)
                        .map_err(|_| error("ANTOAN_WORKERS", "too large".into()))?,
                ),
            },
            log_format,
            contact_margin_minutes: i32::try_from(number(
                &get,
                "ANTOAN_CONTACT_MARGIN_MINUTES",
                15,
            )?)
            .ok()
            .filter(|minutes| *minutes <= 240)
            .ok_or_else(|| {
                error(
                    "ANTOAN_CONTACT_MARGIN_MINUTES",
                    "must be between 0 and 240".into(),
                )
            })?,
            contact_answer_max: i64::try_from(number(&get, "ANTOAN_CONTACT_ANSWER_MAX", 5_000)?)
                .ok()
                .filter(|contacts| (1..=100_000).contains(contacts))
                .ok_or_else(|| {
                    error(
                        "ANTOAN_CONTACT_ANSWER_MAX",
                        "must be between 1 and 100000".into(),
                    )
                })?,
            xlsx_max_rows: i64::try_from(number(&get, "ANTOAN_XLSX_MAX_ROWS", 50_000)?)
                .ok()
                .filter(|rows| *rows < 1_048_576)
                .ok_or_else(|| {
                    error(
                        "ANTOAN_XLSX_MAX_ROWS",
                        "must be below 1048576, the rows of one sheet".into(),
                    )
                })?,
            web_ui_dir: PathBuf::from(
                get("ANTOAN_WEB_UI_DIR").unwrap_or_else(|| "web-ui/dist".into()),
            ),
            login_limits: LoginLimits {
                failures_per_username: small(&get, "ANTOAN_LOGIN_FAILURES_PER_USERNAME", 5)?,
                failures_per_address: small(&get, "ANTOAN_LOGIN_FAILURES_PER_ADDRESS", 50)?,
                window: Duration::from_secs(number(&get, "ANTOAN_LOGIN_WINDOW_SECONDS", 900)?),
            },
            max_body_bytes: usize::try_from(number(
                &get,
                "ANTOAN_MAX_BODY_BYTES",
                8 * 1024 * 1024,
            )?)
            .map_err(|_| error("ANTOAN_MAX_BODY_BYTES", "too large".into()))?,
            sms,
            registrations_per_phone_hourly: small(&get, "ANTOAN_SMS_REGISTRATIONS_PER_PHONE", 3)?,
            registrations_per_address_hourly: small(
                &get,
                "ANTOAN_SMS_REGISTRATIONS_PER_ADDRESS",
                20,
            )?,
            registration_refusals_per_address: small(
                &get,
                "ANTOAN_REGISTRATION_REFUSALS_PER_ADDRESS",
                10,
            )?,
            retention,
            scan_writers,
        })
    }
}

fn retention_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<RetentionSettings, ConfigError> {
    let enabled = match get("ANTOAN_RETENTION_ENABLED").as_deref().map(str::trim) {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(error(
                "ANTOAN_RETENTION_ENABLED",
                format!("expected true or false, got {other}"),
            ));
        }
    };
    let days = |name: &'static str, default: u64, least: u32| {
        let value = small(get, name, default)?;
        if value < least || value > RetentionSettings::MAX_DAYS {
            return Err(error(
                name,
                format!(
                    "must be between {least} and {} days, got {value}",
                    RetentionSettings::MAX_DAYS
                ),
            ));
        }
        Ok(value)
    };
    let visit_days = days(
        "ANTOAN_RETENTION_VISIT_DAYS",
        60,
        RetentionSettings::MIN_VISIT_DAYS,
    )?;
    let access_log_days =
        days("ANTOAN_RETENTION_ACCESS_LOG_DAYS", 365, visit_days).map_err(|err| ConfigError {
            message: format!(
                "{}; the ledger of who read a person's data is kept at least as long as \
                 the visits it mentions (ANTOAN_RETENTION_VISIT_DAYS={visit_days})",
                err.message
            ),
            ..err
        })?;
    let interval_minutes = number(get, "ANTOAN_RETENTION_INTERVAL_MINUTES", 60)?;
    if interval_minutes > 7 * 24 * 60 {
        return Err(error(
            "ANTOAN_RETENTION_INTERVAL_MINUTES",
            "must be at most a week (10080 minutes)".into(),
        ));
    }
    let batch_size = small(get, "ANTOAN_RETENTION_BATCH_SIZE", 1000)?;
    if batch_size > 100_000 {
        return Err(error(
            "ANTOAN_RETENTION_BATCH_SIZE",
            "must be at most 100000 rows".into(),
        ));
    }
    Ok(RetentionSettings {
        enabled,
        visit_days,
        access_log_days,
        interval: Duration::from_secs(interval_minutes * 60),
        batch_size,
    })
}

fn error(name: &'static str, message: String) -> ConfigError {
    ConfigError { name, message }
}

fn small(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<u32, ConfigError> {
    u32::try_from(number(get, name, default)?).map_err(|_| error(name, "too large".into()))
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<u64, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<u64>() {
            Ok(value) if value > 0 => Ok(value),
            _ => Err(error(
                name,
                format!("expected a positive whole number, got {text:?}"),
            )),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn embedded_default_is_sqlite_under_data() {
        let s = settings(&[]).unwrap();
        assert_eq!(
            s.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("data/antoan.db"))
        );
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert_eq!(s.mode, Mode::Development);
    }

    #[test]
    fn postgres_is_chosen_by_scheme() {
        let s = settings(&[("DATABASE_URL", "postgres://127.0.0.1/test")]).unwrap();
        assert_eq!(s.database_url.backend(), "postgresql");
        let err = settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(err.name, "DATABASE_URL");
    }

    #[test]
    fn production_refuses_implicit_secrets() {
        let err = settings(&[
            ("ANTOAN_ENV", "production"),
            ("DATABASE_URL", "postgres://h/db"),
        ])
        .unwrap_err();
        assert_eq!(err.name, "ANTOAN_TOKEN_SECRET");
        let secret = "0123456789abcdef0123456789abcdef";
        let err = settings(&[
            ("ANTOAN_ENV", "production"),
            ("DATABASE_URL", "postgres://h/db"),
            ("ANTOAN_TOKEN_SECRET", secret),
        ])
        .unwrap_err();
        assert_eq!(err.name, "ANTOAN_KEYS_DIR");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = settings(&[("ANTOAN_TOKEN_SECRET", "0123456789abcdef0123456789abcdef")]).unwrap();
        assert!(!format!("{s:?}").contains("0123456789abcdef"));
    }

    #[test]
    fn retention_keeps_visits_60_days_and_the_ledger_a_year_by_default() {
        let retention = settings(&[]).unwrap().retention;
        assert!(retention.enabled);
        assert_eq!(retention.visit_days, 60);
        assert_eq!(retention.access_log_days, 365);
        assert_eq!(retention.interval, Duration::from_secs(3600));
        assert_eq!(retention.batch_size, 1000);
        let off = settings(&[("ANTOAN_RETENTION_ENABLED", "false")]).unwrap();
        assert!(!off.retention.enabled);
    }

    #[test]
    fn retention_refuses_ages_that_would_lose_what_must_be_kept() {
        let err = settings(&[("ANTOAN_RETENTION_VISIT_DAYS", "13")]).unwrap_err();
        assert_eq!(err.name, "ANTOAN_RETENTION_VISIT_DAYS");
        let kept = settings(&[("ANTOAN_RETENTION_VISIT_DAYS", "14")]).unwrap();
        assert_eq!(kept.retention.visit_days, 14);
        // The ledger may not be dropped before the visits it mentions.
        let err = settings(&[
            ("ANTOAN_RETENTION_VISIT_DAYS", "90"),
            ("ANTOAN_RETENTION_ACCESS_LOG_DAYS", "89"),
        ])
        .unwrap_err();
        assert_eq!(err.name, "ANTOAN_RETENTION_ACCESS_LOG_DAYS");
        assert!(err.message.contains("ANTOAN_RETENTION_VISIT_DAYS=90"));
        let err = settings(&[("ANTOAN_RETENTION_ENABLED", "yes")]).unwrap_err();
        assert_eq!(err.name, "ANTOAN_RETENTION_ENABLED");
        let err = settings(&[("ANTOAN_RETENTION_BATCH_SIZE", "0")]).unwrap_err();
        assert_eq!(err.name, "ANTOAN_RETENTION_BATCH_SIZE");
    }

    #[test]
    fn a_contact_answer_lists_between_one_and_a_hundred_thousand_visits() {
        assert_eq!(settings(&[]).unwrap().contact_answer_max, 5_000);
        for refused in ["0", "100001", "many"] {
            let err = settings(&[("ANTOAN_CONTACT_ANSWER_MAX", refused)]).unwrap_err();
            assert_eq!(err.name, "ANTOAN_CONTACT_ANSWER_MAX", "{refused}");
        }
        let upper = settings(&[("ANTOAN_CONTACT_ANSWER_MAX", "100000")]).unwrap();
        assert_eq!(upper.contact_answer_max, 100_000);
    }

    #[test]
    fn bad_numbers_name_their_variable() {
        let err = settings(&[("ANTOAN_QR_VALIDITY_DAYS", "seven")]).unwrap_err();
        assert_eq!(err.name, "ANTOAN_QR_VALIDITY_DAYS");
    }
}
