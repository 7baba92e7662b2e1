//! The integration harness: each test gets the real application on a port
//! of its own, over a fresh database of either backend, and speaks HTTP to
//! it. Builders make the people, organizations and accounts a test needs.

use std::collections::HashMap;
use std::path::PathBuf;

use antoan::auth::{Role, password};
use antoan::config::Settings;
use antoan::db::{self, accounts};
use antoan::startup::Application;
use chrono::{Duration, NaiveDate, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The backend a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server that creates and drops the per-test PostgreSQL databases.
fn postgres_admin_url() -> String {
    std::env::var("ANTOAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn with_database(url: &str, database: &str) -> String {
    match url.rfind('/') {
        Some(slash) if slash > "postgres://".len() => format!("{}/{database}", &url[..slash]),
        _ => format!("{url}/{database}"),
    }
}

/// A PostgreSQL database of one test, dropped when the test ends.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    /// A fresh database, or `None` (with a message) when no server is
    /// reachable; under `CI=true` an unreachable server fails the test.
    fn create() -> Option<Self> {
        let admin_url = postgres_admin_url();
        let mut conn = match PgConnection::establish(&admin_url) {
            Ok(conn) => conn,
            Err(err) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("PostgreSQL is required in CI but not reachable at {admin_url}: {err}")
            }
            Err(err) => {
                eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url}: {err}");
                return None;
            }
        };
        let name = format!("antoan_it_{}_{}", std::process::id(), db::new_public_id());
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create the test database");
        Some(Self { admin_url, name })
    }

    fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// The application under test.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: actix_web::web::Data<antoan::state::AppState>,
    _dir: tempfile::TempDir,
    _postgres: Option<PostgresDatabase>,
}

pub const TOKEN_SECRET: &str = "integration-test-token-secret-0123456789";

