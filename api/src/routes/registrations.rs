//! Registration by SMS for people without a smartphone, and the card links
//! it ends with. A person (or someone helping them at a ward office's
//! computer) enters their details and phone number, confirms the one-time
//! code sent by SMS, and receives by SMS a link that opens their personal
//! QR, ready to print. Codes expire, allow a few attempts, and may be
//! requested only so often per number and per client address.

use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::people::{PersonInput, insert_person, writable_person};
use super::qr::{QrView, issue_for};
use crate::auth::Principal;
use crate::db::{self, DbConnection, outbox, people, reference, registrations};
use crate::domain::identity::{PhoneNumber, mask_document_text};
use crate::error::{ApiError, FieldErrors, Problem};
use crate::qr::render;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(request_sms_registration)
        .service(confirm_sms_registration)
        .service(open_card)
        .service(send_card_link)
        .service(revoke_card_links);
}

/// How long a one-time code can be confirmed.
const CODE_LIFETIME_MINUTES: i64 = 10;
/// Wrong codes allowed per request before it must be requested again.
const CODE_ATTEMPTS: i32 = 5;
/// How long a card link opens the card.
const CARD_LINK_DAYS: i64 = 30;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SmsRegistrationRequest {
    /// The person's details; `phone` is required and receives the code.
    pub person: PersonInput,
}

/// A registration waiting for its one-time code.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsRegistrationView {
    /// Confirm with `POST /registrations/sms/{id}/confirm`.
    pub id: String,
    /// The number the code was sent to, all but the last three digits hidden.
    pub phone_masked: String,
    pub expires_at: DateTime<Utc>,
    pub attempts_allowed: i32,
}

