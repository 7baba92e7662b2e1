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
    tags(
        (name = "auth", description = "Logging in and out"),
        (name = "accounts", description = "Officer and organization accounts"),
        (name = "reference", description = "Districts, wards, vaccines and status policies"),
        (name = "people", description = "People who hold personal QR codes"),
        (name = "health", description = "Health records and the status they give"),
        (name = "qr", description = "Personal QR codes, their keys and their verification"),
        (name = "organizations", description = "Organizations, checkpoints and location codes"),
        (name = "scans", description = "Scans at checkpoints and the visits they record"),
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
    api
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&document())?;
    text.push('\n');
    Ok(text)
}
