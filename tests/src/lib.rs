//! Test support for the black-box suite: starts the built `antoan` binary on a
//! fresh database, speaks HTTP to it and reads the QR images it draws.
//!
//! A panic is how a test reports, so every helper here panics with a message
//! that names the step, the request and what came back.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use chrono::{NaiveDate, TimeDelta, Utc};
use serde_json::Value;
use tempfile::TempDir;

pub mod private_postgres;

/// How long the binary may take to start listening, or to finish a subcommand.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// How long one HTTP request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The admin connection used to create and drop scratch PostgreSQL databases.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

// ---------------------------------------------------------------------------
// The binary under test

/// The `antoan` binary: `ANTOAN_BIN` when set, else the one Cargo built in the
/// same target folder as the running test (`target/<profile>/deps/<test>` sits
/// beside `target/<profile>/antoan`).
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("ANTOAN_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "ANTOAN_BIN names {}, which is not a file",
            path.display()
        );
        return path;
    }

    let test_executable = std::env::current_exe()
        .unwrap_or_else(|err| panic!("cannot locate the running test executable: {err}"));
    let profile_dir = test_executable
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| panic!("{} has no profile folder", test_executable.display()));
    let path = profile_dir.join(format!("antoan{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "the antoan binary is missing at {}: run `cargo build -p antoan` with the same \
         target folder first (`cargo test --workspace` builds it too), or set ANTOAN_BIN",
        path.display()
    );
    path
}

// ---------------------------------------------------------------------------
// Child processes

/// What a child process has printed so far, line by line.
#[derive(Default)]
struct Captured {
    stdout: Vec<String>,
    stderr: Vec<String>,
    /// Output streams not yet at their end; zero once the process has exited.
    open_streams: usize,
}

impl Captured {
    fn transcript(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout.join("\n"),
            self.stderr.join("\n")
        )
    }
}

/// Output shared between the draining threads and the test, with a condition
/// variable so the test waits for a line instead of sleeping.
#[derive(Default)]
struct Output {
    captured: Mutex<Captured>,
    changed: Condvar,
}

impl Output {
    fn lock(&self) -> MutexGuard<'_, Captured> {
        // A draining thread that panicked leaves its lines intact; keep reading them.
        self.captured.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `ready` holds or `timeout` passes, and returns the output then.
    fn wait_until(
        &self,
        timeout: Duration,
        ready: impl Fn(&Captured) -> bool,
    ) -> MutexGuard<'_, Captured> {
        let (captured, _) = self
            .changed
            .wait_timeout_while(self.lock(), timeout, |captured| !ready(captured))
            .unwrap_or_else(PoisonError::into_inner);
        captured
    }
}

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// Reads `stream` to its end on a thread of its own, so the child never blocks
/// on a full pipe, and keeps each line for waiting and for failure messages.
fn drain(stream: impl Read + Send + 'static, which: Stream, output: Arc<Output>) {
    output.lock().open_streams += 1;
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let text = String::from_utf8_lossy(&line).trim_end().to_owned();
            let mut captured = output.lock();
            match which {
                Stream::Stdout => captured.stdout.push(text),
                Stream::Stderr => captured.stderr.push(text),
            }
            drop(captured);
            output.changed.notify_all();
            line.clear();
        }
        output.lock().open_streams -= 1;
        output.changed.notify_all();
    });
}

/// A running child whose output is captured; killed when dropped.
struct Process {
    label: String,
    child: Child,
    output: Arc<Output>,
}

impl Process {
    fn spawn(label: &str, mut command: Command, stdin: Option<&str>) -> Self {
        command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("{label}: cannot start {command:?}: {err}"));

