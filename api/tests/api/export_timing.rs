//! A timed run of the staff and visitor exports (CSV and XLSX) over many
//! people, on both backends. It prints how long each export took and
//! asserts only that every person is in it: timings are measured, never
//! asserted.
//!
//! `cargo test -p antoan --test api export_timing -- --ignored --nocapture`
//! runs it; `ANTOAN_EXPORT_PEOPLE` sets how many people (20,000 by default).

use std::time::Instant;

use crate::common::{Backend, TestApp};

fn people() -> i64 {
    std::env::var("ANTOAN_EXPORT_PEOPLE")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}

async fn time_exports(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let market = app.organization("Chợ Thủ Đức").await;
    let gate = app.checkpoint(&market, "Cổng chính").await;
    let how_many = people();
    let state = app.state.clone();
    let checkpoint = gate["id"].as_str().unwrap().to_owned();
    actix_web::web::block(move || {
        let mut conn = state.db.get().expect("connection");
        antoan::bench::insert_people(&mut conn, how_many).expect("people seeded");
        antoan::bench::insert_visits_and_staff(&mut conn, &checkpoint).expect("visits seeded");
    })
    .await
    .expect("blocking task");

    for file in ["staff.csv", "visitors.csv", "staff.xlsx", "visitors.xlsx"] {
        let path = format!("/organizations/{}/{file}", market.id);
        let started = Instant::now();
        let (status, _, bytes) = app.get_bytes(&path, Some(&market.admin.token)).await;
        let elapsed = started.elapsed();
        assert!(status.is_success(), "{path}: {status}");
        if file.ends_with(".csv") {
            let lines = bytes.iter().filter(|b| **b == b'\n').count();
            assert_eq!(lines, usize::try_from(how_many).unwrap() + 1, "{path}");
        } else {
            assert!(bytes.starts_with(b"PK"), "{path} is a zip archive");
        }
        println!(
            "export_timing backend={backend:?} file={file} people={how_many} seconds={:.2} bytes={}",
            elapsed.as_secs_f64(),
            bytes.len()
        );
    }
}

mod sqlite {
    #[actix_web::test]
    #[ignore = "a timed run, printed: cargo test -p antoan --test api export_timing -- --ignored --nocapture"]
    async fn export_timing() {
        super::time_exports(super::Backend::Sqlite).await;
    }
}

mod postgres {
    #[actix_web::test]
    #[ignore = "a timed run, printed: cargo test -p antoan --test api export_timing -- --ignored --nocapture"]
    async fn export_timing() {
        super::time_exports(super::Backend::Postgres).await;
    }
}
