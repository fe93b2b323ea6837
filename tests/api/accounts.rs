use awc::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, ADMIN_EMAIL, PASSWORD};

#[actix_web::test]
async fn the_operator_logs_in_with_the_configured_admin() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let me = app.get("/api/v1/users/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        (me.body["email"].as_str(), me.body["role"].as_str()),
        (Some(ADMIN_EMAIL), Some("admin"))
    );
    let r = app.post("/api/v1/auth/token", None, json!({"email": ADMIN_EMAIL.to_uppercase(), "password": crate::helpers::ADMIN_PASSWORD})).await;
    assert_eq!(r.status, StatusCode::OK, "emails are case-insensitive");
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(r.body["expires_in"].as_i64().unwrap_or(0) > 0);
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_answer_alike() {
    let app = spawn_app().await;
    let wrong = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": ADMIN_EMAIL, "password": "not the password"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "nobody@nowhere.no", "password": "not the password"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");
    assert_eq!(
        wrong.body, unknown.body,
        "nothing tells whether the account exists"
    );
}

#[actix_web::test]
async fn calls_without_a_valid_token_are_401() {
    let app = spawn_app().await;
    let none = app.post("/api/v1/users", None, json!({})).await;
    assert_eq!(
        (none.status, none.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let forged = app
        .get(
            "/api/v1/users/me",
            Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"),
        )
        .await;
    assert_eq!(
        (forged.status, forged.code()),
        (StatusCode::UNAUTHORIZED, "invalid_token")
    );
}

#[actix_web::test]
async fn the_operator_registers_a_procurement_office_with_a_valid_org_number() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let r = app
        .post("/api/v1/organizations", Some(&admin), json!({"kind": "procurement_office", "name": "Vestland innkjøp", "org_number": "974 760 673"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["org_number"], "974760673");
    assert_eq!(r.body["name"], "Vestland innkjøp");
    let id = r.body["id"].as_str().unwrap().to_string();
    let read = app
        .get(&format!("/api/v1/organizations/{id}"), Some(&admin))
        .await;
    assert_eq!(read.body["name"], "Vestland innkjøp");

    let bad = app
        .post(
            "/api/v1/organizations",
            Some(&admin),
            json!({"kind": "procurement_office", "name": "X", "org_number": "974760674"}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_org_number")
    );
    assert_eq!(bad.body["errors"][0]["field"], "org_number");
    let twice = app
        .post(
            "/api/v1/organizations",
            Some(&admin),
            json!({"kind": "procurement_office", "name": "Y", "org_number": "974760673"}),
        )
        .await;
    assert_eq!(
        (twice.status, twice.code()),
        (StatusCode::CONFLICT, "organization_exists")
    );
    let kind = app
        .post(
            "/api/v1/organizations",
            Some(&admin),
            json!({"kind": "bank", "name": "Z", "org_number": "914778271"}),
        )
        .await;
    assert_eq!(
        (kind.status, kind.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_kind")
    );
}

#[actix_web::test]
async fn the_operator_creates_coordinators_and_municipality_users() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let office = app
        .create_office(&admin, "Vestland innkjøp", "974760673")
        .await;

    let coordinator = app
        .user_token(
            &admin,
            "koord@vestland.no",
            "coordinator",
            Some(&office),
            None,
        )
        .await;
    let me = app.get("/api/v1/users/me", Some(&coordinator)).await;
    assert_eq!(
        (
            me.body["role"].as_str(),
            me.body["organization_id"].as_str()
        ),
        (Some("coordinator"), Some(office.as_str()))
    );

    let host = app
        .user_token(
            &admin,
            "koord@voss.kommune.no",
            "coordinator",
            None,
            Some("4621"),
        )
        .await;
    let me = app.get("/api/v1/users/me", Some(&host)).await;
    assert_eq!(
        me.body["municipality"], "4621",
        "a host municipality's coordinator"
    );

    let bergen = app
        .user_token(
            &admin,
            "innkjop@bergen.kommune.no",
            "municipality",
            None,
            Some("4601"),
        )
        .await;
    let me = app.get("/api/v1/users/me", Some(&bergen)).await;
    assert_eq!(me.body["municipality"], "4601");

    let cases = [
        (
            json!({"email": "a@b.no", "password": PASSWORD, "role": "coordinator"}),
            "organization_required",
        ),
        (
            json!({"email": "a@b.no", "password": PASSWORD, "role": "coordinator", "organization_id": "nope"}),
            "organization_not_found",
        ),
        (
            json!({"email": "a@b.no", "password": PASSWORD, "role": "municipality"}),
            "municipality_required",
        ),
        (
            json!({"email": "a@b.no", "password": PASSWORD, "role": "municipality", "municipality": "1201"}),
            "unknown_municipality",
        ),
        (
            json!({"email": "a@b.no", "password": PASSWORD, "role": "wizard"}),
            "invalid_role",
        ),
        (
            json!({"email": "a@b.no", "password": PASSWORD, "role": "supplier"}),
            "invalid_role",
        ),
        (
            json!({"email": "a@b.no", "password": "short", "role": "admin"}),
            "weak_password",
        ),
        (
            json!({"email": "not-an-email", "password": PASSWORD, "role": "admin"}),
            "invalid_email",
        ),
    ];
    for (body, code) in cases {
        let r = app.post("/api/v1/users", Some(&admin), body.clone()).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{body}"
        );
    }
    let taken = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "KOORD@vestland.no", "password": PASSWORD, "role": "admin"}),
        )
        .await;
    assert_eq!(
        (taken.status, taken.code()),
        (StatusCode::CONFLICT, "email_taken")
    );
}

