//! Every municipality in Norway answers at the same moment: nothing is lost,
//! nothing is counted twice, and nobody gets a 5xx.

use awc::http::StatusCode;
use futures_util::future::join_all;
use samkjop::auth::{Claims, Keys};
use samkjop::domain::Role;
use samkjop::reference::reference;
use serde_json::json;

use samkjop::db::users::User;

use crate::helpers::{spawn_app, TestApp, JWT_SECRET};
use crate::procurements::{add_lot, days_from_today, in_future, office, open, propose, Office};

/// One municipality user per number, and their tokens, signed as the server
/// would sign them: 357 real logins would spend the test's time in argon2,
/// not in what is tested. The accounts are stored directly, with a password
/// hash no password matches, because every call checks its token's account.
pub async fn municipality_tokens(app: &TestApp, numbers: &[String]) -> Vec<String> {
    let created_at = samkjop::db::stamp(chrono::Utc::now());
    let users: Vec<User> = numbers
        .iter()
        .map(|n| User {
            id: format!("test-user-{n}"),
            email: format!("test-{n}@kommune.example.no"),
            password_hash: "!".to_string(),
            role: Role::Municipality,
            organization_id: None,
            municipality: Some(n.clone()),
            supplier_id: None,
            created_at,
        })
        .collect();
    app.db()
        .write(move |c| {
            users
                .iter()
                .try_for_each(|u| samkjop::db::users::insert(c, u))
        })
        .await
        .expect("the municipality users are stored");
    let now = chrono::Utc::now().timestamp();
    let keys = Keys::new(JWT_SECRET.as_bytes(), 3600);
    numbers
        .iter()
        .map(|n| {
            let claims = Claims {
                sub: format!("test-user-{n}"),
                role: Role::Municipality,
                org: None,
                municipality: Some(n.to_string()),
                supplier: None,
                ver: 0,
                aud: samkjop::auth::token::API_AUDIENCE.to_string(),
                iat: now,
                exp: now + 3600,
            };
            keys.sign(&claims).expect("signed")
        })
        .collect()
}

#[actix_web::test]
async fn all_357_municipalities_decide_at_once_and_nothing_is_lost() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let numbers: Vec<String> = reference()
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
    let app = &app;
    let mandates = join_all(numbers.iter().zip(&tokens).map(|(n, t)| async move {
        app.post(
            &format!("/api/v1/municipalities/{n}/mandates"),
            Some(t),
            json!({"reference": "PS 1/2026", "decided_by": "Kommunestyret", "decided_on": days_from_today(-1),
                   "valid_from": days_from_today(-1), "valid_until": days_from_today(365), "cpv_scope": [],
                   "max_value_ore": 1_000_000_000_000_i64}),
        )
        .await
    }))
    .await;
    let mandate_ids: Vec<String> = mandates
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["id"].as_str().expect("id").to_string()
        })
        .collect();

    // Municipality i declares 100 + i portions, maximum 150 + i; every fifth declines.
    let (id, lot, tokens, mandate_ids) = (&id, &lot, &tokens, &mandate_ids);
    let answers = join_all(numbers.iter().enumerate().map(|(i, n)| async move {
        let body = if i % 5 == 4 {
            json!({"decision": "decline"})
        } else {
            json!({"decision": "join", "mandate_id": mandate_ids[i],
                   "volumes": [{"lot_id": lot, "annual_quantity": 100 + i as i64, "max_annual_quantity": 150 + i as i64}]})
        };
        app.put(&format!("/api/v1/procurements/{id}/participation/{n}"), Some(&tokens[i]), body).await
    }))
    .await;
    for (i, r) in answers.iter().enumerate() {
        assert_eq!(
            r.status,
            StatusCode::OK,
            "municipality {}: {}",
            numbers[i],
            r.body
        );
    }

    let joined: Vec<i64> = (0..357).filter(|i| i % 5 != 4).collect();
    let expected_annual: i64 = joined.iter().map(|i| 100 + i).sum();
    let expected_max: i64 = joined.iter().map(|i| 150 + i).sum();
    let s = app
        .get(
            &format!("/api/v1/procurements/{id}/summary"),
            Some(&coordinator),
        )
        .await
        .body;
    assert_eq!(
        s["participants"]["joined"].as_u64(),
        Some(joined.len() as u64)
    );
    assert_eq!(
        s["participants"]["declined"].as_u64(),
        Some(357 - joined.len() as u64)
    );
    assert_eq!(s["participants"]["pending"], 0);
    assert_eq!(
        s["lots"][0]["annual_quantity"].as_i64(),
        Some(expected_annual)
    );
    assert_eq!(
        s["lots"][0]["max_annual_quantity"].as_i64(),
        Some(expected_max)
    );
    assert_eq!(
        s["lots"][0]["participants"].as_u64(),
        Some(joined.len() as u64)
    );

    let list = app
        .get(
            &format!("/api/v1/procurements/{id}/participation"),
            Some(&coordinator),
        )
        .await
        .body;
    let stored_shares: i64 = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["share_value_ore"].as_i64())
        .sum();
    // Each share is max x NOK 45 x 48/12 months; their sum is the lot's maximum contract value.
    assert_eq!(stored_shares, expected_max * 4500 * 4);
    assert_eq!(
        s["lots"][0]["max_contract_value_ore"].as_i64(),
        Some(stored_shares)
    );

    let verify = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(&coordinator),
        )
        .await
        .body;
    // proposed, lot_added, opened, then one event per decision.
    assert_eq!(
        (verify["intact"].as_bool(), verify["events"].as_u64()),
        (Some(true), Some(3 + 357))
    );
}
