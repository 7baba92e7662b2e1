//! Accounts of officers and organization staff. The city administrator
//! creates officers and organization accounts; an organization's admin
//! creates its own staff.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Principal, Role, password};
use crate::db::{DbConnection, accounts, organizations, people, reference};
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_account)
        .service(list_organization_accounts)
        .service(update_account);
}

/// An account as the API shows it; the password hash never leaves.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub username: String,
    pub role: Role,
    /// The ward of a ward officer.
    pub ward_code: Option<String>,
    /// The organization of an organization admin or checkpoint staff.
    pub organization_id: Option<String>,
    /// The one checkpoint a staff account is bound to, if any.
    pub checkpoint_id: Option<String>,
    /// The person a resident account holds.
    pub person_id: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Maps an account row to its view, resolving internal ids to public ones.
pub fn account_view(
    conn: &mut DbConnection,
    account: &accounts::Account,
) -> Result<AccountView, ApiError> {
    let organization_id = match account.organization_id {
        Some(id) => organizations::by_id(conn, id)?.map(|o| o.public_id),
        None => None,
    };
    let checkpoint_id = match account.checkpoint_id {
        Some(id) => organizations::checkpoint_by_id(conn, id)?.map(|c| c.public_id),
        None => None,
    };
    let person_id = match account.person_id {
        Some(id) => people::by_id(conn, id)?.map(|p| p.public_id),
        None => None,
    };
    Ok(AccountView {
        id: account.public_id.clone(),
        username: account.username.clone(),
        role: account.principal()?.role,
        ward_code: account.ward_code.clone(),
        organization_id,
        checkpoint_id,
        person_id,
        active: account.active,
        created_at: super::utc(account.created_at),
    })
}

/// Username and password of a new account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct Credentials {
    /// 3 to 64 characters: letters, digits, `.`, `_`, `-`, `@`; stored in lower case.
    #[validate(length(min = 3, max = 64, message = "a username has 3 to 64 characters"))]
    pub username: String,
    /// 10 to 128 characters.
    #[validate(length(min = 10, max = 128, message = "a password has 10 to 128 characters"))]
    pub password: String,
}

impl Credentials {
    /// Checks the credentials and returns the username in its stored form.
    pub fn checked_username(&self, prefix: &str, errors: &mut FieldErrors) -> Option<String> {
        if let Err(found) = self.validate() {
            errors.extend_validator(prefix, &found);
            return None;
        }
        if self.password.trim().is_empty() {
            let field = if prefix.is_empty() {
                "password".to_owned()
            } else {
                format!("{prefix}.password")
            };
            errors.push(&field, "blank_password", "a password cannot be only spaces");
            return None;
        }
        let username = self.username.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
        if !username.chars().all(allowed) {
            let field = if prefix.is_empty() {
                "username".to_owned()
            } else {
                format!("{prefix}.username")
            };
            errors.push(
                &field,
                "invalid_username",
                "use only letters, digits, '.', '_', '-' and '@'",
            );
            return None;
        }
        Some(username)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateAccountRequest {
    #[serde(flatten)]
    pub credentials: Credentials,
    pub role: Role,
    /// Required for a ward officer.
    pub ward_code: Option<String>,
    /// Required for organization accounts created by the city administrator.
    pub organization_id: Option<String>,
    /// Binds a checkpoint staff account to one checkpoint of its organization.
    pub checkpoint_id: Option<String>,
}

/// Create an officer or organization account.
///
/// The city administrator creates any role but residents (who register
/// themselves); an organization admin creates staff and admins of their own
/// organization.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createAccount",
    request_body = CreateAccountRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AccountView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not create this account", body = Problem),
        (status = 409, description = "The username is taken", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<CreateAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let request = body.into_inner();
    if principal.role == Role::OrganizationAdmin
        && !matches!(
            request.role,
            Role::CheckpointStaff | Role::OrganizationAdmin
        )
    {
        return Err(ApiError::Forbidden(
            "An organization creates only its own staff and admins.",
        ));
    }
    if request.role == Role::Resident {
        return Err(ApiError::field(
            "role",
            "resident_registers",
            "residents register themselves at /registrations",
        ));
    }

    let mut errors = FieldErrors::new();
    let username = request.credentials.checked_username("", &mut errors);
    let needs_ward = request.role == Role::WardOfficer;
    let needs_org = matches!(
        request.role,
        Role::OrganizationAdmin | Role::CheckpointStaff
    );
    if needs_ward && request.ward_code.is_none() {
        errors.push(
            "ward_code",
            "required",
            "a ward officer needs the code of their ward",
        );
    }
    if !needs_ward && request.ward_code.is_some() {
        errors.push(
            "ward_code",
            "not_allowed",
            "only a ward officer is bound to a ward",
        );
    }
    if needs_org && request.organization_id.is_none() && principal.role == Role::CityAdmin {
        errors.push(
            "organization_id",
            "required",
            "an organization account needs its organization",
        );
    }
    if !needs_org && request.organization_id.is_some() {
        errors.push(
            "organization_id",
            "not_allowed",
            "only organization accounts belong to an organization",
        );
    }
    if request.checkpoint_id.is_some() && request.role != Role::CheckpointStaff {
        errors.push(
            "checkpoint_id",
            "not_allowed",
            "only checkpoint staff are bound to a checkpoint",
        );
    }
    errors.finish()?;
    let username = username.ok_or_else(|| ApiError::internal("username checked above"))?;
    let password_hash = password::hash(&request.credentials.password)?;

    let view = state
        .db
        .transaction(move |conn| {
            let mut errors = FieldErrors::new();
            if let Some(ward) = &request.ward_code
                && reference::ward(conn, ward)?.is_none()
            {
                errors.push(
                    "ward_code",
                    "unknown_ward",
                    format!("there is no ward with code {ward}"),
                );
            }
            let organization_id = match (principal.role, &request.organization_id) {
                (Role::OrganizationAdmin, Some(requested)) => {
                    let own = principal.own_organization()?;
                    match organizations::by_public_id(conn, requested)? {
                        Some(org) if org.id == own => Some(own),
                        _ => {
                            return Err(ApiError::Forbidden(
                                "An organization creates accounts only for itself.",
                            ));
                        }
                    }
                }
                (Role::OrganizationAdmin, None) => Some(principal.own_organization()?),
                (_, Some(requested)) => match organizations::by_public_id(conn, requested)? {
                    Some(org) => Some(org.id),
                    None => {
                        errors.push(
                            "organization_id",
                            "unknown_organization",
                            "there is no such organization",
                        );
                        None
                    }
                },
                (_, None) => None,
            };
            let checkpoint_id = match &request.checkpoint_id {
                Some(requested) => {
                    match organizations::checkpoint(conn, organization_id, requested)? {
                        Some(checkpoint) => Some(checkpoint.id),
                        None => {
                            errors.push(
                                "checkpoint_id",
                                "unknown_checkpoint",
                                "the organization has no such checkpoint",
                            );
                            None
                        }
                    }
                }
                None => None,
            };
            errors.finish()?;

            let account = accounts::insert(
                conn,
                accounts::NewAccount {
                    ward_code: request.ward_code,
                    organization_id,
                    checkpoint_id,
                    ..accounts::NewAccount::new(username, password_hash, request.role)
                },
            )?;
            account_view(conn, &account)
        })
        .await?;
    tracing::info!(account.role = view.role.as_str(), "account.created");
    Ok(HttpResponse::Created().json(view))
}

/// List the accounts of an organization.
#[utoipa::path(
    tag = "accounts",
    operation_id = "listOrganizationAccounts",
    params(("id" = String, Path, description = "The organization's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organization's accounts", body = Vec<AccountView>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization", body = Problem),
    )
)]
#[get("/organizations/{id}/accounts")]
pub async fn list_organization_accounts(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<Vec<AccountView>>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let public_id = path.into_inner();
    let views = state
        .db
        .run(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            accounts::of_organization(conn, organization.id)?
                .iter()
                .map(|account| account_view(conn, account))
                .collect()
        })
        .await?;
    Ok(web::Json(views))
}

