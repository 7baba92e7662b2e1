//! Who is calling: roles, the access-token claims, the `Principal`
//! extractor, and the scopes that database reads are filtered by.

pub mod password;
pub mod tokens;

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;
pub use tokens::TokenIssuer;

/// The roles of the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The operator of the system.
    CityAdmin,
    /// City or district health staff who investigate outbreaks.
    HealthOfficer,
    /// Staff of one ward ("cán bộ phường").
    WardOfficer,
    /// The account of an organization.
    OrganizationAdmin,
    /// A guard or receptionist who scans at an organization's checkpoints.
    CheckpointStaff,
    /// A person who holds a personal QR.
    Resident,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::CityAdmin,
        Role::HealthOfficer,
        Role::WardOfficer,
        Role::OrganizationAdmin,
        Role::CheckpointStaff,
        Role::Resident,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CityAdmin => "city_admin",
            Role::HealthOfficer => "health_officer",
            Role::WardOfficer => "ward_officer",
            Role::OrganizationAdmin => "organization_admin",
            Role::CheckpointStaff => "checkpoint_staff",
            Role::Resident => "resident",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// The authenticated caller, from a verified access token. Bindings are
/// carried in the token so that no request needs a lookup to authorize.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub account_id: i64,
    pub role: Role,
    pub ward_code: Option<String>,
    pub organization_id: Option<i64>,
    pub checkpoint_id: Option<i64>,
    pub person_id: Option<i64>,
}

/// Which people a caller may read. Applied inside the queries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonScope {
    All,
    /// Residents of one ward.
    Ward(String),
    /// A person and the people they declared for ("khai hộ").
    SelfAndDeclared(i64),
    Nobody,
}

/// Which visits a caller may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitScope {
    All,
    Organization(i64),
}

impl Principal {
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden("Your role may not do this."))
        }
    }

    pub fn person_read_scope(&self) -> PersonScope {
        match (self.role, &self.ward_code, self.person_id) {
            (Role::CityAdmin | Role::HealthOfficer, _, _) => PersonScope::All,
            (Role::WardOfficer, Some(ward), _) => PersonScope::Ward(ward.clone()),
            (Role::Resident, _, Some(person)) => PersonScope::SelfAndDeclared(person),
            _ => PersonScope::Nobody,
        }
    }

    /// Who may change people and their records: health officers only read.
    pub fn person_write_scope(&self) -> PersonScope {
        match self.role {
            Role::HealthOfficer => PersonScope::Nobody,
            _ => self.person_read_scope(),
        }
    }

    pub fn visit_scope(&self) -> Result<VisitScope, ApiError> {
        match (self.role, self.organization_id) {
            (Role::CityAdmin | Role::HealthOfficer, _) => Ok(VisitScope::All),
            (Role::OrganizationAdmin, Some(org)) => Ok(VisitScope::Organization(org)),
            _ => Err(ApiError::Forbidden(
                "Only an organization or a health officer reads visits.",
            )),
        }
    }

    /// The organization an organization account belongs to, or a refusal.
    pub fn own_organization(&self) -> Result<i64, ApiError> {
        match (self.role, self.organization_id) {
            (Role::OrganizationAdmin | Role::CheckpointStaff, Some(org)) => Ok(org),
            _ => Err(ApiError::Forbidden(
                "Only an organization's accounts may do this.",
            )),
        }
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(principal_of(req))
    }
}

fn principal_of(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthenticated(
            "Log in and send the access token as a Bearer token.",
        ))?;
    // The scheme is case-insensitive (RFC 9110); the token is not.
    let token = value
        .to_str()
        .ok()
        .and_then(|text| text.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or(ApiError::Unauthenticated(
            "The Authorization header must be `Bearer <token>`.",
        ))?;
    state.tokens.verify_access(token)
}
