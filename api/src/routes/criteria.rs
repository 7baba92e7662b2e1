//! Criteria sets and self-assessment: anyone reads the sets, the city adds
//! sets and new versions of them as data, an organization submits its
//! answers and gets its score, band, whether it may operate and what to do,
//! and its history is kept.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::accounts::visible_organization;
use super::fields;
use crate::auth::{Principal, Role};
use crate::db::{self, criteria};
use crate::domain::criteria::{Answer, Definition, Outcome, score};
use crate::error::{ApiError, FieldError, FieldErrors, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_criteria_sets)
        .service(get_criteria_set)
        .service(create_criteria_set)
        .service(submit_assessment)
        .service(list_assessments);
}

/// A criteria set without its criteria.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaSetSummary {
    pub id: String,
    /// Stable across versions, e.g. `hcmc-2020-enterprise-risk`.
    pub code: String,
    pub version: String,
    /// The kind of organization it applies to, e.g. `enterprise`, `food_retail`.
    pub organization_kind: String,
    pub title: String,
    pub source: String,
    /// `risk` (more points, more risk) or `safety` (more points, safer).
    pub direction: String,
    /// True for the newest version of its code.
    pub current: bool,
    /// Which parts are approximations of the published set.
    pub approximations: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A criteria set with everything needed to answer and score it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaSetView {
    #[serde(flatten)]
    pub summary: CriteriaSetSummary,
    /// Criteria, bands and knock-out rules, as `POST /criteria-sets` takes them.
    #[schema(value_type = Object)]
    pub definition: Definition,
}

fn summary(
    set: &criteria::CriteriaSet,
    definition: &Definition,
    current: bool,
) -> CriteriaSetSummary {
    CriteriaSetSummary {
        id: set.public_id.clone(),
        code: set.code.clone(),
        version: set.version.clone(),
        organization_kind: set.organization_kind.clone(),
        title: set.title.clone(),
        source: set.source.clone(),
        direction: set.direction.clone(),
        current,
        approximations: definition.approximations.clone(),
        created_at: super::utc(set.created_at),
    }
}

/// True when `set` is the newest version of its code among `all`.
fn is_current(set: &criteria::CriteriaSet, all: &[criteria::CriteriaSet]) -> bool {
    all.iter()
        .filter(|other| other.code == set.code)
        .all(|other| other.id <= set.id)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CriteriaSetQuery {
    /// Only the sets of this kind of organization.
    pub organization_kind: Option<String>,
}

/// List criteria sets (public).
#[utoipa::path(
    tag = "assessments",
    operation_id = "listCriteriaSets",
    params(CriteriaSetQuery),
    security(()),
    responses(
        (status = 200, description = "Every set and version", body = Vec<CriteriaSetSummary>),
        (status = 400, description = "Bad query", body = Problem),
    )
)]
#[get("/criteria-sets")]
pub async fn list_criteria_sets(
    state: web::Data<AppState>,
    query: web::Query<CriteriaSetQuery>,
) -> Result<web::Json<Vec<CriteriaSetSummary>>, ApiError> {
    let kind = query.organization_kind.clone();
    let views = state
        .db
        .run(move |conn| {
            let all = criteria::list(conn, None)?;
            all.iter()
                .filter(|set| {
                    kind.as_ref()
                        .is_none_or(|kind| &set.organization_kind == kind)
                })
                .map(|set| Ok(summary(set, &set.definition()?, is_current(set, &all))))
                .collect()
        })
        .await?;
    Ok(web::Json(views))
}

