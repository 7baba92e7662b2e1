//! The HTTP API under `/api/v1`: one module per resource, each with thin
//! handlers that extract, call the domain and database layers, and map the
//! result to an API type. Handlers are registered with `service()` so the
//! OpenAPI collector sees every one.

pub mod access_log;
pub mod accounts;
pub mod auth;
pub mod contacts;
pub mod corrections;
pub mod criteria;
pub mod exports;
pub mod fields;
pub mod health;
pub mod integrations;
pub mod legacy;
pub mod organizations;
pub mod people;
pub mod qr;
pub mod reference;
pub mod registrations;
pub mod scans;
pub mod staff;
pub mod visits;
pub mod wards;

use actix_web::{HttpRequest, error::JsonPayloadError, error::PathError, error::QueryPayloadError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

/// Registers every resource.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    accounts::configure(cfg);
    reference::configure(cfg);
    people::configure(cfg);
    health::configure(cfg);
    qr::configure(cfg);
    organizations::configure(cfg);
    scans::configure(cfg);
    registrations::configure(cfg);
    corrections::configure(cfg);
    wards::configure(cfg);
    integrations::configure(cfg);
    access_log::configure(cfg);
    visits::configure(cfg);
    contacts::configure(cfg);
    criteria::configure(cfg);
    legacy::configure(cfg);
    staff::configure(cfg);
}

/// The largest JSON body the API reads; a personal QR is under 1 KB.
pub const JSON_LIMIT: usize = 64 * 1024;

/// Reads an uploaded file (a CSV or NDJSON import) of at most `limit` bytes.
/// Files have limits of their own, far above the JSON bodies' limit that
/// `web::Bytes` would apply, and a larger one is refused as a problem
/// document like every other error.
pub async fn read_upload(
    mut payload: actix_web::web::Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;

    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| {
            ApiError::bad_request("malformed_body", format!("The body cannot be read: {err}"))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns a JSON body that cannot be read into a problem that says why.
pub fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::PayloadTooLarge.into()
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType.into(),
        JsonPayloadError::Deserialize(err) => ApiError::bad_request(
            "malformed_body",
            format!("The JSON body cannot be read: {err}"),
        )
        .into(),
        other => ApiError::bad_request(
            "malformed_body",
            format!("The body cannot be read: {other}"),
        )
        .into(),
    }
}

pub fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "malformed_query",
        format!("The query parameters cannot be read: {err}"),
    )
    .into()
}

pub fn path_error(err: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("malformed_path", format!("The path cannot be read: {err}")).into()
}

/// Keyset pagination parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return, 1 to 200; 50 when omitted.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(limit @ 1..=200) => Ok(limit),
            Some(_) => Err(ApiError::field(
                "limit",
                "out_of_range",
                "limit must be between 1 and 200",
            )),
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An opaque cursor over (timestamp, id), newest first.
pub fn encode_cursor(at: NaiveDateTime, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.and_utc().timestamp_micros()))
}

pub fn decode_cursor(cursor: &str) -> Result<(NaiveDateTime, i64), ApiError> {
    let invalid = || {
        ApiError::field(
            "cursor",
            "invalid_cursor",
            "cursor is not one this API returned",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (micros, id) = text.split_once('|').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    let id: i64 = id.parse().map_err(|_| invalid())?;
    let at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok((at.naive_utc(), id))
}

/// A stored UTC timestamp as the API shows it.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A document number as people type it: spaces, dots and dashes between
/// groups of digits are dropped before the number is read.
pub fn typed_document(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.'))
        .collect()
}

/// Trims an optional text field and drops it when empty.
pub fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = DateTime::<Utc>::from_timestamp_micros(1_633_046_400_123_456)
            .unwrap()
            .naive_utc();
        let cursor = encode_cursor(at, 42);
        assert_eq!(decode_cursor(&cursor).unwrap(), (at, 42));
        assert!(decode_cursor("not a cursor").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("1|x")).is_err());
    }
}
