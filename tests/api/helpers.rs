//! Each test gets its own server on a random port and its own fresh
//! database: a SQLite file, or a new PostgreSQL database on the server of
//! `TEST_DATABASE_URL` when that is set.

use std::time::Duration;

use awc::http::StatusCode;
use diesel::{Connection, PgConnection, RunQueryDsl};
use samkjop::clock::TestClock;
use samkjop::config::Config;
use samkjop::db::{outbox, Db};
use samkjop::email::{pump_once, Mailer, PumpReport};
use samkjop::jobs::{self, run_once};
use samkjop::startup::Application;
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "drift@samkjop.no";
pub const ADMIN_PASSWORD: &str = "admin-passord-123";
pub const PASSWORD: &str = "hemmelig-passord-1";
pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";

#[allow(dead_code)] // fields and helpers used by some feature modules only
pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    pub database_url: String,
    /// The application's clock: move it instead of sleeping.
    pub clock: TestClock,
    /// The configuration the app was built with, its public URL settled.
    pub config: Config,
    server: Option<Running>,
    sqlite_dir: Option<std::path::PathBuf>,
    data_dir: std::path::PathBuf,
}

struct Running {
    handle: actix_web::dev::ServerHandle,
    task: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub content_type: String,
    pub headers: awc::http::header::HeaderMap,
}

impl Reply {
    /// The answer's header `name`, or "" when it has none.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The problem document's `code`, for error answers.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

/// A valid organisation number (MOD11, procurement-rules.md §8): the first
/// from `prefix` (eight digits) upwards that has a check digit.
pub fn org_number(prefix: u32) -> String {
    (prefix..)
        .find_map(|base| samkjop::domain::OrgNumber::completing(&format!("{base:08}")))
        .map(|n| n.as_str().to_string())
        .expect("one in eleven has no check digit, so one of the next few has")
}

pub fn fresh_database_url() -> (String, Option<std::path::PathBuf>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => (fresh_postgres_database(&server), None),
        _ => {
            let name = format!("samkjop_test_{}", uuid::Uuid::new_v4().simple());
            let dir = std::env::temp_dir().join(name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            (
                format!("sqlite://{}", dir.join("test.sqlite").display()),
                Some(dir),
            )
        }
    }
}

/// A new, empty database on the PostgreSQL server of `server` (a URL with
/// any database path); its URL keeps the server URL's parameters, such as
/// `sslmode`.
pub fn fresh_postgres_database(server: &str) -> String {
    let name = format!("samkjop_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(server).expect("the test PostgreSQL must be reachable");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create test database");
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server, String::new()),
    };
    let base = &base[..base
        .rfind('/')
        .expect("a PostgreSQL URL needs a database path")];
    format!("{base}/{name}{query}")
}

/// The server closes a connection idle for its keep-alive (actix-web's
/// default, 5 s); awc would keep it 15 s and send the next request down a
/// closed socket (`Connect(Disconnected)`) after a test pauses longer, e.g.
/// while the Schematron checks a notice. So the client drops it first.
fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(120))
        .connector(awc::Connector::new().conn_keep_alive(Duration::from_secs(2)))
        .finish()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| None).await
}

/// With extra settings on top of the test defaults.
pub async fn spawn_app_with(extra: impl Fn(&str) -> Option<String>) -> TestApp {
    let (database_url, sqlite_dir) = fresh_database_url();
    spawn_app_on(database_url, sqlite_dir, extra).await
}

/// A second instance of the application on the database of `first`, as two
/// instances behind one load balancer share one PostgreSQL database.
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    spawn_app_on(first.database_url.clone(), None, |_| None).await
}

async fn spawn_app_on(
    database_url: String,
    sqlite_dir: Option<std::path::PathBuf>,
    extra: impl Fn(&str) -> Option<String>,
) -> TestApp {
    // RUST_LOG=debug cargo test shows the server's log with the failing test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "error".into()),
        )
        .with_test_writer()
        .try_init();
    let url = database_url.clone();
    // Mail written as files when no SMTP server is set lands in the test's own folder.
    let data_dir =
        std::env::temp_dir().join(format!("samkjop_data_{}", uuid::Uuid::new_v4().simple()));
    let data_dir_text = data_dir.display().to_string();
    let config = Config::defaults_with(|k| {
        extra(k).or_else(|| {
            match k {
                "DATABASE_URL" => Some(url.as_str()),
                "SAMKJOP_BIND" => Some("127.0.0.1:0"),
                "SAMKJOP_ADMIN_EMAIL" => Some(ADMIN_EMAIL),
                "SAMKJOP_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD),
                "SAMKJOP_JWT_SECRET" => Some(JWT_SECRET),
                "SAMKJOP_DB_POOL_SIZE" => Some("4"),
                // Scenarios log in and register many users from one address;
                // the throttles have their own tests (throttling.rs).
                "SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS" => Some("10000"),
                "SAMKJOP_REGISTRATIONS_PER_HOUR_PER_ADDRESS" => Some("10000"),
                "SAMKJOP_DATA_DIR" => Some(data_dir_text.as_str()),
                _ => None,
            }
            .map(String::from)
        })
    })
    .expect("test configuration");
    let clock = TestClock::new();
    let app = Application::build_with(config.clone(), clock.clock(), jobs::registered)
        .await
        .expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let mut config = config;
    // As the app settles it: links in mail point at the port it bound.
    config.public_url = address.clone();
    let handle = app.handle();
    let task = actix_web::rt::spawn(app.run_until_stopped());
    let client = client();
    TestApp {
        address,
        client,
        database_url,
        clock,
        config,
        server: Some(Running { handle, task }),
        sqlite_dir,
        data_dir,
    }
}