impl TestApp {
    /// Starts the application on a fresh database; `None` when the backend
    /// is PostgreSQL and no server is reachable outside CI.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, &[]).await
    }

    /// Like `spawn`, with settings of `overrides` on top of the test defaults.
    pub async fn spawn_with(backend: Backend, overrides: &[(&str, &str)]) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PostgresDatabase::create()?),
        };
        let mut env: HashMap<&str, String> = HashMap::from([
            (
                "ANTOAN_DATA_DIR",
                dir.path().join("data").display().to_string(),
            ),
            ("ANTOAN_LISTEN", "127.0.0.1:0".to_owned()),
            ("ANTOAN_TOKEN_SECRET", TOKEN_SECRET.to_owned()),
            (
                "ANTOAN_WEB_UI_DIR",
                dir.path().join("no-web-ui").display().to_string(),
            ),
            ("ANTOAN_WORKERS", "1".to_owned()),
            ("ANTOAN_DB_POOL_SIZE", "4".to_owned()),
            // The access matrix registers two dozen people by SMS from 127.0.0.1.
            ("ANTOAN_SMS_REGISTRATIONS_PER_ADDRESS", "40".to_owned()),
        ]);
        if let Some(database) = &postgres {
            env.insert("DATABASE_URL", database.url());
        }
        for (name, value) in overrides {
            env.insert(name, (*value).to_owned());
        }
        let settings = Settings::from_lookup(|name| env.get(name).cloned()).expect("settings");
        let Application {
            server,
            addr,
            state,
            ..
        } = Application::build(settings).expect("application starts");
        actix_web::rt::spawn(server);
        Some(Self {
            base: format!("http://{addr}"),
            // The server closes a keep-alive connection after 5 idle seconds; a test that
            // pauses longer (rendering a PDF page, say) must not reuse one it is closing.
            client: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(2))
                .build()
                .expect("HTTP client"),
            state,
            _dir: dir,
            _postgres: postgres,
        })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.state.settings.data_dir.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// Sends a request and returns the status and the JSON body (`Null` when empty).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("request is sent");
        let status = response.status();
        let text = response.text().await.expect("body is read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "a 500 is a bug: {body}"
        );
        (status, body)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(self.authorized(self.client.get(self.url(path)), token))
            .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.send(
            self.authorized(self.client.post(self.url(path)), token)
                .json(body),
        )
        .await
    }

    pub async fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.send(
            self.authorized(self.client.patch(self.url(path)), token)
                .json(body),
        )
        .await
    }

    /// A GET that states why the caller reads someone's data, as officers must.
    pub async fn get_for(&self, path: &str, token: &str, purpose: &str) -> (StatusCode, Value) {
        self.send(
            self.client
                .get(self.url(path))
                .bearer_auth(token)
                .header("X-Access-Purpose", encode_purpose(purpose)),
        )
        .await
    }

    /// A POST that states why the caller reads someone's data.
    pub async fn post_for(
        &self,
        path: &str,
        token: &str,
        purpose: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .header("X-Access-Purpose", encode_purpose(purpose))
                .json(body),
        )
        .await
    }

    /// Raw bytes of a GET, for images.
    pub async fn get_bytes(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> (StatusCode, String, Vec<u8>) {
        let response = self
            .authorized(self.client.get(self.url(path)), token)
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, response.bytes().await.expect("body").to_vec())
    }

    fn authorized(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post(
                "/auth/login",
                None,
                &json!({ "username": username, "password": password }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login of {username}: {body}");
        body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// A city administrator, made as `create-admin` makes one, logged in.
    pub async fn admin(&self) -> String {
        let username = format!("admin-{}", &db::new_public_id()[..8]);
        let state = self.state.clone();
        let name = username.clone();
        actix_web::web::block(move || {
            let mut conn = state.db.get().expect("connection");
            accounts::insert(
                &mut conn,
                accounts::NewAccount::new(
                    name,
                    password::hash(PASSWORD).expect("hash"),
                    Role::CityAdmin,
                ),
            )
            .expect("admin inserted");
        })
        .await
        .expect("blocking task");
        self.login(&username, PASSWORD).await
    }

    /// An account of `role` created by the administrator, logged in.
    pub async fn account(&self, admin: &str, role: &str, extra: Value) -> Actor {
        let username = format!("{role}-{}", &db::new_public_id()[..8]);
        let mut body = json!({ "username": username, "password": PASSWORD, "role": role });
        merge(&mut body, extra);
        let (status, created) = self.post("/accounts", Some(admin), &body).await;
        assert_eq!(status, StatusCode::CREATED, "create {role}: {created}");
        Actor {
            token: self.login(&username, PASSWORD).await,
            id: created["id"].as_str().expect("id").to_owned(),
            username,
        }
    }

    pub async fn ward_officer(&self, admin: &str, ward: &str) -> Actor {
        self.account(admin, "ward_officer", json!({ "ward_code": ward }))
            .await
    }

    pub async fn health_officer(&self, admin: &str) -> Actor {
        self.account(admin, "health_officer", json!({})).await
    }

    /// A person created by `creator`; returns the person's JSON.
    pub async fn person(&self, creator: &str, person: Value) -> Value {
        let (status, body) = self.post("/people", Some(creator), &person).await;
        assert_eq!(status, StatusCode::CREATED, "create person: {body}");
        body
    }

    /// Records dose `dose` of `vaccine` given `days_ago` local days ago.
    pub async fn dose(
        &self,
        officer: &str,
        person_id: &str,
        vaccine: &str,
        dose: i32,
        days_ago: i64,
    ) -> Value {
        let body = json!({
            "vaccine_code": vaccine,
            "dose_number": dose,
            "administered_on": local_today() - Duration::days(days_ago),
        });
        let (status, body) = self
            .post(
                &format!("/people/{person_id}/vaccinations"),
                Some(officer),
                &body,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "record dose: {body}");
        body
    }

    /// A resident who registered themselves; returns the actor and person id.
    pub async fn resident(&self, person: Value) -> (Actor, String) {
        let username = format!("resident-{}", &db::new_public_id()[..8]);
        let (status, body) = self
            .post(
                "/registrations",
                None,
                &json!({ "username": username, "password": PASSWORD, "person": person }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "registration: {body}");
        let actor = Actor {
            token: self.login(&username, PASSWORD).await,
            id: body["account"]["id"].as_str().expect("id").to_owned(),
            username,
        };
        (
            actor,
            body["person"]["id"].as_str().expect("person id").to_owned(),
        )
    }

    /// An organization registered by its admin; returns it with the admin.
    pub async fn organization(&self, name: &str) -> Organization {
        let username = format!("org-{}", &db::new_public_id()[..8]);
        let body = json!({
            "organization": {
                "name": name,
                "tax_code": "0312345678",
                "address": "1 Võ Văn Ngân, Linh Chiểu",
                "ward_code": "26815",
                "sector": "market",
                "contact_phone": "0909123456",
            },
            "admin": { "username": username, "password": PASSWORD },
        });
        let (status, created) = self.post("/organizations", None, &body).await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "register organization: {created}"
        );
        Organization {
            id: created["organization"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
            admin: Actor {
                token: self.login(&username, PASSWORD).await,
                id: created["admin"]["id"].as_str().expect("id").to_owned(),
                username,
            },
        }
    }

    /// A checkpoint of `organization`; returns its JSON.
    pub async fn checkpoint(&self, organization: &Organization, name: &str) -> Value {
        let (status, body) = self
            .post(
                &format!("/organizations/{}/checkpoints", organization.id),
                Some(&organization.admin.token),
                &json!({ "name": name }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "create checkpoint: {body}");
        body
    }

    /// A checkpoint staff account of `organization`, logged in.
    pub async fn staff(&self, organization: &Organization) -> Actor {
        self.account(&organization.admin.token, "checkpoint_staff", json!({}))
            .await
    }
}

/// A logged-in account.
#[derive(Clone, Debug)]
pub struct Actor {
    pub token: String,
    pub id: String,
    pub username: String,
}

#[derive(Clone, Debug)]
pub struct Organization {
    pub id: String,
    pub admin: Actor,
}

pub const PASSWORD: &str = "correct horse battery";

fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

/// A purpose as a browser's `encodeURIComponent` sends it: every byte
/// outside the unreserved set escaped.
pub fn encode_purpose(purpose: &str) -> String {
    purpose
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Today's date in Ho Chi Minh City.
pub fn local_today() -> NaiveDate {
    antoan::domain::time::local_date(Utc::now())
}

/// A CCCD that agrees with a birth year and gender: province 079 and six
/// digits of `serial`.
pub fn cccd(birth_year: i32, female: bool, serial: u32) -> String {
    let century = (birth_year / 100 - 19) * 2 + i32::from(female);
    format!("079{century}{:02}{serial:06}", birth_year % 100)
}

/// A valid new person of ward `ward` (Thủ Đức City), with a unique document.
pub fn person_input(ward: &str) -> Value {
    let serial = u32::from_str_radix(&db::new_public_id()[..5], 16).unwrap_or(1) % 1_000_000;
    json!({
        "document_kind": "cccd",
        "document_number": cccd(1990, true, serial),
        "full_name": "Nguyễn Thị  Đoàn",
        "birth_date": "1990-05-17",
        "gender": "female",
        "phone": "0909 123 456",
        "ward_code": ward,
    })
}

/// Runs each listed scenario on both backends: `sqlite::name` and
/// `postgres::name`. PostgreSQL scenarios skip, saying so, where no server
/// is reachable, except in CI.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $scenario() {
                    if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await {
                        super::$scenario(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $scenario() {
                    if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await {
                        super::$scenario(app).await;
                    }
                }
            )*
        }
    };
}
