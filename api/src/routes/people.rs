//! People: created by a ward officer, by a resident registering themselves,
//! or on someone's behalf ("khai hộ"); read, updated and found by document
//! number within the caller's scope.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access_log::{PURPOSE_HELP, Read, StatedPurpose};
use super::accounts::{AccountView, Credentials, account_view};
use crate::auth::{PersonScope, Principal, Role, password};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, DbConnection, accounts, people, reference};
use crate::domain::identity::{
    DocumentKind, DocumentNumber, Gender, HealthInsuranceNumber, PhoneNumber, WardCode,
    mask_document_text,
};
use crate::domain::name::FoldedName;
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(create_person)
        .service(search_person)
        .service(get_person)
        .service(update_person)
        .service(list_declared);
}

/// A person as the API shows them to someone allowed to see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    /// The identifier carried in the personal QR code.
    pub qid: String,
    pub document_kind: String,
    pub document_number: String,
    /// The number as screens show it by default: first six characters hidden.
    pub document_number_masked: String,
    pub full_name: String,
    /// The name as the QR code carries it: upper case, no diacritics.
    pub folded_name: String,
    pub birth_date: NaiveDate,
    /// `unknown`, `male` or `female`.
    pub gender: String,
    pub phone: Option<String>,
    pub health_insurance_number: Option<String>,
    pub ward_code: String,
    pub address: Option<String>,
    /// True when someone else declared this person ("khai hộ").
    pub declared_on_behalf: bool,
    /// The person who declared on this person's behalf.
    pub declared_by_person_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn person_view(
    conn: &mut DbConnection,
    person: &people::Person,
) -> Result<PersonView, ApiError> {
    let declared_by_person_id = match person.declared_by_person_id {
        Some(id) => people::by_id(conn, id)?.map(|p| p.public_id),
        None => None,
    };
    Ok(PersonView {
        id: person.public_id.clone(),
        qid: person.qid.clone(),
        document_kind: person.document_kind.clone(),
        document_number_masked: mask_document_text(&person.document_number),
        document_number: person.document_number.clone(),
        full_name: person.full_name.clone(),
        folded_name: person.folded_name.clone(),
        birth_date: person.birth_date,
        gender: gender_of(person.gender).as_str().to_owned(),
        phone: person.phone.clone(),
        health_insurance_number: person.health_insurance_number.clone(),
        ward_code: person.ward_code.clone(),
        address: person.address.clone(),
        declared_on_behalf: person.declared_by_person_id.is_some(),
        declared_by_person_id,
        created_at: super::utc(person.created_at),
        updated_at: super::utc(person.updated_at),
    })
}

pub fn gender_of(code: i32) -> Gender {
    u8::try_from(code)
        .ok()
        .and_then(Gender::from_code)
        .unwrap_or(Gender::Unknown)
}

/// The details of a new person.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct PersonInput {
    /// `cccd` (12-digit citizen ID), `cmnd` (old 9- or 12-digit ID card) or `passport`.
    pub document_kind: String,
    pub document_number: String,
    /// The name as written, with diacritics; the QR carries it folded.
    pub full_name: String,
    pub birth_date: NaiveDate,
    /// `unknown`, `male` or `female`.
    pub gender: String,
    /// A Vietnamese mobile number, `0…` or `+84…`.
    pub phone: Option<String>,
    /// The 15-character health-insurance (BHYT) card number.
    pub health_insurance_number: Option<String>,
    /// The five-digit code of the ward the person lives in.
    pub ward_code: String,
    pub address: Option<String>,
}

/// A person's details after every field passed its rules.
pub(crate) struct ValidPerson {
    pub(crate) document: DocumentNumber,
    full_name: String,
    folded_name: FoldedName,
    birth_date: NaiveDate,
    gender: Gender,
    pub(crate) phone: Option<PhoneNumber>,
    health_insurance: Option<HealthInsuranceNumber>,
    ward_code: WardCode,
    address: Option<String>,
}

