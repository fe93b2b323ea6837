//! The server killed (SIGKILL) in the middle of a burst of decisions: after a
//! restart every acknowledged decision is there, and nothing half-written is.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use awc::http::StatusCode;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Value};

use crate::concurrency::municipality_tokens;
use crate::helpers::{fresh_database_url, Reply, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET};
use crate::procurements::{add_lot, days_from_today, in_future, office, open, propose, Office};

struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(database_url: &str, port: u16, data_dir: &std::path::Path) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_samkjop"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("SAMKJOP_BIND", format!("127.0.0.1:{port}"))
        .env("SAMKJOP_JWT_SECRET", JWT_SECRET)
        .env("SAMKJOP_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("SAMKJOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("SAMKJOP_DATA_DIR", data_dir)
        .env("SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS", "10000")
        .env(
            "SAMKJOP_CONFIG_DIR",
            env!("CARGO_MANIFEST_DIR").to_string() + "/config",
        )
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    Server { child }
}

async fn wait_ready(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = app.client.get(app.url("/health/ready")).send().await {
            if res.status() == StatusCode::OK {
                return;
            }
        }
        crate::wait::again(deadline, || "the server did not become ready".into()).await;
    }
}

#[actix_web::test]
async fn a_killed_server_keeps_every_acknowledged_decision_and_nothing_partial() {
    let (database_url, sqlite_dir) = fresh_database_url();
    let data_dir =
        std::env::temp_dir().join(format!("samkjop_kill_{}", uuid::Uuid::new_v4().simple()));
    let port = crate::smtp_server::free_port();
    let app = TestApp::external(format!("http://127.0.0.1:{port}"), database_url.clone());
    let server = start(&database_url, port, &data_dir);
    wait_ready(&app).await;

    let Office { coordinator, .. } = office(&app).await;
    let numbers: Vec<String> = samkjop::reference::reference()
        .municipalities
        .iter()
        .map(|m| m.number.clone())
        .collect();
    let invited: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let id = propose(&app, &coordinator, &invited, &in_future(3600), json!(null)).await;
    let lot = add_lot(
        &app,
        &coordinator,
        &id,
        "Skolemåltid",
        "porsjon",
        4500,
        None,
    )
    .await;
    open(&app, &coordinator, &id).await;
    let tokens = municipality_tokens(&app, &numbers).await;
    let mut mandates = Vec::new();
    for (n, token) in numbers.iter().zip(&tokens) {
        let r = app
            .post(
                &format!("/api/v1/municipalities/{n}/mandates"),
                Some(token),
                json!({"reference": "PS 1/2026", "decided_by": "Kommunestyret", "decided_on": days_from_today(-1),
                       "valid_from": days_from_today(-1), "valid_until": days_from_today(365), "cpv_scope": [],
                       "max_value_ore": 1_000_000_000_000_i64}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        mandates.push(r.body["id"].as_str().unwrap_or_default().to_string());
    }

    // The burst: every municipality joins with its own quantity; the server
    // dies once a third of the answers are in.
    let mut burst: FuturesUnordered<_> = numbers
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let (app, id, lot, mandate, token) = (&app, &id, &lot, &mandates[i], &tokens[i]);
            async move {
                let body = json!({"decision": "join", "mandate_id": mandate,
                                  "volumes": [{"lot_id": lot, "annual_quantity": 1000 + i as i64}]});
                let sent = app
                    .client
                    .put(app.url(&format!("/api/v1/procurements/{id}/participation/{n}")))
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .send_json(&body)
                    .await;
                let acknowledged = match sent {
                    Ok(mut res) if res.status() == StatusCode::OK => res.json::<Value>().await.ok(),
                    _ => None,
                };
                (n.clone(), acknowledged)
            }
        })
        .collect();
    let mut server = Some(server);
    let mut acknowledged = Vec::new();
    while let Some((number, answer)) = burst.next().await {
        if let Some(answer) = answer {
            acknowledged.push((number, answer));
        }
        if acknowledged.len() == numbers.len() / 3 {
            drop(server.take()); // SIGKILL
        }
    }
    assert!(
        acknowledged.len() >= numbers.len() / 3,
        "the kill came after the acknowledgements counted"
    );

    let _restarted = start(&database_url, port, &data_dir);
    wait_ready(&app).await;
    let stored: Reply = app
        .get(
            &format!("/api/v1/procurements/{id}/participation"),
            Some(&coordinator),
        )
        .await;
    let rows = stored.body.as_array().expect("the participation list");
    for (number, answer) in &acknowledged {
        let row = rows
            .iter()
            .find(|r| r["municipality"] == number.as_str())
            .expect("the municipality");
        assert_eq!(row["decision"], "join", "{number} was acknowledged");
        assert_eq!(row["decided_at"], answer["decided_at"]);
    }
    let joined: Vec<&Value> = rows.iter().filter(|r| r["decision"] == "join").collect();
    assert!(rows
        .iter()
        .all(|r| r["decision"] == "join" || r["decision"] == "pending"));
    // Nothing partial: each stored join has its volume line, its share and its event.
    let expected_quantity: i64 = joined
        .iter()
        .map(|r| {
            let i = numbers
                .iter()
                .position(|n| r["municipality"] == n.as_str())
                .unwrap_or(0);
            1000 + i as i64
        })
        .sum();
    let summary = app
        .get(
            &format!("/api/v1/procurements/{id}/summary"),
            Some(&coordinator),
        )
        .await
        .body;
    assert_eq!(
        summary["lots"][0]["annual_quantity"].as_i64(),
        Some(expected_quantity)
    );
    assert_eq!(
        summary["participants"]["joined"].as_u64(),
        Some(joined.len() as u64)
    );
    let shares: i64 = joined
        .iter()
        .filter_map(|r| r["share_value_ore"].as_i64())
        .sum();
    assert_eq!(shares, expected_quantity * 4500 * 4);
    let verify = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(&coordinator),
        )
        .await
        .body;
    assert_eq!(verify["intact"], true);
    assert_eq!(
        verify["events"].as_u64(),
        Some(3 + joined.len() as u64),
        "one event per stored decision"
    );

    if let Some(dir) = sqlite_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    let _ = std::fs::remove_dir_all(data_dir);
}
