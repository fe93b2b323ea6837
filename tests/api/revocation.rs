//! Tokens that stop working: a password change and a disabled account make
//! every token issued before them 401, at once on the instance that made the
//! change and within the token check TTL on any other instance.

use awc::http::StatusCode;
use chrono::Duration;
use samkjop::flows::accounts;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp, ADMIN_PASSWORD, PASSWORD};
use crate::procurements::{days_from_today, in_future, office, Office};

async fn id_of(app: &TestApp, token: &str) -> String {
    let me = app.get("/api/v1/users/me", Some(token)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    me.body["id"].as_str().expect("an id").to_string()
}

fn new_procurement() -> Value {
    json!({"title": "Skolemat", "contract_type": "services", "cpv": "55524000-9",
           "framework_agreement": true, "contract_start": days_from_today(200), "duration_months": 24,
           "participation_deadline": in_future(3600), "invited": ["4601"]})
}

async fn change_password(
    app: &TestApp,
    token: &str,
    current: &str,
    new: &str,
) -> crate::helpers::Reply {
    app.post(
        "/api/v1/users/me/password",
        Some(token),
        json!({"current_password": current, "new_password": new}),
    )
    .await
}

#[actix_web::test]
async fn a_changed_password_makes_every_earlier_token_401() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let email = "koordinator@nhi.no";
    let second = app.login(email, PASSWORD).await;

    let wrong = change_password(&app, &coordinator, "ikke-passordet", "Nytt-passord-2027").await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_password")
    );
    assert_eq!(wrong.body["errors"][0]["field"], "current_password");
    let weak = change_password(&app, &coordinator, PASSWORD, "kort").await;
    assert_eq!(
        (weak.status, weak.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "weak_password")
    );
    assert_eq!(weak.body["errors"][0]["field"], "new_password");
    let still = app
        .post(
            "/api/v1/procurements",
            Some(&coordinator),
            new_procurement(),
        )
        .await;
    assert_eq!(still.status, StatusCode::CREATED, "refusals change nothing");

    let changed = change_password(&app, &coordinator, PASSWORD, "Nytt-passord-2027").await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let fresh = changed.body["access_token"]
        .as_str()
        .expect("a fresh token");
    for old in [&coordinator, &second] {
        let r = app
            .post("/api/v1/procurements", Some(old), new_procurement())
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "token_revoked"),
            "a token from before the change"
        );
    }
    let r = app
        .post("/api/v1/procurements", Some(fresh), new_procurement())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "the answer's token works");
    let old_login = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(old_login.code(), "invalid_credentials");
    app.login(email, "Nytt-passord-2027").await;
}

#[actix_web::test]
async fn wrong_current_passwords_count_against_the_login_throttle() {
    let app =
        spawn_app_with(|k| (k == "SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT").then(|| "3".into())).await;
    let admin = app.admin_token().await;
    for _ in 0..3 {
        let r = change_password(&app, &admin, "gjetting-1234", "Nytt-passord-2027").await;
        assert_eq!(r.code(), "wrong_password");
    }
    // Three wrong passwords from this address spend the account's budget
    // here (the right one at login above gave its charge back).
    let blocked = change_password(&app, &admin, ADMIN_PASSWORD, "Nytt-passord-2027").await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        "not even the right password gets through meanwhile"
    );
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": crate::helpers::ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(
        login.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the same budget as logging in"
    );
}

