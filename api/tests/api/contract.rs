//! The contracts around the code: the committed OpenAPI document, the
//! migrations of both backends, and the served document and viewer.

use std::collections::BTreeSet;
use std::path::Path;

use antoan::db::{self, DatabaseUrl, Db};
use reqwest::StatusCode;

use crate::common::TestApp;

crate::on_both_backends!(migrations_go_up_down_and_up, the_document_is_served);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
}

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = antoan::openapi::document_json().unwrap();
    let path = repo().join("openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale; regenerate it with `cargo run -p antoan -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_operation_documents_security_and_errors() {
    let document: serde_json::Value =
        serde_json::from_str(&antoan::openapi::document_json().unwrap()).unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(
                operation["operationId"].is_string(),
                "{name} has no operation id"
            );
            assert!(operation["tags"].is_array(), "{name} has no tag");
            assert!(
                operation["security"].is_array(),
                "{name} does not say who may call it"
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{name} has no success response"
            );
            let secured = operation["security"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s.get("bearer").is_some());
            if secured {
                assert!(
                    responses.contains_key("401"),
                    "{name} needs a token but documents no 401"
                );
            }
        }
    }
}

/// The Rust files under `dir`, at any depth.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path)
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                vec![path]
            } else {
                vec![]
            }
        })
        .collect()
}

/// The document's schemas are keyed by type name: two types of one name
/// would silently describe both operations with one of them, as the ward
/// import's report once described itself with the legacy import's.
#[test]
fn no_two_api_types_share_a_schema_name() {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    let mut clashes = Vec::new();
    for file in rust_files(&repo().join("api/src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut derives_schema = false;
        // A derive that rustfmt wrapped over several lines counts until its `)]`.
        let mut in_derive = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") || in_derive {
                derives_schema |= line.contains("ToSchema");
                in_derive = !line.ends_with(")]");
                continue;
            }
            if line.starts_with("#[") || line.starts_with("///") {
                continue;
            }
            if derives_schema {
                let name = line
                    .trim_start_matches("pub ")
                    .strip_prefix("struct ")
                    .or_else(|| line.trim_start_matches("pub ").strip_prefix("enum "))
                    .and_then(|rest| {
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                    });
                if let Some(name) = name {
                    let at = file.display().to_string();
                    if let Some(first) = seen.insert(name.to_owned(), at.clone()) {
                        clashes.push(format!("{name} in {first} and {at}"));
                    }
                }
            }
            derives_schema = false;
        }
    }
    assert!(
        seen.len() > 50,
        "the scan found only {} schemas",
        seen.len()
    );
    assert!(clashes.is_empty(), "schema names used twice: {clashes:?}");
}

fn migration_names(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(repo().join("migrations").join(backend))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let postgres = migration_names("postgres");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, migration_names("sqlite"));
    for name in &postgres {
        for backend in ["postgres", "sqlite"] {
            for file in ["up.sql", "down.sql"] {
                let path = repo()
                    .join("migrations")
                    .join(backend)
                    .join(name)
                    .join(file);
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }
}

async fn migrations_go_up_down_and_up(app: TestApp) {
    let url = match &app.state.settings.database_url {
        DatabaseUrl::Sqlite(_) => DatabaseUrl::Sqlite(app.data_dir().join("cycle.db")),
        postgres => postgres.clone(),
    };
    actix_web::web::block(move || {
        let db = Db::connect(&url, 1, std::time::Duration::from_secs(5)).unwrap();
        let mut conn = db.get().unwrap();
        db::migrate(&mut conn).unwrap();
        db::revert_all(&mut conn).unwrap();
        db::migrate(&mut conn).unwrap();
        db::reference::seed(&mut conn).unwrap();
        // Seeding twice changes nothing.
        db::reference::seed(&mut conn).unwrap();
        assert_eq!(db::reference::wards(&mut conn, None).unwrap().len(), 34);
    })
    .await
    .unwrap();
}

async fn the_document_is_served(app: TestApp) {
    let (status, served) = app.get("/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let generated: serde_json::Value =
        serde_json::from_str(&antoan::openapi::document_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    let response = app
        .client
        .get(format!("{}/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .client
        .get(format!("{}/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.url().path(), "/docs/", "followed the redirect");
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = app.get("/no/such/thing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "no_such_route");

    // A known path with the wrong method says which methods it takes.
    let response = app.client.get(app.url("/auth/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    let response = app
        .client
        .delete(app.url("/people/some-id/qr"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
