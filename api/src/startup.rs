//! Putting the service together: open the database, migrate, seed the
//! reference data, load the keys and the token secret, and build the
//! actix-web application that serves the API, its document and the web UI.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use rand::RngCore;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{Role, TokenIssuer};
use crate::batch::Batcher;
use crate::config::{Mode, Settings};
use crate::db::{self, Db, accounts};
use crate::error::ApiError;
use crate::limits::{LoginLimiter, RegistrationLimiter};
use crate::qr::keys::{self, KeyRing};
use crate::route_table::RouteTable;
use crate::state::AppState;

/// Why the service could not start, in words for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Keys(#[from] keys::KeyError),
    #[error("OpenAPI document: {0}")]
    Document(String),
    #[error("token secret: {0}")]
    Secret(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Opens and prepares everything a request needs.
pub fn prepare_state(settings: Settings) -> Result<AppState, StartupError> {
    let db = Db::connect(
        &settings.database_url,
        settings.pool_size,
        settings.pool_timeout,
    )
    .map_err(StartupError::Database)?;
    {
        let mut conn = db
            .get()
            .map_err(|err| StartupError::Database(err.for_operator()))?;
        let applied =
            db::migrate(&mut conn).map_err(|err| StartupError::Database(err.for_operator()))?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), backend = db.backend(), "db.migrated");
        }
        db::reference::seed(&mut conn).map_err(|err| StartupError::Database(err.for_operator()))?;
        tracing::info!(backend = db.backend(), "db.reference_data_loaded");
    }
    let development = settings.mode == Mode::Development;
    let keys = KeyRing::load(&settings.keys_dir, development)?;
    let secret = token_secret(&settings)?;
    let tokens = TokenIssuer::new(&secret, settings.access_token_ttl);
    let login_limiter = LoginLimiter::new(settings.login_limits);
    let registration_limiter = RegistrationLimiter::new(
        settings.registration_refusals_per_address,
        std::time::Duration::from_secs(3600),
    );
    let scans = Batcher::start(
        "scan-writer",
        db.clone(),
        settings.scan_writers,
        crate::routes::scans::record_scans,
    )
    .map_err(|err| StartupError::Database(format!("cannot start the scan writers: {err}")))?;
    Ok(AppState {
        db,
        scans,
        tokens,
        keys,
        settings,
        login_limiter,
        registration_limiter,
    })
}

/// The token secret from the environment, or in development from
/// `<data_dir>/token-secret`, created with mode 0600 on first start.
fn token_secret(settings: &Settings) -> Result<Vec<u8>, StartupError> {
    if let Some(secret) = &settings.token_secret {
        return Ok(secret.expose().as_bytes().to_vec());
    }
    let path = settings.data_dir.join("token-secret");
    read_or_create_secret(&path)
        .map_err(|err| StartupError::Secret(format!("{}: {err}", path.display())))
}

fn read_or_create_secret(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().as_bytes().to_vec()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                keys::create_private_dir(dir)?;
            }
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let text = hex::encode(bytes);
            keys::write_private_file(path, text.as_bytes())?;
            Ok(text.into_bytes())
        }
        Err(err) => Err(err),
    }
}

/// The application: the API under `/api/v1`, its document and viewer, and
/// the built web UI when there is one.
pub fn build_app(
    state: web::Data<AppState>,
    document: web::Data<String>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let web_ui = state.settings.web_ui_dir.clone();
    let state_body_limit = state.settings.max_body_bytes;
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi())
        .app_data(state)
        .app_data(document)
        .app_data(
            web::JsonConfig::default()
                .limit(crate::routes::JSON_LIMIT)
                .error_handler(crate::routes::json_error),
        )
        .app_data(web::PayloadConfig::default().limit(crate::routes::JSON_LIMIT))
        .app_data(web::QueryConfig::default().error_handler(crate::routes::query_error))
        .app_data(web::PathConfig::default().error_handler(crate::routes::path_error))
        // Before the API scope, which would otherwise answer 404 for it.
        .map(|app| app.route("/api/v1/openapi.json", web::get().to(openapi_json)))
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::routes::configure))
        .split_for_parts();
    let routes = web::Data::new(RouteTable::from_document(&api));

    let max_body = state_body_limit;
    let mut app = app
        .app_data(routes)
        .wrap(actix_web::middleware::from_fn(move |req, next| {
            limit_declared_body(max_body, req, next)
        }))
        .wrap(TracingLogger::default())
        .route("/docs", web::get().to(to_the_docs))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", Default::default()))
        .route("/healthz", web::get().to(healthz))
        .service(web::scope("/api").default_service(web::to(not_found)));
    if web_ui.join("index.html").is_file() {
        let index = web_ui.join("index.html");
        app = app.service(
            actix_files::Files::new("/", web_ui)
                .index_file("index.html")
                .default_handler(web::to(move |req: HttpRequest| {
                    let index = index.clone();
                    async move {
                        actix_files::NamedFile::open_async(index)
                            .await
                            .map(|file| file.into_response(&req))
                    }
                })),
        );
    }
    app.default_service(web::to(not_found))
}

/// Refuses a body whose declared length is over `limit` before any handler
/// reads it: JSON bodies have their own lower limit, and this one holds for
/// every route, including those that read no body at all.
async fn limit_declared_body(
    limit: usize,
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::PayloadTooLarge.into());
    }
    next.call(req).await
}

async fn openapi_json(document: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.get_ref().clone())
}

/// `/docs` without its slash would fall through to the web UI.
async fn to_the_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}

async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.run(db::ping).await?;
    Ok(HttpResponse::Ok().content_type("text/plain").body("ok"))
}

/// A 405 naming the accepted methods when the path is an API route, else a 404.
async fn not_found(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    match routes.allowed(req.path()) {
        Some(allowed) => Err(ApiError::MethodNotAllowed(allowed)),
        None => Err(ApiError::NoSuchRoute),
    }
}

/// A running server and where it listens.
pub struct Application {
    pub server: Server,
    pub addr: SocketAddr,
    /// True while no city administrator exists: start-up says how to make one.
    pub needs_admin: bool,
    pub state: web::Data<AppState>,
}

impl Application {
    /// Prepares the state and binds the listener; port 0 picks a free port.
    pub fn build(settings: Settings) -> Result<Self, StartupError> {
        let listen = settings.listen;
        let listener = TcpListener::bind(listen).map_err(|source| StartupError::Listen {
            addr: listen,
            source,
        })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartupError::Listen {
                addr: listen,
                source,
            })?;
        let mut settings = settings;
        if settings.public_url.ends_with(":0") {
            settings.public_url = format!("http://{addr}");
        }
        let state = web::Data::new(prepare_state(settings)?);
        let needs_admin = has_no_admin(&state);
        let document = web::Data::new(
            crate::openapi::document_json()
                .map_err(|err| StartupError::Document(err.to_string()))?,
        );
        let workers = state.settings.workers;
        let shared = state.clone();
        let mut server = HttpServer::new(move || build_app(shared.clone(), document.clone()));
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        let server = server
            .listen(listener)
            .map_err(|source| StartupError::Listen { addr, source })?
            .run();
        Ok(Self {
            server,
            addr,
            needs_admin,
            state,
        })
    }
}

fn has_no_admin(state: &AppState) -> bool {
    let count = state
        .db
        .get()
        .and_then(|mut conn| accounts::count_with_role(&mut conn, Role::CityAdmin));
    matches!(count, Ok(0))
}
