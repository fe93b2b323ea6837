//! Hostile input: numbers at the limits, huge and malformed bodies, markup in
//! names, too many lots. Always a clear 4xx, never a 5xx, nothing half-stored.

use awc::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::spawn_app;
use crate::procurements::{
    add_lot, days_from_today, in_future, mandate, municipality_user, office, open, propose, Office,
};

#[actix_web::test]
async fn numbers_at_the_i64_limits_are_refused_or_computed_never_wrapped() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let base = json!({"title": "Skolemat", "contract_type": "services", "cpv": "55524000-9", "framework_agreement": true,
                      "contract_start": days_from_today(200), "participation_deadline": in_future(3600), "invited": ["4601"]});
    for (duration, option) in [(i64::MAX, 0), (1, i64::MAX), (i64::MIN, 0), (12, -1)] {
        let mut body = base.clone();
        body["duration_months"] = json!(duration);
        body["option_months"] = json!(option);
        let r = app
            .post("/api/v1/procurements", Some(&coordinator), body)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{duration}/{option}: {}",
            r.body
        );
    }
    let mut too_big = base.clone();
    too_big["duration_months"] = json!("9223372036854775808");
    assert_eq!(
        app.post("/api/v1/procurements", Some(&coordinator), too_big)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let id = propose(&app, &coordinator, &["4601"], &in_future(3600), json!(null)).await;
    let lot = add_lot(&app, &coordinator, &id, "Dyrt", "stk", i64::MAX, None).await;
    open(&app, &coordinator, &id).await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    let m = mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        i64::MAX,
        &days_from_today(365),
    )
    .await;
    let r = crate::procurements::join(
        &app,
        &bergen,
        &id,
        "4601",
        &m,
        json!([{"lot_id": lot, "annual_quantity": 2}]),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "value_overflow"),
        "{}",
        r.body
    );
    let zero = crate::procurements::join(
        &app,
        &bergen,
        &id,
        "4601",
        &m,
        json!([{"lot_id": lot, "annual_quantity": 0}]),
    )
    .await;
    assert_eq!(
        (zero.status, zero.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_quantity"),
        "joining with nothing"
    );
    let summary = app
        .get(
            &format!("/api/v1/procurements/{id}/summary"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(
        summary.status,
        StatusCode::OK,
        "nothing was stored, so the summary still computes"
    );
    assert_eq!(summary.body["participants"]["joined"], 0);

    let token = app
        .register_supplier(
            json!({"org_number": "974760673", "name": "Stor AS", "email": "a@stor.no",
              "password": "langt-passord-1", "employees": i64::MAX, "annual_turnover_ore": i64::MAX,
              "home_municipality": "4601", "service_area": [], "cpv": ["55"]}),
        )
        .await;
    assert_eq!(app.my_supplier_profile(&token).await["size_class"], "large");
}

#[actix_web::test]
async fn long_strings_markup_and_broken_bodies_get_clear_answers() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let long = "x".repeat(10_000);
    let mut body = json!({"title": long, "contract_type": "services", "cpv": "55524000-9", "framework_agreement": false,
                          "contract_start": days_from_today(200), "duration_months": 12,
                          "participation_deadline": in_future(3600), "invited": ["4601"]});
    let r = app
        .post("/api/v1/procurements", Some(&coordinator), body.clone())
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_name")
    );
    body["title"] = json!("Skolemat");
    body["description"] = json!("y".repeat(25_000));
    let r = app
        .post("/api/v1/procurements", Some(&coordinator), body.clone())
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_description")
    );
    body["description"] = json!("z".repeat(300_000));
    let r = app
        .post("/api/v1/procurements", Some(&coordinator), body)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );

    let r = app
        .raw(
            Method::POST,
            "/api/v1/procurements",
            Some(&coordinator),
            "application/json",
            b"{\"title\": \"\xff\xfe\"}".to_vec(),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "malformed_json"),
        "invalid UTF-8"
    );
    let r = app
        .raw(
            Method::POST,
            "/api/v1/procurements",
            Some(&coordinator),
            "application/json",
            b"[1,2,3]".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .raw(
            Method::POST,
            "/api/v1/procurements",
            Some(&coordinator),
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "malformed_json"),
        "an empty body"
    );
    let r = app.get("/api/v1/municipalities?county=%FF", None).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_county"),
        "not a county"
    );
    let r = app
        .get(
            "/api/v1/procurements?limit=-5&offset=99999999999999999999",
            Some(&coordinator),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_query"),
        "an offset beyond i64"
    );
    let r = app
        .get("/api/v1/procurements?limit=-5", Some(&coordinator))
        .await;
    assert_eq!(r.status, StatusCode::OK, "a limit below 1 is read as 1");
    let r = app
        .raw(
            Method::TRACE,
            "/api/v1/procurements",
            None,
            "text/plain",
            Vec::new(),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );

    // Markup in a name is stored as text and escaped where people see it.
    let id = propose(&app, &coordinator, &["4601"], &in_future(3600), json!(null)).await;
    let r = app
        .patch(
            &format!("/api/v1/procurements/{id}"),
            Some(&coordinator),
            json!({"title": "<script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(
        r.body["title"], "<script>alert(1)</script>",
        "JSON carries the text as it was written"
    );
}

/// JSON Schema counts `24.0` as an integer, so a client checking against the
/// OpenAPI document may send one: whole numbers are read as integers, other
/// fractions and numbers beyond i64 are refused.
#[actix_web::test]
async fn whole_numbers_written_with_a_fraction_are_integers() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let body = |duration: serde_json::Value| {
        json!({"title": "Skolemat", "contract_type": "services", "cpv": "55524000-9",
               "framework_agreement": true, "contract_start": days_from_today(200),
               "participation_deadline": in_future(3600), "invited": ["4601"],
               "duration_months": duration, "option_months": 12.0})
    };
    let r = app
        .post(
            "/api/v1/procurements",
            Some(&coordinator),
            body(json!(24.0)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (&r.body["duration_months"], &r.body["option_months"]),
        (&json!(24), &json!(12))
    );
    for bad in [json!(24.5), json!(1e19), json!(-1e19)] {
        let r = app
            .post(
                "/api/v1/procurements",
                Some(&coordinator),
                body(bad.clone()),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
            "{bad}: {}",
            r.body
        );
        assert_eq!(r.body["errors"][0]["field"], "duration_months", "{bad}");
    }
}

#[actix_web::test]
async fn a_procurement_takes_at_most_500_lots() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let id = propose(&app, &coordinator, &["4601"], &in_future(3600), json!(null)).await;
    let (app_ref, id_ref, coordinator_ref) = (&app, &id, &coordinator);
    let answers = join_all((0..500).map(|n| async move {
        app_ref
            .post(&format!("/api/v1/procurements/{id_ref}/lots"), Some(coordinator_ref),
                  json!({"title": format!("Del {n}"), "cpv": "55524000-9", "unit": "stk", "unit_price_ore": 100}))
            .await
            .status
    }))
    .await;
    assert!(answers.iter().all(|s| *s == StatusCode::CREATED));
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/lots"),
            Some(&coordinator),
            json!({"title": "Del 501", "cpv": "55524000-9", "unit": "stk", "unit_price_ore": 100}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_lots")
    );
    let p = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
        .await;
    assert_eq!(p.body["lots"].as_array().map(Vec::len), Some(500));
}

#[actix_web::test]
async fn a_login_with_a_nul_in_the_email_is_wrong_credentials_not_a_server_error() {
    let app = crate::helpers::spawn_app().await;
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            serde_json::json!({"email": "\u{e7}\u{0}@kommune.no", "password": "et-langt-passord"}),
        )
        .await;
    assert_eq!(r.status, awc::http::StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.body["code"], "invalid_credentials");
}
