//! Seriousness clauses, the climate weight and SDGs, the compliance gate on
//! publishing, the award and contract follow-up with its reminders.

use awc::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use samkjop::db::Db;
use samkjop::flows::follow_up;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, TestApp, PASSWORD};
use crate::procurements::days_from_today;
use crate::scenario::{lot, LotSpec};
use crate::smtp_server::SmtpServer;
use crate::voting::{app_with_mail, mails_about as mails};

/// What the school-meals scenario (services, CPV 55524000-9, far above the
/// EEA threshold) must have before it may be published.
pub const SCHOOL_MEAL_CLAUSES: [&str; 3] = ["lonns_og_arbeidsvilkar", "sanksjoner", "skatteattest"];

pub async fn choose(app: &TestApp, token: &str, id: &str, clauses: &[&str]) -> Reply {
    app.put(
        &format!("/api/v1/procurements/{id}/clauses"),
        Some(token),
        json!({ "clauses": clauses }),
    )
    .await
}

pub async fn sustainability(app: &TestApp, token: &str, id: &str, body: Value) -> Reply {
    app.put(
        &format!("/api/v1/procurements/{id}/sustainability"),
        Some(token),
        body,
    )
    .await
}

pub async fn justify(app: &TestApp, token: &str, id: &str, check: &str, text: &str) -> Reply {
    app.post(
        &format!("/api/v1/procurements/{id}/compliance/justifications"),
        Some(token),
        json!({ "check": check, "text": text }),
    )
    .await
}

pub async fn compliance(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/procurements/{id}/compliance"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// Chooses `clauses` and a climate weight of 30 % with SDGs 2 and 12: what
/// a procurement whose mandatory clauses are `clauses` needs to publish.
pub async fn comply(app: &TestApp, coordinator: &str, id: &str, clauses: &[&str]) {
    let r = choose(app, coordinator, id, clauses).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = sustainability(
        app,
        coordinator,
        id,
        json!({"climate_weight_percent": 30, "sdgs": [12, 2]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"climate_weight_percent": 30, "sdgs": [2, 12]})
    );
}

pub async fn publish(app: &TestApp, coordinator: &str, id: &str) -> Reply {
    app.post(
        &format!("/api/v1/procurements/{id}/publish"),
        Some(coordinator),
        json!({}),
    )
    .await
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a code"))
        .collect()
}

fn check<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["check"] == code)
        .unwrap_or_else(|| panic!("no check {code} in {report}"))
}

struct Cleaning {
    id: String,
    coordinator: String,
    bergen: String,
    bergen_lot: String,
    alver_lot: String,
    contract_start: NaiveDate,
}

