//! The OpenAPI document: the paths are collected from the handlers as they
//! are registered, so the document cannot drift from the code; this module
//! adds the title, the security scheme and the tags.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "antoan API",
        description = "Ho Chi Minh City's COVID-19 QR check-in and health-status service: \
            personal QR codes in the national format with a signed offline window, \
            organizations and their checkpoints, scans, visits and health records. \
            Errors are RFC 9457 problem details with a stable `code`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    // The records of an import travel as NDJSON or CSV lines, not as a JSON
    // body, so no operation names them: they are listed here.
    components(schemas(
        crate::routes::integrations::VaccinationRecord,
        crate::routes::integrations::TestResultRecord
    )),
    tags(
        (name = "auth", description = "Logging in and out"),
        (name = "accounts", description = "Officer and organization accounts"),
        (name = "reference", description = "Districts, wards, vaccines and status policies"),
        (name = "people", description = "People who hold personal QR codes"),
        (name = "health", description = "Health records and the status they give"),
        (name = "qr", description = "Personal QR codes, their keys and their verification"),
        (name = "organizations", description = "Organizations, checkpoints and location codes"),
        (name = "scans", description = "Scans at checkpoints and the visits they record"),
        (name = "contacts", description = "Contact queries of health officers"),
        (name = "assessments", description = "Criteria sets and organizations' self-assessments"),
        (name = "corrections", description = "Correction requests for vaccination and recovery data, with their history"),
        (name = "integrations", description = "API keys for other systems, and imports of doses and test results"),
        (name = "wards", description = "Ward office work in bulk: residents from a CSV file, printed QR cards"),
        (name = "registrations", description = "Registration by SMS for people without a smartphone, and card links"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("The access token from `POST /api/v1/auth/login`."))
                    .build(),
            ),
        );
    }
}

/// The whole document, as the server serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::routes::configure))
        .split_for_parts();
    let mut api = api;
    problems_everywhere(&mut api);
    api
}

/// What every operation may answer besides its own responses, as the
/// server really answers (schemathesis found each of these missing): error
/// bodies are `application/problem+json`; parameters that do not parse are
/// 400; a body is refused as too large (413) or not JSON (415); and any
/// operation answers 503 while the database is out of reach.
fn problems_everywhere(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses.responses;
            for (status, response) in responses.iter_mut() {
                if let RefOr::T(response) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                    && let Some(content) = response.content.shift_remove("application/json")
                {
                    response.content.insert(PROBLEM_JSON.to_owned(), content);
                }
            }
            if operation
                .parameters
                .as_ref()
                .is_some_and(|parameters| !parameters.is_empty())
            {
                responses
                    .entry("400".to_owned())
                    .or_insert_with(|| problem("The path or query parameters cannot be read"));
            }
            if operation.request_body.is_some() {
                responses
                    .entry("413".to_owned())
                    .or_insert_with(|| problem("The body is too large"));
                responses
                    .entry("415".to_owned())
                    .or_insert_with(|| problem("The body is not JSON"));
            }
            responses.entry("503".to_owned()).or_insert_with(|| {
                problem("The database is out of reach; try again after Retry-After seconds")
            });
        }
    }
}

const PROBLEM_JSON: &str = "application/problem+json";

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&document())?;
    text.push('\n');
    Ok(text)
}
