//! PostgreSQL over TLS, as managed services require it. Runs where
//! `TEST_TLS_DATABASE_URL` names a server that refuses plain connections
//! (CI makes one with `.ci/pg_tls.sh`), for example
//! `postgres://postgres@localhost:5433/postgres?sslmode=verify-full&sslrootcert=/tmp/ca.crt`.

use awc::http::StatusCode;
use diesel::sql_types::Bool;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

use crate::helpers::{fresh_postgres_database, spawn_app_with};

#[derive(QueryableByName)]
struct Encrypted {
    #[diesel(sql_type = Bool)]
    ssl: bool,
}

fn tls_server() -> Option<String> {
    match std::env::var("TEST_TLS_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("TEST_TLS_DATABASE_URL is not set: PostgreSQL over TLS not tested here");
            None
        }
    }
}

/// `sslmode=disable` in place of whatever mode the URL asks for.
fn without_tls(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("sslmode=") && !p.starts_with("sslrootcert="))
        .chain(["sslmode=disable"])
        .collect();
    format!("{base}?{}", kept.join("&"))
}

fn with_mode(url: &str, mode: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("sslmode="))
        .map(String::from)
        .chain([format!("sslmode={mode}")])
        .collect();
    format!("{base}?{}", kept.join("&"))
}

fn encrypted(url: &str) -> bool {
    let mut conn = PgConnection::establish(url).expect("a TLS connection");
    diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .get_result::<Encrypted>(&mut conn)
        .expect("pg_stat_ssl")
        .ssl
}

#[actix_web::test]
async fn the_server_runs_on_a_postgresql_that_accepts_only_tls() {
    let Some(server) = tls_server() else { return };
    let url = fresh_postgres_database(&server);

    assert!(
        PgConnection::establish(&without_tls(&url)).is_err(),
        "the test server must refuse plain connections, or this test shows nothing"
    );
    for mode in ["require", "verify-full"] {
        assert!(
            encrypted(&with_mode(&url, mode)),
            "sslmode={mode} is encrypted"
        );
    }

    // The whole server on it: migrations, the pool, a write and a read.
    let app_url = with_mode(&url, "require");
    let app = spawn_app_with(|k| (k == "DATABASE_URL").then(|| app_url.clone())).await;
    assert_eq!(
        app.config.database_url, app_url,
        "the server uses the TLS database"
    );
    let admin = app.admin_token().await;
    let office = app
        .create_office(&admin, "Innkjøpskontoret over TLS", "974760673")
        .await;
    let read = app
        .get(&format!("/api/v1/organizations/{office}"), Some(&admin))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.body["name"], "Innkjøpskontoret over TLS");
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
}

#[test]
fn sslmode_is_replaced_not_added_twice() {
    let url = "postgres://u@h:5433/db?sslmode=verify-full&sslrootcert=/ca.crt";
    assert_eq!(without_tls(url), "postgres://u@h:5433/db?sslmode=disable");
    assert_eq!(
        with_mode(url, "require"),
        "postgres://u@h:5433/db?sslrootcert=/ca.crt&sslmode=require"
    );
}