/// Cleaning for Bergen and Alver, a lot each, 24 months, NOK 500 an hour;
/// closed after both joined with `hours` (Bergen, Alver) a year.
async fn cleaning_closed(app: &TestApp, hours: (i64, i64)) -> Cleaning {
    let start = days_from_today(200);
    let s = app
        .scenario()
        .municipalities(&["4601", "4631"])
        .users(&["4626"])
        .with(json!({"title": "Renhold i Nordhordland", "description": null, "contract_type": "services",
                     "cpv": "90910000-9", "framework_agreement": false, "contract_start": start,
                     "duration_months": 24, "option_months": null}))
        .lot(cleaning_lot("Renhold Bergen", "4601"))
        .lot(cleaning_lot("Renhold Alver", "4631"))
        .opened()
        .await;
    for (number, lot, annual) in [("4601", s.lot(0), hours.0), ("4631", s.lot(1), hours.1)] {
        let r = s
            .join(
                app,
                number,
                json!([{"lot_id": lot, "annual_quantity": annual}]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(s.decline(app, "4626").await.status, StatusCode::OK);
    let r = s.step(app, "close").await;
    assert_eq!(r.body["status"], "closed", "{}", r.body);
    Cleaning {
        id: s.id.clone(),
        coordinator: s.coordinator.clone(),
        bergen: s.user("4601").to_string(),
        bergen_lot: s.lot(0).to_string(),
        alver_lot: s.lot(1).to_string(),
        contract_start: NaiveDate::parse_from_str(&start, "%Y-%m-%d").expect("a date"),
    }
}

/// NOK 500 an hour of cleaning in one municipality.
fn cleaning_lot(title: &str, area: &str) -> LotSpec {
    lot(title)
        .cpv("90911200-8")
        .unit("time")
        .price(50_000)
        .area(&[area])
}

#[actix_web::test]
async fn the_clause_library_is_public_and_documented() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/clauses", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let hms = r.body["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["code"] == "hms_kort")
        .expect("the HMS card");
    assert_eq!(hms["title"], "HMS-kort");
    assert_eq!(hms["mandatory_when"]["cpv_prefixes"], json!(["45", "9091"]));
    assert_eq!(
        hms["mandatory_when"]["value_at_least"],
        json!({"threshold": "eea_goods_services"})
    );
    assert_eq!(hms["checkpoints"][0]["code"], "hms_kort_oppstart");
    let tax = r.body["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["code"] == "skatteattest")
        .expect("the tax certificate");
    assert_eq!(
        tax["mandatory_when"]["value_above"],
        json!({"ore": 50_000_000})
    );
    assert_eq!(
        r.body["climate"],
        json!({"min_weight_percent": 30, "applies_from": {"ore": 10_000_000},
               "legal_basis": "Anskaffelsesforskriften § 7-9 (klima og miljø)"})
    );

    let doc = app.get("/api-docs/openapi.json", None).await.body;
    for path in [
        "/api/v1/clauses",
        "/api/v1/procurements/{id}/clauses",
        "/api/v1/procurements/{id}/sustainability",
        "/api/v1/procurements/{id}/compliance",
        "/api/v1/procurements/{id}/compliance/justifications",
        "/api/v1/procurements/{id}/award",
        "/api/v1/procurements/{id}/follow-up",
        "/api/v1/procurements/{id}/follow-up/{checkpoint_id}",
        "/api/v1/procurements/{id}/follow-up/report",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(doc["components"]["schemas"].get("Check").is_some());
}

#[actix_web::test]
async fn publishing_waits_until_each_missing_check_is_fixed_or_justified() {
    let app = spawn_app().await;
    // 2 900 + 100 hours a year at NOK 500 for 24 months: NOK 3 000 000,
    // above the EEA threshold of NOK 2 300 000, with a cleaning CPV (9091).
    let s = cleaning_closed(&app, (2_900, 100)).await;
    let (id, coordinator) = (&s.id, &s.coordinator);

    let report = compliance(&app, coordinator, id).await;
    assert_eq!(
        codes(&report["missing"]),
        vec![
            "lonns_og_arbeidsvilkar",
            "sanksjoner",
            "hms_kort",
            "lonn_via_bank",
            "tjenestepensjon",
            "underleverandorledd",
            "laerlinger",
            "skatteattest",
            "climate_weight"
        ]
    );
    // Lawful employment forms are recommended, not mandatory: not missing.
    let employment = check(&report, "lovlige_ansettelsesformer");
    assert_eq!(
        (
            employment["mandatory"].as_bool(),
            employment["status"].as_str()
        ),
        (Some(false), Some("not_applicable"))
    );
    let hms = check(&report, "hms_kort");
    assert_eq!(
        (
            hms["status"].as_str(),
            hms["value_ore"].as_i64(),
            hms["threshold_ore"].as_i64(),
            hms["threshold"].as_str(),
            hms["cpv"].as_str()
        ),
        (
            Some("missing"),
            Some(300_000_000),
            Some(230_000_000),
            Some("eea_goods_services"),
            Some("90910000-9")
        )
    );
    assert!(
        hms["reason"]
            .as_str()
            .unwrap_or("")
            .ends_with("; ikke valgt"),
        "{hms}"
    );
    let english = app
        .get_in(
            "en",
            &format!("/api/v1/procurements/{id}/compliance"),
            Some(coordinator),
        )
        .await
        .body;
    let hms_en = check(&english, "hms_kort");
    assert!(
        hms_en["reason"]
            .as_str()
            .unwrap_or("")
            .ends_with("; not chosen"),
        "{hms_en}"
    );
    let apprentices = check(&report, "laerlinger");
    assert_eq!(
        apprentices["must_end_after"],
        json!(s
            .contract_start
            .checked_add_months(chrono::Months::new(3))
            .expect("a date")
            .to_string())
    );
    assert_eq!(
        check(&report, "innsyn_og_revisjon")["status"],
        "not_applicable"
    );

    let unknown = choose(&app, coordinator, id, &["hms_kort", "hms"]).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_clause")
    );
    assert_eq!(unknown.body["errors"][0]["field"], "clauses");
    let bad_weight = sustainability(
        &app,
        coordinator,
        id,
        json!({"climate_weight_percent": 101}),
    )
    .await;
    assert_eq!(bad_weight.code(), "invalid_climate_weight");
    let bad_goal = sustainability(&app, coordinator, id, json!({"sdgs": [8, 18]})).await;
    assert_eq!(bad_goal.code(), "invalid_sdg");
    let r = choose(
        &app,
        coordinator,
        id,
        &[
            "lonns_og_arbeidsvilkar",
            "sanksjoner",
            "hms_kort",
            "lonn_via_bank",
            "tjenestepensjon",
            "lovlige_ansettelsesformer",
            "underleverandorledd",
            "skatteattest",
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = sustainability(
        &app,
        coordinator,
        id,
        json!({"climate_weight_percent": 20, "sdgs": [8]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let refused = publish(&app, coordinator, id).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::CONFLICT, "compliance_missing"),
        "{}",
        refused.body
    );
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap_or("")
            .starts_with("compliance checks are missing: laerlinger, climate_weight;"),
        "{}",
        refused.body
    );
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(fields, vec!["laerlinger", "climate_weight"]);
    assert!(refused.body["errors"][1]["message"]
        .as_str()
        .unwrap_or("")
        .ends_with("the climate weight 20 % is below 30 %"));
    let p = app
        .get(&format!("/api/v1/procurements/{id}"), Some(coordinator))
        .await;
    assert_eq!(p.body["status"], "closed");

    // Only the coordinator justifies, and only a check of the report.
    let by_municipality = justify(&app, &s.bergen, id, "laerlinger", "x").await;
    assert_eq!(by_municipality.status, StatusCode::FORBIDDEN);
    assert_eq!(
        justify(&app, coordinator, id, "apprentices", "x")
            .await
            .code(),
        "unknown_check"
    );
    assert_eq!(
        justify(&app, coordinator, id, "laerlinger", "  ")
            .await
            .code(),
        "invalid_justification"
    );
    let climate_text = "Klima og miljø vektes 20 %: kvalitet og pris må veie tyngre i denne bransjen, jf. FOA § 7-9 (2).";
    let r = justify(
        &app,
        coordinator,
        id,
        "laerlinger",
        "Ingen godkjente lærebedrifter i renholdsfaget i området.",
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = justify(&app, coordinator, id, "climate_weight", climate_text).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["check"], "climate_weight");

    let report = compliance(&app, coordinator, id).await;
    assert_eq!(report["missing"], json!([]));
    assert_eq!(check(&report, "laerlinger")["status"], "justified");
    assert_eq!(check(&report, "climate_weight")["status"], "justified");
    assert_eq!(check(&report, "hms_kort")["status"], "ok");
    assert_eq!(report["sdgs"], json!([8]));
    assert_eq!(report["justifications"].as_array().map(Vec::len), Some(2));

    let r = publish(&app, coordinator, id).await;
    assert_eq!(r.body["status"], "published", "{}", r.body);

    // The justification is in the audit chain, and the chain holds.
    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events"),
            Some(coordinator),
        )
        .await
        .body;
    let events = events.as_array().expect("events");
    let justified: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "compliance_justified")
        .collect();
    assert_eq!(justified.len(), 2);
    assert_eq!(
        justified[1]["data"],
        json!({"check": "climate_weight", "text": climate_text})
    );
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"clauses_chosen") && kinds.contains(&"sustainability_set"));
    assert_eq!(kinds.last(), Some(&"published"));
    let verify = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(coordinator),
        )
        .await
        .body;
    assert_eq!(
        (verify["intact"].as_bool(), verify["events"].as_u64()),
        (Some(true), Some(events.len() as u64))
    );

    // Published: what was chosen and justified is fixed.
    let late = choose(&app, coordinator, id, &[]).await;
    assert_eq!(
        (late.status, late.code()),
        (StatusCode::CONFLICT, "invalid_state")
    );
    assert_eq!(
        justify(&app, coordinator, id, "hms_kort", "x").await.status,
        StatusCode::CONFLICT
    );
}

