//! SMS delivery from the outbox: a gateway that sends one message, and a
//! worker that claims due messages, sends them, and retries with backoff.
//!
//! The gateway is chosen by configuration: an HTTP gateway when
//! `ANTOAN_SMS_GATEWAY_URL` is set, otherwise a logging gateway that only
//! notes that a message would have gone out. Neither logs a phone number or
//! a message text in full.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{Secret, SmsSettings};
use crate::db::{Db, outbox};
use crate::error::ApiError;

/// What a gateway is asked to deliver.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The outbox message's public id; the HTTP gateway sends it as the
    /// `Idempotency-Key`, so a gateway that deduplicates never delivers a
    /// message twice even when a worker dies between sending and marking.
    pub id: String,
    pub phone: String,
    pub body: String,
    pub purpose: String,
}

/// Why one attempt failed, as a short code that is safe to store and log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later: the gateway is down, overloaded or slow.
    Retryable(String),
    /// The gateway refused this message for good (a 4xx other than 408/429).
    Permanent(String),
}

/// A way to send SMS.
pub enum Gateway {
    /// Notes each message in the log (masked): the embedded default.
    Logging,
    Http(HttpGateway),
}

/// A gateway reached over HTTP: `POST <url>` with a JSON body
/// `{"id", "to", "text"}`, the message id as `Idempotency-Key`, and the
/// token, if any, as a Bearer credential. A 2xx answer means accepted.
pub struct HttpGateway {
    url: String,
    token: Option<Secret<String>>,
    client: reqwest::Client,
}

#[derive(Serialize)]
struct GatewayBody<'a> {
    id: &'a str,
    to: &'a str,
    text: &'a str,
}

impl Gateway {
    pub fn from_settings(settings: &SmsSettings) -> Result<Self, String> {
        let Some(url) = &settings.gateway_url else {
            return Ok(Self::Logging);
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|err| format!("cannot build the SMS gateway client: {err}"))?;
        Ok(Self::Http(HttpGateway {
            url: url.clone(),
            token: settings.gateway_token.clone(),
            client,
        }))
    }

    pub async fn send(&self, message: &Outgoing) -> Result<(), SendError> {
        match self {
            Self::Logging => {
                tracing::info!(
                    sms.id = %message.id,
                    sms.purpose = %message.purpose,
                    sms.to = %masked_phone(&message.phone),
                    sms.length = message.body.chars().count(),
                    "sms.logged"
                );
                Ok(())
            }
            Self::Http(http) => http.send(message).await,
        }
    }
}

impl HttpGateway {
    async fn send(&self, message: &Outgoing) -> Result<(), SendError> {
        let mut request = self
            .client
            .post(&self.url)
            .header("Idempotency-Key", &message.id)
            .json(&GatewayBody {
                id: &message.id,
                to: &message.phone,
                text: &message.body,
            });
        if let Some(token) = &self.token {
            request = request.bearer_auth(token.expose());
        }
        let response = request.send().await.map_err(|err| {
            SendError::Retryable(if err.is_timeout() {
                "timeout".to_owned()
            } else {
                "unreachable".to_owned()
            })
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let code = format!("http_{}", status.as_u16());
        if status.is_server_error() || matches!(status.as_u16(), 408 | 425 | 429) {
            Err(SendError::Retryable(code))
        } else {
            Err(SendError::Permanent(code))
        }
    }
}

/// A phone number as a log line may show it: the last two digits.
pub fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let shown: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("{}{shown}", "*".repeat(digits.len().saturating_sub(2)))
}

/// How often and how patiently the worker tries.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; after the last a message fails.
    pub max_attempts: u32,
    /// The wait after the first failed attempt; it doubles after each one.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub cap: Duration,
    /// How long a claimed message stays reserved for the worker sending it;
    /// longer than the gateway client's timeout.
    pub lease: Duration,
}

impl RetryPolicy {
    pub fn from_settings(settings: &SmsSettings) -> Self {
        Self {
            max_attempts: settings.max_attempts,
            base: settings.retry_base,
            cap: Duration::from_secs(3600),
            lease: Duration::from_secs(60),
        }
    }

    /// The wait after attempt number `attempt` (1 for the first) failed.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

fn after(at: DateTime<Utc>, wait: Duration) -> chrono::NaiveDateTime {
    let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
    crate::db::truncate_to_micros((at + wait).naive_utc())
}

/// Sends every message due at `now`, each claimed first so that no other
/// worker sends it at the same time. The worker calls this on a timer; a
/// test calls it with the instants it wants, so nothing waits on a clock.
pub async fn deliver_due(
    db: &Db,
    gateway: &Gateway,
    policy: RetryPolicy,
    now: DateTime<Utc>,
) -> Result<Round, ApiError> {
    let at = crate::db::truncate_to_micros(now.naive_utc());
    let lease_until = after(now, policy.lease);
    let due = db.run(move |conn| outbox::due(conn, at, 50)).await?;
    let mut round = Round::default();
    for message in due {
        let id = message.id;
        if !db
            .run(move |conn| outbox::claim(conn, id, at, lease_until))
            .await?
        {
            continue;
        }
        let attempt = u32::try_from(message.attempts + 1).unwrap_or(u32::MAX);
        let outgoing = Outgoing {
            id: message.public_id.clone(),
            phone: message.phone,
            body: message.body,
            purpose: message.purpose.clone(),
        };
        let outcome = gateway.send(&outgoing).await;
        let result = match &outcome {
            Ok(()) => {
                round.sent += 1;
                "sent"
            }
            Err(SendError::Retryable(_)) if attempt < policy.max_attempts => {
                round.retried += 1;
                "retry"
            }
            Err(_) => {
                round.failed += 1;
                "failed"
            }
        };
        let next = after(now, policy.backoff(attempt));
        db.run(move |conn| match outcome {
            Ok(()) => outbox::mark_sent(conn, id, at),
            Err(SendError::Retryable(code)) if attempt < policy.max_attempts => {
                outbox::mark_retry(conn, id, next, &code)
            }
            Err(SendError::Retryable(code) | SendError::Permanent(code)) => {
                outbox::mark_failed(conn, id, &code)
            }
        })
        .await?;
        tracing::info!(
            sms.id = %message.public_id,
            sms.purpose = %message.purpose,
            sms.attempt = attempt,
            sms.result = result,
            "sms.delivery"
        );
    }
    Ok(round)
}

/// Starts the delivery worker on the current runtime: a round every
/// `settings.poll_interval`. Several replicas may each run one; the claim
/// keeps them from sending the same message.
pub fn spawn_worker(db: Db, settings: &SmsSettings) -> Result<(), String> {
    let gateway = Gateway::from_settings(settings)?;
    let policy = RetryPolicy::from_settings(settings);
    let every = settings.poll_interval;
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(every);
        loop {
            ticks.tick().await;
            if let Err(err) = deliver_due(&db, &gateway, policy, Utc::now()).await {
                tracing::warn!(error.cause = %err.for_operator(), "sms.round_failed");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_logs_show_two_digits() {
        assert_eq!(masked_phone("0909123456"), "********56");
        assert_eq!(masked_phone("5"), "5");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 6,
            base: Duration::from_secs(30),
            cap: Duration::from_secs(100),
            lease: Duration::from_secs(60),
        };
        assert_eq!(policy.backoff(1), Duration::from_secs(30));
        assert_eq!(policy.backoff(2), Duration::from_secs(60));
        assert_eq!(policy.backoff(3), Duration::from_secs(100));
        assert_eq!(policy.backoff(40), Duration::from_secs(100));
    }
}