#[actix_web::test]
async fn only_the_operator_creates_users_and_offices() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let bergen = app
        .user_token(
            &admin,
            "innkjop@bergen.kommune.no",
            "municipality",
            None,
            Some("4601"),
        )
        .await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&bergen),
            json!({"email": "x@y.no", "password": PASSWORD, "role": "admin"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    let r = app
        .post(
            "/api/v1/organizations",
            Some(&bergen),
            json!({"kind": "procurement_office", "name": "X", "org_number": "974760673"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "x@y.no", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        login.status,
        StatusCode::UNAUTHORIZED,
        "the refused user was not created"
    );
}

#[actix_web::test]
async fn bad_bodies_are_problem_documents_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let malformed = app
        .raw(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            "application/json",
            b"{\"email\": ".to_vec(),
        )
        .await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    assert_eq!(malformed.content_type, "application/problem+json");
    assert_eq!(malformed.body["status"], 400);
    assert!(
        malformed.body["type"].is_string()
            && malformed.body["title"].is_string()
            && malformed.body["detail"].is_string()
    );

    let wrong_type = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": 42, "password": PASSWORD, "role": "admin"}),
        )
        .await;
    assert_eq!(
        (wrong_type.status, wrong_type.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")
    );
    assert_eq!(wrong_type.body["errors"][0]["field"], "email");

    let missing = app
        .post("/api/v1/users", Some(&admin), json!({"email": "a@b.no"}))
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("password"),
        "{}",
        missing.body
    );

    let unknown_field = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "a@b.no", "password": PASSWORD, "role": "admin", "rol": "x"}),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown_field.body["detail"]
        .as_str()
        .unwrap_or("")
        .contains("rol"));

    let form = app
        .raw(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            "application/x-www-form-urlencoded",
            b"a=b".to_vec(),
        )
        .await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = app
        .raw(
            Method::POST,
            "/api/v1/auth/token",
            None,
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
        )
        .await;
    assert_eq!(
        (huge.status, huge.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
}

#[actix_web::test]
async fn password_guessing_is_throttled_per_account_and_per_address() {
    let app = crate::helpers::spawn_app_with(|k| match k {
        "SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT" => Some("3".into()),
        "SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS" => Some("6".into()),
        _ => None,
    })
    .await;
    let guess = |email: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/auth/token",
                None,
                json!({"email": email, "password": "gjetting-123"}),
            )
            .await
        }
    };
    for _ in 0..3 {
        assert_eq!(guess(ADMIN_EMAIL).await.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = guess(ADMIN_EMAIL).await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
    );
    let right = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": ADMIN_EMAIL, "password": crate::helpers::ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "not even the right password gets through meanwhile"
    );
    // Every attempt counts against the address, refused ones too: five are
    // spent, the sixth is allowed, then it is blocked for any account.
    assert_eq!(
        guess("annen@kommune.no").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        guess("tredje@kommune.no").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}
