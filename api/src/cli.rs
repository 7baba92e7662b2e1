//! The command line: `antoan` serves by default; subcommands migrate,
//! create the first administrator, rotate the QR signing keys, run
//! retention once and print the OpenAPI document.

use std::io::{BufRead, IsTerminal};

use clap::{Parser, Subcommand};

use crate::auth::{Role, password};
use crate::config::{Mode, Settings};
use crate::db::{self, Db, accounts};
use crate::qr::keys::KeyRing;

#[derive(Debug, Parser)]
#[command(
    name = "antoan",
    version,
    about = "Ho Chi Minh City's COVID-19 QR check-in and health-status service"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the web UI (the default).
    Serve,
    /// Apply pending database migrations and seed the reference data, then exit.
    Migrate,
    /// Create a city administrator account.
    CreateAdmin {
        #[arg(long)]
        username: String,
        /// Read the password from the first line of standard input instead of
        /// generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Load a small demo data set (development mode only): an account of
    /// every role, residents green and black, a market with its gate.
    Demo,
    /// Create a new QR signing key; the old ones keep verifying codes they signed.
    RotateKeys,
    /// Delete visits and access-ledger entries older than their configured
    /// age now (the server also does it on a timer), and on PostgreSQL
    /// create the visits table's partitions ahead.
    Retention {
        /// Say what would be created, dropped and deleted, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Seed an empty database for the scan benchmark (`bench/run`).
    #[command(hide = true)]
    BenchSeed {
        #[arg(long, default_value_t = 1_000_000)]
        people: i64,
        /// Write the signed payload of every N-th person.
        #[arg(long, default_value_t = 20)]
        sample_every: i64,
        /// Where the payloads go, one per line.
        #[arg(long)]
        payloads: std::path::PathBuf,
    },
}

/// Runs a subcommand other than `serve`; what it prints goes to standard
/// output, never to the log.
pub fn run_command(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Serve | Command::Demo => Err("serve and demo are handled by main".into()),
        Command::BenchSeed {
            people,
            sample_every,
            payloads,
        } => {
            let request = crate::bench::SeedRequest {
                people,
                sample_every,
                payloads: &payloads,
            };
            println!("{}", crate::bench::seed(settings, &request)?);
            Ok(())
        }
        Command::Openapi => {
            print!(
                "{}",
                crate::openapi::document_json().map_err(|err| err.to_string())?
            );
            Ok(())
        }
        Command::Migrate => {
            let db = Db::connect(&settings.database_url, 1, settings.pool_timeout)?;
            let mut conn = db.get().map_err(|err| err.for_operator())?;
            let applied = db::migrate(&mut conn).map_err(|err| err.for_operator())?;
            db::reference::seed(&mut conn).map_err(|err| err.for_operator())?;
            println!(
                "applied {} migration(s) on {}; reference data is loaded",
                applied.len(),
                db.backend()
            );
            // The visits partitions of the coming days, so that scans find
            // them even before a server's retention job first runs.
            if db.backend() == "postgresql" {
                match crate::retention::prepare_partitions(&mut conn, chrono::Utc::now())
                    .map_err(|err| err.for_operator())?
                {
                    Some(prepared) => {
                        println!("created {} visits partition(s)", prepared.created.len());
                        for name in &prepared.postponed {
                            println!("postponed partition {name} to the next retention run");
                        }
                    }
                    None => println!("another replica is making the visits partitions"),
                }
            }
            Ok(())
        }
        Command::Retention { dry_run } => {
            let db = Db::connect(&settings.database_url, 1, settings.pool_timeout)?;
            let mut conn = db.get().map_err(|err| err.for_operator())?;
            db::migrate(&mut conn).map_err(|err| err.for_operator())?;
            let mode = if dry_run {
                crate::retention::Mode::DryRun
            } else {
                crate::retention::Mode::Apply
            };
            let report =
                crate::retention::run(&mut conn, &settings.retention, chrono::Utc::now(), mode)
                    .map_err(|err| err.for_operator())?;
            print!("{report}");
            Ok(())
        }
        Command::RotateKeys => {
            let mut ring =
                KeyRing::load(&settings.keys_dir, true).map_err(|err| err.to_string())?;
            let kid = ring
                .rotate(&settings.keys_dir)
                .map_err(|err| err.to_string())?
                .kid
                .clone();
            println!(
                "new signing key {kid} in {}; restart the servers to sign with it",
                settings.keys_dir.display()
            );
            Ok(())
        }
        Command::CreateAdmin {
            username,
            password_stdin,
        } => create_admin(&settings, &username, password_stdin),
    }
}

fn create_admin(settings: &Settings, username: &str, password_stdin: bool) -> Result<(), String> {
    let username = username.trim().to_lowercase();
    if username.len() < 3 {
        return Err("the username needs at least 3 characters".into());
    }
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|err| err.to_string())?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (db::readable_code(16), true)
    };
    if password.chars().count() < 10 {
        return Err("the password needs at least 10 characters".into());
    }
    if settings.mode == Mode::Production && generated && !std::io::stdout().is_terminal() {
        return Err("in production, pass the password with --password-stdin".into());
    }

    let db = Db::connect(&settings.database_url, 1, settings.pool_timeout)?;
    let mut conn = db.get().map_err(|err| err.for_operator())?;
    db::migrate(&mut conn).map_err(|err| err.for_operator())?;
    db::reference::seed(&mut conn).map_err(|err| err.for_operator())?;
    accounts::insert(
        &mut conn,
        accounts::NewAccount::new(
            username.clone(),
            password::hash(&password).map_err(|err| err.for_operator())?,
            Role::CityAdmin,
        ),
    )
    .map_err(|err| err.problem().detail)?;
    if generated {
        println!("created administrator {username} with password {password}");
        println!("keep it safe: it is shown only once");
    } else {
        println!("created administrator {username}");
    }
    Ok(())
}