#[actix_web::test]
async fn a_disabled_account_is_refused_until_enabled_and_its_old_tokens_for_good() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let id = id_of(&app, &coordinator).await;

    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["email"].as_str(), r.body["disabled"].as_bool()),
        (Some("koordinator@nhi.no"), Some(true))
    );
    let refused = app
        .post(
            "/api/v1/procurements",
            Some(&coordinator),
            new_procurement(),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "koordinator@nhi.no", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (login.status, login.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let wrong = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "koordinator@nhi.no", "password": "ikke-passordet"}),
        )
        .await;
    assert_eq!(
        wrong.code(),
        "invalid_credentials",
        "only the right password learns that the account is disabled"
    );
    let list = app.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK);
    let row = list
        .body
        .as_array()
        .and_then(|l| l.iter().find(|u| u["id"] == id.as_str()))
        .expect("the coordinator is listed");
    assert_eq!(row["disabled"], true);

    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            json!({"disabled": false}),
        )
        .await;
    assert_eq!(r.body["disabled"], false);
    let old = app
        .post(
            "/api/v1/procurements",
            Some(&coordinator),
            new_procurement(),
        )
        .await;
    assert_eq!(
        (old.status, old.code()),
        (StatusCode::UNAUTHORIZED, "token_revoked"),
        "enabling again does not bring back the old tokens"
    );
    let fresh = app.login("koordinator@nhi.no", PASSWORD).await;
    let r = app
        .post("/api/v1/procurements", Some(&fresh), new_procurement())
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[actix_web::test]
async fn an_admin_cannot_disable_themselves_nor_the_last_admin() {
    let app = spawn_app().await;
    let first = app.admin_token().await;
    let first_id = id_of(&app, &first).await;
    let own = app
        .patch(
            &format!("/api/v1/users/{first_id}"),
            Some(&first),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(
        (own.status, own.code()),
        (StatusCode::CONFLICT, "cannot_disable_self")
    );
    let second = app
        .user_token(&first, "drift2@samkjop.no", "admin", None, None)
        .await;
    let second_id = id_of(&app, &second).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{second_id}"),
            Some(&first),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "one enabled admin is left");
    // The disabled admin's last word, arriving at another instance that has
    // not heard of it yet: the database still keeps one admin enabled.
    let refused = app
        .db()
        .write(move |c| accounts::set_disabled(c, &second_id, &first_id, true))
        .await
        .expect_err("the last admin stays");
    assert_eq!(refused.code.as_str(), "last_admin");
    let unknown = app
        .patch(
            "/api/v1/users/no-such-user",
            Some(&first),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/v1/users/me", Some(&first)).await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_change_made_by_another_instance_is_seen_within_the_token_check_ttl() {
    // A TTL far longer than the test's own steps take.
    let app = spawn_app_with(|k| (k == "SAMKJOP_TOKEN_CHECK_SECONDS").then(|| "60".into())).await;
    let Office { admin, coordinator } = office(&app).await;
    let (admin_id, id) = (id_of(&app, &admin).await, id_of(&app, &coordinator).await);
    // Another instance on the same database disables the coordinator: this
    // one's answer from a moment ago is kept for the TTL...
    app.db()
        .write(move |c| accounts::set_disabled(c, &admin_id, &id, true))
        .await
        .expect("disabled elsewhere");
    let cached = app.get("/api/v1/users/me", Some(&coordinator)).await;
    assert_eq!(
        cached.status,
        StatusCode::OK,
        "within the TTL, as documented"
    );
    // ... and no longer.
    app.clock.advance(Duration::seconds(60));
    let r = app.get("/api/v1/users/me", Some(&coordinator)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
}

#[actix_web::test]
async fn the_operator_lists_the_users_a_page_at_a_time() {
    let app = spawn_app().await;
    let Office { admin, .. } = office(&app).await;
    for n in ["4601", "4602"] {
        crate::procurements::municipality_user(&app, &admin, n).await;
    }
    let all = app.get("/api/v1/users", Some(&admin)).await;
    let emails: Vec<&str> = all
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(
        emails,
        [
            "drift@samkjop.no",
            "innkjop@k4601.kommune.no",
            "innkjop@k4602.kommune.no",
            "koordinator@nhi.no"
        ]
    );
    let page = app
        .get("/api/v1/users?limit=2&offset=1", Some(&admin))
        .await;
    let emails: Vec<&str> = page
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(
        emails,
        ["innkjop@k4601.kommune.no", "innkjop@k4602.kommune.no"]
    );
    assert!(page.body[0].get("password_hash").is_none());
}