/// Read a criteria set with its criteria, bands and knock-out rules (public).
#[utoipa::path(
    tag = "assessments",
    operation_id = "getCriteriaSet",
    params(("id" = String, Path, description = "The criteria set's id")),
    security(()),
    responses(
        (status = 200, description = "The set", body = CriteriaSetView),
        (status = 404, description = "No such set", body = Problem),
    )
)]
#[get("/criteria-sets/{id}")]
pub async fn get_criteria_set(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<CriteriaSetView>, ApiError> {
    let public_id = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let set = criteria::by_public_id(conn, &public_id)?
                .ok_or(ApiError::NotFound("criteria set"))?;
            let all = criteria::list(conn, None)?;
            let definition = set.definition()?;
            Ok(CriteriaSetView {
                summary: summary(&set, &definition, is_current(&set, &all)),
                definition,
            })
        })
        .await?;
    Ok(web::Json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CriteriaSetInput {
    /// A new code, or an existing one to add a version of it.
    pub code: String,
    pub version: String,
    pub organization_kind: String,
    pub title: String,
    /// Where the set comes from: the decision, its date, what was summarised.
    pub source: String,
    /// `direction`, `criteria` (each with graded `options` worth `points`,
    /// ranged by `min`/`below` for measured values), `bands` (lowest first,
    /// each but the last with `up_to`), `knock_outs` and `approximations`.
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
}

/// Add a criteria set or a new version of one (the city administrator).
#[utoipa::path(
    tag = "assessments",
    operation_id = "createCriteriaSet",
    request_body = CriteriaSetInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = CriteriaSetView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not the city administrator", body = Problem),
        (status = 409, description = "This code already has this version", body = Problem),
        (status = 422, description = "Invalid fields or definition", body = Problem),
    )
)]
#[post("/criteria-sets")]
pub async fn create_criteria_set(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<CriteriaSetInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::CityAdmin])?;
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let code = fields::required(&input.code, "code", 80, &mut errors);
    if !code
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errors.push(
            "code",
            "invalid_code",
            "a code is lower-case letters, digits and dashes",
        );
    }
    let version = fields::required(&input.version, "version", 40, &mut errors);
    let organization_kind = fields::required(
        &input.organization_kind,
        "organization_kind",
        50,
        &mut errors,
    );
    let title = fields::required(&input.title, "title", 200, &mut errors);
    let source = fields::required(&input.source, "source", 500, &mut errors);
    let definition = match serde_json::from_value::<Definition>(input.definition) {
        Ok(definition) => {
            if let Err(problems) = definition.check() {
                for problem in problems {
                    errors.push(
                        &format!("definition.{}", problem.place),
                        problem.code,
                        problem.message,
                    );
                }
            }
            Some(definition)
        }
        Err(err) => {
            errors.push("definition", "malformed_definition", err.to_string());
            None
        }
    };
    errors.finish()?;
    let definition = definition.ok_or_else(|| ApiError::internal("definition checked above"))?;
    let seed = criteria::SeedSet {
        code,
        version,
        organization_kind,
        title,
        source,
        definition,
    };

    let view = state
        .db
        .transaction(move |conn| {
            if criteria::by_code_version(conn, &seed.code, &seed.version)?.is_some() {
                return Err(criteria::duplicate_version());
            }
            let set = criteria::insert(conn, &seed.to_row()?)?;
            Ok(CriteriaSetView {
                summary: summary(&set, &seed.definition, true),
                definition: seed.definition,
            })
        })
        .await?;
    tracing::info!("criteria_set.created");
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentInput {
    /// The id of the criteria set (the version) answered.
    pub criteria_set_id: String,
    /// One answer per criterion key: an option's key, or a number for a
    /// measured criterion (a headcount, square metres per person).
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Answer>,
}

/// A submission and what it scored.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: String,
    pub criteria_set_id: String,
    pub criteria_set_code: String,
    pub criteria_set_version: String,
    pub score: u32,
    pub max_score: u32,
    /// The score as a percentage of the maximum.
    pub percent: f64,
    /// The band's level, e.g. `low` or `safe`.
    pub level: String,
    pub may_operate: bool,
    /// What to do: the band's action, then each knock-out's.
    pub actions: Vec<String>,
    /// The knock-out rules that fired.
    pub knocked_out_by: Vec<String>,
    /// The criteria that did worst.
    pub worst_criteria: Vec<String>,
    /// The points of each criterion.
    #[schema(value_type = Vec<Object>)]
    pub scores: Vec<crate::domain::criteria::CriterionScore>,
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Answer>,
    /// True for the organization's newest submission.
    pub current: bool,
    pub submitted_at: DateTime<Utc>,
}

pub fn assessment_view(
    assessment: &criteria::Assessment,
    set: &criteria::CriteriaSet,
) -> Result<AssessmentView, ApiError> {
    let unreadable =
        |err: serde_json::Error| ApiError::internal(format!("stored assessment: {err}"));
    let outcome: StoredOutcome = serde_json::from_str(&assessment.outcome).map_err(unreadable)?;
    Ok(AssessmentView {
        id: assessment.public_id.clone(),
        criteria_set_id: set.public_id.clone(),
        criteria_set_code: set.code.clone(),
        criteria_set_version: set.version.clone(),
        score: outcome.score,
        max_score: outcome.max_score,
        percent: outcome.percent,
        level: outcome.level,
        may_operate: outcome.may_operate,
        actions: outcome.actions,
        knocked_out_by: outcome.knocked_out_by,
        worst_criteria: outcome.worst_criteria,
        scores: outcome.scores,
        answers: serde_json::from_str(&assessment.answers).map_err(unreadable)?,
        current: assessment.current,
        submitted_at: super::utc(assessment.submitted_at),
    })
}