/// NOK 2 000 000 in all (1 500 + 500 hours x NOK 500 x 2 years): below the
/// EEA threshold, so only the tax certificate and the climate weight are
/// mandatory (the apprentices follow the EEA threshold since the amount of
/// NOK 2 000 000 went out of date); the HMS card and apprentices are chosen
/// as well.
async fn cleaning_published(app: &TestApp) -> Cleaning {
    let s = cleaning_closed(app, (1_500, 500)).await;
    let report = compliance(app, &s.coordinator, &s.id).await;
    assert_eq!(
        codes(&report["missing"]),
        vec!["skatteattest", "climate_weight"]
    );
    comply(
        app,
        &s.coordinator,
        &s.id,
        &["hms_kort", "laerlinger", "skatteattest"],
    )
    .await;
    let r = publish(app, &s.coordinator, &s.id).await;
    assert_eq!(r.body["status"], "published", "{}", r.body);
    s
}

async fn supplier(app: &TestApp) -> String {
    let token = app
        .register_supplier(
            json!({"org_number": "923609016", "name": "Vask og Rent AS", "email": "post@vaskogrent.no",
                   "password": PASSWORD, "employees": 40, "annual_turnover_ore": 3_000_000_000_i64,
                   "home_municipality": "4601", "service_area": ["46"], "cpv": ["909"]}),
        )
        .await;
    app.my_supplier_profile(&token).await["id"]
        .as_str()
        .expect("id")
        .to_string()
}

