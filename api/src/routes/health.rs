//! A person's health records and the colour they give: vaccination doses,
//! recoveries ("F0 khỏi bệnh"), test results, health declarations ("khai
//! báo y tế"), and the status now or at a given instant.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access_log::{PURPOSE_HELP, Read, StatedPurpose};
use super::fields;
use super::people::writable_person;
use crate::auth::{Principal, Role};
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::{self, DbConnection, health, people, reference};
use crate::domain::status::{self, Evaluation, HealthRecords};
use crate::domain::time::local_date;
use crate::error::{ApiError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(add_vaccination)
        .service(add_recovery)
        .service(add_test_result)
        .service(add_health_declaration)
        .service(list_health_records)
        .service(get_status);
}

/// The first COVID-19 vaccinations in Vietnam were given in March 2021;
/// anything before December 2020 is a typing error.
fn earliest_vaccination() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 1).unwrap_or(NaiveDate::MIN)
}

/// A dose's date lies between the first COVID-19 vaccinations and today,
/// whether a ward officer records it or the national portal imports it.
pub(super) fn check_dose_date(administered_on: NaiveDate, errors: &mut FieldErrors) {
    if administered_on > local_date(Utc::now()) {
        errors.push(
            "administered_on",
            "in_future",
            "a dose cannot be recorded before it is given",
        );
    } else if administered_on < earliest_vaccination() {
        errors.push(
            "administered_on",
            "too_early",
            "COVID-19 vaccination began in 2021; check the date",
        );
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VaccinationView {
    pub id: String,
    pub vaccine_code: String,
    pub dose_number: i32,
    pub administered_on: NaiveDate,
    pub place: Option<String>,
    pub lot: Option<String>,
    /// Where the record came from: `staff` or an integrator's source name.
    pub source: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryView {
    pub id: String,
    pub positive_on: NaiveDate,
    pub recovered_on: NaiveDate,
    pub certificate_number: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestResultView {
    pub id: String,
    /// `pcr` or `rapid_antigen`.
    pub kind: String,
    pub sampled_at: DateTime<Utc>,
    /// `positive` or `negative`.
    pub result: String,
    pub facility: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDeclarationView {
    pub id: String,
    pub declared_at: DateTime<Utc>,
    pub symptoms: Vec<String>,
    pub contact_with_case: bool,
    pub recent_travel: bool,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Every health record of a person, oldest first in each list.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthRecordsView {
    pub vaccinations: Vec<VaccinationView>,
    pub recoveries: Vec<RecoveryView>,
    pub test_results: Vec<TestResultView>,
    pub health_declarations: Vec<HealthDeclarationView>,
}

pub(super) fn vaccination_view(v: health::Vaccination) -> VaccinationView {
    VaccinationView {
        id: v.public_id,
        vaccine_code: v.vaccine_code,
        dose_number: v.dose_number,
        administered_on: v.administered_on,
        place: v.place,
        lot: v.lot,
        source: v.source,
        created_at: super::utc(v.created_at),
    }
}

pub(super) fn recovery_view(r: health::Recovery) -> RecoveryView {
    RecoveryView {
        id: r.public_id,
        positive_on: r.positive_on,
        recovered_on: r.recovered_on,
        certificate_number: r.certificate_number,
        created_at: super::utc(r.created_at),
    }
}

fn test_result_view(t: health::TestResult) -> TestResultView {
    TestResultView {
        id: t.public_id,
        kind: t.kind,
        sampled_at: super::utc(t.sampled_at),
        result: if t.positive { "positive" } else { "negative" }.to_owned(),
        facility: t.facility,
        created_at: super::utc(t.created_at),
    }
}

fn declaration_view(d: health::HealthDeclaration) -> HealthDeclarationView {
    HealthDeclarationView {
        id: d.public_id,
        declared_at: super::utc(d.declared_at),
        symptoms: serde_json::from_str(&d.symptoms).unwrap_or_default(),
        contact_with_case: d.contact_with_case,
        recent_travel: d.recent_travel,
        note: d.note,
        created_at: super::utc(d.created_at),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VaccinationInput {
    /// A code of the vaccine catalogue (`GET /vaccines`), e.g. `pfizer`.
    pub vaccine_code: String,
    /// 1 for the first dose; each number once per person.
    pub dose_number: i32,
    /// The local date of the dose.
    pub administered_on: NaiveDate,
    pub place: Option<String>,
    pub lot: Option<String>,
}

/// Record a vaccination dose (ward officer of the person's ward, or the city).
#[utoipa::path(
    tag = "health",
    operation_id = "addVaccination",
    params(("id" = String, Path, description = "The person's id")),
    request_body = VaccinationInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = VaccinationView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not record doses for this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 409, description = "This dose number is already recorded", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/people/{id}/vaccinations")]
pub async fn add_vaccination(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<VaccinationInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer])?;
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    if !(1..=10).contains(&input.dose_number) {
        errors.push(
            "dose_number",
            "out_of_range",
            "dose_number is between 1 and 10",
        );
    }
    check_dose_date(input.administered_on, &mut errors);
    let place = fields::optional(input.place, "place", 200, &mut errors);
    let lot = fields::optional(input.lot, "lot", 50, &mut errors);
    errors.finish()?;

    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            if reference::vaccine(conn, &input.vaccine_code)?.is_none() {
                return Err(ApiError::field(
                    "vaccine_code",
                    "unknown_vaccine",
                    format!(
                        "{:?} is not in the vaccine catalogue; see GET /api/v1/vaccines",
                        input.vaccine_code
                    ),
                ));
            }
            let dose = health::insert_vaccination(
                conn,
                &health::NewVaccination {
                    public_id: db::new_public_id(),
                    person_id: person.id,
                    vaccine_code: input.vaccine_code,
                    dose_number: input.dose_number,
                    administered_on: input.administered_on,
                    place,
                    lot,
                    source: "staff".to_owned(),
                    source_record_id: None,
                    recorded_by_account_id: Some(principal.account_id),
                    created_at: db::now(),
                },
            )?;
            Ok(vaccination_view(dose))
        })
        .await?;
    tracing::info!(dose_number = view.dose_number, "vaccination.recorded");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecoveryInput {
    /// The local date of the positive test.
    pub positive_on: NaiveDate,
    /// The local date of recovery, from which the 180 days count.
    pub recovered_on: NaiveDate,
    /// The number of the ward's recovery certificate.
    pub certificate_number: Option<String>,
}

/// Record a recovery from COVID-19 (ward officer of the person's ward, or the city).
#[utoipa::path(
    tag = "health",
    operation_id = "addRecovery",
    params(("id" = String, Path, description = "The person's id")),
    request_body = RecoveryInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = RecoveryView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not record recoveries for this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/people/{id}/recoveries")]
pub async fn add_recovery(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<RecoveryInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer])?;
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let today = local_date(Utc::now());
    if input.recovered_on > today {
        errors.push(
            "recovered_on",
            "in_future",
            "a recovery cannot be recorded before it happens",
        );
    }
    if input.recovered_on < input.positive_on {
        errors.push(
            "recovered_on",
            "before_positive",
            "recovered_on cannot be before positive_on",
        );
    }
    if input.positive_on < fields::pandemic_start().date_naive() {
        errors.push(
            "positive_on",
            "too_early",
            "positive_on is before COVID-19 existed (December 2019)",
        );
    }
    let certificate_number = fields::optional(
        input.certificate_number,
        "certificate_number",
        50,
        &mut errors,
    );
    errors.finish()?;

    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            let recovery = health::insert_recovery(
                conn,
                &health::NewRecovery {
                    public_id: db::new_public_id(),
                    person_id: person.id,
                    positive_on: input.positive_on,
                    recovered_on: input.recovered_on,
                    certificate_number,
                    recorded_by_account_id: Some(principal.account_id),
                    created_at: db::now(),
                },
            )?;
            Ok(recovery_view(recovery))
        })
        .await?;
    tracing::info!("recovery.recorded");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TestResultInput {
    /// `pcr` or `rapid_antigen`.
    pub kind: String,
    pub sampled_at: DateTime<Utc>,
    /// `positive` or `negative`.
    pub result: String,
    pub facility: Option<String>,
}

/// Record a test result (ward officer of the person's ward, or the city).
#[utoipa::path(
    tag = "health",
    operation_id = "addTestResult",
    params(("id" = String, Path, description = "The person's id")),
    request_body = TestResultInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = TestResultView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not record tests for this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/people/{id}/test-results")]
pub async fn add_test_result(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<TestResultInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer])?;
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    if !matches!(input.kind.as_str(), "pcr" | "rapid_antigen") {
        errors.push("kind", "unknown_test_kind", "kind is pcr or rapid_antigen");
    }
    let positive = match input.result.as_str() {
        "positive" => true,
        "negative" => false,
        _ => {
            errors.push("result", "unknown_result", "result is positive or negative");
            false
        }
    };
    fields::instant(
        input.sampled_at,
        Utc::now() + Duration::minutes(5),
        "sampled_at",
        &mut errors,
    );
    let facility = fields::optional(input.facility, "facility", 200, &mut errors);
    errors.finish()?;

    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            let test = health::insert_test(
                conn,
                &health::NewTestResult {
                    public_id: db::new_public_id(),
                    person_id: person.id,
                    kind: input.kind,
                    sampled_at: db::truncate_to_micros(input.sampled_at.naive_utc()),
                    positive,
                    facility,
                    recorded_by_account_id: Some(principal.account_id),
                    created_at: db::now(),
                },
            )?;
            Ok(test_result_view(test))
        })
        .await?;
    tracing::info!("test_result.recorded");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HealthDeclarationInput {
    /// When the declaration speaks of; now when omitted.
    pub declared_at: Option<DateTime<Utc>>,
    /// Symptoms in the person's words or the form's codes (`fever`, `cough`…); at most 20.
    #[serde(default)]
    pub symptoms: Vec<String>,
    /// Contact with a confirmed case in the last 14 days.
    pub contact_with_case: bool,
    /// Travel outside the city in the last 14 days.
    pub recent_travel: bool,
    pub note: Option<String>,
}