/// An outcome as stored beside its submission.
#[derive(Deserialize)]
struct StoredOutcome {
    score: u32,
    max_score: u32,
    percent: f64,
    level: String,
    may_operate: bool,
    actions: Vec<String>,
    knocked_out_by: Vec<String>,
    worst_criteria: Vec<String>,
    scores: Vec<crate::domain::criteria::CriterionScore>,
}

/// Submit a self-assessment (the organization's admin).
#[utoipa::path(
    tag = "assessments",
    operation_id = "submitAssessment",
    params(("id" = String, Path, description = "The organization's id")),
    request_body = AssessmentInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Scored and kept", body = AssessmentView),
        (status = 400, description = "The body cannot be read", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 403, description = "Not this organization's admin", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 422, description = "Unknown set, unknown criteria, or answers out of range", body = Problem),
    )
)]
#[post("/organizations/{id}/assessments")]
pub async fn submit_assessment(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<AssessmentInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::OrganizationAdmin])?;
    let public_id = path.into_inner();
    let input = body.into_inner();
    let view = state
        .db
        .transaction(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let set = criteria::by_public_id(conn, &input.criteria_set_id)?.ok_or_else(|| {
                ApiError::field(
                    "criteria_set_id",
                    "unknown_criteria_set",
                    "there is no criteria set with this id; see GET /api/v1/criteria-sets",
                )
            })?;
            let outcome: Outcome = score(&set.definition()?, &input.answers).map_err(|errors| {
                ApiError::Validation(
                    errors
                        .into_iter()
                        .map(|e| {
                            FieldError::new(format!("answers.{}", e.criterion), e.code, e.message)
                        })
                        .collect(),
                )
            })?;
            let assessment = criteria::submit(
                conn,
                &criteria::NewAssessment {
                    public_id: db::new_public_id(),
                    organization_id: organization.id,
                    criteria_set_id: set.id,
                    answers: to_json(&input.answers)?,
                    outcome: to_json(&outcome)?,
                    score: i32::try_from(outcome.score).unwrap_or(i32::MAX),
                    max_score: i32::try_from(outcome.max_score).unwrap_or(i32::MAX),
                    level: outcome.level.clone(),
                    may_operate: outcome.may_operate,
                    current: true,
                    submitted_by_account_id: Some(principal.account_id),
                    submitted_at: db::now(),
                },
            )?;
            assessment_view(&assessment, &set)
        })
        .await?;
    tracing::info!(
        assessment.level = %view.level,
        assessment.may_operate = view.may_operate,
        "assessment.submitted"
    );
    Ok(HttpResponse::Created().json(view))
}

/// What a submission stores, as JSON text.
fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value)
        .map_err(|err| ApiError::internal(format!("assessment serialization: {err}")))
}

/// An organization's self-assessments, newest first (its accounts, the
/// city, health officers).
#[utoipa::path(
    tag = "assessments",
    operation_id = "listAssessments",
    params(("id" = String, Path, description = "The organization's id"), super::PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of submissions", body = super::Page<AssessmentView>),
        (status = 400, description = "Bad query", body = Problem),
        (status = 401, description = "No valid access token", body = Problem),
        (status = 404, description = "No such organization visible to the caller", body = Problem),
        (status = 422, description = "Bad limit or cursor", body = Problem),
    )
)]
#[get("/organizations/{id}/assessments")]
pub async fn list_assessments(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<super::PageParams>,
) -> Result<web::Json<super::Page<AssessmentView>>, ApiError> {
    let limit = query.limit()?;
    let before = query
        .cursor
        .as_deref()
        .map(super::decode_cursor)
        .transpose()?;
    let public_id = path.into_inner();
    let page = state
        .db
        .run(move |conn| {
            let organization = visible_organization(conn, &principal, &public_id)?;
            let mut rows = criteria::history(conn, organization.id, before, limit + 1)?;
            let limit = usize::try_from(limit).unwrap_or(50);
            let next_cursor = if rows.len() > limit {
                rows.truncate(limit);
                rows.last()
                    .map(|a| super::encode_cursor(a.submitted_at, a.id))
            } else {
                None
            };
            let items = rows
                .iter()
                .map(|a| assessment_view(a, &criteria::set_of(conn, a)?))
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok(super::Page { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}
