//! Personal QR codes: issued as JSON, PNG or SVG for a person the caller
//! may see; the public keys as a JWKS and the revocation list beside it;
//! and a public verify operation that reads any national-format code and
//! says what a scanner may show.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::access_log::{PURPOSE_HELP, Read, StatedPurpose};
use super::health::{StatusInputs, StatusView};
use crate::auth::Principal;
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, DbConnection, people, revocations};
use crate::domain::identity::{DocumentKind, DocumentNumber, Qid};
use crate::domain::name::FoldedName;
use crate::domain::national_qr::{NationalQr, NationalQrFields};
use crate::domain::payload::{self, ScannedPayload};
use crate::domain::{revocation, status};
use crate::error::{ApiError, Problem};
use crate::qr::keys::Jwks;
use crate::qr::{self, IssuedCode, SignatureCheck, Window, render};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_qr)
        .service(get_qr_png)
        .service(get_qr_svg)
        .service(jwks)
        .service(revocation_list)
        .service(verify);
}

/// A person's signed personal QR.
#[derive(Debug, Serialize, ToSchema)]
pub struct QrView {
    /// The text the QR holds, in the national six-field format.
    pub payload: String,
    /// The key that signed it (see `GET /qr/jwks.json`).
    pub key_id: String,
    /// The issue instant the code carries: the start of the hour it was made
    /// in, or the holder's latest revocation when that is later. A revocation
    /// in `GET /qr/revocations.json` reaching past it revokes the code.
    pub issued_at: DateTime<Utc>,
    /// From when the code vouches for green offline.
    pub green_from: DateTime<Utc>,
    /// Until when the code vouches for green offline; equal to `green_from`
    /// when it vouches for nothing (the holder is black).
    pub green_until: DateTime<Utc>,
    /// The status now, from the current records.
    pub status: StatusView,
}

/// Builds and signs the code of `person` as of `now`.
pub fn issue_for(
    conn: &mut DbConnection,
    state: &AppState,
    person: &people::Person,
    now: DateTime<Utc>,
) -> Result<(IssuedCode, StatusView), ApiError> {
    let stored = |what: &str| {
        ApiError::internal(format!("stored person {} has an invalid {what}", person.id))
    };
    let kind = DocumentKind::parse(&person.document_kind).map_err(|_| stored("document kind"))?;
    let declarer_qid = match person.declared_by_person_id {
        Some(id) => people::by_id(conn, id)?.and_then(|declarer| Qid::parse(&declarer.qid).ok()),
        None => None,
    };
    let fields = NationalQrFields {
        document: DocumentNumber::parse(kind, &person.document_number)
            .map_err(|_| stored("document"))?,
        folded_name: FoldedName::fold(&person.folded_name).map_err(|_| stored("name"))?,
        birth_date: person.birth_date,
        declared_on_behalf: person.declared_by_person_id.is_some(),
        qid: Qid::parse(&person.qid).map_err(|_| stored("qid"))?,
        declarer_qid,
        gender: super::people::gender_of(person.gender),
        // Data minimization: the card carries no phone or insurance number;
        // a scanner needs neither, and a photographed card leaks neither.
        health_insurance: None,
        phone: None,
    };

    let inputs = StatusInputs::load(conn, person.id)?;
    let policy = inputs.policy_at(now)?;
    let evaluation = status::evaluate(policy, &inputs.records(), now);
    let green = status::green_window(policy, &inputs.records(), now);
    let window = Window::offline(green, now, state.settings.qr_validity_cap);
    let latest_revocation = revocations::latest(conn, person.id)?.map(super::utc);
    let issued_at = revocation::issue_instant(now, latest_revocation);
    Ok((
        qr::issue(&state.keys, &fields, issued_at, window),
        StatusView::new(evaluation, now),
    ))
}

impl QrView {
    pub fn new(code: IssuedCode, status: StatusView) -> Self {
        Self {
            payload: code.payload,
            key_id: code.kid,
            issued_at: code.issued_at,
            green_from: code.window.not_before,
            green_until: code.window.not_after,
            status,
        }
    }
}