        let output = Arc::new(Output::default());
        if let Some(stdout) = child.stdout.take() {
            drain(stdout, Stream::Stdout, Arc::clone(&output));
        }
        if let Some(stderr) = child.stderr.take() {
            drain(stderr, Stream::Stderr, Arc::clone(&output));
        }
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // Dropping the pipe afterwards closes it, which ends the child's input.
            pipe.write_all(format!("{text}\n").as_bytes())
                .unwrap_or_else(|err| panic!("{label}: cannot write to standard input: {err}"));
        }

        Self {
            label: label.to_owned(),
            child,
            output,
        }
    }

    /// The first line of standard output containing `text`, waiting for it
    /// up to `timeout`; `None` when the process ends or the time runs out first.
    fn stdout_line(&self, text: &str, timeout: Duration) -> Option<String> {
        let has_line = |captured: &Captured| captured.stdout.iter().any(|line| line.contains(text));
        let captured = self.output.wait_until(timeout, |captured| {
            has_line(captured) || captured.open_streams == 0
        });
        captured
            .stdout
            .iter()
            .find(|line| line.contains(text))
            .cloned()
    }

    /// Waits for the process to exit on its own and returns what it printed.
    fn finish(&mut self, timeout: Duration) -> Finished {
        let captured = self
            .output
            .wait_until(timeout, |captured| captured.open_streams == 0);
        assert!(
            captured.open_streams == 0,
            "{}: still running after {timeout:?}\n{}",
            self.label,
            captured.transcript()
        );
        let (stdout, stderr) = (captured.stdout.join("\n"), captured.stderr.join("\n"));
        drop(captured);

        let status = self
            .child
            .wait()
            .unwrap_or_else(|err| panic!("{}: cannot collect the exit status: {err}", self.label));
        Finished {
            status,
            stdout,
            stderr,
        }
    }

    fn transcript(&self) -> String {
        self.output.lock().transcript()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Killing a process that already exited fails harmlessly.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            eprintln!(
                "=== {} printed ===\n{}",
                self.label,
                self.output.lock().transcript()
            );
        }
    }
}

/// A process that ran to its end.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

// ---------------------------------------------------------------------------
// Sandboxes and databases

/// A fresh working folder and environment for the binary: no `.env`, data or
/// setting of the developer's leaks in, and nothing the binary writes leaks out.
pub struct Sandbox {
    dir: TempDir,
    database_url: Option<String>,
    /// Settings of this sandbox on top of the clean environment.
    env: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox on the embedded default database (SQLite under the data folder).
    pub fn new() -> Self {
        Self::with_database(None)
    }

    /// A sandbox whose server uses `database_url` (`None`: the embedded SQLite).
    pub fn with_database(database_url: Option<String>) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("antoan-bb-")
            .tempdir()
            .unwrap_or_else(|err| panic!("cannot create a temporary folder: {err}"));
        Self {
            dir,
            database_url,
            env: Vec::new(),
        }
    }

    /// The same sandbox with one more setting for every command it runs.
    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `ANTOAN_DATA_DIR`: where the binary keeps its database, keys and secrets.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs the binary with `args` and the extra `env` to its end, feeding
    /// `stdin` as one line of input.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Finished {
        let mut command = self.command();
        command.args(args).envs(env.iter().copied());
        let label = format!("`antoan {}`", args.join(" "));
        Process::spawn(&label, command, stdin).finish(PROCESS_TIMEOUT)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(binary());
        command
            .current_dir(self.dir.path())
            .env_clear()
            .env("ANTOAN_DATA_DIR", self.data_dir())
            .env("ANTOAN_LISTEN", "127.0.0.1:0")
            .env("ANTOAN_WEB_UI_DIR", self.dir.path().join("no-ui"))
            // Log lines land in failure messages, where colour codes are noise.
            .env("NO_COLOR", "1");
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        command.envs(self.env.iter().map(|(name, value)| (name, value)));
        // Passed through so that a failing run can be repeated with more logging.
        if let Some(filter) = std::env::var_os("RUST_LOG") {
            command.env("RUST_LOG", filter);
        }
        command
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// The database a server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: a SQLite file under the data folder.
    Sqlite,
    /// A scratch database on the PostgreSQL server named by
    /// `ANTOAN_TEST_POSTGRES_URL`, or on the local one.
    Postgres,
}

impl Backend {
    /// The name the binary prints when it starts listening.
    fn printed_name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgresql",
        }
    }
}

/// A PostgreSQL database created for one test and dropped after it.
struct ScratchDatabase {
    admin_url: String,
    name: String,
}

impl ScratchDatabase {
    /// Creates a uniquely named database; `None` (after saying so) when no
    /// PostgreSQL server answers, unless `CI=true` demands one.
    fn create() -> Option<Self> {
        let admin_url = std::env::var("ANTOAN_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
        let mut client = match connect(&admin_url).map_err(|err| causes(&err)) {
            Ok(client) => client,
            Err(err) if std::env::var("CI").as_deref() == Ok("true") => panic!(
                "PostgreSQL not reachable at {} and CI=true requires it: {err}",
                redacted(&admin_url)
            ),
            Err(err) => {
                eprintln!(
                    "SKIPPED: PostgreSQL not reachable at {} ({err})",
                    redacted(&admin_url)
                );
                return None;
            }
        };

        // The process id keeps parallel test runs apart; the random part keeps
        // apart the tests of one run.
        let name = format!("antoan_bb_{}_{:08x}", std::process::id(), random_u32());
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|err| panic!("cannot create the database {name}: {}", causes(&err)));
        Some(Self { admin_url, name })
    }