impl PersonInput {
    /// Checks every field, reporting each failing one under `prefix`.
    pub(crate) fn check(&self, prefix: &str, errors: &mut FieldErrors) -> Option<ValidPerson> {
        let field = |name: &str| {
            if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            }
        };
        let kind = errors.check(
            &field("document_kind"),
            DocumentKind::parse(&self.document_kind),
        );
        let document = kind.and_then(|kind| {
            errors.check(
                &field("document_number"),
                DocumentNumber::parse(kind, &self.document_number),
            )
        });
        let full_name = self
            .full_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let folded_name = errors.check(&field("full_name"), FoldedName::fold(&self.full_name));
        let gender = errors.check(&field("gender"), Gender::parse_str(&self.gender));
        let phone = match super::non_empty(self.phone.clone()) {
            Some(phone) => errors
                .check(&field("phone"), PhoneNumber::parse(&phone))
                .map(Some),
            None => Some(None),
        };
        let health_insurance = match super::non_empty(self.health_insurance_number.clone()) {
            Some(number) => errors
                .check(
                    &field("health_insurance_number"),
                    HealthInsuranceNumber::parse(&number),
                )
                .map(Some),
            None => Some(None),
        };
        let ward_code = errors.check(&field("ward_code"), WardCode::parse(&self.ward_code));
        let address = super::fields::optional(self.address.clone(), &field("address"), 300, errors);
        check_birth_date(self.birth_date, &field("birth_date"), errors);
        if let (Some(document), Some(gender)) = (&document, gender)
            && let Err(err) = document.check_against(self.birth_date.year(), gender)
        {
            errors.push(&field("document_number"), err.code(), err.to_string());
        }
        Some(ValidPerson {
            document: document?,
            full_name,
            folded_name: folded_name?,
            birth_date: self.birth_date,
            gender: gender?,
            phone: phone?,
            health_insurance: health_insurance?,
            ward_code: ward_code?,
            address,
        })
    }
}

fn check_birth_date(birth_date: NaiveDate, field: &str, errors: &mut FieldErrors) {
    let today = crate::domain::time::local_date(Utc::now());
    if birth_date > today {
        errors.push(field, "in_future", "a birth date cannot be in the future");
    } else if birth_date.year() < 1880 {
        errors.push(
            field,
            "too_old",
            "a birth date before 1880 is surely a typing error",
        );
    }
}

/// Checks that the ward exists; a missing ward is reported against `field`.
pub(crate) fn require_ward(
    conn: &mut DbConnection,
    ward: &WardCode,
    field: &str,
) -> Result<(), ApiError> {
    match reference::ward(conn, ward.as_str())? {
        Some(_) => Ok(()),
        None => Err(ApiError::field(
            field,
            "unknown_ward",
            format!("there is no ward with code {}", ward.as_str()),
        )),
    }
}

pub(crate) fn insert_person(
    conn: &mut DbConnection,
    person: ValidPerson,
    declared_by_person_id: Option<i64>,
    ward_field: &str,
) -> Result<people::Person, ApiError> {
    require_ward(conn, &person.ward_code, ward_field)?;
    let now = db::now();
    let qid = people::unused_qid(conn)?;
    people::insert(
        conn,
        &people::NewPerson {
            public_id: db::new_public_id(),
            qid,
            document_kind: person.document.kind().as_str().to_owned(),
            document_number: person.document.as_str().to_owned(),
            full_name: person.full_name,
            folded_name: person.folded_name.as_str().to_owned(),
            birth_date: person.birth_date,
            gender: i32::from(person.gender.code()),
            phone: person.phone.map(|p| p.as_str().to_owned()),
            health_insurance_number: person.health_insurance.map(|h| h.as_str().to_owned()),
            ward_code: person.ward_code.as_str().to_owned(),
            address: person.address,
            declared_by_person_id,
            created_at: now,
            updated_at: now,
        },
    )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegistrationRequest {
    #[serde(flatten)]
    pub credentials: Credentials,
    pub person: PersonInput,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub account: AccountView,
    pub person: PersonView,
}

/// Register as a resident: a login and one's own person record, together.
#[utoipa::path(
    tag = "people",
    operation_id = "register",
    request_body = RegistrationRequest,
    security(()),
    responses(
        (status = 201, description = "Registered; log in with the credentials", body = RegistrationView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 409, description = "The username or document number is taken", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
        (status = 429, description = "This address was told too often that a document number is registered; see Retry-After", body = Problem),
    )
)]
#[post("/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: web::Json<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    // Each "already registered" answer tells the caller that a number is
    // registered, so an address that collected enough of them waits.
    let address = http.peer_addr().map(|peer| peer.ip());
    let limiter = &state.registration_limiter;
    limiter.check(address).map_err(|wait| {
        let retry_after = crate::limits::retry_after_seconds(wait);
        ApiError::TooManyRequests {
            code: "too_many_registrations",
            detail: format!(
                "Too many registrations from this address named registered document numbers; \
                 try again in {retry_after} seconds, or ask your ward office."
            ),
            retry_after,
        }
    })?;
    let request = body.into_inner();
    let mut errors = FieldErrors::new();
    let username = request.credentials.checked_username("", &mut errors);
    let person = request.person.check("person", &mut errors);
    errors.finish()?;
    let (Some(username), Some(person)) = (username, person) else {
        return Err(ApiError::internal("registration checked above"));
    };
    let password_hash = password::hash(&request.credentials.password)?;

    let view = state
        .db
        .transaction(move |conn| {
            let person = insert_person(conn, person, None, "person.ward_code")?;
            let account = accounts::insert(
                conn,
                accounts::NewAccount {
                    person_id: Some(person.id),
                    ..accounts::NewAccount::new(username, password_hash, Role::Resident)
                },
            )?;
            Ok(RegistrationView {
                account: account_view(conn, &account)?,
                person: person_view(conn, &person)?,
            })
        })
        .await
        .inspect_err(|err| {
            if err.code() == "duplicate_document" {
                limiter.record_refusal(address);
            }
        })?;
    tracing::info!("resident.registered");
    Ok(HttpResponse::Created().json(view))
}