async fn award(app: &TestApp, token: &str, id: &str, awards: Value) -> Reply {
    app.post(
        &format!("/api/v1/procurements/{id}/award"),
        Some(token),
        json!({ "awards": awards }),
    )
    .await
}

#[actix_web::test]
async fn the_award_lays_out_the_follow_up_and_results_are_reported_per_municipality() {
    let app = spawn_app().await;
    let s = cleaning_published(&app).await;
    let (id, coordinator) = (&s.id, &s.coordinator);
    let vask = supplier(&app).await;

    let by_municipality = award(
        &app,
        &s.bergen,
        id,
        json!([{"lot_id": s.bergen_lot, "supplier_id": vask}]),
    )
    .await;
    assert_eq!(by_municipality.status, StatusCode::FORBIDDEN);
    for (awards, code) in [
        (json!([]), "awards_required"),
        (
            json!([{"lot_id": "no-such-lot", "supplier_id": vask}]),
            "lot_not_found",
        ),
        (
            json!([{"lot_id": s.bergen_lot, "supplier_id": "no-such-supplier"}]),
            "supplier_not_found",
        ),
        (
            json!([{"lot_id": s.bergen_lot, "supplier_id": vask}, {"lot_id": s.bergen_lot, "supplier_id": vask}]),
            "invalid_award",
        ),
    ] {
        let r = award(&app, coordinator, id, awards).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{}",
            r.body
        );
    }

    let r = award(
        &app,
        coordinator,
        id,
        json!([{"lot_id": s.bergen_lot, "supplier_id": vask}, {"lot_id": s.alver_lot, "supplier_id": vask}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "awarded");
    assert_eq!(r.body["awards"][0]["supplier_name"], "Vask og Rent AS");
    // Per lot over the 24 firm months: the HMS card at the start and every 6
    // months from month 6 (1 + 4), apprentices every 6 months from month 6
    // (4), the tax certificate at months 12 and 24 (2): 11, for two lots 22.
    assert_eq!(r.body["totals"]["total"], 22);
    assert_eq!(
        r.body["totals"]["upcoming"], 22,
        "the contract starts in 200 days"
    );
    let first = &r.body["checkpoints"][0];
    assert_eq!(
        (first["checkpoint"].as_str(), first["due_on"].as_str()),
        (
            Some("hms_kort_oppstart"),
            Some(s.contract_start.to_string().as_str())
        )
    );
    let last = r.body["checkpoints"]
        .as_array()
        .and_then(|c| c.last())
        .expect("checkpoints");
    assert_eq!(
        last["due_on"],
        json!(s
            .contract_start
            .checked_add_months(chrono::Months::new(24))
            .expect("a date")
            .to_string())
    );
    let again = award(
        &app,
        coordinator,
        id,
        json!([{"lot_id": s.bergen_lot, "supplier_id": vask}]),
    )
    .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "invalid_state")
    );

    let plan = app
        .get(
            &format!("/api/v1/procurements/{id}/follow-up"),
            Some(&s.bergen),
        )
        .await;
    assert_eq!(plan.status, StatusCode::OK, "a participant reads the plan");
    let checkpoints = plan.body["checkpoints"]
        .as_array()
        .expect("checkpoints")
        .clone();
    let on_lot = |lot: &str, code: &str| -> String {
        checkpoints
            .iter()
            .find(|c| c["lot_id"] == lot && c["checkpoint"] == code)
            .and_then(|c| c["id"].as_str())
            .expect("a checkpoint")
            .to_string()
    };
    let bergen_hms = on_lot(&s.bergen_lot, "hms_kort_oppstart");
    let alver_hms = on_lot(&s.alver_lot, "hms_kort_oppstart");
    let record = |checkpoint: String, body: Value| {
        let app = &app;
        let path = format!("/api/v1/procurements/{id}/follow-up/{checkpoint}");
        async move { app.post(&path, Some(coordinator), body).await }
    };
    let no_note = record(bergen_hms.clone(), json!({"result": "deviation"})).await;
    assert_eq!(
        (no_note.status, no_note.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "note_required")
    );
    let bad = record(bergen_hms.clone(), json!({"result": "skipped"})).await;
    assert_eq!(bad.code(), "invalid_field");
    let unknown = record("no-such-checkpoint".into(), json!({"result": "done"})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let r = record(
        bergen_hms,
        json!({"result": "deviation", "note": "To av seks hadde ikke gyldig HMS-kort."}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["state"].as_str(), r.body["note"].as_str()),
        (
            Some("deviation"),
            Some("To av seks hadde ikke gyldig HMS-kort.")
        )
    );
    let r = record(alver_hms, json!({"result": "done"})).await;
    assert_eq!(r.body["state"], "done", "{}", r.body);

    let whole = app
        .get(
            &format!("/api/v1/procurements/{id}/follow-up/report"),
            Some(coordinator),
        )
        .await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
    assert_eq!(
        whole.body["totals"],
        json!({"total": 22, "upcoming": 20, "due": 0, "overdue": 0, "done": 1, "deviation": 1})
    );
    assert_eq!(whole.body["municipality"], Value::Null);
    assert_eq!(whole.body["by_clause"][0]["clause"], "hms_kort");
    assert_eq!(whole.body["by_clause"][0]["totals"]["total"], 10);
    assert_eq!(whole.body["deviations"].as_array().map(Vec::len), Some(1));

    let bergen = app
        .get(
            &format!("/api/v1/procurements/{id}/follow-up/report?municipality=4601"),
            Some(&s.bergen),
        )
        .await;
    assert_eq!(bergen.status, StatusCode::OK, "{}", bergen.body);
    assert_eq!(
        bergen.body["municipality"],
        json!({"number": "4601", "name": "Bergen"})
    );
    assert_eq!(bergen.body["lots"].as_array().map(Vec::len), Some(1));
    assert_eq!(bergen.body["lots"][0]["lot_title"], "Renhold Bergen");
    assert_eq!(
        bergen.body["totals"],
        json!({"total": 11, "upcoming": 10, "due": 0, "overdue": 0, "done": 0, "deviation": 1})
    );
    let declined = app
        .get(
            &format!("/api/v1/procurements/{id}/follow-up/report?municipality=4626"),
            Some(coordinator),
        )
        .await;
    assert_eq!(
        (declined.status, declined.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_a_participant")
    );
    let unknown = app
        .get(
            &format!("/api/v1/procurements/{id}/follow-up/report?municipality=9999"),
            Some(coordinator),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events"),
            Some(coordinator),
        )
        .await
        .body;
    let kinds: Vec<&str> = events
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        &kinds[kinds.len() - 3..],
        &["awarded", "follow_up_recorded", "follow_up_recorded"]
    );
    let verify = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(coordinator),
        )
        .await
        .body;
    assert_eq!(verify["intact"], true);
}

