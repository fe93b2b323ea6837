//! The rules of joining: mandates, areas, quantities, deadlines, quorum,
//! who may do what, and what a refusal leaves behind (nothing).

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;
use crate::procurements::{
    add_lot, days_from_today, decisions, decline, in_future, join, mandate, municipality_user,
    office, open, propose, Office,
};
use crate::scenario::lot;

#[actix_web::test]
async fn a_join_its_mandate_does_not_cover_is_refused_with_the_reason() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4631"],
        &in_future(3600),
        json!(null),
    )
    .await;
    let meals = add_lot(
        &app,
        &coordinator,
        &id,
        "Skolemåltid",
        "porsjon",
        4500,
        Some(&["4601"]),
    )
    .await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    let m = mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        10_000_000_000,
        &days_from_today(365),
    )
    .await;

    let early = join(
        &app,
        &bergen,
        &id,
        "4601",
        &m,
        json!([{"lot_id": meals, "annual_quantity": 10}]),
    )
    .await;
    assert_eq!(
        (early.status, early.code()),
        (StatusCode::CONFLICT, "participation_closed"),
        "a draft takes no decisions"
    );
    open(&app, &coordinator, &id).await;

    let works_only = mandate(
        &app,
        &bergen,
        "4601",
        json!(["45"]),
        10_000_000_000,
        &days_from_today(365),
    )
    .await;
    let expired = mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        10_000_000_000,
        &days_from_today(-30),
    )
    .await;
    let alver = municipality_user(&app, &admin, "4631").await;
    let alvers = mandate(
        &app,
        &alver,
        "4631",
        json!([]),
        10_000_000_000,
        &days_from_today(365),
    )
    .await;
    let ok_line = json!([{"lot_id": meals, "annual_quantity": 10}]);

    let cases = [
        (
            json!({"decision": "join", "volumes": ok_line}),
            "mandate_required",
        ),
        (
            json!({"decision": "join", "mandate_id": alvers, "volumes": ok_line}),
            "mandate_not_found",
        ),
        (
            json!({"decision": "join", "mandate_id": works_only, "volumes": ok_line}),
            "mandate_scope",
        ),
        (
            json!({"decision": "join", "mandate_id": expired, "volumes": ok_line}),
            "mandate_not_valid",
        ),
        (
            json!({"decision": "join", "mandate_id": m, "volumes": [{"lot_id": meals, "annual_quantity": -1}]}),
            "invalid_quantity",
        ),
        (
            json!({"decision": "join", "mandate_id": m, "volumes": [{"lot_id": meals, "annual_quantity": 10, "max_annual_quantity": 5}]}),
            "invalid_quantity",
        ),
        (
            json!({"decision": "join", "mandate_id": m, "volumes": [{"lot_id": "no-such-lot", "annual_quantity": 10}]}),
            "lot_not_found",
        ),
        (
            json!({"decision": "join", "mandate_id": m, "volumes": [{"lot_id": meals, "annual_quantity": i64::MAX}]}),
            "value_overflow",
        ),
        (json!({"decision": "maybe"}), "invalid_decision"),
    ];
    for (body, code) in cases {
        let r = app
            .put(
                &format!("/api/v1/procurements/{id}/participation/4601"),
                Some(&bergen),
                body.clone(),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{body} -> {}",
            r.body
        );
    }
    let scope = app
        .put(
            &format!("/api/v1/procurements/{id}/participation/4601"),
            Some(&bergen),
            json!({"decision": "join", "mandate_id": works_only, "volumes": ok_line}),
        )
        .await;
    assert!(
        scope.body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("55524000-9"),
        "names the CPV: {}",
        scope.body
    );
    let not_in_area = join(
        &app,
        &alver,
        &id,
        "4631",
        &alvers,
        json!([{"lot_id": meals, "annual_quantity": 10}]),
    )
    .await;
    assert_eq!(
        (not_in_area.status, not_in_area.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lot_not_in_area")
    );

    // Nothing of the refusals was stored.
    let decided = decisions(&app, &coordinator, &id).await;
    assert!(decided.iter().all(|(_, d)| d == "pending"), "{decided:?}");
    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events"),
            Some(&coordinator),
        )
        .await;
    assert!(events
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "participation_decided"));
}