    fn url(&self) -> String {
        with_database_name(&self.admin_url, &self.name)
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        // Panicking in a destructor would hide the test's own failure, so a
        // database that cannot be dropped is only reported.
        let dropped = connect(&self.admin_url).and_then(|mut client| {
            client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
        });
        if let Err(err) = dropped {
            eprintln!(
                "warning: cannot drop the database {}: {}",
                self.name,
                causes(&err)
            );
        }
    }
}

/// An error with its causes, which for a connection say what actually failed
/// (the top-level message is only "error connecting to server").
fn causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn connect(url: &str) -> Result<postgres::Client, postgres::Error> {
    let mut config: postgres::Config = url.parse()?;
    config.connect_timeout(Duration::from_secs(5));
    config.connect(postgres::NoTls)
}

/// `url` with its database name replaced by `name`, keeping any query string.
fn with_database_name(url: &str, name: &str) -> String {
    let (address, query) = match url.split_once('?') {
        Some((address, query)) => (address, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = address.find("://").map_or(0, |at| at + 3);
    let server = match address[authority_start..].find('/') {
        Some(slash) => &address[..authority_start + slash],
        None => address,
    };
    format!("{server}/{name}{query}")
}

/// `url` with any password replaced by `***`, for messages.
fn redacted(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |at| at + 3);
    let authority_end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |at| authority_start + at);
    let authority = &url[authority_start..authority_end];
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!(
                "{}{user}:***@{host}{}",
                &url[..authority_start],
                &url[authority_end..]
            )
        }
        _ => url.to_owned(),
    }
}

/// Randomness enough for a unique name: the standard library seeds each
/// `RandomState` from the operating system and varies it per instance, so
/// even the hash of nothing differs every time.
fn random_u32() -> u32 {
    // Keeping the low half is what the name needs; the truncation is intended.
    RandomState::new().build_hasher().finish() as u32
}

// ---------------------------------------------------------------------------
// The server

/// A running `antoan serve` on its own sandbox and database. Dropping it kills
/// the process first, then removes its folder, then drops its database.
pub struct Server {
    process: Process,
    sandbox: Sandbox,
    _database: Option<ScratchDatabase>,
    base_url: String,
    backend: Backend,
}

