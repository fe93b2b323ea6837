//! Who may call what: every documented endpoint against every kind of
//! caller, as one table. A new endpoint without a row fails the test.

use std::collections::BTreeSet;

use awc::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{org_number, spawn_app, TestApp, PASSWORD};
use crate::procurements::{
    add_lot, days_from_today, in_future, mandate, municipality_user, office, open, propose, Office,
};

const ROLES: [&str; 7] = [
    "anonymous",
    "admin",
    "coordinator",
    "other_coordinator",
    "invited",
    "uninvited",
    "supplier",
];

struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    expected: [u16; 7],
}

fn row(method: Method, path: &str, body: Option<Value>, expected: [u16; 7]) -> Row {
    Row {
        method,
        path: path.to_string(),
        body,
        expected,
    }
}

async fn call(app: &TestApp, row: &Row, token: Option<&str>, body: Option<Value>) -> StatusCode {
    match (row.path.ends_with("/import"), body) {
        (true, _) => {
            let csv = b"org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n".to_vec();
            app.raw(row.method.clone(), &row.path, token, "text/csv", csv)
                .await
                .status
        }
        (false, Some(b)) => {
            app.json(row.method.clone(), &row.path, token, b)
                .await
                .status
        }
        (false, None) => {
            app.raw(
                row.method.clone(),
                &row.path,
                token,
                "application/json",
                Vec::new(),
            )
            .await
            .status
        }
    }
}

