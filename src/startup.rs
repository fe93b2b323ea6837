//! Builds the application from a configuration; used by `main` and the tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, App, HttpMessage, HttpServer};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{self, openapi::ApiDoc, AppState};
use crate::auth::password;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, Db};
use crate::domain::{EmailAddress, ErrorCode, Role};
use crate::error::AppError;
use crate::jobs::{self, Background, JobSpec};
use crate::security_headers;
use crate::telemetry::AccessLog;
use crate::throttle::{LoginThrottle, RegistrationThrottle};

/// JSON bodies of the API are small; the CSV import sets its own limit.
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    background: Background,
}

/// Amounts past their EU period answer every question until someone adds
/// the new row: the operator hears of it at each start, not only the users.
fn warn_of_stale_thresholds(config: &Config, now: chrono::DateTime<chrono::Utc>) {
    let today = crate::domain::calendar::oslo_date(now);
    if let Some(row) = config.thresholds.stale_on(today) {
        // In English, as the rest of the log is.
        let warning = crate::domain::summary::stale_warning(row, today, crate::domain::Lang::En);
        tracing::warn!(
            valid_from = %row.valid_from,
            eu_period_end = %row.eu_period_end,
            "{}",
            warning.message
        );
    }
}

impl Application {
    /// Migrates, seeds, and binds; the server runs when awaited. The outbox
    /// worker and the scheduled jobs start here and stop with the server.
    /// The server runs on the system clock.
    pub async fn build(config: Config) -> Result<Application, String> {
        Application::build_with(config, Clock::system(), jobs::registered).await
    }