impl Server {
    /// Starts a server on `backend`; `None` when that backend is not
    /// available here (see [`Backend::Postgres`]).
    pub fn start(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::start_embedded()),
            Backend::Postgres => {
                let database = ScratchDatabase::create()?;
                let sandbox = Sandbox::with_database(Some(database.url()));
                Some(Self::start_in(sandbox, Some(database), backend))
            }
        }
    }

    /// Starts a server on the embedded default database, which is always available.
    pub fn start_embedded() -> Self {
        Self::start_in(Sandbox::new(), None, Backend::Sqlite)
    }

    /// Starts a server in `sandbox`, whose settings name the database
    /// (`DATABASE_URL` for PostgreSQL, nothing for the embedded SQLite).
    pub fn start_in_sandbox(sandbox: Sandbox, backend: Backend) -> Self {
        Self::start_in(sandbox, None, backend)
    }

    fn start_in(sandbox: Sandbox, database: Option<ScratchDatabase>, backend: Backend) -> Self {
        let (process, base_url) = Self::spawn_serve(&sandbox, backend);
        Self {
            process,
            sandbox,
            _database: database,
            base_url,
            backend,
        }
    }

    /// Kills the process with SIGKILL, as a crash or `kill -9` would, and
    /// waits until it is gone.
    pub fn kill(&mut self) {
        let _ = self.process.child.kill();
        let _ = self.process.child.wait();
    }

    /// Starts the server again on the same folder and database, after
    /// [`Server::kill`]; it listens on a new port.
    pub fn restart(&mut self) {
        self.kill();
        let (process, base_url) = Self::spawn_serve(&self.sandbox, self.backend);
        self.process = process;
        self.base_url = base_url;
    }

    fn spawn_serve(sandbox: &Sandbox, backend: Backend) -> (Process, String) {
        let process = Process::spawn("`antoan serve`", sandbox.command(), None);
        let announced = "antoan listening on ";
        let Some(line) = process.stdout_line(announced, PROCESS_TIMEOUT) else {
            panic!(
                "the server did not start listening within {PROCESS_TIMEOUT:?}\n{}",
                process.transcript()
            );
        };

        // The line is `antoan listening on http://127.0.0.1:PORT (backend)`.
        let mut words = line[line.find(announced).unwrap_or(0) + announced.len()..].split(' ');
        let base_url = words.next().unwrap_or_default().to_owned();
        let printed_backend = words.next().unwrap_or_default();
        assert_eq!(
            printed_backend,
            format!("({})", backend.printed_name()),
            "the server runs on the wrong database: {line}"
        );
        (process, base_url)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Everything the server printed so far, both streams.
    pub fn transcript(&self) -> String {
        self.process.transcript()
    }

    /// The server's data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.sandbox.data_dir()
    }

    /// The first line of standard output containing `text`; panics when none
    /// appears in time.
    pub fn wait_for_stdout(&self, text: &str) -> String {
        self.process
            .stdout_line(text, PROCESS_TIMEOUT)
            .unwrap_or_else(|| panic!("the server never printed {text:?}"))
    }

    /// Runs another subcommand of the binary in the server's folder and
    /// environment, as an operator would beside the running server.
    pub fn run(&self, args: &[&str]) -> Finished {
        self.sandbox.run(args, &[], None)
    }

    /// Creates the first city administrator the way an operator does: the
    /// same binary and environment, the password on standard input.
    pub fn create_admin(&self, username: &str, password: &str) {
        let finished = self.sandbox.run(
            &["create-admin", "--username", username, "--password-stdin"],
            &[],
            Some(password),
        );
        assert!(
            finished.status.success(),
            "`antoan create-admin` failed ({})\n{finished:#?}",
            finished.status
        );
    }

    /// A client that has not logged in.
    pub fn client(&self) -> Client {
        let http = reqwest::blocking::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            // A proxy from the environment would carry test traffic off this machine.
            .no_proxy()
            .build()
            .unwrap_or_else(|err| panic!("cannot build the HTTP client: {err}"));
        Client {
            http,
            api_url: format!("{}/api/v1", self.base_url),
            token: None,
            who: "anonymous".into(),
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP

/// An HTTP client for `/api/v1`, anonymous or logged in as one account.
/// Paths are relative to `/api/v1`; `step` names the test step in failures.
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    api_url: String,
    token: Option<String>,
    who: String,
}

impl Client {
    /// Logs in and returns a client that sends the account's access token.
    pub fn login(&self, step: &str, username: &str, password: &str) -> Client {
        let tokens = self
            .post_json(
                step,
                "/auth/login",
                &serde_json::json!({ "username": username, "password": password }),
            )
            .expect_status(200)
            .json();
        Client {
            token: Some(tokens.str("/access_token").to_owned()),
            who: username.to_owned(),
            ..self.clone()
        }
    }

    /// The same account against `server`, e.g. after it restarted on a new port.
    pub fn at(&self, server: &Server) -> Client {
        Client {
            api_url: format!("{}/api/v1", server.base_url),
            ..self.clone()
        }
    }

    pub fn get(&self, step: &str, path: &str) -> Reply {
        self.send(step, reqwest::Method::GET, path, None)
    }

    pub fn post_json(&self, step: &str, path: &str, body: &Value) -> Reply {
        self.send(step, reqwest::Method::POST, path, Some(body))
    }

    /// Like [`Client::post_json`], but a request that gets no answer at all
    /// (the server is down) is an `Err` with the reason instead of a panic.
    pub fn try_post_json(&self, step: &str, path: &str, body: &Value) -> Result<Reply, String> {
        self.try_send(step, reqwest::Method::POST, path, Some(body))
    }

    /// Like [`Client::get`], but see [`Client::try_post_json`].
    pub fn try_get(&self, step: &str, path: &str) -> Result<Reply, String> {
        self.try_send(step, reqwest::Method::GET, path, None)
    }

    fn send(&self, step: &str, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        self.try_send(step, method, path, body)
            .unwrap_or_else(|err| panic!("{err}"))
    }

    fn try_send(
        &self,
        step: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Reply, String> {
        let request_line = format!("{method} /api/v1{path} as {}", self.who);
        let mut request = self.http.request(method, format!("{}{path}", self.api_url));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }

        let response = request
            .send()
            .map_err(|err| format!("{step}: {request_line} failed: {err}"))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response
            .bytes()
            .map_err(|err| format!("{step}: {request_line}: cannot read the body: {err}"))?;

        Ok(Reply {
            step: step.to_owned(),
            request_line,
            sent: body.map(pretty),
            status,
            content_type,
            retry_after,
            body: bytes.to_vec(),
        })
    }
}

/// An HTTP answer, remembered with the step and request that produced it.
pub struct Reply {
    step: String,
    request_line: String,
    sent: Option<String>,
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Retry-After` header, when the answer has one.
    pub fn retry_after(&self) -> Option<&str> {
        self.retry_after.as_deref()
    }

    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// Panics, showing the request and the answer, unless the status is `expected`.
    pub fn expect_status(self, expected: u16) -> Self {
        if self.status != expected {
            self.fail(&format!("answered {}, expected {expected}", self.status));
        }
        self
    }

    /// Panics unless the content type starts with `expected`.
    pub fn expect_content_type(self, expected: &str) -> Self {
        if !self.content_type.starts_with(expected) {
            self.fail(&format!(
                "answered {:?}, expected {expected:?}",
                self.content_type
            ));
        }
        self
    }

    /// The body as JSON; panics when it is not.
    pub fn json(&self) -> Body {
        let value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| self.fail(&format!("answered something not JSON ({err})")));
        Body {
            step: self.step.clone(),
            value,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    fn fail(&self, what: &str) -> ! {
        let sent = self
            .sent
            .as_deref()
            .map(|sent| format!("\n--- sent ---\n{sent}"))
            .unwrap_or_default();
        panic!(
            "{}: {} {what}{sent}\n--- received ({}) ---\n{}",
            self.step,
            self.request_line,
            self.content_type,
            readable(&self.body)
        );
    }
}

/// A JSON answer whose accessors panic with the step and the whole body.
/// Fields are named by JSON pointer, e.g. `/organization/id`.
pub struct Body {
    step: String,
    value: Value,
}

impl Body {
    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn str(&self, pointer: &str) -> &str {
        self.value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| self.fail(&format!("{pointer} is not a string")))
    }

    pub fn bool(&self, pointer: &str) -> bool {
        self.value
            .pointer(pointer)
            .and_then(Value::as_bool)
            .unwrap_or_else(|| self.fail(&format!("{pointer} is not a boolean")))
    }

    pub fn array(&self, pointer: &str) -> &[Value] {
        self.value
            .pointer(pointer)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_else(|| self.fail(&format!("{pointer} is not an array")))
    }

    /// Panics unless the string at `pointer` is `expected`.
    pub fn expect_str(&self, pointer: &str, expected: &str) {
        let actual = self.str(pointer);
        if actual != expected {
            self.fail(&format!("{pointer} is {actual:?}, expected {expected:?}"));
        }
    }

    /// Panics with `what` unless `holds`.
    pub fn check(&self, holds: bool, what: &str) {
        if !holds {
            self.fail(&format!("expected {what}"));
        }
    }

    fn fail(&self, what: &str) -> ! {
        panic!("{}: {what}, in\n{}", self.step, pretty(&self.value));
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A body for a failure message: pretty JSON when it is JSON, else the
/// start of its text.
fn readable(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => pretty(&value),
        Err(_) => String::from_utf8_lossy(body).chars().take(2_000).collect(),
    }
}

// ---------------------------------------------------------------------------
// Fixtures

/// Today on the calendar the colour rules count days on. Ho Chi Minh City
/// keeps UTC+7 all year, with no daylight saving.
pub fn today_in_hcmc() -> NaiveDate {
    (Utc::now().naive_utc() + TimeDelta::hours(7)).date()
}

/// The text of the one QR code in a PNG image, as a phone camera would read it.
pub fn decode_qr(step: &str, png: &[u8]) -> String {
    let image = image::load_from_memory(png)
        .unwrap_or_else(|err| panic!("{step}: the PNG does not load: {err}"))
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    let [grid] = grids.as_slice() else {
        panic!(
            "{step}: expected one QR code in the image, found {}",
            grids.len()
        );
    };
    let (_, text) = grid
        .decode()
        .unwrap_or_else(|err| panic!("{step}: the QR code does not decode: {err}"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced_and_query_kept() {
        assert_eq!(
            with_database_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database_name("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database_name("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redacted("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            redacted("postgres://postgres@h/db"),
            "postgres://postgres@h/db"
        );
    }
}