#[actix_web::test]
async fn a_municipality_decides_only_for_itself_and_only_where_invited() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4631"],
        &in_future(3600),
        json!(null),
    )
    .await;
    add_lot(
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
    let bergen = municipality_user(&app, &admin, "4601").await;
    let oslo = municipality_user(&app, &admin, "0301").await;

    let other = decline(&app, &bergen, &id, "4631").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "not Bergen's decision");
    let uninvited = decline(&app, &oslo, &id, "0301").await;
    assert_eq!(
        uninvited.status,
        StatusCode::FORBIDDEN,
        "Oslo was not invited"
    );
    let by_coordinator = decline(&app, &coordinator, &id, "4601").await;
    assert_eq!(by_coordinator.status, StatusCode::FORBIDDEN);
    let anonymous = app
        .put(
            &format!("/api/v1/procurements/{id}/participation/4601"),
            None,
            json!({"decision": "decline"}),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // Oslo may not even know the procurement exists; Bergen may read it but not run it.
    assert_eq!(
        app.get(&format!("/api/v1/procurements/{id}"), Some(&oslo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/procurements/{id}/summary"), Some(&bergen))
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/close"),
            Some(&bergen),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A coordinator of another office does not see it.
    let other_office = app
        .create_office(&admin, "Sunnhordland innkjøp", "914778271")
        .await;
    let stranger = app
        .user_token(&admin, "k@shi.no", "coordinator", Some(&other_office), None)
        .await;
    for path in ["", "/summary", "/participation", "/events"] {
        let r = app
            .get(&format!("/api/v1/procurements/{id}{path}"), Some(&stranger))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/close"),
            Some(&stranger),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mine = app.get("/api/v1/procurements", Some(&stranger)).await;
    assert_eq!(mine.body, json!([]), "status {}", mine.status);
    let bergens = app.get("/api/v1/procurements", Some(&bergen)).await;
    assert_eq!(bergens.body.as_array().map(Vec::len), Some(1));
}

#[actix_web::test]
async fn a_host_municipality_leads_and_is_itself_invited() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let voss = app
        .user_token(
            &admin,
            "innkjop@voss.kommune.no",
            "coordinator",
            None,
            Some("4621"),
        )
        .await;
    let id = propose(&app, &voss, &["4601"], &in_future(3600), json!(null)).await;
    let p = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&voss))
        .await;
    assert_eq!(p.body["invited"], json!(["4601", "4621"]));
    assert_eq!(p.body["host_municipality"], "4621");
}

#[actix_web::test]
async fn a_decision_after_the_deadline_is_refused_and_silence_becomes_no_response() {
    let app = spawn_app().await;
    let s = app
        .scenario()
        .users(&["4601"])
        .invited(&["4601", "4631"])
        .deadline(&in_future(3600))
        .lot(lot("Skolemåltid"))
        .opened()
        .await;
    let (id, coordinator, bergen) = (&s.id, &s.coordinator, s.user("4601"));
    let early_close = app
        .post(
            &format!("/api/v1/procurements/{id}/close"),
            Some(coordinator),
            json!({}),
        )
        .await;
    assert_eq!(
        (early_close.status, early_close.code()),
        (StatusCode::CONFLICT, "deadline_not_reached")
    );

    app.clock.advance(chrono::Duration::seconds(3601));
    let late = decline(&app, bergen, id, "4601").await;
    assert_eq!(
        (late.status, late.code()),
        (StatusCode::CONFLICT, "participation_closed"),
        "{}",
        late.body
    );

    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/close"),
            Some(coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "closed", "{}", r.body);
    let decided = decisions(&app, coordinator, id).await;
    assert!(
        decided.iter().all(|(_, d)| d == "no_response"),
        "{decided:?}"
    );
    let summary = app
        .get(
            &format!("/api/v1/procurements/{id}/summary"),
            Some(coordinator),
        )
        .await;
    assert_eq!(summary.body["participants"]["no_response"], 2);
}

#[actix_web::test]
async fn a_quorum_that_is_not_met_blocks_publishing() {
    let app = spawn_app().await;
    let s = app
        .scenario()
        .municipalities(&["4631"])
        .users(&["4601", "4632"])
        .invited(&["4601", "4631", "4632"])
        .quorum(json!({"min_participants": 2}))
        .lot(lot("Skolemåltid"))
        .opened()
        .await;
    let (id, coordinator) = (&s.id, &s.coordinator);
    let joined = s
        .join(
            &app,
            "4631",
            json!([{"lot_id": s.lot(0), "annual_quantity": 1000}]),
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK);
    for n in ["4601", "4632"] {
        assert_eq!(s.decline(&app, n).await.status, StatusCode::OK);
    }
    s.step(&app, "close").await;
    let r = s.step(&app, "publish").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "quorum_not_met"),
        "{}",
        r.body
    );
    assert!(r.body["detail"]
        .as_str()
        .unwrap_or("")
        .contains("1 joined (at least 2 needed)"));
    let p = app
        .get(&format!("/api/v1/procurements/{id}"), Some(coordinator))
        .await;
    assert_eq!(p.body["status"], "closed");
}