/// When a code of ours issued at `issued_at` (absent for version 1) to
/// `person_id` has been revoked: the instant the revocation reaches, or
/// `None` while the code stands.
pub fn revoked(
    conn: &mut DbConnection,
    person_id: i64,
    issued_at: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    Ok(revocations::latest(conn, person_id)?
        .map(super::utc)
        .filter(|issued_before| revocation::is_revoked(issued_at, *issued_before)))
}

async fn issued(
    state: &web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    public_id: String,
) -> Result<QrView, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let scope = principal.person_read_scope();
    let app = state.clone();
    state
        .db
        .transaction(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            let access = Access::new(AccessKind::QrRead, purpose.as_deref());
            access_log::record(conn, &principal, person.id, &access)?;
            let (code, status) = issue_for(conn, &app, &person, Utc::now())?;
            Ok(QrView::new(code, status))
        })
        .await
}

/// A person's personal QR as JSON.
#[utoipa::path(
    tag = "qr",
    operation_id = "getPersonalQr",
    params(
        ("id" = String, Path, description = "The person's id"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed code and the status now", body = QrView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "No purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/qr")]
pub async fn get_qr(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
) -> Result<web::Json<QrView>, ApiError> {
    Ok(web::Json(
        issued(&state, principal, purpose, path.into_inner()).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PngQuery {
    /// The smallest width in pixels, 128 to 2048; 600 when omitted (5 cm at 300 dpi).
    pub size: Option<u32>,
}

/// A person's personal QR as a PNG image.
#[utoipa::path(
    tag = "qr",
    operation_id = "getPersonalQrPng",
    params(
        ("id" = String, Path, description = "The person's id"),
        PngQuery,
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The QR", content_type = "image/png", body = Vec<u8>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Size out of range, or no purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/qr.png")]
pub async fn get_qr_png(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
    query: web::Query<PngQuery>,
) -> Result<HttpResponse, ApiError> {
    let size = query.size.unwrap_or(600);
    if !(128..=2048).contains(&size) {
        return Err(ApiError::field(
            "size",
            "out_of_range",
            "size is between 128 and 2048 pixels",
        ));
    }
    let view = issued(&state, principal, purpose, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "no-store"))
        .body(render::png(&view.payload, size)?))
}

/// A person's personal QR as an SVG image.
#[utoipa::path(
    tag = "qr",
    operation_id = "getPersonalQrSvg",
    params(
        ("id" = String, Path, description = "The person's id"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The QR", content_type = "image/svg+xml", body = String),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "No purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/qr.svg")]
pub async fn get_qr_svg(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = issued(&state, principal, purpose, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "no-store"))
        .body(render::svg(&view.payload)?))
}

/// The public keys that verify personal QR signatures.
#[utoipa::path(
    tag = "qr",
    operation_id = "getQrKeys",
    security(()),
    responses((status = 200, description = "A JSON Web Key Set of P-256 keys", body = Jwks))
)]
#[get("/qr/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> web::Json<Jwks> {
    web::Json(state.keys.jwks())
}

/// The revocation list beside the JWKS: whose codes, issued before when, no
/// longer vouch for their holder. People are named by a hash of their QID,
/// never by name or number; `docs/national-qr-format.md` says what the list
/// reveals.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevocationList {
    /// The list's format: 1.
    pub version: u32,
    /// The longest window a code vouches for, in seconds
    /// (`ANTOAN_QR_VALIDITY_DAYS`). An entry stays on the list until this
    /// long after the instant it reaches, when every code it revokes has
    /// expired anyway.
    pub max_validity_seconds: u64,
    /// One entry per person, in the order of their hashes.
    pub entries: Vec<RevocationEntry>,
}

