//! The `antoan` binary: reads its settings, then serves or runs a subcommand.

use clap::Parser;

use antoan::cli::{Cli, Command, run_command};
use antoan::config::Settings;
use antoan::startup::Application;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("antoan: configuration error: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    antoan::telemetry::init(settings.log_format);

    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Demo) {
        return match antoan::demo::load(settings).await {
            Ok(accounts) => {
                println!(
                    "demo data loaded; every account's password is {}",
                    antoan::demo::DEMO_PASSWORD
                );
                println!("{accounts}");
                std::process::ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("antoan: demo: {err}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    if !matches!(command, Command::Serve) {
        return match run_command(command, settings) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("antoan: {err}");
                std::process::ExitCode::FAILURE
            }
        };
    }

    let backend = settings.database_url.backend();
    let app = match Application::build(settings) {
        Ok(app) => app,
        Err(err) => {
            eprintln!("antoan: cannot start: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if let Err(err) = antoan::sms::spawn_worker(app.state.db.clone(), &app.state.settings.sms) {
        eprintln!("antoan: cannot start the SMS worker: {err}");
        return std::process::ExitCode::FAILURE;
    }
    antoan::retention::spawn_worker(app.state.db.clone(), app.state.settings.retention.clone());
    println!("antoan listening on http://{} ({backend})", app.addr);
    println!("API document: http://{}/docs/", app.addr);
    if app.needs_admin {
        println!(
            "no administrator yet: in another terminal, with the same environment (DATABASE_URL, \
             ANTOAN_DATA_DIR), run `antoan create-admin --username admin` \
             (from a checkout: `cargo run --release -- create-admin --username admin`)"
        );
    }
    match app.server.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("antoan: server error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