/// 08:00 in Oslo on `day`, when the registered job sends.
fn eight_in_oslo(day: NaiveDate) -> DateTime<Utc> {
    Oslo.from_local_datetime(&day.and_hms_opt(8, 0, 0).expect("a time"))
        .single()
        .expect("08:00 exists every day")
        .with_timezone(&Utc)
}

#[actix_web::test]
async fn the_coordinator_hears_when_a_checkpoint_is_due_and_again_when_overdue_once_each() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let s = cleaning_published(&app).await;
    let (id, coordinator) = (&s.id, &s.coordinator);
    let vask = supplier(&app).await;
    let r = award(
        &app,
        coordinator,
        id,
        json!([{"lot_id": s.bergen_lot, "supplier_id": vask}, {"lot_id": s.alver_lot, "supplier_id": vask}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let db = Db::connect(&app.database_url, 1).expect("db");
    let rules = app.config.clauses.follow_up;
    assert_eq!(rules.remind_days_before, 7);
    // The app's clock goes with the run, so that what it queues is due.
    let run = |now: DateTime<Utc>| {
        let (db, clock) = (db.clone(), app.clock.clone());
        async move {
            clock.set(now);
            db.write(move |c| follow_up::send_reminders(c, now, rules))
                .await
                .expect("runs")
        }
    };
    // Both lots' HMS card checks are due on the first day of the contract.
    let start = s.contract_start;
    assert_eq!(run(eight_in_oslo(start - Duration::days(8))).await, 0);
    // The registered job, at 08:00 in Oslo a week before, announces both.
    app.clock.set(eight_in_oslo(start - Duration::days(7)));
    assert!(app.run_job("follow_up_reminders").await);
    assert_eq!(
        run(eight_in_oslo(start - Duration::days(7)) + Duration::hours(1)).await,
        0,
        "at most once"
    );
    assert_eq!(
        run(eight_in_oslo(start)).await,
        0,
        "still due, told already"
    );
    let due = mails(&smtp, "forfaller", 1).await;
    assert_eq!(due.len(), 1, "one letter for the procurement");
    assert_eq!(due[0].to, "koordinator@nhi.no");
    assert_eq!(
        due[0].subject,
        "Oppfølging av kontrakt: 2 kontrollpunkter forfaller i «Renhold i Nordhordland»"
    );
    let day = start.format("%d.%m.%Y").to_string();
    for lot in ["Renhold Bergen", "Renhold Alver"] {
        assert!(
            due[0].text.contains(&format!(
                "- {day}: Kontroll av HMS-kort ved oppstart (delkontrakt {lot}, leverandør Vask og Rent AS)"
            )),
            "{}",
            due[0].text
        );
    }

    // Bergen's check is done; Alver's is still open the day after.
    let plan = app
        .get(
            &format!("/api/v1/procurements/{id}/follow-up"),
            Some(coordinator),
        )
        .await
        .body;
    let bergen_hms = plan["checkpoints"]
        .as_array()
        .expect("checkpoints")
        .iter()
        .find(|c| c["lot_id"] == s.bergen_lot.as_str() && c["checkpoint"] == "hms_kort_oppstart")
        .and_then(|c| c["id"].as_str())
        .expect("Bergen's HMS check")
        .to_string();
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/follow-up/{bergen_hms}"),
            Some(coordinator),
            json!({"result": "done"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let day_after = eight_in_oslo(start + Duration::days(1));
    assert_eq!(run(day_after).await, 1, "Alver's, now overdue");
    assert_eq!(run(day_after + Duration::hours(2)).await, 0, "at most once");
    assert_eq!(run(eight_in_oslo(start + Duration::days(30))).await, 0);
    let overdue = mails(&smtp, "Forfalt oppfølging", 1).await;
    assert_eq!(
        overdue[0].subject,
        "Forfalt oppfølging: 1 kontrollpunkt i «Renhold i Nordhordland»"
    );
    assert!(overdue[0].text.contains("delkontrakt Renhold Alver"));
    assert!(!overdue[0].text.contains("delkontrakt Renhold Bergen"));
    // Everything the runs queued has gone out.
    app.drain_outbox().await;
    assert_eq!(
        mails(&smtp, "kontrollpunkt", 2).await.len(),
        2,
        "no more letters"
    );
}