/// Record a health declaration (the person, whoever declared for them, their ward officer, or the city).
#[utoipa::path(
    tag = "health",
    operation_id = "addHealthDeclaration",
    params(("id" = String, Path, description = "The person's id")),
    request_body = HealthDeclarationInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = HealthDeclarationView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "The caller may not declare for this person", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[post("/people/{id}/health-declarations")]
pub async fn add_health_declaration(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<HealthDeclarationInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin, Role::WardOfficer, Role::Resident])?;
    let public_id = path.into_inner();
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let now = Utc::now();
    let declared_at = input.declared_at.unwrap_or(now);
    fields::instant(
        declared_at,
        now + Duration::minutes(5),
        "declared_at",
        &mut errors,
    );
    if input.symptoms.len() > 20 {
        errors.push("symptoms", "too_many", "list at most 20 symptoms");
    }
    let symptoms: Vec<String> = input
        .symptoms
        .into_iter()
        .enumerate()
        .filter_map(|(i, symptom)| {
            fields::optional(Some(symptom), &format!("symptoms.{i}"), 100, &mut errors)
        })
        .collect();
    let note = fields::optional(input.note, "note", 1000, &mut errors);
    errors.finish()?;
    let symptoms = serde_json::to_string(&symptoms)
        .map_err(|err| ApiError::internal(format!("symptoms: {err}")))?;

    let view = state
        .db
        .transaction(move |conn| {
            let person = writable_person(conn, &principal, &public_id)?;
            let declaration = health::insert_declaration(
                conn,
                &health::NewHealthDeclaration {
                    public_id: db::new_public_id(),
                    person_id: person.id,
                    declared_at: db::truncate_to_micros(declared_at.naive_utc()),
                    symptoms,
                    contact_with_case: input.contact_with_case,
                    recent_travel: input.recent_travel,
                    note,
                    declared_by_account_id: Some(principal.account_id),
                    created_at: db::now(),
                },
            )?;
            Ok(declaration_view(declaration))
        })
        .await?;
    tracing::info!("health_declaration.recorded");
    Ok(HttpResponse::Created().json(view))
}