/// The peer address as the server sees it.
///
/// Limitation: behind a reverse proxy every client has the proxy's
/// address, so the per-address limit then counts all clients together; a
/// trusted-proxy setting that reads the forwarded address is not built.
fn client_address(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Refuses when `earlier` (the requests within the last hour, oldest first)
/// already reaches `limit`; the answer says when the oldest leaves the hour.
fn within_limit(
    earlier: &[chrono::NaiveDateTime],
    limit: u32,
    now: DateTime<Utc>,
    code: &'static str,
    detail: &str,
) -> Result<(), ApiError> {
    if earlier.len() < usize::try_from(limit).unwrap_or(usize::MAX) {
        return Ok(());
    }
    let oldest = earlier.first().map_or(now, |at| at.and_utc());
    let retry_after = (oldest + Duration::hours(1) - now).num_seconds().max(1);
    Err(ApiError::TooManyRequests {
        code,
        detail: detail.to_owned(),
        retry_after: u64::try_from(retry_after).unwrap_or(1),
    })
}

/// Ask for a one-time code to register without a smartphone (public).
///
/// The details are checked now; the code goes by SMS to `person.phone`.
/// Whether the document number is already registered is only said after
/// the code is confirmed, so this call tells a stranger nothing about it.
#[utoipa::path(
    tag = "registrations",
    operation_id = "requestSmsRegistration",
    request_body = SmsRegistrationRequest,
    security(()),
    responses(
        (status = 201, description = "The code is on its way by SMS", body = SmsRegistrationView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
        (status = 429, description = "Too many codes for this number or address; see Retry-After", body = Problem),
    )
)]
#[post("/registrations/sms")]
pub async fn request_sms_registration(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<SmsRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner().person;
    let mut errors = FieldErrors::new();
    if super::non_empty(input.phone.clone()).is_none() {
        errors.push(
            "person.phone",
            "required",
            "a phone number is required: the code is sent to it",
        );
    }
    let person = input.check("person", &mut errors);
    errors.finish()?;
    let phone = person
        .and_then(|person| person.phone)
        .ok_or_else(|| ApiError::internal("phone checked above"))?;
    let address = client_address(&request);
    let details =
        serde_json::to_string(&input).map_err(|err| ApiError::internal(err.to_string()))?;
    let per_phone = state.settings.registrations_per_phone_hourly;
    let per_address = state.settings.registrations_per_address_hourly;

    let view = state
        .db
        .transaction(move |conn| {
            let now = Utc::now();
            let hour_ago = db::truncate_to_micros((now - Duration::hours(1)).naive_utc());
            let by_phone = registrations::requested_for_phone(conn, phone.as_str(), hour_ago)?;
            within_limit(
                &by_phone,
                per_phone,
                now,
                "too_many_codes_for_phone",
                "This number has received enough codes for now; use the last one or try later.",
            )?;
            let by_address = registrations::requested_from_address(conn, &address, hour_ago)?;
            within_limit(
                &by_address,
                per_address,
                now,
                "too_many_codes_from_address",
                "Too many codes were requested from this address; try again later.",
            )?;

            let public_id = db::new_public_id();
            let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
            let created = db::now();
            let registration = registrations::insert(
                conn,
                &registrations::NewPhoneRegistration {
                    code_hash: registrations::code_hash(&public_id, &code),
                    public_id,
                    phone: phone.as_str().to_owned(),
                    client_address: address,
                    details,
                    attempts: 0,
                    expires_at: created + Duration::minutes(CODE_LIFETIME_MINUTES),
                    created_at: created,
                },
            )?;
            outbox::enqueue(
                conn,
                phone.as_str(),
                &format!(
                    "antoan: ma xac nhan dang ky cua ban la {code}, het han sau \
                     {CODE_LIFETIME_MINUTES} phut. Khong dua ma nay cho ai."
                ),
                "registration_code",
            )?;
            Ok(SmsRegistrationView {
                id: registration.public_id,
                phone_masked: phone.masked(),
                expires_at: super::utc(registration.expires_at),
                attempts_allowed: CODE_ATTEMPTS,
            })
        })
        .await?;
    tracing::info!("registration.code_requested");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmSmsRegistrationRequest {
    /// The six digits from the SMS.
    pub code: String,
}

/// A confirmed registration; the link to the card is on its way by SMS.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmedRegistrationView {
    pub person_id: String,
    /// True when the document was already registered (by a ward office, say)
    /// with this phone number: the code proved the phone, and the link opens
    /// that person's card.
    pub existing_person: bool,
    pub phone_masked: String,
    pub card_link_expires_at: DateTime<Utc>,
}

enum Confirmation {
    Confirmed(ConfirmedRegistrationView),
    Wrong { attempts_left: i32 },
}