/// One person's revocation.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevocationEntry {
    /// The first 16 bytes, in lower-case hex, of SHA-256 over the UTF-8 text
    /// `antoan-qr-revocation-1|` followed by the holder's QID.
    pub qid_hash: String,
    /// The holder's codes issued before this instant are revoked: version 2
    /// codes whose issue instant is earlier, and every version 1 code.
    pub issued_before: DateTime<Utc>,
}

/// How long a verifier or a cache may keep the list before asking again.
const REVOCATIONS_MAX_AGE_SECONDS: u32 = 300;

/// The revocation list of personal QR codes (public).
///
/// An offline verifier downloads it with the JWKS and refuses to show green
/// for a code it revokes. The list changes when a correction removes a
/// record and when old entries fall off; `ETag` and `If-None-Match` spare
/// downloading an unchanged list again.
#[utoipa::path(
    tag = "qr",
    operation_id = "getQrRevocations",
    params(
        ("If-None-Match" = Option<String>, Header,
            description = "The `ETag` of the list the verifier holds; an unchanged list answers 304."),
    ),
    security(()),
    responses(
        (status = 200, description = "The list", body = RevocationList, headers(
            ("ETag" = String, description = "Names this version of the list"),
            ("Cache-Control" = String, description = "`public, max-age=300`"),
        )),
        (status = 304, description = "The verifier's copy is current", headers(
            ("ETag" = String, description = "Names this version of the list"),
            ("Cache-Control" = String, description = "`public, max-age=300`"),
        )),
    )
)]
#[get("/qr/revocations.json")]
pub async fn revocation_list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let cap = state.settings.qr_validity_cap;
    let horizon = revocation::list_horizon(Utc::now(), cap);
    let people = state
        .db
        .run(move |conn| {
            revocations::reaching_past(conn, db::truncate_to_micros(horizon.naive_utc()))
        })
        .await?;
    let mut entries: Vec<RevocationEntry> = people
        .into_iter()
        .map(|(qid, issued_before)| RevocationEntry {
            qid_hash: revocation::qid_hash(&qid),
            issued_before: super::utc(issued_before),
        })
        .collect();
    entries.sort_by(|a, b| a.qid_hash.cmp(&b.qid_hash));
    let list = RevocationList {
        version: 1,
        max_validity_seconds: cap.as_secs(),
        entries,
    };

    // The body depends on the entries and the cap alone, so its hash names it.
    let body = serde_json::to_vec(&list).map_err(|err| ApiError::internal(err.to_string()))?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..16]));
    let current = holds_current(&request, &etag);
    let mut response = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response.insert_header((header::ETAG, etag)).insert_header((
        header::CACHE_CONTROL,
        format!("public, max-age={REVOCATIONS_MAX_AGE_SECONDS}"),
    ));
    Ok(if current {
        response.finish()
    } else {
        response.content_type("application/json").body(body)
    })
}

/// Whether the request's `If-None-Match` names `etag` (or any version).
fn holds_current(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// The scanned text, exactly as the camera read it.
    pub payload: String,
    /// The instant to judge the offline window at; now when omitted.
    pub at: Option<DateTime<Utc>>,
}

/// What a scanner may show of a code without looking anyone up.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyView {
    /// The payload's format; `national` for the national personal QR.
    pub format: String,
    /// `valid`; `revoked` (our signature, intact, but a correction removed one of the
    /// holder's records after the code was issued, so it no longer vouches); `invalid`,
    /// `masked` (a masked copy of our code, which cannot be checked), `unknown_key`,
    /// `foreign` (another app's signature) or `absent`.
    pub signature: String,
    /// For our valid or revoked codes of token version 2: when the code was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// The document number with its first six characters hidden.
    pub document_masked: String,
    /// The name as folded for QR codes.
    pub folded_name: Option<String>,
    /// The birth year; day and month are not shown by default.
    pub birth_year: i32,
    pub declared_on_behalf: bool,
    /// True when the code itself hides parts of its values.
    pub masked: bool,
    /// For a valid signature: `green` inside the signed window, else `black`.
    /// Absent when the code cannot vouch for itself (revoked, or not verifiable): look the
    /// person up online.
    pub offline_colour: Option<String>,
    pub green_from: Option<DateTime<Utc>>,
    pub green_until: Option<DateTime<Utc>>,
    /// What to tell the person at the gate, in English.
    pub message: String,
}