#[actix_web::test]
async fn every_endpoint_answers_every_role_as_the_contract_says() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let other_office = app
        .create_office(&admin, "Sunnhordland innkjøp", &org_number(91477820))
        .await;
    let other = app
        .user_token(
            &admin,
            "k@sunnhordland.no",
            "coordinator",
            Some(&other_office),
            None,
        )
        .await;
    let invited = municipality_user(&app, &admin, "4601").await;
    let uninvited = municipality_user(&app, &admin, "0301").await;
    let supplier = app
        .register_supplier(json!({"org_number": org_number(92000000), "name": "Fjord AS", "email": "s@fjord.no",
              "password": PASSWORD, "employees": 5, "annual_turnover_ore": 1_000_000, "home_municipality": "4601",
              "service_area": ["46"], "cpv": ["555"]}))
        .await;
    let tokens: [Option<&str>; 7] = [
        None,
        Some(&admin),
        Some(&coordinator),
        Some(&other),
        Some(&invited),
        Some(&uninvited),
        Some(&supplier),
    ];

    mandate(
        &app,
        &invited,
        "4601",
        json!([]),
        10_000_000_000,
        &days_from_today(365),
    )
    .await;
    // Revoked by the rows below: a mandate of its own, so that the
    // procurement's join still has one.
    let revocable = mandate(&app, &invited, "4601", json!([]), 1, &days_from_today(365)).await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4602"],
        &in_future(3600),
        json!(null),
    )
    .await;
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
    let p = format!("/api/v1/procurements/{id}");
    let org_id = app.get("/api/v1/users/me", Some(&coordinator)).await.body["organization_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    let uninvited_id = app.get("/api/v1/users/me", Some(&uninvited)).await.body["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    let new_procurement = json!({"title": "Ny", "contract_type": "goods", "cpv": "34110000-1", "framework_agreement": false,
        "contract_start": days_from_today(200), "duration_months": 12, "participation_deadline": in_future(3600), "invited": ["4601"]});
    let new_mandate = json!({"reference": "PS 2/2026", "decided_by": "Formannskapet", "decided_on": days_from_today(-1),
        "valid_from": days_from_today(-1), "valid_until": days_from_today(300), "cpv_scope": [], "max_value_ore": 1});
    use Method as M;
    let read = [401, 200, 200, 404, 200, 404, 404];
    let run = [401, 403, 409, 404, 403, 404, 404];
    let rows = vec![
        row(M::GET, "/health/live", None, [200; 7]),
        row(M::GET, "/health/ready", None, [200; 7]),
        row(
            M::POST,
            "/api/v1/auth/token",
            Some(json!({"email": "drift@samkjop.no", "password": "admin-passord-123"})),
            [200; 7],
        ),
        row(
            M::GET,
            "/api/v1/users/me",
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/api/v1/users",
            Some(json!({"email": "ny@k.no", "password": PASSWORD, "role": "admin"})),
            [401, 201, 403, 403, 403, 403, 403],
        ),
        row(
            M::GET,
            "/api/v1/users",
            None,
            [401, 200, 403, 403, 403, 403, 403],
        ),
        row(
            M::PATCH,
            &format!("/api/v1/users/{uninvited_id}"),
            // What it is already: the row must not revoke a token the table uses.
            Some(json!({"disabled": false})),
            [401, 200, 403, 403, 403, 403, 403],
        ),
        row(
            M::POST,
            "/api/v1/users/me/password",
            Some(
                json!({"current_password": "ikke-passordet", "new_password": "Nytt-passord-2027"}),
            ),
            [401, 422, 422, 422, 422, 422, 422],
        ),
        row(
            M::GET,
            "/api/v1/admin/outbox",
            None,
            [401, 200, 403, 403, 403, 403, 403],
        ),
        row(
            M::GET,
            "/api/v1/organizations",
            None,
            [401, 200, 200, 200, 403, 403, 403],
        ),
        row(
            M::POST,
            "/api/v1/organizations",
            Some(
                json!({"kind": "procurement_office", "name": "Ny", "org_number": org_number(93000000)}),
            ),
            [401, 201, 403, 403, 403, 403, 403],
        ),
        row(
            M::GET,
            &format!("/api/v1/organizations/{org_id}"),
            None,
            [401, 200, 200, 404, 404, 404, 404],
        ),
        row(M::GET, "/api/v1/municipalities", None, [200; 7]),
        row(M::GET, "/api/v1/municipalities/4601", None, [200; 7]),
        row(
            M::PATCH,
            "/api/v1/municipalities/4601",
            Some(json!({"contact_email": "post@bergen.kommune.no"})),
            [401, 200, 403, 403, 200, 403, 403],
        ),
        row(
            M::GET,
            "/api/v1/municipalities/4601/mandates",
            None,
            // The coordinator's open procurement invites 4601; the other's invites nothing.
            [401, 200, 200, 403, 200, 403, 403],
        ),
        row(
            M::POST,
            "/api/v1/municipalities/4601/mandates",
            Some(new_mandate),
            [401, 201, 403, 403, 201, 403, 403],
        ),
        row(
            M::POST,
            &format!("/api/v1/municipalities/4601/mandates/{revocable}/revoke"),
            None,
            // Revoking a revoked mandate answers it unchanged.
            [401, 200, 403, 403, 200, 403, 403],
        ),
        row(
            M::PUT,
            "/api/v1/municipalities/4601/strategy",
            Some(
                json!({"reference": "PS 12/2025", "adopted_on": "2025-03-12", "min_climate_weight_percent": 30}),
            ),
            [401, 200, 403, 403, 200, 403, 403],
        ),
        row(
            M::GET,
            "/api/v1/municipalities/4601/strategy",
            None,
            // Coordinators read strategies to design procurements that meet them.
            [401, 200, 200, 200, 200, 403, 403],
        ),
        row(
            M::GET,
            "/api/v1/suppliers/me",
            None,
            [401, 403, 403, 403, 403, 403, 200],
        ),
        row(
            M::PATCH,
            "/api/v1/suppliers/me",
            Some(json!({"employees": 6})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        row(
            M::POST,
            "/api/v1/suppliers/import",
            None,
            [401, 200, 403, 403, 403, 403, 403],
        ),
        row(M::GET, "/api/v1/clauses", None, [200; 7]),
        row(
            M::GET,
            "/api/v1/procurements",
            None,
            [401, 200, 200, 200, 200, 200, 403],
        ),
        row(
            M::POST,
            "/api/v1/procurements",
            Some(new_procurement),
            [401, 403, 201, 201, 403, 403, 403],
        ),
        row(M::GET, &p, None, read),
        row(M::PATCH, &p, Some(json!({"title": "Nytt navn"})), run),
        row(
            M::POST,
            &format!("{p}/lots"),
            Some(json!({"title": "X", "cpv": "55524000-9", "unit": "stk", "unit_price_ore": 1})),
            run,
        ),
        row(
            M::PATCH,
            &format!("{p}/lots/{lot}"),
            Some(json!({"unit_price_ore": 4600})),
            run,
        ),
        row(M::DELETE, &format!("{p}/lots/{lot}"), None, run),
        row(
            M::POST,
            &format!("{p}/lots/{lot}/split"),
            Some(json!({"groups": [["4601"], ["4602"]]})),
            run,
        ),
        row(M::POST, &format!("{p}/open"), None, run),
        row(M::POST, &format!("{p}/close"), None, run),
        row(M::POST, &format!("{p}/publish"), None, run),
        row(
            M::POST,
            &format!("{p}/award"),
            Some(json!({"awards": []})),
            run,
        ),
        row(M::GET, &format!("{p}/summary"), None, read),
        row(M::GET, &format!("{p}/analysis"), None, read),
        row(M::GET, &format!("{p}/strategy-fit"), None, read),
        row(M::GET, &format!("{p}/participation"), None, read),
        row(
            M::PUT,
            &format!("{p}/participation/4601"),
            Some(json!({"decision": "decline"})),
            [401, 403, 403, 403, 200, 403, 403],
        ),
        row(M::GET, &format!("{p}/events"), None, read),
        row(M::GET, &format!("{p}/events/verify"), None, read),
        row(M::GET, &format!("{p}/volumes.csv"), None, read),
        row(M::GET, &format!("{p}/ocds"), None, [404; 7]),
        row(
            M::PUT,
            &format!("{p}/tender-plan"),
            Some(
                json!({"procedure": "open", "tender_deadline": in_future(30 * 24 * 3600),
                        "documents_url": "https://tendsign.no/doc.aspx?MId1=1",
                        "award_criteria": [{"type": "price", "name": "Pris", "weight_percent": 100}]}),
            ),
            [401, 403, 200, 404, 403, 404, 404],
        ),
        // A draft has no notice yet: 409 invalid_state for its coordinator.
        row(
            M::GET,
            &format!("{p}/notices/contract-notice.xml"),
            None,
            run,
        ),
        row(
            M::PUT,
            &format!("{p}/clauses"),
            Some(json!({"clauses": []})),
            [401, 403, 200, 404, 403, 404, 404],
        ),
        row(
            M::PUT,
            &format!("{p}/sustainability"),
            Some(json!({"climate_weight_percent": 30, "sdgs": [12]})),
            [401, 403, 200, 404, 403, 404, 404],
        ),
        row(M::GET, &format!("{p}/compliance"), None, read),
        row(
            M::POST,
            &format!("{p}/compliance/justifications"),
            Some(json!({"check": "climate_weight", "text": "Begrunnelse"})),
            [401, 403, 201, 404, 403, 404, 404],
        ),
        row(M::GET, &format!("{p}/follow-up"), None, read),
        row(M::GET, &format!("{p}/follow-up/report"), None, read),
        row(
            M::POST,
            &format!("{p}/follow-up/no-such-checkpoint"),
            Some(json!({"result": "done"})),
            run,
        ),
        row(
            M::GET,
            "/api/v1/suppliers/me/subscriptions",
            None,
            [401, 403, 403, 403, 403, 403, 200],
        ),
        row(
            M::PUT,
            "/api/v1/suppliers/me/subscriptions",
            Some(json!({"cpv_prefixes": ["555"], "areas": ["46"]})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        // Before the consultation opens nobody sees one.
        row(
            M::GET,
            &format!("/api/v1/public/consultations/{id}"),
            None,
            [404; 7],
        ),
        row(
            M::POST,
            &format!("{p}/consultation"),
            Some(json!({"deadline": in_future(1800), "message": "Innspill?"})),
            [401, 403, 201, 404, 403, 404, 404],
        ),
        row(
            M::PUT,
            &format!("{p}/consultation/answers/{lot}"),
            Some(json!({"answer": "can_bid"})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        row(
            M::GET,
            &format!("{p}/consultation/report"),
            None,
            [401, 403, 200, 404, 403, 404, 404],
        ),
        row(
            M::GET,
            &format!("{p}/consultation/report.csv"),
            None,
            [401, 403, 200, 404, 403, 404, 404],
        ),
        row(
            M::PUT,
            &format!("{p}/consultation/summary"),
            Some(json!({"summary": "Oppsummering"})),
            [401, 403, 200, 404, 403, 404, 404],
        ),
        row(M::GET, "/api/v1/public/procurements", None, [200; 7]),
        row(
            M::GET,
            &format!("/api/v1/public/procurements/{id}"),
            None,
            [404; 7],
        ),
        row(
            M::POST,
            &format!("/api/v1/public/procurements/{id}/lots/{lot}/interest"),
            None,
            [401, 403, 403, 403, 403, 403, 404],
        ),
        // Accepted alike whoever asks: the link emailed confirms it.
        row(M::POST, "/api/v1/suppliers", None, [202; 7]),
        row(
            M::GET,
            "/api/v1/admin/registrations",
            None,
            [401, 200, 403, 403, 403, 403, 403],
        ),
        row(
            M::POST,
            "/api/v1/admin/registrations/no-such-registration/approve",
            Some(json!({})),
            [401, 404, 403, 403, 403, 403, 403],
        ),
        // Last: it ends the procurement.
        row(
            M::POST,
            &format!("{p}/cancel"),
            Some(json!({})),
            [401, 403, 200, 404, 403, 404, 404],
        ),
    ];

    let mut failures = Vec::new();
    for r in &rows {
        // The coordinator goes last where a call changes state for everyone after it.
        let order: [usize; 7] = [0, 1, 3, 4, 5, 6, 2];
        for &i in &order {
            let body = if r.path == "/api/v1/suppliers" {
                Some(
                    json!({"org_number": org_number(94000000 + 10 * i as u32), "name": "Leverandør AS",
                            "email": format!("l{i}@lev.no"), "password": PASSWORD, "employees": 1,
                            "annual_turnover_ore": 100, "home_municipality": "4601", "service_area": [], "cpv": ["45"]}),
                )
            } else if r.path == "/api/v1/users" {
                Some(json!({"email": format!("ny{i}@k.no"), "password": PASSWORD, "role": "admin"}))
            } else {
                r.body.clone()
            };
            let got = call(&app, r, tokens[i], body).await;
            if got.as_u16() != r.expected[i] {
                failures.push(format!(
                    "{} {} as {}: {} (expected {})",
                    r.method,
                    r.path,
                    ROLES[i],
                    got.as_u16(),
                    r.expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Every documented operation has its row.
    let doc = app.get("/api-docs/openapi.json", None).await.body;
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.as_str().to_string(), template_of(&r.path, &doc)))
        .collect();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
            let m = method.to_uppercase();
            if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str())
                && !covered.contains(&(m.clone(), path.clone()))
            {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without a row in the matrix: {missing:?}"
    );
}

/// The documented path template a concrete path belongs to.
fn template_of(path: &str, doc: &Value) -> String {
    let wanted: Vec<&str> = path.split('/').collect();
    doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|o| o.keys())
        .find(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            parts.len() == wanted.len()
                && parts
                    .iter()
                    .zip(&wanted)
                    .all(|(a, b)| a.starts_with('{') || a == b)
        })
        .cloned()
        .unwrap_or_else(|| path.to_string())
}

/// A municipality's mandates carry its ceilings: what it may spend is not
/// for every coordinator in the country to read.
#[actix_web::test]
async fn a_coordinator_reads_only_the_mandates_of_municipalities_its_procurements_invited() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let other_office = app
        .create_office(&admin, "Sunnhordland innkjøp", &org_number(91477820))
        .await;
    let other = app
        .user_token(
            &admin,
            "k@sunnhordland.no",
            "coordinator",
            Some(&other_office),
            None,
        )
        .await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        5_000_000_000,
        &days_from_today(365),
    )
    .await;
    let read = |token: String| {
        let app = &app;
        async move {
            app.get("/api/v1/municipalities/4601/mandates", Some(&token))
                .await
                .status
        }
    };
    assert_eq!(
        read(other.clone()).await,
        StatusCode::FORBIDDEN,
        "no procurement of its own invites Bergen"
    );

    // Proposing a draft that invites Bergen is not enough: nobody was invited yet.
    let draft = propose(
        &app,
        &other,
        &["4601", "4602"],
        &in_future(3600),
        json!(null),
    )
    .await;
    assert_eq!(
        read(other.clone()).await,
        StatusCode::FORBIDDEN,
        "a draft invites nobody"
    );
    // An opened procurement that invites another municipality does not open Bergen's.
    let elsewhere = propose(&app, &other, &["4602"], &in_future(3600), json!(null)).await;
    add_lot(
        &app,
        &other,
        &elsewhere,
        "Skolemåltid",
        "porsjon",
        4500,
        None,
    )
    .await;
    open(&app, &other, &elsewhere).await;
    assert_eq!(
        read(other.clone()).await,
        StatusCode::FORBIDDEN,
        "invited elsewhere"
    );
    // Opening the one that invites Bergen does.
    add_lot(&app, &other, &draft, "Skolemåltid", "porsjon", 4500, None).await;
    open(&app, &other, &draft).await;
    assert_eq!(
        read(other.clone()).await,
        StatusCode::OK,
        "its open procurement invites Bergen"
    );
    // Cancelled, it no longer needs them.
    let r = app
        .post(
            &format!("/api/v1/procurements/{draft}/cancel"),
            Some(&other),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled");
    assert_eq!(read(other).await, StatusCode::FORBIDDEN, "after cancelling");

    assert_eq!(
        read(coordinator).await,
        StatusCode::FORBIDDEN,
        "an office that never invited Bergen"
    );
    assert_eq!(read(bergen).await, StatusCode::OK, "Bergen itself");
    assert_eq!(read(admin.clone()).await, StatusCode::OK, "the operator");
    let oslo = municipality_user(&app, &admin, "0301").await;
    assert_eq!(
        read(oslo).await,
        StatusCode::FORBIDDEN,
        "another municipality"
    );
    // A host municipality's coordinator works for that municipality: it reads its own.
    let host = app
        .user_token(
            &admin,
            "innkjop@bergen.kommune.no",
            "coordinator",
            None,
            Some("4601"),
        )
        .await;
    assert_eq!(read(host).await, StatusCode::OK, "Bergen's own coordinator");
}