/// List a person's health records.
#[utoipa::path(
    tag = "health",
    operation_id = "listHealthRecords",
    params(
        ("id" = String, Path, description = "The person's id"),
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every record", body = HealthRecordsView),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "No purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/health-records")]
pub async fn list_health_records(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
) -> Result<web::Json<HealthRecordsView>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let public_id = path.into_inner();
    let scope = principal.person_read_scope();
    let view = state
        .db
        .transaction(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            let access = Access::new(AccessKind::HealthRecordsRead, purpose.as_deref());
            access_log::record(conn, &principal, person.id, &access)?;
            Ok(HealthRecordsView {
                vaccinations: health::doses(conn, person.id)?
                    .into_iter()
                    .map(|d| vaccination_view(d.vaccination))
                    .collect(),
                recoveries: health::recoveries(conn, person.id)?
                    .into_iter()
                    .map(recovery_view)
                    .collect(),
                test_results: health::tests(conn, person.id)?
                    .into_iter()
                    .map(test_result_view)
                    .collect(),
                health_declarations: health::declarations(conn, person.id)?
                    .into_iter()
                    .map(declaration_view)
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// A person's colour at one instant, why, and how long it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    /// `green` or `black`.
    pub colour: String,
    /// A stable code for the reason, e.g. `green_vaccinated`.
    pub reason_code: String,
    /// The reason in English, e.g. "dose 1 of Pfizer-BioNTech (Comirnaty) on 2021-10-01, green from 2021-10-15".
    pub reason: String,
    /// The reason in Vietnamese.
    pub reason_vi: String,
    /// When this colour began; absent when it has held as long as the records go back.
    pub valid_from: Option<DateTime<Utc>>,
    /// When this colour ends; absent when nothing on record will change it.
    pub valid_until: Option<DateTime<Utc>>,
    /// The version of the status policy that decided.
    pub policy_version: String,
    /// The instant evaluated.
    pub at: DateTime<Utc>,
}

impl StatusView {
    pub fn new(evaluation: Evaluation, at: DateTime<Utc>) -> Self {
        Self {
            colour: evaluation.colour.as_str().to_owned(),
            reason_code: evaluation.reason.code.as_str().to_owned(),
            reason: evaluation.reason.text_en,
            reason_vi: evaluation.reason.text_vi,
            valid_from: evaluation.valid_from,
            valid_until: evaluation.valid_until,
            policy_version: evaluation.policy_version,
            at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The instant to evaluate (RFC 3339); now when omitted.
    pub at: Option<DateTime<Utc>>,
}

/// A person's colour now or at a given instant.
#[utoipa::path(
    tag = "health",
    operation_id = "getStatus",
    params(
        ("id" = String, Path, description = "The person's id"),
        StatusQuery,
        ("X-Access-Purpose" = Option<String>, Header, description = PURPOSE_HELP),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The status", body = StatusView),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such person within the caller's scope", body = Problem),
        (status = 422, description = "No status policy in force at that instant, or no purpose stated", body = Problem),
    )
)]
#[get("/people/{id}/status")]
pub async fn get_status(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: StatedPurpose,
    path: web::Path<String>,
    query: web::Query<StatusQuery>,
) -> Result<web::Json<StatusView>, ApiError> {
    let purpose = purpose.for_read(&principal, Read::Record)?;
    let public_id = path.into_inner();
    let at = query.at.unwrap_or_else(Utc::now);
    let mut errors = FieldErrors::new();
    fields::instant(at, fields::far_future(), "at", &mut errors);
    errors.finish()?;
    let scope = principal.person_read_scope();
    let evaluation = state
        .db
        .transaction(move |conn| {
            let person =
                people::find(conn, &scope, &public_id)?.ok_or(ApiError::NotFound("person"))?;
            let access = Access::new(AccessKind::StatusRead, purpose.as_deref());
            access_log::record(conn, &principal, person.id, &access)?;
            evaluate_person(conn, person.id, at)
        })
        .await?;
    Ok(web::Json(StatusView::new(evaluation, at)))
}

/// What the status rules read of one person's records.
#[derive(Default)]
pub struct StatusRecords {
    pub doses: Vec<status::Dose>,
    pub recoveries: Vec<status::Recovery>,
    pub tests: Vec<status::TestResult>,
}

impl StatusRecords {
    /// The rules' view of stored rows: the one conversion that every
    /// status, single or batched, goes through.
    pub fn from_rows(rows: &health::PersonRecords) -> Self {
        Self {
            doses: rows
                .doses
                .iter()
                .map(|d| status::Dose {
                    vaccine_code: d.vaccination.vaccine_code.clone(),
                    vaccine_name: d.vaccine_name.clone(),
                    primary_doses: u8::try_from(d.primary_doses).unwrap_or(u8::MAX),
                    dose_number: u8::try_from(d.vaccination.dose_number).unwrap_or(u8::MAX),
                    administered_on: d.vaccination.administered_on,
                })
                .collect(),
            recoveries: rows
                .recoveries
                .iter()
                .map(|r| status::Recovery {
                    positive_on: r.positive_on,
                    recovered_on: r.recovered_on,
                })
                .collect(),
            tests: rows
                .tests
                .iter()
                .map(|t| status::TestResult {
                    sampled_at: super::utc(t.sampled_at),
                    positive: t.positive,
                    kind: if t.kind == "pcr" {
                        status::TestKind::Pcr
                    } else {
                        status::TestKind::RapidAntigen
                    },
                })
                .collect(),
        }
    }

    pub fn view(&self) -> HealthRecords<'_> {
        HealthRecords {
            doses: &self.doses,
            recoveries: &self.recoveries,
            tests: &self.tests,
        }
    }
}

/// Everything the status rules need about one person, loaded in one place.
#[derive(Default)]
pub struct StatusInputs {
    pub policies: Vec<status::Policy>,
    pub records: StatusRecords,
}

impl StatusInputs {
    /// The policies alone, for someone with no records here.
    pub fn policies_only(conn: &mut DbConnection) -> Result<Self, ApiError> {
        Ok(Self {
            policies: load_policies(conn)?,
            ..Self::default()
        })
    }

    pub fn load(conn: &mut DbConnection, person_id: i64) -> Result<Self, ApiError> {
        let policies = load_policies(conn)?;
        let rows = health::records_of(conn, &[person_id])?
            .remove(&person_id)
            .unwrap_or_default();
        Ok(Self {
            policies,
            records: StatusRecords::from_rows(&rows),
        })
    }

    pub fn records(&self) -> HealthRecords<'_> {
        self.records.view()
    }

    /// The policy in force at `at`, or a 422 that says none was.
    pub fn policy_at(&self, at: DateTime<Utc>) -> Result<&status::Policy, ApiError> {
        policy_in_force(&self.policies, at)
    }

    pub fn evaluate(&self, at: DateTime<Utc>) -> Result<Evaluation, ApiError> {
        Ok(status::evaluate(self.policy_at(at)?, &self.records(), at))
    }
}