/// Reads a scanned payload into its national-format code, or a 422 that
/// says why it is not one.
pub fn read_national(text: &str) -> Result<NationalQr, ApiError> {
    match payload::recognize(text) {
        Ok(ScannedPayload::National(code)) => Ok(code),
        Ok(ScannedPayload::EuDigitalCovidCertificate(_)) => Err(ApiError::unprocessable(
            "unsupported_format",
            "This is an EU Digital COVID Certificate (HC1:), which this server does not read yet; \
             use the person's national personal QR or enter the document number.",
        )),
        Err(err) => Err(ApiError::field("payload", err.code(), err.to_string())),
    }
}

/// Verify any national-format personal QR (public).
#[utoipa::path(
    tag = "qr",
    operation_id = "verifyQr",
    request_body = VerifyRequest,
    security(()),
    responses(
        (status = 200, description = "What the code says", body = VerifyView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 422, description = "Not a personal QR this server reads", body = Problem),
    )
)]
#[post("/qr/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    body: web::Json<VerifyRequest>,
) -> Result<web::Json<VerifyView>, ApiError> {
    let request = body.into_inner();
    let code = read_national(&request.payload)?;
    let at = request.at.unwrap_or_else(Utc::now);
    let check = qr::check(&state.keys, &code);
    // Only a code of ours can be revoked: its QID names the holder.
    let (issued_at, revoked_at) = match (&check, &code.qid) {
        (SignatureCheck::Valid { issued_at, .. }, Some(qid)) => {
            let (issued_at, qid) = (*issued_at, qid.as_str().to_owned());
            let revoked_at = state
                .db
                .run(move |conn| match people::by_qid(conn, &qid)? {
                    Some(person) => revoked(conn, person.id, issued_at),
                    None => Ok(None),
                })
                .await?;
            (issued_at, revoked_at)
        }
        _ => (None, None),
    };
    let (offline_colour, window, message) = match &check {
        SignatureCheck::Valid { .. } if revoked_at.is_some() => (
            None,
            None,
            "Signed by antoan, but revoked: a correction removed one of the holder's records \
             after this code was issued. It no longer vouches offline; look the person up \
             online or ask for a new code.",
        ),
        SignatureCheck::Valid { window, .. } if window.contains(at) => (
            Some("green"),
            Some(*window),
            "Signed by antoan: green within the signed window.",
        ),
        SignatureCheck::Valid { window, .. } => (
            Some("black"),
            Some(*window),
            "Signed by antoan, but not green at this time.",
        ),
        SignatureCheck::Invalid => (
            None,
            None,
            "The signature does not match: this code was altered or forged. Ask for an ID document.",
        ),
        SignatureCheck::Masked => (
            None,
            None,
            "A masked display copy of an antoan code: its signature cannot be checked. Ask for the full code.",
        ),
        SignatureCheck::UnknownKey { .. } => (
            None,
            None,
            "Signed by a key this server does not know; look the person up online.",
        ),
        SignatureCheck::Foreign | SignatureCheck::Absent => (
            None,
            None,
            "A national code without our signature; look the person up online.",
        ),
    };
    let masked = code.is_masked();
    Ok(web::Json(VerifyView {
        format: "national".to_owned(),
        signature: if revoked_at.is_some() {
            "revoked"
        } else {
            check.as_str()
        }
        .to_owned(),
        issued_at,
        document_masked: code.document.masked(),
        folded_name: code.folded_name.as_ref().map(|n| n.as_str().to_owned()),
        birth_year: code.birth_date.year(),
        declared_on_behalf: code.declared_on_behalf,
        masked,
        offline_colour: offline_colour.map(str::to_owned),
        green_from: window.map(|w| w.not_before),
        green_until: window.map(|w| w.not_after),
        message: message.to_owned(),
    }))
}