/// Confirm a registration with the code from the SMS (public).
///
/// A wrong code counts against the attempts; after the last one, or once
/// the code expired, request a new one.
#[utoipa::path(
    tag = "registrations",
    operation_id = "confirmSmsRegistration",
    params(("id" = String, Path, description = "The registration's id")),
    request_body = ConfirmSmsRegistrationRequest,
    security(()),
    responses(
        (status = 201, description = "Registered; the card link is on its way by SMS", body = ConfirmedRegistrationView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 404, description = "No such registration", body = Problem),
        (status = 409, description = "Already confirmed, or the document is registered with another phone", body = Problem),
        (status = 422, description = "Wrong or expired code, or no attempts left", body = Problem),
    )
)]
#[post("/registrations/sms/{id}/confirm")]
pub async fn confirm_sms_registration(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<ConfirmSmsRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let public_id = path.into_inner();
    let code: String = body.code.chars().filter(|c| !c.is_whitespace()).collect();
    let public_url = state.settings.public_url.clone();

    let outcome = state
        .db
        .transaction(move |conn| {
            let registration = registrations::by_public_id(conn, &public_id)?
                .ok_or(ApiError::NotFound("registration"))?;
            if registration.confirmed_at.is_some() {
                return Err(ApiError::conflict(
                    "already_confirmed",
                    "This registration is already confirmed; the card link was sent by SMS.",
                ));
            }
            if registration.expires_at <= db::now() {
                return Err(ApiError::unprocessable(
                    "code_expired",
                    "The code has expired; request a new one.",
                ));
            }
            if !registrations::count_attempt(conn, registration.id, CODE_ATTEMPTS)? {
                return Err(ApiError::unprocessable(
                    "attempts_exhausted",
                    "Too many wrong codes; request a new one.",
                ));
            }
            let expected = registrations::code_hash(&registration.public_id, &code);
            if !constant_time_eq(expected.as_bytes(), registration.code_hash.as_bytes()) {
                // Committed, so that the attempt counts.
                return Ok(Confirmation::Wrong {
                    attempts_left: CODE_ATTEMPTS - registration.attempts - 1,
                });
            }
            confirm(conn, &registration, &public_url).map(Confirmation::Confirmed)
        })
        .await?;
    match outcome {
        Confirmation::Confirmed(view) => {
            tracing::info!(
                existing_person = view.existing_person,
                "registration.confirmed"
            );
            Ok(HttpResponse::Created().json(view))
        }
        Confirmation::Wrong { attempts_left } => Err(ApiError::unprocessable(
            "wrong_code",
            format!("The code is not right; {attempts_left} attempts left."),
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Creates the person (or finds the one already registered with this
/// document and phone) and sends the card link.
fn confirm(
    conn: &mut DbConnection,
    registration: &registrations::PhoneRegistration,
    public_url: &str,
) -> Result<ConfirmedRegistrationView, ApiError> {
    let input: PersonInput = serde_json::from_str(&registration.details)
        .map_err(|err| ApiError::internal(format!("stored registration details: {err}")))?;
    let mut errors = FieldErrors::new();
    let person = input.check("person", &mut errors);
    errors.finish()?;
    let person = person.ok_or_else(|| ApiError::internal("details checked when requested"))?;

    let (person, existing_person) = match people::by_document(conn, person.document.as_str())? {
        Some(existing) if existing.phone.as_deref() == Some(registration.phone.as_str()) => {
            (existing, true)
        }
        Some(_) => {
            return Err(ApiError::conflict(
                "duplicate_document",
                "This document is registered with another phone number; the ward office \
                     can update the number or print the card.",
            ));
        }
        None => (
            insert_person(conn, person, None, "person.ward_code")?,
            false,
        ),
    };
    let now = db::now();
    registrations::confirm(conn, registration.id, person.id, now)?;
    let expires_at = send_link(conn, &person, &registration.phone, public_url)?;
    Ok(ConfirmedRegistrationView {
        person_id: person.public_id,
        existing_person,
        phone_masked: PhoneNumber::parse(&registration.phone)
            .map(|phone| phone.masked())
            .unwrap_or_default(),
        card_link_expires_at: expires_at,
    })
}

/// A new card link for `person`, sent by SMS to `phone` in the caller's
/// transaction. The link carries its secret after `#`, which browsers never
/// send to a server, so it stays out of every access log; the web UI's
/// `/card` page reads it and calls `POST /cards/open`.
fn send_link(
    conn: &mut DbConnection,
    person: &people::Person,
    phone: &str,
    public_url: &str,
) -> Result<DateTime<Utc>, ApiError> {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let token = URL_SAFE_NO_PAD.encode(secret);
    let expires_at = db::now() + Duration::days(CARD_LINK_DAYS);
    registrations::insert_card_link(conn, &token, person.id, expires_at)?;
    outbox::enqueue(
        conn,
        phone,
        &format!("antoan: ma QR ca nhan cua ban (in duoc): {public_url}/card#{token}"),
        "card_link",
    )?;
    Ok(super::utc(expires_at))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OpenCardRequest {
    /// The secret after `#` in the link from the SMS.
    pub token: String,
}

/// A personal QR card, as printed: the code and what is written beside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardView {
    /// The name with diacritics, as the card prints it.
    pub full_name: String,
    pub folded_name: String,
    pub document_number_masked: String,
    pub ward_code: String,
    pub ward_name: String,
    pub qr: QrView,
    /// The QR as an SVG image, for printing.
    pub qr_svg: String,
    pub link_expires_at: DateTime<Utc>,
}

/// Open the card a link from an SMS points to (public).
#[utoipa::path(
    tag = "registrations",
    operation_id = "openCard",
    request_body = OpenCardRequest,
    security(()),
    responses(
        (status = 200, description = "The card", body = CardView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 404, description = "No such link, or it expired or was revoked", body = Problem),
    )
)]
#[post("/cards/open")]
pub async fn open_card(
    state: web::Data<AppState>,
    body: web::Json<OpenCardRequest>,
) -> Result<web::Json<CardView>, ApiError> {
    let token = body.into_inner().token;
    let app = state.clone();
    let view = state
        .db
        .run(move |conn| {
            let link = registrations::live_card_link(conn, token.trim(), db::now())?
                .ok_or(ApiError::NotFound("card link"))?;
            let person =
                people::by_id(conn, link.person_id)?.ok_or(ApiError::NotFound("card link"))?;
            let ward_name = reference::ward(conn, &person.ward_code)?
                .map(|ward| ward.name)
                .unwrap_or_default();
            let (code, status) = issue_for(conn, &app, &person, Utc::now())?;
            Ok(CardView {
                full_name: person.full_name.clone(),
                folded_name: person.folded_name.clone(),
                document_number_masked: mask_document_text(&person.document_number),
                ward_code: person.ward_code.clone(),
                ward_name,
                qr_svg: render::svg(&code.payload)?,
                qr: QrView::new(code, status),
                link_expires_at: super::utc(link.expires_at),
            })
        })
        .await?;
    Ok(web::Json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardLinkSentView {
    /// The number the link went to, all but the last three digits hidden.
    pub phone_masked: String,
    pub expires_at: DateTime<Utc>,
}

/// Send a person a new card link by SMS, to the phone on their record.
///
/// For residents a ward office registered: the link opens their QR on any
/// phone's browser and prints it.
///
/// Limitation: these sends are not limited per hour as registrations are,
/// so an account that may change a person can send them many messages.
#[utoipa::path(
    tag = "registrations",
    operation_id = "sendCardLink",
    params(("id" = String, Path, description = "The person's id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The link is on its way by SMS", body = CardLinkSentView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may read but not serve this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "The person has no phone number on record", body = Problem),
    )
)]
#[post("/people/{id}/card-links")]
pub async fn send_card_link(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let public_id = path.into_inner();
    let public_url = state.settings.public_url.clone();
    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            let phone = person
                .phone
                .clone()
                .and_then(|phone| PhoneNumber::parse(&phone).ok())
                .ok_or_else(|| {
                    ApiError::unprocessable(
                        "no_phone",
                        "This person has no phone number on record; add one first.",
                    )
                })?;
            let expires_at = send_link(conn, &person, phone.as_str(), &public_url)?;
            Ok(CardLinkSentView {
                phone_masked: phone.masked(),
                expires_at,
            })
        })
        .await?;
    tracing::info!("card_link.sent");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedLinksView {
    /// How many live links stopped working.
    pub revoked: usize,
}

/// Revoke every live card link of a person (a lost or shared phone).
#[utoipa::path(
    tag = "registrations",
    operation_id = "revokeCardLinks",
    params(("id" = String, Path, description = "The person's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = RevokedLinksView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may read but not serve this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
    )
)]
#[post("/people/{id}/card-links/revoke")]
pub async fn revoke_card_links(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<RevokedLinksView>, ApiError> {
    let public_id = path.into_inner();
    let revoked = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            registrations::revoke_card_links(conn, person.id, db::now())
        })
        .await?;
    tracing::info!(revoked, "card_link.revoked");
    Ok(web::Json(RevokedLinksView { revoked }))
}