#[actix_web::test]
async fn each_step_happens_only_in_its_state() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let id = propose(&app, &coordinator, &["4601"], &in_future(3600), json!(null)).await;
    let no_lots = app
        .post(
            &format!("/api/v1/procurements/{id}/open"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(
        (no_lots.status, no_lots.code()),
        (StatusCode::CONFLICT, "no_lots")
    );
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
    let publish_draft = app
        .post(
            &format!("/api/v1/procurements/{id}/publish"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(
        (publish_draft.status, publish_draft.code()),
        (StatusCode::CONFLICT, "invalid_state")
    );
    let edited = app
        .patch(
            &format!("/api/v1/procurements/{id}"),
            Some(&coordinator),
            json!({"title": "Skolemat 2027"}),
        )
        .await;
    assert_eq!(
        (edited.status, edited.body["title"].as_str()),
        (StatusCode::OK, Some("Skolemat 2027")),
        "{}",
        edited.body
    );
    let uninvite = app
        .patch(
            &format!("/api/v1/procurements/{id}"),
            Some(&coordinator),
            json!({"invited": ["4631"]}),
        )
        .await;
    assert_eq!(
        (uninvite.status, uninvite.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invited_in_lot_area")
    );
    open(&app, &coordinator, &id).await;
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/lots"),
            Some(&coordinator),
            json!({"title": "Mer", "cpv": "55524000-9", "unit": "porsjon", "unit_price_ore": 1}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_state")
    );
    let r = app
        .patch(
            &format!("/api/v1/procurements/{id}"),
            Some(&coordinator),
            json!({"title": "X"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_state")
    );
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/lots/{lot}/split"),
            Some(&coordinator),
            json!({"groups": [["4601"], []]}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_state")
    );
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/cancel"),
            Some(&coordinator),
            json!({"reason": "Feil behov"}),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled");
    let again = app
        .post(
            &format!("/api/v1/procurements/{id}/cancel"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn bad_proposals_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let Office { coordinator, admin } = office(&app).await;
    let base = json!({"title": "Skolemat", "contract_type": "services", "cpv": "55524000-9", "framework_agreement": true,
                      "contract_start": days_from_today(200), "duration_months": 24, "participation_deadline": in_future(3600),
                      "invited": ["4601"]});
    let cases = [
        ("cpv", json!("55524000-8"), "unknown_cpv"),
        ("contract_type", json!("leasing"), "invalid_contract_type"),
        ("invited", json!(["1201"]), "unknown_municipality"),
        ("invited", json!([]), "invited_required"),
        (
            "participation_deadline",
            json!("2020-01-01T00:00:00Z"),
            "invalid_deadline",
        ),
        ("duration_months", json!(0), "invalid_duration"),
        (
            "participation_deadline",
            json!("next week"),
            "invalid_field",
        ),
    ];
    for (field, value, code) in cases {
        let mut body = base.clone();
        body[field] = value;
        let r = app
            .post("/api/v1/procurements", Some(&coordinator), body)
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{field}: {}",
            r.body
        );
    }
    // The quorum is checked with the contract's terms, and blamed on itself.
    let mut body = base.clone();
    body["quorum"] = json!({"min_participants": 0});
    let r = app
        .post("/api/v1/procurements", Some(&coordinator), body)
        .await;
    assert_eq!(
        (r.status, r.code(), &r.body["errors"][0]["field"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_quorum",
            &json!("quorum")
        ),
        "{}",
        r.body
    );
    let bergen = municipality_user(&app, &admin, "4601").await;
    let r = app.post("/api/v1/procurements", Some(&bergen), base).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "municipality users do not propose"
    );
}

#[actix_web::test]
async fn a_tampered_audit_trail_is_detected() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let id = propose(&app, &coordinator, &["4601"], &in_future(3600), json!(null)).await;
    add_lot(
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
    let ok = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(
        (ok.body["intact"].as_bool(), ok.body["events"].as_u64()),
        (Some(true), Some(3))
    );

    let db = samkjop::db::Db::connect(&app.database_url, 1).expect("db");
    let mut conn = db.conn().expect("conn");
    diesel::sql_query(format!("UPDATE events SET data = '{{\"unit_price_ore\":1}}' WHERE procurement_id = '{id}' AND seq = 2"))
        .execute(&mut *conn)
        .expect("tamper");
    let broken = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(
        (
            broken.body["intact"].as_bool(),
            broken.body["first_broken_seq"].as_i64()
        ),
        (Some(false), Some(2))
    );
}

#[actix_web::test]
async fn participation_and_the_audit_trail_come_in_pages() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4602", "4611"],
        &in_future(3600),
        json!(null),
    )
    .await;
    add_lot(
        &app,
        &coordinator,
        &id,
        "Skolemåltid",
        "porsjon",
        4500,
        None,
    )
    .await;
    let page = app
        .get(
            &format!("/api/v1/procurements/{id}/participation?limit=2&offset=1"),
            Some(&coordinator),
        )
        .await;
    let numbers: Vec<&str> = page
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["municipality"].as_str())
        .collect();
    assert_eq!(numbers, vec!["4602", "4611"]);
    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events?limit=1&offset=1"),
            Some(&coordinator),
        )
        .await;
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["lot_added"]);
}