/// The status inputs of many people (a page of a list or an export),
/// loaded in a fixed number of queries however many people there are:
/// the policies once, then each kind of record for all of them at once.
/// Each status is then evaluated in memory exactly as [`StatusInputs`]
/// evaluates one person's.
pub struct StatusBatch {
    policies: Vec<status::Policy>,
    rows: std::collections::HashMap<i64, health::PersonRecords>,
}

impl StatusBatch {
    pub fn load(conn: &mut DbConnection, person_ids: &[i64]) -> Result<Self, ApiError> {
        Ok(Self {
            policies: load_policies(conn)?,
            rows: health::records_of(conn, person_ids)?,
        })
    }

    /// The stored records of `person_id`; empty for someone without any.
    pub fn rows(&self, person_id: i64) -> std::borrow::Cow<'_, health::PersonRecords> {
        match self.rows.get(&person_id) {
            Some(rows) => std::borrow::Cow::Borrowed(rows),
            None => std::borrow::Cow::Owned(health::PersonRecords::default()),
        }
    }

    /// The colour of someone antoan has no record of.
    pub fn evaluate_without_records(&self, at: DateTime<Utc>) -> Result<Evaluation, ApiError> {
        Ok(status::evaluate(
            policy_in_force(&self.policies, at)?,
            &StatusRecords::default().view(),
            at,
        ))
    }

    pub fn evaluate(&self, person_id: i64, at: DateTime<Utc>) -> Result<Evaluation, ApiError> {
        let records = StatusRecords::from_rows(&self.rows(person_id));
        Ok(status::evaluate(
            policy_in_force(&self.policies, at)?,
            &records.view(),
            at,
        ))
    }
}

/// The policy in force at `at`, or a 422 that says none was.
fn policy_in_force(
    policies: &[status::Policy],
    at: DateTime<Utc>,
) -> Result<&status::Policy, ApiError> {
    status::policy_in_force(policies, at).ok_or_else(|| {
        ApiError::unprocessable(
            "no_policy_in_force",
            format!(
                "No status policy was in force on {}; the first one starts later.",
                local_date(at)
            ),
        )
    })
}

fn load_policies(conn: &mut DbConnection) -> Result<Vec<status::Policy>, ApiError> {
    reference::policies(conn)?
        .iter()
        .map(|row| row.to_policy())
        .collect()
}

/// The colour of person `person_id` at `at`, from their current records.
pub fn evaluate_person(
    conn: &mut DbConnection,
    person_id: i64,
    at: DateTime<Utc>,
) -> Result<Evaluation, ApiError> {
    StatusInputs::load(conn, person_id)?.evaluate(at)
}
