//! Safe to run on the internet: the server refuses to start exposed with the
//! development secret, every answer carries the security headers, the log
//! says who did what without a voting token or password in it, and the demo
//! never writes its published admin password beside real data.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, TestApp, JWT_SECRET};

/// The server binary with only `env` and a private data folder as its
/// settings (the test's own environment variables of Samkjøp are removed).
fn server(env: &[(&str, &str)], data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_samkjop"));
    cmd.arg("serve")
        .env(
            "SAMKJOP_CONFIG_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
        )
        .env("SAMKJOP_DATA_DIR", data_dir)
        .env("SAMKJOP_OUTBOX_INTERVAL_MS", "0")
        .env("RUST_LOG", "info");
    for name in [
        "SAMKJOP_ENV",
        "SAMKJOP_JWT_SECRET",
        "SAMKJOP_PUBLIC_URL",
        "SAMKJOP_BIND",
        "SAMKJOP_SMTP_URL",
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn temp(prefix: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{prefix}_{}", uuid::Uuid::new_v4().simple()))
}

/// The exit of a server that should refuse to start; one that starts
/// anyway is killed and fails the test.
fn refused(env: &[(&str, &str)]) -> String {
    let (database_url, sqlite_dir) = crate::helpers::fresh_database_url();
    let data_dir = temp("samkjop_refuse");
    let mut env = env.to_vec();
    env.push(("DATABASE_URL", &database_url));
    let mut child = server(&env, &data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started with {env:?}");
        }
        crate::wait::pause_blocking();
    };
    let output = child.wait_with_output().expect("its output");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(!status.success(), "{env:?}: {stderr}");
    assert!(
        !data_dir.join(".dev-jwt-secret").exists(),
        "no development secret is made for an exposed server"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
    if let Some(dir) = sqlite_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    stderr
}

#[test]
fn an_exposed_server_refuses_to_start_without_a_proper_secret() {
    let https = refused(&[
        ("SAMKJOP_BIND", "127.0.0.1:0"),
        ("SAMKJOP_PUBLIC_URL", "https://samkjop.example.no"),
    ]);
    assert!(
        https.contains("SAMKJOP_JWT_SECRET is required when SAMKJOP_PUBLIC_URL is https"),
        "{https}"
    );
    let everywhere = refused(&[("SAMKJOP_BIND", "0.0.0.0:0")]);
    assert!(
        everywhere
            .contains("SAMKJOP_JWT_SECRET is required when SAMKJOP_BIND is not a loopback address"),
        "{everywhere}"
    );
    let short = refused(&[("SAMKJOP_BIND", "127.0.0.1:0"), ("SAMKJOP_JWT_SECRET", "a")]);
    assert!(short.contains("at least 32 bytes"), "{short}");
}

/// A response's headers, as a browser gets them.
async fn headers_of(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> awc::http::header::HeaderMap {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    let res = req.send().await.expect("the server answers");
    res.headers().clone()
}

fn header<'a>(h: &'a awc::http::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[actix_web::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let api = headers_of(&app, "/api/v1/municipalities?county=46", Some(&admin)).await;
    let page = headers_of(&app, "/", None).await;
    let error = headers_of(&app, "/api/v1/nothing-here", None).await;
    let vote = headers_of(&app, "/vote/not-a-link", None).await;
    let docs = headers_of(&app, "/docs/", None).await;
    for (what, h) in [
        ("api", &api),
        ("page", &page),
        ("error", &error),
        ("vote", &vote),
        ("docs", &docs),
    ] {
        assert_eq!(header(h, "x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header(h, "referrer-policy"), "no-referrer", "{what}");
        assert!(
            header(h, "content-security-policy").contains("frame-ancestors 'none'"),
            "{what}"
        );
        assert_eq!(
            header(h, "strict-transport-security"),
            "",
            "{what}: http only"
        );
    }
    assert_eq!(
        header(&api, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(
        header(&error, "content-security-policy"),
        header(&api, "content-security-policy")
    );
    assert_eq!(
        header(&api, "cache-control"),
        "no-store",
        "an answer to a token holder"
    );
    assert!(
        header(&page, "content-security-policy").contains("style-src 'unsafe-inline'"),
        "the page keeps its own policy"
    );
    let docs_csp = header(&docs, "content-security-policy");
    assert!(docs_csp.contains("script-src 'self'"), "{docs_csp}");
    assert!(!docs_csp.contains("unsafe-eval"), "{docs_csp}");
}

#[actix_web::test]
async fn a_server_published_over_https_says_so_to_browsers() {
    let app = spawn_app_with(|k| {
        (k == "SAMKJOP_PUBLIC_URL").then(|| "https://samkjop.example.no".to_string())
    })
    .await;
    for path in ["/health/live", "/", "/api/v1/nothing-here"] {
        let h = headers_of(&app, path, None).await;
        assert_eq!(
            header(&h, "strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
    }
}

struct Running {
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The access log and the failed logins, read from the server's own log:
/// method, path, status, time and request id for each request; the account
/// of a failed login; never a voting token or a password.
#[actix_web::test]
async fn the_log_tells_who_did_what_without_tokens_or_passwords() {
    let (database_url, sqlite_dir) = crate::helpers::fresh_database_url();
    let data_dir = temp("samkjop_log");
    std::fs::create_dir_all(&data_dir).expect("the data folder");
    let log_path = data_dir.join("server.log");
    let port = crate::smtp_server::free_port();
    let bind = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(&log_path).expect("the log file");
    let running = Running {
        child: server(
            &[
                ("DATABASE_URL", &database_url),
                ("SAMKJOP_BIND", &bind),
                ("SAMKJOP_JWT_SECRET", JWT_SECRET),
                ("SAMKJOP_ADMIN_EMAIL", crate::helpers::ADMIN_EMAIL),
                ("SAMKJOP_ADMIN_PASSWORD", crate::helpers::ADMIN_PASSWORD),
            ],
            &data_dir,
        )
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the server binary starts"),
    };
    let app = TestApp::external(format!("http://{bind}"), database_url.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = app.client.get(app.url("/health/ready")).send().await {
            if res.status() == StatusCode::OK {
                break;
            }
        }
        crate::wait::again(deadline, || "the server did not become ready".into()).await;
    }

    let link_token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NjAxIn0.aGVtbWVsaWctbGVua2U";
    let vote = app
        .client
        .get(app.url(&format!("/vote/{link_token}")))
        .send()
        .await
        .expect("answer");
    let request_id = vote
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_string();
    let wrong = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": crate::helpers::ADMIN_EMAIL, "password": "feil-passord-som-ikke-logges"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let swapped = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "passord-i-feil-felt", "password": "x"}),
        )
        .await;
    assert_eq!(swapped.status, StatusCode::UNAUTHORIZED);
    app.admin_token().await;
    drop(running);

    let text = std::fs::read_to_string(&log_path).expect("the log");
    assert!(
        !text.contains(link_token),
        "the voting token is not logged:\n{text}"
    );
    assert!(!text.contains("eyJ"), "no signed token is logged:\n{text}");
    assert!(!text.contains("feil-passord-som-ikke-logges"), "{text}");
    assert!(
        !text.contains("passord-i-feil-felt"),
        "not even in the email field:\n{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains(&request_id))
        .unwrap_or_else(|| panic!("a line with the request id {request_id}:\n{text}"));
    for part in [
        "method=GET",
        "path=/vote/…",
        "status=",
        "ms=",
        "answered",
        " INFO ",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    let refused: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("login refused"))
        .collect();
    assert_eq!(refused.len(), 2, "{text}");
    assert!(
        refused[0].contains(crate::helpers::ADMIN_EMAIL) && refused[0].contains("WARN"),
        "{}",
        refused[0]
    );
    assert!(
        refused[1].contains("(not an email address)"),
        "{}",
        refused[1]
    );
    assert!(
        text.lines()
            .any(|l| l.contains("logged in") && l.contains("role=admin")),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
    if let Some(dir) = sqlite_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The demo adds an admin whose password is printed: never on a database
/// that holds anything already, however little.
#[actix_web::test]
async fn the_demo_refuses_a_database_that_is_not_empty() {
    let app = spawn_app().await;
    let data_dir = temp("samkjop_demo_refused");
    let output: Output = crate::exports::run_demo(&app.database_url, &data_dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the demo runs only on an empty database"),
        "{stderr}"
    );
    assert!(stderr.contains("already holds accounts"), "{stderr}");
    let demo_admin = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "drift@samkjop.example", "password": "Demo-drift-2026"}),
        )
        .await;
    assert_eq!(
        demo_admin.status,
        StatusCode::UNAUTHORIZED,
        "no demo admin was added"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}
