//! The access ledger as the API shows it: the purpose a reader states for a
//! read, the rule for when one is required, and the ledger a person (or the
//! ward office for them) reads.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Principal, Role};
use crate::db::{access_log, people};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_access_log);
}

/// The header in which a reader states why they read someone's data.
pub const PURPOSE_HEADER: &str = "X-Access-Purpose";

/// What the OpenAPI document says about [`PURPOSE_HEADER`].
pub const PURPOSE_HELP: &str = "Why you read this person's data, written to their access ledger. \
    Percent-encoded UTF-8 (as encodeURIComponent makes it), 3 to 300 characters. Required from \
    health officers on every read, and from ward officers and the city on a lookup by document number.";

/// The purpose stated in the request's `X-Access-Purpose` header, if any.
#[derive(Clone, Debug, Default)]
pub struct StatedPurpose(Option<String>);

impl FromRequest for StatedPurpose {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req.headers().get(PURPOSE_HEADER);
        ready(match header {
            None => Ok(Self(None)),
            Some(value) => std::str::from_utf8(value.as_bytes())
                .ok()
                .and_then(percent_decode)
                .ok_or_else(invalid_purpose)
                .and_then(|text| Self::checked(&text)),
        })
    }
}

fn invalid_purpose() -> ApiError {
    ApiError::field(
        PURPOSE_HEADER,
        "invalid_purpose",
        "the purpose must be percent-encoded UTF-8 text of 3 to 300 characters",
    )
}

/// Decodes `%XX` escapes; `None` when an escape or the result is malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Which reads a purpose is demanded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Finding someone by document number.
    Lookup,
    /// Reading the record of someone already found.
    Record,
}

impl StatedPurpose {
    /// A purpose given in a request body rather than the header.
    pub fn checked(text: &str) -> Result<Self, ApiError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = text.chars().count();
        if !(3..=300).contains(&length) || text.chars().any(char::is_control) {
            return Err(invalid_purpose());
        }
        Ok(Self(Some(text)))
    }

    /// The purpose to record for `principal`'s read, or a 422 when the
    /// rule demands one and none was stated. Health officers investigate
    /// across the whole city, so every read of theirs states a purpose; ward
    /// officers and the city state one when they look someone up.
    pub fn for_read(self, principal: &Principal, read: Read) -> Result<Option<String>, ApiError> {
        let required = match principal.role {
            Role::HealthOfficer => true,
            Role::WardOfficer | Role::CityAdmin => read == Read::Lookup,
            Role::OrganizationAdmin | Role::CheckpointStaff | Role::Resident => false,
        };
        match self.0 {
            None if required => Err(ApiError::field(
                PURPOSE_HEADER,
                "purpose_required",
                "state why you read this person's data in the X-Access-Purpose header; \
                 the person sees it in their access ledger",
            )),
            purpose => Ok(purpose),
        }
    }
}

/// One read of a person's data by someone else.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntryView {
    pub id: String,
    pub accessed_at: DateTime<Utc>,
    /// `scan`, `person_lookup`, `health_records_read`, `status_read`, `qr_read`,
    /// `visit_list`, `staff_list`, `contact_query`, `export` or `record_removal`.
    pub kind: String,
    /// Why, as the reader stated it; absent where the kind says it (a scan at a gate).
    pub purpose: Option<String>,
    /// The reader's role, e.g. `checkpoint_staff` or `health_officer`.
    pub reader_role: String,
    /// The reader's account id.
    pub reader_account_id: Option<String>,
    /// The organization on whose behalf the data was read.
    pub organization_name: Option<String>,
    /// The checkpoint where the person was scanned.
    pub checkpoint_name: Option<String>,
}

/// A person's access ledger, newest first (the person, a resident who
/// declared for them, their ward office, the city).
#[utoipa::path(
    tag = "people",
    operation_id = "listAccessLog",
    params(("id" = String, Path, description = "The person's id"), super::PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the ledger", body = super::Page<AccessEntryView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The role may not read ledgers", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Bad limit or cursor", body = Problem),
    )
)]
#[get("/people/{id}/access-log")]
pub async fn list_access_log(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<super::PageParams>,
) -> Result<web::Json<super::Page<AccessEntryView>>, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer, Role::Resident])?;
    let limit = query.limit()?;
    let before = query
        .cursor
        .as_deref()
        .map(super::decode_cursor)
        .transpose()?;
    let public_id = path.into_inner();
    let scope = principal.person_read_scope();
    let mut rows = state
        .db
        .run(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            access_log::of_person(conn, person.id, before, limit + 1)
        })
        .await?;
    let limit = usize::try_from(limit).unwrap_or(50);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last()
            .map(|entry| super::encode_cursor(entry.accessed_at, entry.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|entry| AccessEntryView {
            id: entry.public_id,
            accessed_at: super::utc(entry.accessed_at),
            kind: entry.kind,
            purpose: entry.purpose,
            reader_role: entry.account_role,
            reader_account_id: entry.account_public_id,
            organization_name: entry.organization_name,
            checkpoint_name: entry.checkpoint_name,
        })
        .collect();
    Ok(web::Json(super::Page { items, next_cursor }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal {
            account_id: 1,
            role,
            ward_code: None,
            organization_id: None,
            checkpoint_id: None,
            person_id: None,
        }
    }

    #[test]
    fn purposes_decode_percent_escapes_and_refuse_bad_ones() {
        assert_eq!(
            percent_decode("%C4%91i%E1%BB%81u%20tra").as_deref(),
            Some("điều tra")
        );
        assert_eq!(percent_decode("plain text").as_deref(), Some("plain text"));
        assert_eq!(percent_decode("%C4"), None);
        assert_eq!(percent_decode("%G1"), None);
        assert_eq!(percent_decode("100%"), None);
        assert!(StatedPurpose::checked("ok").is_err());
        assert!(StatedPurpose::checked("tab\u{7}bell").is_err());
        assert!(StatedPurpose::checked(&"x".repeat(301)).is_err());
        assert!(StatedPurpose::checked(&"x".repeat(300)).is_ok());
    }

    #[test]
    fn health_officers_always_state_a_purpose_and_wards_on_lookups() {
        let none = || StatedPurpose(None);
        let health = principal(Role::HealthOfficer);
        assert!(none().for_read(&health, Read::Record).is_err());
        assert!(none().for_read(&health, Read::Lookup).is_err());
        for role in [Role::WardOfficer, Role::CityAdmin] {
            assert!(none().for_read(&principal(role), Read::Record).is_ok());
            assert!(none().for_read(&principal(role), Read::Lookup).is_err());
        }
        for role in [
            Role::OrganizationAdmin,
            Role::CheckpointStaff,
            Role::Resident,
        ] {
            assert_eq!(
                none().for_read(&principal(role), Read::Lookup).unwrap(),
                None
            );
        }
        let stated = StatedPurpose::checked("  outbreak  at Chợ Thủ Đức ").unwrap();
        assert_eq!(
            stated.for_read(&health, Read::Record).unwrap().as_deref(),
            Some("outbreak at Chợ Thủ Đức")
        );
    }
}
