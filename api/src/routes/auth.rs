//! Logging in and out: a short-lived access token and a rotating refresh
//! token. A refresh token that is used twice revokes its whole login.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Duration as ChronoDuration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::accounts::{AccountView, account_view};
use crate::auth::{Principal, password, tokens};
use crate::db::{self, DbConnection, accounts};
use crate::error::{ApiError, Problem, validate};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(
        min = 1,
        max = 64,
        message = "enter your username (at most 64 characters)"
    ))]
    pub username: String,
    #[validate(length(
        min = 1,
        max = 128,
        message = "enter your password (at most 128 characters)"
    ))]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    #[validate(length(
        min = 1,
        max = 200,
        message = "send the refresh_token from the login (at most 200 characters)"
    ))]
    pub refresh_token: String,
}

/// The tokens of a login.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Exchange at `/auth/refresh` for a new pair; it works once.
    pub refresh_token: String,
    pub account: AccountView,
}

/// Log in with a username and password.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "Wrong username or password", body = Problem),
        (status = 403, description = "The account is deactivated", body = Problem),
        (status = 413, description = "The body is too large", body = Problem),
        (status = 422, description = "Missing fields", body = Problem),
        (status = 429, description = "Too many failed logins for this username or from this \
            address; wait the seconds in Retry-After", body = Problem),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    validate(&*body)?;
    let LoginRequest { username, password } = body.into_inner();
    let username = username.trim().to_lowercase();
    // The peer itself, never a forwarded-for header a client could forge.
    let address = request.peer_addr().map(|peer| peer.ip());
    let limiter = &state.login_limiter;
    limiter.check(&username, address).map_err(|wait| {
        let retry_after = crate::limits::retry_after_seconds(wait);
        ApiError::TooManyRequests {
            code: "too_many_requests",
            detail: format!("Too many failed attempts; try again in {retry_after} seconds."),
            retry_after,
        }
    })?;

    let app = state.clone();
    let name = username.clone();
    let outcome = state
        .db
        .transaction(move |conn| {
            let username = name;
            let account = accounts::by_username(conn, &username)?;
            // Verify against a decoy when the user is unknown, so that the
            // answer takes as long either way.
            let hash = account
                .as_ref()
                .map_or(password::decoy_hash(), |a| a.password_hash.as_str());
            let matches = password::verify(&password, hash);
            let account = account
                .filter(|_| matches)
                .ok_or(ApiError::InvalidCredentials)?;
            if !account.active {
                return Err(ApiError::Forbidden(
                    "This account is deactivated; ask your administrator.",
                ));
            }
            let family = db::new_public_id();
            issue_pair(conn, &app, &account, &family)
        })
        .await;
    let pair = match outcome {
        Ok(pair) => pair,
        Err(err) => {
            if matches!(err, ApiError::InvalidCredentials) {
                limiter.record_failure(&username, address);
                tracing::info!("auth.login_failed");
            }
            return Err(err);
        }
    };
    limiter.record_success(&username);
    tracing::info!(account.id = pair.account_id, "auth.login");
    Ok(web::Json(pair.tokens))
}

/// Exchange a refresh token for a new pair; the old one stops working.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh",
    request_body = RefreshRequest,
    security(()),
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem),
        (status = 422, description = "Missing fields", body = Problem),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    validate(&*body)?;
    let hash = tokens::hash_refresh_token(body.refresh_token.trim());
    let app = state.clone();
    let outcome = state
        .db
        .transaction(move |conn| {
            let stored = accounts::refresh_token_by_hash(conn, &hash)?.ok_or(
                ApiError::Unauthenticated("This refresh token is unknown; log in again."),
            )?;
            // A deactivated account's tokens were revoked with it: say so,
            // rather than call them reused.
            let account = accounts::by_id(conn, stored.account_id)?
                .filter(|account| account.active)
                .ok_or(ApiError::Unauthenticated(
                    "This account is deactivated; ask your administrator.",
                ))?;
            if stored.revoked_at.is_some() || !accounts::revoke_refresh_token(conn, stored.id)? {
                // A used token came back: someone holds a copy. End the login.
                accounts::revoke_family(conn, &stored.family)?;
                return Ok(Err(stored.account_id));
            }
            if stored.expires_at <= db::now() {
                return Err(ApiError::Unauthenticated(
                    "This refresh token has expired; log in again.",
                ));
            }
            issue_pair(conn, &app, &account, &stored.family).map(Ok)
        })
        .await?;
    match outcome {
        Ok(pair) => Ok(web::Json(pair.tokens)),
        Err(account_id) => {
            tracing::warn!(account.id = account_id, "auth.refresh_token_reused");
            Err(ApiError::Unauthenticated(
                "This refresh token was already used; log in again.",
            ))
        }
    }
}

/// Log out: the refresh token and every token of its login stop working.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    security(()),
    responses(
        (status = 204, description = "Logged out (also when the token was already unknown)"),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 422, description = "Missing fields", body = Problem),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let hash = tokens::hash_refresh_token(body.refresh_token.trim());
    state
        .db
        .transaction(move |conn| {
            if let Some(stored) = accounts::refresh_token_by_hash(conn, &hash)? {
                accounts::revoke_family(conn, &stored.family)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account of the access token.
#[utoipa::path(
    tag = "auth",
    operation_id = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = AccountView),
        (status = 401, description = "No valid access token", body = Problem),
    )
)]
#[get("/auth/me")]
pub async fn me(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<web::Json<AccountView>, ApiError> {
    let view = state
        .db
        .run(move |conn| {
            let account = accounts::by_id(conn, principal.account_id)?
                .ok_or(ApiError::NotFound("account"))?;
            account_view(conn, &account)
        })
        .await?;
    Ok(web::Json(view))
}

struct IssuedPair {
    account_id: i64,
    tokens: TokenPair,
}

/// Stores a new refresh token of `family` and signs an access token.
fn issue_pair(
    conn: &mut DbConnection,
    state: &AppState,
    account: &accounts::Account,
    family: &str,
) -> Result<IssuedPair, ApiError> {
    let refresh_token = tokens::new_refresh_token();
    let now = db::now();
    let ttl = ChronoDuration::from_std(state.settings.refresh_token_ttl)
        .map_err(|err| ApiError::internal(format!("refresh ttl: {err}")))?;
    accounts::insert_refresh_token(
        conn,
        accounts::NewRefreshToken {
            account_id: account.id,
            token_hash: &tokens::hash_refresh_token(&refresh_token),
            family,
            expires_at: now + ttl,
            created_at: now,
        },
    )?;
    let access_token = state.tokens.issue_access(&account.principal()?)?;
    Ok(IssuedPair {
        account_id: account.id,
        tokens: TokenPair {
            access_token,
            token_type: "Bearer",
            expires_in: state.tokens.access_ttl().as_secs(),
            refresh_token,
            account: account_view(conn, account)?,
        },
    })
}
