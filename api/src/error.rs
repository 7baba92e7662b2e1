//! The API's one error type and its one body: RFC 9457 problem details with
//! a stable snake_case `code`, and the failing fields for validation errors.
//! A client error is never a 500; an unknown failure is logged with its
//! cause and answered with an opaque 500.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The request field, dotted for nested fields (`person.birth_date`).
    pub field: String,
    /// A stable snake_case code for the failure (`invalid_cccd`, `required`).
    pub code: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The error body of every 4xx and 5xx answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type: `/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this occurrence, in words a person can act on.
    pub detail: String,
    /// A stable snake_case code; clients branch on it, never on `detail`.
    pub code: String,
    /// The failing fields, for validation errors; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every way a request can fail.
///
/// `Display` and `Debug` show only the code (and, for server-side failures,
/// the cause): the request logger prints errors, and a detail may echo what
/// someone typed, such as a name.
pub enum ApiError {
    /// The request body or parameters break the API's rules (422).
    Validation(Vec<FieldError>),
    /// The request cannot be read at all (400).
    BadRequest { code: &'static str, detail: String },
    /// No or no valid credentials (401).
    Unauthenticated(&'static str),
    /// The username or password is wrong (401).
    InvalidCredentials,
    /// Authenticated, but the role may not do this (403).
    Forbidden(&'static str),
    /// The thing does not exist or is not visible to the caller (404).
    NotFound(&'static str),
    /// No endpoint at this path (404).
    NoSuchRoute,
    /// The path is an endpoint, but not for this method; holds the methods it takes (405).
    MethodNotAllowed(Vec<&'static str>),
    /// The request collides with existing data (409).
    Conflict { code: &'static str, detail: String },
    /// Well-formed, but the domain refuses it (422).
    Unprocessable { code: &'static str, detail: String },
    /// Too many requests of this kind; try again after `retry_after` seconds (429).
    TooManyRequests {
        code: &'static str,
        detail: String,
        retry_after: u64,
    },
    /// The body is not JSON (415).
    UnsupportedMediaType,
    /// The body is larger than the API accepts (413).
    PayloadTooLarge,
    /// The database cannot be reached or the pool is exhausted (503).
    Unavailable(String),
    /// Anything else; the cause is logged, never shown (500).
    Internal(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Internal(cause) | Self::Unavailable(cause) => {
                write!(f, "ApiError({}: {cause})", self.code())
            }
            _ => write!(f, "ApiError({})", self.code()),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            detail: detail.into(),
        }
    }

    /// A validation error of a single field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The whole story for an operator at a terminal, cause included; never
    /// for a response body.
    pub fn for_operator(&self) -> String {
        match self {
            Self::Internal(cause) | Self::Unavailable(cause) => cause.clone(),
            _ => self.detail(),
        }
    }

    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unprocessable { code, .. }
            | Self::TooManyRequests { code, .. } => code,
            Self::Unauthenticated(_) => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::NoSuchRoute => "no_such_route",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::Validation(_) => "The request has invalid fields",
            Self::BadRequest { .. } => "The request cannot be read",
            Self::Unauthenticated(_) | Self::InvalidCredentials => "Authentication required",
            Self::Forbidden(_) => "Not allowed",
            Self::NotFound(_) | Self::NoSuchRoute => "Not found",
            Self::MethodNotAllowed(_) => "Method not allowed",
            Self::Conflict { .. } => "Conflict with existing data",
            Self::Unprocessable { .. } => "The request cannot be carried out",
            Self::PayloadTooLarge => "Request body too large",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::UnsupportedMediaType => "Unsupported media type",
            Self::Unavailable(_) => "Service unavailable",
            Self::Internal(_) => "Internal error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(fields) => match fields.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => format!("{} fields are invalid; see errors", fields.len()),
            },
            Self::Unauthenticated(detail) | Self::Forbidden(detail) => (*detail).to_owned(),
            Self::InvalidCredentials => "The username or password is wrong.".to_owned(),
            Self::NotFound(what) => format!("No {what} with this identifier is visible to you."),
            Self::NoSuchRoute => {
                "There is no endpoint at this path; the API is described at /docs/.".to_owned()
            }
            Self::MethodNotAllowed(allowed) => format!(
                "This path takes {} only; the API is described at /docs/.",
                allowed.join(", ")
            ),
            Self::PayloadTooLarge => "The request body is larger than the API accepts.".to_owned(),
            Self::UnsupportedMediaType => {
                "Send the body as JSON with the header Content-Type: application/json.".to_owned()
            }
            Self::Unavailable(_) => {
                "The service is temporarily unavailable; try again in a few seconds.".to_owned()
            }
            Self::Internal(_) => "Something went wrong on our side; it has been logged.".to_owned(),
            Self::BadRequest { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Unprocessable { detail, .. }
            | Self::TooManyRequests { detail, .. } => detail.clone(),
        }
    }

    /// The body of this error.
    pub fn problem(&self) -> Problem {
        let code = self.code();
        Problem {
            kind: format!("/problems/{code}"),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: code.to_owned(),
            errors: match self {
                Self::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::NoSuchRoute => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(error.cause = %cause, "request.failed"),
            Self::Unavailable(cause) => tracing::warn!(error.cause = %cause, "request.unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        if let Self::TooManyRequests { retry_after, .. } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.max(&1).to_string())
        {
            response.insert_header((header::RETRY_AFTER, value));
        }
        if let Self::MethodNotAllowed(allowed) = self
            && let Ok(value) = HeaderValue::from_str(&allowed.join(", "))
        {
            response.insert_header((header::ALLOW, value));
        }
        if matches!(self, Self::Unauthenticated(_) | Self::InvalidCredentials) {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(self.problem())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &err {
            Error::NotFound => Self::NotFound("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::conflict(
                "already_exists",
                "A record with these values already exists.",
            ),
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::Unavailable(err.to_string()),
            // SQLite's busy timeout ran out behind another writer: a moment
            // of overload, which a retry outlives.
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info.message().contains("database is locked") =>
            {
                Self::Unavailable(err.to_string())
            }
            _ => Self::Internal(format!("database: {err}")),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        Self::Unavailable(format!("database pool: {err}"))
    }
}

/// Collects field errors so a request reports all its bad fields at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Keeps the value of `result`, or records its error against `field`.
    pub fn check<T, E: FieldProblem>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.push(field, err.code(), err.to_string());
                None
            }
        }
    }

    /// Adds the errors of the `validator` derive, prefixed with `prefix`.
    pub fn extend_validator(&mut self, prefix: &str, errors: &validator::ValidationErrors) {
        for (field, kind) in errors.errors() {
            let name = if prefix.is_empty() {
                field.to_string()
            } else {
                format!("{prefix}.{field}")
            };
            match kind {
                validator::ValidationErrorsKind::Field(list) => {
                    for error in list {
                        let message = error
                            .message
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_else(|| format!("{name} is invalid ({})", error.code));
                        self.push(&name, &error.code, message);
                    }
                }
                validator::ValidationErrorsKind::Struct(inner) => {
                    self.extend_validator(&name, inner);
                }
                validator::ValidationErrorsKind::List(items) => {
                    for (index, inner) in items {
                        self.extend_validator(&format!("{name}.{index}"), inner);
                    }
                }
            }
        }
    }

    /// The failures found, for reports that list them per row.
    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing failed, else one validation error with every field.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// A domain error that can be reported against a request field.
pub trait FieldProblem: std::fmt::Display {
    fn code(&self) -> &'static str;
}

/// Validates a request with its `validator` rules into the API's error.
pub fn validate(request: &impl validator::Validate) -> Result<(), ApiError> {
    let mut errors = FieldErrors::new();
    if let Err(found) = request.validate() {
        errors.extend_validator("", &found);
    }
    errors.finish()
}

impl FieldProblem for crate::domain::identity::IdentityError {
    fn code(&self) -> &'static str {
        crate::domain::identity::IdentityError::code(self)
    }
}

impl FieldProblem for crate::domain::name::NameError {
    fn code(&self) -> &'static str {
        crate::domain::name::NameError::code(self)
    }
}