/// How long a test waits for a condition before it fails.
const WAIT: Duration = Duration::from_secs(20);

#[allow(dead_code)]
impl TestApp {
    /// A client of a server running in another process.
    pub fn external(address: String, database_url: String) -> TestApp {
        let client = client();
        let data_dir =
            std::env::temp_dir().join(format!("samkjop_data_{}", uuid::Uuid::new_v4().simple()));
        let url = database_url.clone();
        let config = Config::defaults_with(|k| (k == "DATABASE_URL").then(|| url.clone()))
            .expect("test configuration");
        TestApp {
            address,
            client,
            database_url,
            clock: TestClock::new(),
            config,
            server: None,
            sqlite_dir: None,
            data_dir,
        }
    }

    /// A connection pool of the test's own to the app's database.
    pub fn db(&self) -> Db {
        Db::connect(&self.database_url, 2).expect("the test reaches the app's database")
    }

    /// Runs the registered job `name` now, by the app's clock, as a cron
    /// tick would; whether this run got the slot.
    pub async fn run_job(&self, name: &str) -> bool {
        let job = jobs::registered(&self.config)
            .into_iter()
            .find(|j| j.name == name)
            .unwrap_or_else(|| panic!("no job {name}"));
        run_once(&self.db(), &job, self.clock.now())
            .await
            .expect("the job runs")
    }

    /// Sends every message that is due by the app's clock and waits until
    /// none is in flight (claimed by a worker of this or another instance)
    /// or due; what this call itself sent and failed. After it, whatever
    /// the outbox held has been delivered or waits for a later retry.
    pub async fn drain_outbox(&self) -> PumpReport {
        let db = self.db();
        let mailer = Mailer::from_config(&self.config).expect("the mailer");
        let clock = self.clock.clock();
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut total = PumpReport::default();
        loop {
            let report = pump_once(&db, &mailer, &clock).await.expect("pumped");
            total.sent += report.sent;
            total.failed += report.failed;
            let now = samkjop::db::stamp(clock.now());
            let busy = db
                .read(move |c| {
                    Ok::<_, samkjop::db::DbError>(
                        outbox::list(c, None, 100_000, 0)?.into_iter().any(|m| {
                            m.sent_at.is_none()
                                && (m.claim_token.is_some() || m.next_attempt_at <= now)
                        }),
                    )
                })
                .await
                .expect("the outbox");
            if !busy {
                return total;
            }
            // Another worker holds a message; wait for it to be marked.
            crate::wait::again(deadline, || "the outbox did not drain".into()).await;
        }
    }