/// The organization `public_id`, if the caller may manage it.
pub fn visible_organization(
    conn: &mut DbConnection,
    principal: &Principal,
    public_id: &str,
) -> Result<organizations::Organization, ApiError> {
    let organization =
        organizations::by_public_id(conn, public_id)?.ok_or(ApiError::NotFound("organization"))?;
    match principal.role {
        Role::CityAdmin | Role::HealthOfficer => Ok(organization),
        Role::OrganizationAdmin | Role::CheckpointStaff
            if principal.organization_id == Some(organization.id) =>
        {
            Ok(organization)
        }
        _ => Err(ApiError::NotFound("organization")),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccountRequest {
    /// False deactivates the account and ends all its logins.
    pub active: bool,
}

/// Activate or deactivate an account.
///
/// Deactivation revokes the account's refresh tokens at once. Access tokens
/// already issued keep working until they expire (`ANTOAN_ACCESS_TOKEN_TTL_SECONDS`,
/// 15 minutes by default): the API checks no session store on each request.
#[utoipa::path(
    tag = "accounts",
    operation_id = "updateAccount",
    params(("id" = String, Path, description = "The account's id")),
    request_body = UpdateAccountRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = AccountView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not manage this account", body = Problem),
        (status = 404, description = "No such account", body = Problem),
        (status = 422, description = "Invalid change", body = Problem),
    )
)]
#[patch("/accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<UpdateAccountRequest>,
) -> Result<web::Json<AccountView>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::OrganizationAdmin])?;
    let public_id = path.into_inner();
    let active = body.active;
    let view = state
        .db
        .transaction(move |conn| {
            let account =
                accounts::by_public_id(conn, &public_id)?.ok_or(ApiError::NotFound("account"))?;
            let manages = principal.role == Role::CityAdmin
                || (account.organization_id.is_some()
                    && account.organization_id == principal.organization_id);
            if !manages {
                return Err(ApiError::NotFound("account"));
            }
            if account.id == principal.account_id && !active {
                return Err(ApiError::field(
                    "active",
                    "self_deactivation",
                    "you cannot deactivate your own account",
                ));
            }
            accounts::set_active(conn, account.id, active)?;
            let account =
                accounts::by_id(conn, account.id)?.ok_or(ApiError::NotFound("account"))?;
            account_view(conn, &account)
        })
        .await?;
    Ok(web::Json(view))
}
