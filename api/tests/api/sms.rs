//! The SMS outbox and its worker against a gateway server of the test's own
//! on 127.0.0.1: retries with backoff, one acceptance per message, and a
//! permanent refusal that is not retried.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use antoan::config::{Secret, SmsSettings};
use antoan::db::outbox;
use antoan::sms::{self, Gateway, RetryPolicy, Round};
use chrono::Utc;
use serde_json::Value;

use crate::common::TestApp;

crate::on_both_backends!(
    a_gateway_that_fails_twice_delivers_once,
    a_refused_message_fails_without_retrying,
    attempts_run_out
);

/// One request the fake gateway received.
#[derive(Clone, Debug)]
pub struct Received {
    pub idempotency_key: String,
    pub authorization: String,
    pub body: Value,
    pub accepted: bool,
}

struct Script {
    /// Answers to give before accepting, in order (e.g. 503, 503).
    failures: Vec<u16>,
    received: Vec<Received>,
}

/// An SMS gateway on 127.0.0.1 that answers the scripted failures first
/// and accepts every request after them.
pub struct FakeGateway {
    pub url: String,
    script: Arc<Mutex<Script>>,
    handle: actix_web::dev::ServerHandle,
}

async fn receive(
    request: HttpRequest,
    body: web::Json<Value>,
    script: web::Data<Mutex<Script>>,
) -> HttpResponse {
    let mut script = script.lock().unwrap();
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let status = if script.failures.is_empty() {
        200
    } else {
        script.failures.remove(0)
    };
    script.received.push(Received {
        idempotency_key: header("idempotency-key"),
        authorization: header("authorization"),
        body: body.into_inner(),
        accepted: status == 200,
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

impl FakeGateway {
    pub async fn start(failures: Vec<u16>) -> Self {
        let script = Arc::new(Mutex::new(Script {
            failures,
            received: Vec::new(),
        }));
        let data = web::Data::from(script.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/sms", web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            url: format!("http://{addr}/sms"),
            script,
            handle,
        }
    }

    pub fn settings(&self, max_attempts: u32) -> SmsSettings {
        SmsSettings {
            gateway_url: Some(self.url.clone()),
            gateway_token: Some(Secret::new("gateway-token".to_owned())),
            max_attempts,
            retry_base: Duration::from_secs(30),
            poll_interval: Duration::from_secs(5),
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

async fn enqueue(app: &TestApp, phone: &'static str, body: &'static str) -> String {
    app.state
        .db
        .transaction(move |conn| outbox::enqueue(conn, phone, body, "test"))
        .await
        .unwrap()
}

async fn message(app: &TestApp, id: &str) -> outbox::Message {
    let id = id.to_owned();
    app.state
        .db
        .run(move |conn| outbox::by_public_id(conn, &id))
        .await
        .unwrap()
        .unwrap()
}

async fn a_gateway_that_fails_twice_delivers_once(app: TestApp) {
    let gateway = FakeGateway::start(vec![503, 503]).await;
    let settings = gateway.settings(6);
    let client = Gateway::from_settings(&settings).unwrap();
    let policy = RetryPolicy::from_settings(&settings);
    let id = enqueue(&app, "0909123456", "Mã xác nhận antoan: 123456").await;
    let db = &app.state.db;
    let start = Utc::now() + chrono::Duration::seconds(1);
    let at = |seconds: i64| start + chrono::Duration::seconds(seconds);
    let retried = Round {
        retried: 1,
        ..Round::default()
    };

    // First attempt fails; the next is due 30 s later, not before.
    assert_eq!(
        sms::deliver_due(db, &client, policy, at(0)).await.unwrap(),
        retried
    );
    assert_eq!(
        sms::deliver_due(db, &client, policy, at(29)).await.unwrap(),
        Round::default()
    );
    // Second attempt fails; the wait doubles to 60 s.
    assert_eq!(
        sms::deliver_due(db, &client, policy, at(31)).await.unwrap(),
        retried
    );
    assert_eq!(
        sms::deliver_due(db, &client, policy, at(90)).await.unwrap(),
        Round::default()
    );
    let sent = sms::deliver_due(db, &client, policy, at(92)).await.unwrap();
    assert_eq!(sent.sent, 1);
    // Nothing is ever sent again.
    assert_eq!(
        sms::deliver_due(db, &client, policy, at(86_400))
            .await
            .unwrap(),
        Round::default()
    );

    let received = gateway.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received.iter().filter(|r| r.accepted).count(), 1);
    for request in &received {
        assert_eq!(request.idempotency_key, id);
        assert_eq!(request.authorization, "Bearer gateway-token");
        assert_eq!(request.body["to"], "0909123456");
        assert_eq!(request.body["text"], "Mã xác nhận antoan: 123456");
        assert_eq!(request.body["id"], id.as_str());
    }
    let stored = message(&app, &id).await;
    assert_eq!(stored.status, outbox::SENT);
    assert_eq!(stored.attempts, 3);
    assert!(stored.sent_at.is_some());
    assert_eq!(stored.body, "", "a delivered text is not kept");
    gateway.stop().await;
}

async fn a_refused_message_fails_without_retrying(app: TestApp) {
    let gateway = FakeGateway::start(vec![400]).await;
    let settings = gateway.settings(6);
    let client = Gateway::from_settings(&settings).unwrap();
    let policy = RetryPolicy::from_settings(&settings);
    let id = enqueue(&app, "0909123456", "Mã xác nhận antoan: 654321").await;
    let now = Utc::now() + chrono::Duration::seconds(1);

    let round = sms::deliver_due(&app.state.db, &client, policy, now)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    let later = now + chrono::Duration::hours(2);
    assert_eq!(
        sms::deliver_due(&app.state.db, &client, policy, later)
            .await
            .unwrap(),
        Round::default()
    );
    assert_eq!(gateway.received().len(), 1);
    let stored = message(&app, &id).await;
    assert_eq!(stored.status, outbox::FAILED);
    assert_eq!(stored.last_error.as_deref(), Some("http_400"));
    assert_eq!(stored.body, "");
    gateway.stop().await;
}

async fn attempts_run_out(app: TestApp) {
    let gateway = FakeGateway::start(vec![503, 503, 503]).await;
    let settings = gateway.settings(2);
    let client = Gateway::from_settings(&settings).unwrap();
    let policy = RetryPolicy::from_settings(&settings);
    let id = enqueue(&app, "0909123456", "Mã xác nhận antoan: 111111").await;
    let now = Utc::now() + chrono::Duration::seconds(1);
    for hours in 0..4 {
        let at = now + chrono::Duration::hours(hours);
        sms::deliver_due(&app.state.db, &client, policy, at)
            .await
            .unwrap();
    }
    assert_eq!(gateway.received().len(), 2, "two attempts in all");
    let stored = message(&app, &id).await;
    assert_eq!(stored.status, outbox::FAILED);
    assert_eq!(stored.last_error.as_deref(), Some("http_503"));
    gateway.stop().await;
}