    /// Stops the server and its background work, waiting for a send in
    /// progress to be marked.
    pub async fn stop(&mut self) {
        if let Some(Running { handle, task }) = self.server.take() {
            handle.stop(true).await;
            let _ = task.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    async fn send(&self, req: awc::ClientRequest, body: Option<(&str, Vec<u8>)>) -> Reply {
        let sent = match body {
            Some((content_type, bytes)) => {
                req.insert_header(("content-type", content_type))
                    .send_body(bytes)
                    .await
            }
            None => req.send().await,
        };
        let mut res = sent.expect("the request reaches the server");
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = res
            .body()
            .limit(64 * 1024 * 1024)
            .await
            .expect("the body arrives");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        Reply {
            status,
            body,
            content_type,
            headers,
        }
    }

    fn request(
        &self,
        method: awc::http::Method,
        path: &str,
        token: Option<&str>,
    ) -> awc::ClientRequest {
        let req = self.client.request(method, self.url(path));
        match token {
            Some(t) => req.insert_header(("authorization", format!("Bearer {t}"))),
            None => req,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(self.request(awc::http::Method::GET, path, token), None)
            .await
    }

    /// A GET with `Accept-Language: accept_language`.
    pub async fn get_in(&self, accept_language: &str, path: &str, token: Option<&str>) -> Reply {
        let req = self
            .request(awc::http::Method::GET, path, token)
            .insert_header(("accept-language", accept_language));
        self.send(req, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.json(awc::http::Method::POST, path, token, body).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.json(awc::http::Method::PATCH, path, token, body).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.json(awc::http::Method::PUT, path, token, body).await
    }

    pub async fn json(
        &self,
        method: awc::http::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Reply {
        let bytes = serde_json::to_vec(&body).expect("serialisable");
        self.send(
            self.request(method, path, token),
            Some(("application/json", bytes)),
        )
        .await
    }

    pub async fn raw(
        &self,
        method: awc::http::Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        self.send(
            self.request(method, path, token),
            Some((content_type, body)),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/token",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login of {email}: {}", r.body);
        r.body["access_token"]
            .as_str()
            .expect("a token")
            .to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// A procurement office, as the operator registers it; returns its id.
    pub async fn create_office(&self, admin: &str, name: &str, org_number: &str) -> String {
        let r = self
            .post(
                "/api/v1/organizations",
                Some(admin),
                json!({"kind": "procurement_office", "name": name, "org_number": org_number}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_str().expect("id").to_string()
    }

    /// The newest email to `to` as it was written to the outbox: (subject, text).
    pub async fn last_mail_to(&self, to: &str) -> Option<(String, String)> {
        let to = to.to_lowercase();
        self.db()
            .read(move |c| {
                Ok::<_, samkjop::db::DbError>(
                    outbox::list(c, None, 100_000, 0)?
                        .into_iter()
                        .find(|m| m.to_address == to)
                        .map(|m| (m.subject, m.body_text)),
                )
            })
            .await
            .expect("the outbox")
    }

    /// The path of the confirmation link in the newest email to `to` that has one.
    pub async fn confirmation_link_to(&self, to: &str) -> String {
        let to = to.to_lowercase();
        let wanted = to.clone();
        let text = self
            .db()
            .read(move |c| {
                Ok::<_, samkjop::db::DbError>(
                    outbox::list(c, None, 100_000, 0)?
                        .into_iter()
                        .find(|m| m.to_address == wanted && m.body_text.contains("/confirm/"))
                        .map(|m| m.body_text),
                )
            })
            .await
            .expect("the outbox")
            .unwrap_or_else(|| panic!("no confirmation link was emailed to {to}"));
        let start = text.find("/confirm/").expect("a link");
        let end = text[start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| start + e);
        text[start..end].to_string()
    }

    /// Opens the confirmation link emailed to `to` as its reader does: the
    /// page (which must show the button and change nothing), then the button.
    /// Answers the page the button leads to.
    pub async fn confirm_link_sent_to(&self, to: &str) -> Reply {
        let path = self.confirmation_link_to(to).await;
        let page = self.get(&path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body
                .as_str()
                .unwrap_or("")
                .contains("Bekreft</button>"),
            "the page shows the button: {}",
            page.body
        );
        self.raw(
            awc::http::Method::POST,
            &path,
            None,
            "application/x-www-form-urlencoded",
            Vec::new(),
        )
        .await
    }

    /// Registers a supplier as its person does: sends the registration,
    /// confirms by the link in the email it gets, and, for a number the
    /// register holds without an address, has the operator approve; then
    /// logs in. Answers the supplier's token.
    pub async fn register_supplier(&self, registration: Value) -> String {
        let email = registration["email"]
            .as_str()
            .expect("an email")
            .to_string();
        let password = registration["password"]
            .as_str()
            .expect("a password")
            .to_string();
        let r = self.post("/api/v1/suppliers", None, registration).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        assert_eq!(r.code(), "confirmation_required");
        let done = self.confirm_link_sent_to(&email).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let html = done.body.as_str().unwrap_or("").to_string();
        if html.contains("driftsoperatøren må godkjenne") {
            let admin = self.admin_token().await;
            let pending = self.get("/api/v1/admin/registrations", Some(&admin)).await;
            let id = pending
                .body
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["email"] == email.to_lowercase())
                .and_then(|p| p["id"].as_str())
                .unwrap_or_else(|| panic!("{email} waits for the operator: {}", pending.body))
                .to_string();
            let approved = self
                .post(
                    &format!("/api/v1/admin/registrations/{id}/approve"),
                    Some(&admin),
                    json!({}),
                )
                .await;
            assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        } else {
            assert!(html.contains("Registreringen er bekreftet"), "{html}");
        }
        self.login(&email, &password).await
    }

    /// The supplier's profile as it reads it.
    pub async fn my_supplier_profile(&self, token: &str) -> Value {
        let me = self.get("/api/v1/suppliers/me", Some(token)).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        me.body
    }

    /// Creates a user and logs in as it.
    pub async fn user_token(
        &self,
        admin: &str,
        email: &str,
        role: &str,
        org: Option<&str>,
        municipality: Option<&str>,
    ) -> String {
        let r = self
            .post(
                "/api/v1/users",
                Some(admin),
                json!({"email": email, "password": PASSWORD, "role": role, "organization_id": org, "municipality": municipality}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        self.login(email, PASSWORD).await
    }
}