/// Create a person.
///
/// A ward officer creates residents of their own ward; a resident declares
/// someone on their behalf ("khai hộ"), who then carries the national
/// format's "declared on behalf" flag; the city administrator creates anyone.
#[utoipa::path(
    tag = "people",
    operation_id = "createPerson",
    request_body = PersonInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = PersonView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not create this person", body = Problem),
        (status = 409, description = "The document number is registered", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/people")]
pub async fn create_person(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer, Role::Resident])?;
    let mut errors = FieldErrors::new();
    let person = body.check("", &mut errors);
    errors.finish()?;
    let person = person.ok_or_else(|| ApiError::internal("person checked above"))?;
    if let PersonScope::Ward(ward) = principal.person_write_scope()
        && ward != person.ward_code.as_str()
    {
        return Err(ApiError::Forbidden(
            "A ward officer creates residents of their own ward only.",
        ));
    }
    let declared_by = match principal.role {
        Role::Resident => Some(
            principal
                .person_id
                .ok_or(ApiError::Forbidden("This account holds no person."))?,
        ),
        _ => None,
    };

    let view = state
        .db
        .transaction(move |conn| {
            let person = insert_person(conn, person, declared_by, "ward_code")?;
            person_view(conn, &person)
        })
        .await?;
    tracing::info!(
        account.id = principal.account_id,
        declared_on_behalf = view.declared_on_behalf,
        "person.created"
    );
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SearchPersonRequest {
    /// The document number, in any of the forms people type it.
    pub document_number: String,
}

/// Find a person by document number.
///
/// The number travels in the body, not the URL, so it never lands in an
/// access log.
#[utoipa::path(
    tag = "people",
    operation_id = "searchPerson",
    params(("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP)),
    request_body = SearchPersonRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person", body = PersonView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Not a document number, or no purpose stated", body = Problem),
    )
)]
#[post("/people/search")]
pub async fn search_person(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    body: web::Json<SearchPersonRequest>,
) -> Result<web::Json<PersonView>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Lookup)?;
    let document = DocumentNumber::detect(&super::typed_document(&body.document_number))
        .map_err(|err| ApiError::field("document_number", err.code(), err.to_string()))?;
    let scope = principal.person_read_scope();
    let view = state
        .db
        .transaction(move |conn| {
            let person = people::find_by_document(conn, &scope, document.as_str())?
                .ok_or(ApiError::NotFound("person"))?;
            let access = Access::new(AccessKind::PersonLookup, purpose.as_deref());
            access_log::record(conn, &principal, person.id, &access)?;
            person_view(conn, &person)
        })
        .await?;
    Ok(web::Json(view))
}

/// Read a person.
#[utoipa::path(
    tag = "people",
    operation_id = "getPerson",
    params(
        ("id" = String, Path, description = "The person's id"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person", body = PersonView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "No purpose stated", body = Problem),
    )
)]
#[get("/people/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
) -> Result<web::Json<PersonView>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let public_id = path.into_inner();
    let scope = principal.person_read_scope();
    let view = state
        .db
        .transaction(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            let access = Access::new(AccessKind::PersonLookup, purpose.as_deref());
            access_log::record(conn, &principal, person.id, &access)?;
            person_view(conn, &person)
        })
        .await?;
    Ok(web::Json(view))
}

/// Changes to a person; absent fields stay as they are. The document
/// number cannot change: a new document is a new registration.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePersonRequest {
    pub full_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<String>,
    /// An empty string removes the phone number.
    pub phone: Option<String>,
    /// An empty string removes the health-insurance number.
    pub health_insurance_number: Option<String>,
    pub ward_code: Option<String>,
    /// An empty string removes the address.
    pub address: Option<String>,
}

/// Update a person.
#[utoipa::path(
    tag = "people",
    operation_id = "updatePerson",
    params(("id" = String, Path, description = "The person's id")),
    request_body = UpdatePersonRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = PersonView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may read but not change this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<UpdatePersonRequest>,
) -> Result<web::Json<PersonView>, ApiError> {
    let public_id = path.into_inner();
    let request = body.into_inner();
    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            let changes = checked_changes(conn, &principal, &person, request)?;
            let person = people::update(conn, person.id, &changes)?;
            person_view(conn, &person)
        })
        .await?;
    Ok(web::Json(view))
}

