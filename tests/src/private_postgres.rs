//! A PostgreSQL server of one test's own: `initdb` into a temporary folder and
//! `pg_ctl` on a free port of 127.0.0.1, so a test may stop and start it
//! under load without touching the machine's shared cluster.
//!
//! PostgreSQL refuses to run as root; when the test runs as root, the
//! server's commands run as the `postgres` user through `runuser`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

use tempfile::TempDir;

/// A private PostgreSQL cluster; dropping it stops the server and removes
/// its folder.
pub struct PrivatePostgres {
    bin: PathBuf,
    dir: TempDir,
    port: u16,
    as_postgres_user: bool,
    running: bool,
}

impl PrivatePostgres {
    /// Creates and starts a cluster; `Err` says why it cannot be done here
    /// (no server binaries, or root without a `postgres` user), so the
    /// caller can skip with that reason.
    pub fn start() -> Result<Self, String> {
        let bin = server_binaries()
            .ok_or("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")?;
        let as_postgres_user = running_as_root();
        if as_postgres_user && !command_succeeds(Command::new("id").arg("postgres")) {
            return Err("running as root and there is no `postgres` user to run initdb".into());
        }

        let dir = tempfile::Builder::new()
            .prefix("antoan-pg-")
            .tempdir()
            .map_err(|err| format!("cannot create a temporary folder: {err}"))?;
        let port = free_port()?;
        let cluster = Self {
            bin,
            dir,
            port,
            as_postgres_user,
            running: false,
        };
        if as_postgres_user {
            let chown = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(cluster.dir.path())
                .output()
                .map_err(|err| format!("cannot run chown: {err}"))?;
            check("chown", &chown)?;
        }
        let initdb = cluster
            .command("initdb")
            .args(["--auth=trust", "--username=postgres", "--no-sync", "-D"])
            .arg(cluster.data_dir())
            .output()
            .map_err(|err| format!("cannot run initdb: {err}"))?;
        check("initdb", &initdb)?;

        let mut cluster = cluster;
        cluster.start_again()?;
        Ok(cluster)
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once (`pg_ctl stop -m fast`): open connections
    /// are terminated, committed transactions stay.
    pub fn stop(&mut self) -> Result<(), String> {
        let output = self
            .command("pg_ctl")
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(self.data_dir())
            .output()
            .map_err(|err| format!("cannot run pg_ctl stop: {err}"))?;
        check("pg_ctl stop", &output)?;
        self.running = false;
        Ok(())
    }

    /// Starts the server (again) on the same port and folder, and waits
    /// until it accepts connections.
    pub fn start_again(&mut self) -> Result<(), String> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=on",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let output = self
            .command("pg_ctl")
            .args(["start", "-w", "-t", "60", "-o", &options, "-l"])
            .arg(&log)
            .arg("-D")
            .arg(self.data_dir())
            .output()
            .map_err(|err| format!("cannot run pg_ctl start: {err}"))?;
        check("pg_ctl start", &output).map_err(|err| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{err}\n--- server log ---\n{log}")
        })?;
        self.running = true;
        Ok(())
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if self.running {
            let _ = self
                .command("pg_ctl")
                .args(["stop", "-m", "immediate", "-w", "-D"])
                .arg(self.data_dir())
                .output();
        }
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`.
fn server_binaries() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

fn command_succeeds(command: &mut Command) -> bool {
    command
        .output()
        .map(|output| output.status.success())
        .unwrap_or(false)
}

/// A port that was free a moment ago; the server binds it right after.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|err| format!("no free port: {err}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|err| format!("no free port: {err}"))
}

fn check(what: &str, output: &Output) -> Result<(), String> {
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