    /// `build` on another clock (a test's) and with other scheduled jobs
    /// than the registered ones; `jobs` gets the configuration as settled
    /// (signing secret, public URL).
    pub async fn build_with(
        mut config: Config,
        clock: Clock,
        jobs: impl FnOnce(&Config) -> Vec<JobSpec>,
    ) -> Result<Application, String> {
        config.ensure_signing_secret().map_err(|e| e.to_string())?;
        warn_of_stale_thresholds(&config, clock.now());
        let db = prepare_database(&config).await?;
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        // Links in emails must reach this server: with no public URL set, the
        // port actually bound replaces a requested port 0.
        if config.public_url == format!("http://{}", config.bind) {
            config.public_url = format!("http://{}:{port}", listener_host(&config.bind));
        }
        let keys = config.signing_keys();
        let background = Background::start(&db, &config, jobs(&config), &clock).await?;
        let state = web::Data::new(AppState {
            db,
            config: Arc::new(config),
            clock,
            standings: Default::default(),
            register: Default::default(),
            versions: Default::default(),
        });
        let keys = web::Data::new(keys);
        let throttle = web::Data::new(LoginThrottle::new(
            state.config.login_per_minute_per_address,
            state.config.login_per_minute_per_account,
        ));
        let registrations = web::Data::new(RegistrationThrottle::new(
            state.config.registrations_per_hour_per_address,
        ));
        let https = crate::config::is_https(&state.config.public_url);
        let server = HttpServer::new(move || {
            App::new()
                .wrap_fn(|req, srv| {
                    use actix_web::dev::Service;
                    let id = req.extensions().get::<RequestId>().map(|r| r.to_string());
                    let fut = srv.call(req);
                    async move {
                        let mut res = fut.await?;
                        if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                            res.headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), value);
                        }
                        Ok(res)
                    }
                })
                .wrap_fn(|req, srv| {
                    use actix_web::dev::Service;
                    let lang = api::lang::of_headers(req.headers());
                    let fut = srv.call(req);
                    async move { Ok(api::lang::problem_in(fut.await?, lang)) }
                })
                .wrap_fn(|req, srv| {
                    use actix_web::dev::Service;
                    let fut = srv.call(req);
                    async move {
                        let res = fut.await?;
                        api::problem_docs::check_code(&res);
                        Ok(res)
                    }
                })
                .wrap(TracingLogger::<AccessLog>::new())
                .wrap_fn(|mut req, srv| {
                    use actix_web::dev::Service;
                    // HEAD wherever GET works (RFC 9110 9.3.2): routed as GET;
                    // the HTTP layer, which saw HEAD, sends the headers and
                    // Content-Length without the body.
                    if req.method() == actix_web::http::Method::HEAD {
                        req.head_mut().method = actix_web::http::Method::GET;
                    }
                    srv.call(req)
                })
                .wrap_fn(move |req, srv| {
                    use actix_web::dev::Service;
                    let authorized = req
                        .headers()
                        .contains_key(actix_web::http::header::AUTHORIZATION);
                    let path = req.path().to_string();
                    let fut = srv.call(req);
                    async move {
                        // Handlers, extractors and the default service turn
                        // their errors into answers, so error answers pass
                        // here too (no layer inside fails with `Err` itself).
                        let mut res = fut.await?;
                        let asked = security_headers::Asked {
                            path: &path,
                            authorized,
                        };
                        security_headers::add(res.headers_mut(), &asked, https);
                        Ok(res)
                    }
                })
                .app_data(state.clone())
                .app_data(keys.clone())
                .app_data(throttle.clone())
                .app_data(registrations.clone())
                .app_data(web::PayloadConfig::new(JSON_LIMIT_BYTES))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    AppError::new(
                        ErrorCode::InvalidQuery,
                        format!("the query string is invalid: {e}"),
                    )
                    .into()
                }))
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    AppError::new(ErrorCode::InvalidPath, format!("the path is invalid: {e}"))
                        .into()
                }))
                .configure(api::routes)
                .configure(crate::web::routes)
                .service(
                    SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", ApiDoc::openapi()),
                )
                .service(web::redirect("/docs", "/docs/"))
                .default_service(web::to(unrouted))
        })
        .listen(listener)
        .map_err(|e| e.to_string())?
        .run();
        Ok(Application {
            port,
            server,
            background,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (and with it the background work) from outside.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Dropping this future (as a test's runtime does at its end) also
    /// stops the background work.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.background.stop().await;
        result
    }
}

/// Connects, applies pending migrations, seeds the municipalities and the
/// first admin.
pub async fn prepare_database(config: &Config) -> Result<Db, String> {
    let db = migrate_and_seed(config).await?;
    ensure_first_admin(&db, config).await?;
    Ok(db)
}

/// Connects, applies pending migrations and seeds the municipalities; no
/// account is made.
pub async fn migrate_and_seed(config: &Config) -> Result<Db, String> {
    let db = Db::connect(&config.database_url, config.pool_size)?;
    let migrator = db.clone();
    let applied = web::block(move || migrator.migrate())
        .await
        .map_err(|e| e.to_string())??;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let seeded = db
        .write(|c| Ok::<_, db::DbError>(db::municipalities::seed(c)?))
        .await
        .map_err(|e| e.to_string())?;
    if seeded > 0 {
        tracing::info!(seeded, "municipalities seeded from the 2024 reference data");
    }
    Ok(db)
}

async fn ensure_first_admin(db: &Db, config: &Config) -> Result<(), String> {
    let (Some(email), Some(pass)) = (config.admin_email.clone(), config.admin_password.clone())
    else {
        return Ok(());
    };
    let email =
        EmailAddress::parse(&email).map_err(|e| format!("SAMKJOP_ADMIN_EMAIL: {}", e.message))?;
    password::check_strength("password", &pass, &[email.as_str()])
        .map_err(|e| format!("SAMKJOP_ADMIN_PASSWORD: {}", e.detail))?;
    if db
        .read(db::users::admin_exists)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(());
    }
    let hash = web::block(move || password::hash(&pass))
        .await
        .map_err(|e| e.to_string())??;
    let user = db::users::User {
        id: db::new_id(),
        email: email.into_string(),
        password_hash: hash,
        role: Role::Admin,
        organization_id: None,
        municipality: None,
        supplier_id: None,
        created_at: db::now(),
    };
    let created = db
        .write(move |c| {
            // Another instance may have made it meanwhile.
            if db::users::admin_exists(c)? {
                return Ok(false);
            }
            crate::flows::accounts::insert_user(c, &user).map(|_| true)
        })
        .await;
    match created {
        Ok(true) => tracing::info!("first admin created from SAMKJOP_ADMIN_EMAIL"),
        Ok(false) => {}
        Err(e) => return Err(format!("cannot create the first admin: {e}")),
    }
    Ok(())
}

fn listener_host(bind: &str) -> &str {
    bind.rsplit_once(':').map_or("127.0.0.1", |(host, _)| host)
}

/// 405 with `Allow` for a documented path asked with another method, 404 otherwise.
async fn unrouted(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, AppError> {
    match crate::api::problem_docs::allowed_methods(req.path()) {
        Some(methods) => {
            let problem = AppError::new(
                ErrorCode::MethodNotAllowed,
                format!(
                    "{} is not allowed here; use {}",
                    req.method(),
                    methods.join(", ")
                ),
            );
            // Not an error of the handler: the language middleware does not see it.
            let lang = api::lang::of_headers(req.headers());
            let mut res = problem.response_in(lang);
            api::lang::mark(res.headers_mut(), lang);
            if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
                res.headers_mut()
                    .insert(actix_web::http::header::ALLOW, value);
            }
            Ok(res)
        }
        None => Err(AppError::not_found("this path")),
    }
}