/// The person `public_id` if the caller may change them: 404 when the
/// caller cannot even see them, 403 when they can only read.
pub fn writable_person(
    conn: &mut DbConnection,
    principal: &Principal,
    public_id: &str,
) -> Result<people::Person, ApiError> {
    let person = people::find(conn, &principal.person_read_scope(), public_id)?
        .ok_or(ApiError::NotFound("person"))?;
    if people::find(conn, &principal.person_write_scope(), public_id)?.is_none() {
        return Err(ApiError::Forbidden(
            "You may read this person but not change them.",
        ));
    }
    Ok(person)
}

fn checked_changes(
    conn: &mut DbConnection,
    principal: &Principal,
    person: &people::Person,
    request: UpdatePersonRequest,
) -> Result<people::PersonChanges, ApiError> {
    // The name, birth date and gender go into the signed QR: a resident
    // corrects them through the ward office, which sees the documents.
    let request_changes_gender = request.gender.is_some();
    let identity_change =
        request.full_name.is_some() || request.birth_date.is_some() || request.gender.is_some();
    if principal.role == Role::Resident && identity_change {
        return Err(ApiError::Forbidden(
            "Name, birth date and gender are corrected by the ward office, which checks the documents.",
        ));
    }
    let mut errors = FieldErrors::new();
    let mut changes = people::PersonChanges {
        updated_at: Some(db::now()),
        ..Default::default()
    };
    if let Some(name) = &request.full_name
        && let Some(folded) = errors.check("full_name", FoldedName::fold(name))
    {
        changes.full_name = Some(name.split_whitespace().collect::<Vec<_>>().join(" "));
        changes.folded_name = Some(folded.as_str().to_owned());
    }
    if let Some(birth_date) = request.birth_date {
        check_birth_date(birth_date, "birth_date", &mut errors);
        changes.birth_date = Some(birth_date);
    }
    if let Some(gender) = &request.gender {
        changes.gender = errors
            .check("gender", Gender::parse_str(gender))
            .map(|g| i32::from(g.code()));
    }
    if let Some(phone) = request.phone {
        changes.phone = match super::non_empty(Some(phone)) {
            Some(phone) => errors
                .check("phone", PhoneNumber::parse(&phone))
                .map(|p| Some(p.as_str().to_owned())),
            None => Some(None),
        };
    }
    if let Some(number) = request.health_insurance_number {
        changes.health_insurance_number = match super::non_empty(Some(number)) {
            Some(number) => errors
                .check(
                    "health_insurance_number",
                    HealthInsuranceNumber::parse(&number),
                )
                .map(|h| Some(h.as_str().to_owned())),
            None => Some(None),
        };
    }
    if let Some(address) = request.address {
        changes.address = Some(super::fields::optional(
            Some(address),
            "address",
            300,
            &mut errors,
        ));
    }
    if let Some(ward) = &request.ward_code
        && let Some(ward) = errors.check("ward_code", WardCode::parse(ward))
    {
        if let PersonScope::Ward(own) = principal.person_write_scope()
            && own != ward.as_str()
        {
            return Err(ApiError::Forbidden(
                "A ward officer cannot move a resident to another ward.",
            ));
        }
        require_ward(conn, &ward, "ward_code")?;
        changes.ward_code = Some(ward.as_str().to_owned());
    }

    // A CCCD encodes birth year and gender: the record must keep agreeing.
    let kind = DocumentKind::parse(&person.document_kind).ok();
    if let Some(document) =
        kind.and_then(|kind| DocumentNumber::parse(kind, &person.document_number).ok())
    {
        let year = changes.birth_date.unwrap_or(person.birth_date).year();
        let gender = gender_of(changes.gender.unwrap_or(person.gender));
        if let Err(err) = document.check_against(year, gender) {
            let field = if request_changes_gender {
                "gender"
            } else {
                "birth_date"
            };
            errors.push(field, err.code(), err.to_string());
        }
    }
    errors.finish()?;
    Ok(changes)
}

/// List the people a person declared for.
#[utoipa::path(
    tag = "people",
    operation_id = "listDeclaredPeople",
    params(
        ("id" = String, Path, description = "The declaring person's id"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The people declared on this person's behalf", body = Vec<PersonView>),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "No purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/declared")]
pub async fn list_declared(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
) -> Result<web::Json<Vec<PersonView>>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let public_id = path.into_inner();
    let scope = principal.person_read_scope();
    let views = state
        .db
        .transaction(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            let declared = people::declared_by(conn, person.id)?;
            let ids: Vec<i64> = declared.iter().map(|p| p.id).collect();
            let access = Access::new(AccessKind::PersonLookup, purpose.as_deref());
            access_log::record_many(conn, &principal, &ids, &access)?;
            declared.iter().map(|p| person_view(conn, p)).collect()
        })
        .await?;
    Ok(web::Json(views))
}
