//! Joint procurements end to end: school meals for six Vestland
//! municipalities, with the numbers worked out by hand.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

pub struct Office {
    pub admin: String,
    pub coordinator: String,
}

/// A procurement office with one coordinator.
pub async fn office(app: &TestApp) -> Office {
    let admin = app.admin_token().await;
    let org = app
        .create_office(&admin, "Nordhordland innkjøp", "974760673")
        .await;
    let coordinator = app
        .user_token(
            &admin,
            "koordinator@nhi.no",
            "coordinator",
            Some(&org),
            None,
        )
        .await;
    Office { admin, coordinator }
}

pub async fn municipality_user(app: &TestApp, admin: &str, number: &str) -> String {
    app.user_token(
        admin,
        &format!("innkjop@k{number}.kommune.no"),
        "municipality",
        None,
        Some(number),
    )
    .await
}

/// Records a mandate and returns its id.
pub async fn mandate(
    app: &TestApp,
    token: &str,
    number: &str,
    scope: Value,
    max_value_ore: i64,
    valid_until: &str,
) -> String {
    let r = app
        .post(
            &format!("/api/v1/municipalities/{number}/mandates"),
            Some(token),
            json!({"reference": "PS 45/2026", "decided_by": "Kommunestyret", "decided_on": days_from_today(-60),
                   "valid_from": days_from_today(-60), "valid_until": valid_until, "cpv_scope": scope, "max_value_ore": max_value_ore}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_str().expect("id").to_string()
}

/// A date relative to today, so that the tests do not age.
pub fn days_from_today(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

pub fn in_future(seconds: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339()
}

pub const SIX: [&str; 6] = ["4601", "4624", "4626", "4627", "4631", "4632"];

/// A draft framework agreement for school meals, 24 + 24 months.
pub async fn propose(
    app: &TestApp,
    coordinator: &str,
    invited: &[&str],
    deadline: &str,
    quorum: Value,
) -> String {
    let r = app
        .post(
            "/api/v1/procurements",
            Some(coordinator),
            json!({"title": "Skolemat i Nordhordland", "description": "Skolemåltid for grunnskolen",
                   "contract_type": "services", "cpv": "55524000-9", "framework_agreement": true,
                   "contract_start": days_from_today(200), "duration_months": 24, "option_months": 24,
                   "participation_deadline": deadline, "invited": invited, "quorum": quorum}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "draft");
    r.body["id"].as_str().expect("id").to_string()
}

pub async fn add_lot(
    app: &TestApp,
    coordinator: &str,
    id: &str,
    title: &str,
    unit: &str,
    price: i64,
    area: Option<&[&str]>,
) -> String {
    let mut body =
        json!({"title": title, "cpv": "55524000-9", "unit": unit, "unit_price_ore": price});
    if let Some(area) = area {
        body["area"] = json!(area);
    }
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/lots"),
            Some(coordinator),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_str().expect("id").to_string()
}

pub async fn open(app: &TestApp, coordinator: &str, id: &str) {
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/open"),
            Some(coordinator),
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("open")),
        "{}",
        r.body
    );
}

/// Each invited municipality with its decision, in number order, as the
/// caller sees the participation list.
pub async fn decisions(app: &TestApp, token: &str, id: &str) -> Vec<(String, String)> {
    let list = app
        .get(
            &format!("/api/v1/procurements/{id}/participation"),
            Some(token),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.body
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (text("municipality"), text("decision"))
        })
        .collect()
}

pub async fn join(
    app: &TestApp,
    token: &str,
    id: &str,
    number: &str,
    mandate: &str,
    volumes: Value,
) -> crate::helpers::Reply {
    app.put(
        &format!("/api/v1/procurements/{id}/participation/{number}"),
        Some(token),
        json!({"decision": "join", "mandate_id": mandate, "volumes": volumes}),
    )
    .await
}

pub async fn decline(app: &TestApp, token: &str, id: &str, number: &str) -> crate::helpers::Reply {
    app.put(
        &format!("/api/v1/procurements/{id}/participation/{number}"),
        Some(token),
        json!({"decision": "decline"}),
    )
    .await
}

#[actix_web::test]
async fn six_vestland_municipalities_buy_school_meals_together() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let id = propose(
        &app,
        &coordinator,
        &SIX,
        &in_future(3600),
        json!({"min_participants": 3, "min_population_share_percent": 50}),
    )
    .await;
    // Lot 1: meals for all six at NOK 45.00 a portion. Lot 2: milk for the
    // three island and city municipalities at NOK 12.50 a litre.
    let meals = add_lot(
        &app,
        &coordinator,
        &id,
        "Skolemåltid",
        "porsjon",
        4500,
        None,
    )
    .await;
    let milk = add_lot(
        &app,
        &coordinator,
        &id,
        "Melk og drikke",
        "liter",
        1250,
        Some(&["4601", "4626", "4627"]),
    )
    .await;
    // Services far above the EEA threshold: pay and working conditions with
    // sanctions, the tax certificate and a climate weight of at least 30 %
    // are mandatory (tests/api/compliance.rs); publishing waits for them.
    crate::compliance::comply(
        &app,
        &coordinator,
        &id,
        &crate::compliance::SCHOOL_MEAL_CLAUSES,
    )
    .await;
    open(&app, &coordinator, &id).await;

    let mut users = std::collections::HashMap::new();
    for number in SIX {
        users.insert(number, municipality_user(&app, &admin, number).await);
    }
    let bergen_mandate = mandate(
        &app,
        &users["4601"],
        "4601",
        json!(["555"]),
        12_000_000_000,
        &days_from_today(365),
    )
    .await;
    let alver_small = mandate(
        &app,
        &users["4631"],
        "4631",
        json!([]),
        500_000_000,
        &days_from_today(365),
    )
    .await;

    // Alver's first mandate allows NOK 5 M; 30 000 portions a year at the
    // maximum for 48 months is 30 000 x 45 x 4 = NOK 5 400 000.
    let r = join(
        &app,
        &users["4631"],
        &id,
        "4631",
        &alver_small,
        json!([{"lot_id": meals, "annual_quantity": 25_000, "max_annual_quantity": 30_000}]),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "mandate_value_exceeded"),
        "{}",
        r.body
    );
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("share NOK 5 400 000 is above the mandate's ceiling of NOK 5 000 000"),
        "{}",
        r.body
    );
    let alver_big = mandate(
        &app,
        &users["4631"],
        "4631",
        json!(["5552"]),
        1_500_000_000,
        &days_from_today(365),
    )
    .await;

    let r = join(
        &app,
        &users["4601"],
        &id,
        "4601",
        &bergen_mandate,
        json!([
        {"lot_id": meals, "annual_quantity": 400_000, "max_annual_quantity": 500_000},
        {"lot_id": milk, "annual_quantity": 200_000}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["channel"], "api");
    assert_eq!(r.body["mandate_reference"], "PS 45/2026");
    // (500 000 x 45.00 + 200 000 x 12.50) x 48 / 12 = NOK 100 000 000.
    assert_eq!(r.body["share_value_ore"], 10_000_000_000_i64);

    let r = join(
        &app,
        &users["4631"],
        &id,
        "4631",
        &alver_big,
        json!([{"lot_id": meals, "annual_quantity": 60_000, "max_annual_quantity": 70_000}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let askoy_mandate = mandate(
        &app,
        &users["4627"],
        "4627",
        json!([]),
        2_000_000_000,
        &days_from_today(365),
    )
    .await;
    let r = join(
        &app,
        &users["4627"],
        &id,
        "4627",
        &askoy_mandate,
        json!([
        {"lot_id": meals, "annual_quantity": 30_000},
        {"lot_id": milk, "annual_quantity": 20_000, "max_annual_quantity": 25_000}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Bjørnafjorden first joins, then declines, then joins again: the last word counts.
    let bjorna_mandate = mandate(
        &app,
        &users["4624"],
        "4624",
        json!([]),
        2_000_000_000,
        &days_from_today(365),
    )
    .await;
    let bjorna =
        json!([{"lot_id": meals, "annual_quantity": 50_000, "max_annual_quantity": 55_000}]);
    assert_eq!(
        join(
            &app,
            &users["4624"],
            &id,
            "4624",
            &bjorna_mandate,
            bjorna.clone()
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        decline(&app, &users["4624"], &id, "4624").await.status,
        StatusCode::OK
    );
    assert_eq!(
        join(&app, &users["4624"], &id, "4624", &bjorna_mandate, bjorna)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        decline(&app, &users["4626"], &id, "4626").await.status,
        StatusCode::OK
    );
    assert_eq!(
        decline(&app, &users["4632"], &id, "4632").await.status,
        StatusCode::OK
    );

    let s = app
        .get(
            &format!("/api/v1/procurements/{id}/summary"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let b = &s.body;
    assert_eq!(
        b["participants"],
        json!({"invited": 6, "joined": 4, "declined": 2, "pending": 0, "no_response": 0})
    );
    // Meals: 400 000 + 60 000 + 30 000 + 50 000 = 540 000 a year (maximum
    // 500 000 + 70 000 + 30 000 + 55 000 = 655 000); x NOK 45 = NOK 24 300 000
    // a year, x 4 years = NOK 97 200 000 (maximum NOK 117 900 000).
    let lot1 = &b["lots"][0];
    assert_eq!(lot1["participants"], 4);
    assert_eq!(
        (
            lot1["annual_quantity"].as_i64(),
            lot1["max_annual_quantity"].as_i64()
        ),
        (Some(540_000), Some(655_000))
    );
    assert_eq!(lot1["annual_value_ore"], 2_430_000_000_i64);
    assert_eq!(lot1["contract_value_ore"], 9_720_000_000_i64);
    assert_eq!(lot1["max_contract_value_ore"], 11_790_000_000_i64);
    // Milk: 220 000 l (maximum 225 000) x NOK 12.50 x 4 = NOK 11 000 000 (maximum 11 250 000).
    let lot2 = &b["lots"][1];
    assert_eq!(
        (
            lot2["annual_quantity"].as_i64(),
            lot2["max_annual_quantity"].as_i64()
        ),
        (Some(220_000), Some(225_000))
    );
    assert_eq!(lot2["contract_value_ore"], 1_100_000_000_i64);
    assert_eq!(lot2["max_contract_value_ore"], 1_125_000_000_i64);
    assert_eq!(b["total_contract_value_ore"], 10_820_000_000_i64);
    assert_eq!(b["total_max_contract_value_ore"], 12_915_000_000_i64);
    // A framework agreement is judged on its maximum: NOK 129 150 000. School
    // catering is a special service (FOA vedlegg 2): far above its EEA
    // threshold of NOK 7 800 000, the light regime, part I and IV.
    assert_eq!(b["regime"]["basis"], "maximum");
    assert_eq!(b["regime"]["value_ore"], 12_915_000_000_i64);
    assert_eq!(b["regime"]["regime"], "eea");
    assert_eq!(b["regime"]["eea_threshold_ore"], 780_000_000);
    assert_eq!(b["regime"]["special_services"], true);
    assert_eq!(b["regime"]["parts"], json!(["I", "IV"]));
    assert_eq!(b["regime"]["notice"], "doffin_and_ted");
    assert_eq!(b["regime"]["thresholds_valid_from"], "2024-03-14");
    assert_eq!(b["small_lots"]["eligible_lot_ids"], json!([]));
    // Joined population 378 151 of 420 800 invited = 89.86 %, shown as 89.
    assert_eq!(b["quorum"]["joined_population_share_percent"], 89);
    assert_eq!(b["quorum"]["met"], true);

    // Everyone answered: the coordinator may close before the deadline.
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/close"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "closed", "{}", r.body);
    let late = decline(&app, &users["4601"], &id, "4601").await;
    assert_eq!(
        (late.status, late.code()),
        (StatusCode::CONFLICT, "participation_closed")
    );

    // Bergen gets its own meals lot; the rest share the other. Totals stay.
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/lots/{meals}/split"),
            Some(&coordinator),
            json!({"groups": [["4601"], ["4624", "4626", "4627", "4631", "4632"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body[0]["title"], "Skolemåltid – Bergen");
    let after = app
        .get(
            &format!("/api/v1/procurements/{id}/summary"),
            Some(&coordinator),
        )
        .await
        .body;
    assert_eq!(after["lots"].as_array().map(Vec::len), Some(3));
    assert_eq!(after["total_contract_value_ore"], 10_820_000_000_i64);
    assert_eq!(after["total_max_contract_value_ore"], 12_915_000_000_i64);
    let bergen_lot = after["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["title"] == "Skolemåltid – Bergen")
        .unwrap();
    assert_eq!(
        (
            bergen_lot["annual_quantity"].as_i64(),
            bergen_lot["participants"].as_i64()
        ),
        (Some(400_000), Some(1))
    );

    let compliance = crate::compliance::compliance(&app, &coordinator, &id).await;
    assert_eq!(compliance["missing"], json!([]), "{compliance}");
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/publish"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "published", "{}", r.body);
    let front = app.get("/", None).await;
    let front = front.body.as_str().unwrap_or_default();
    assert!(
        front.contains(&format!("href=\"/procurements/{id}\""))
            && front.contains("Skolemat i Nordhordland")
    );
    let frozen = join(
        &app,
        &users["4626"],
        &id,
        "4626",
        &bergen_mandate,
        json!([]),
    )
    .await;
    assert_eq!(
        (frozen.status, frozen.code()),
        (StatusCode::CONFLICT, "participation_closed"),
        "no one joins a published procurement"
    );

    let decisions = decisions(&app, &users["4632"], &id).await;
    let decisions: Vec<(&str, &str)> = decisions
        .iter()
        .map(|(m, d)| (m.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        decisions,
        vec![
            ("4601", "join"),
            ("4624", "join"),
            ("4626", "decline"),
            ("4627", "join"),
            ("4631", "join"),
            ("4632", "decline")
        ]
    );

    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events"),
            Some(&coordinator),
        )
        .await
        .body;
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        &kinds[..5],
        &[
            "proposed",
            "lot_added",
            "lot_added",
            "clauses_chosen",
            "sustainability_set"
        ]
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "participation_decided")
            .count(),
        8,
        "every change is kept"
    );
    assert_eq!(
        &kinds[kinds.len() - 3..],
        &["closed", "lot_split", "published"]
    );
    let verify = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(&coordinator),
        )
        .await
        .body;
    assert_eq!(
        (verify["intact"].as_bool(), verify["events"].as_u64()),
        (Some(true), Some(kinds.len() as u64))
    );
}

#[actix_web::test]
async fn a_coordinator_files_the_procurement_under_its_archive_case_number() {
    let app = spawn_app().await;
    let office = office(&app).await;
    let deadline = days_from_today(30);
    let body = |case_number: Value| {
        json!({"title": "Skolemat i Nordhordland", "contract_type": "services", "cpv": "55524000-9",
               "framework_agreement": true, "contract_start": days_from_today(200),
               "duration_months": 24, "participation_deadline": format!("{deadline}T12:00:00Z"),
               "invited": ["4601"], "case_number": case_number})
    };

    let created = app
        .post(
            "/api/v1/procurements",
            Some(&office.coordinator),
            body(json!(" 2026/1234 ")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["case_number"], "2026/1234");
    let path = format!(
        "/api/v1/procurements/{}",
        created.body["id"].as_str().unwrap()
    );

    // An edit that leaves it out keeps it; a new one replaces it; a blank one removes it.
    let edited = app
        .patch(
            &path,
            Some(&office.coordinator),
            json!({"title": "Skolemat 2027"}),
        )
        .await;
    assert_eq!(edited.body["case_number"], "2026/1234", "{}", edited.body);
    let renumbered = app
        .patch(
            &path,
            Some(&office.coordinator),
            json!({"case_number": "26/01234-3"}),
        )
        .await;
    assert_eq!(renumbered.body["case_number"], "26/01234-3");
    assert_eq!(
        app.get(&path, Some(&office.coordinator)).await.body["case_number"],
        "26/01234-3",
        "stored, not only answered"
    );
    let removed = app
        .patch(
            &path,
            Some(&office.coordinator),
            json!({"case_number": "  "}),
        )
        .await;
    assert_eq!(removed.body["case_number"], Value::Null);

    let too_long = app
        .post(
            "/api/v1/procurements",
            Some(&office.coordinator),
            body(json!("1".repeat(51))),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_long.body["code"], "invalid_case_number");
    assert_eq!(too_long.body["errors"][0]["field"], "case_number");
}

#[actix_web::test]
async fn a_coordinator_changes_and_removes_lots_while_the_procurement_is_a_draft() {
    let app = spawn_app().await;
    let office = office(&app).await;
    let c = &office.coordinator;
    let id = propose(&app, c, &["4601", "4631"], &in_future(86_400), json!(null)).await;
    let meals = add_lot(&app, c, &id, "Skolemat", "porsjon", 4500, None).await;
    let fruit = add_lot(&app, c, &id, "Frukt", "kasse", 30_000, None).await;
    let lot_path = |lot: &str| format!("/api/v1/procurements/{id}/lots/{lot}");

    // Only what is given changes; the rest of the lot stays.
    let changed = app
        .patch(
            &lot_path(&meals),
            Some(c),
            json!({"unit_price_ore": 4800, "area": ["4601"]}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["unit_price_ore"], 4800);
    assert_eq!(changed.body["area"], json!(["4601"]));
    assert_eq!(changed.body["title"], "Skolemat");
    assert_eq!(changed.body["unit"], "porsjon");

    // Checked as a new lot is, field by field.
    let uninvited = app
        .patch(&lot_path(&meals), Some(c), json!({"area": ["0301"]}))
        .await;
    assert_eq!(uninvited.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(uninvited.body["code"], "lot_area_not_invited");
    assert_eq!(uninvited.body["errors"][0]["field"], "area");
    let negative = app
        .patch(&lot_path(&meals), Some(c), json!({"unit_price_ore": -1}))
        .await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(negative.body["errors"][0]["field"], "unit_price_ore");
    let unknown = app
        .patch(&lot_path("no-such-lot"), Some(c), json!({"title": "X"}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let removed = app
        .raw(
            awc::http::Method::DELETE,
            &lot_path(&fruit),
            Some(c),
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    let draft = app
        .get(&format!("/api/v1/procurements/{id}"), Some(c))
        .await;
    let lots = draft.body["lots"].as_array().expect("lots");
    assert_eq!(lots.len(), 1, "{}", draft.body);
    assert_eq!(lots[0]["id"], meals.as_str());
    assert_eq!(lots[0]["unit_price_ore"], 4800);

    // The audit trail tells both.
    let events = app
        .get(&format!("/api/v1/procurements/{id}/events"), Some(c))
        .await;
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"lot_changed"), "{}", events.body);
    assert!(kinds.contains(&"lot_removed"), "{}", events.body);

    // Once open, the lots are what the municipalities answered to.
    open(&app, c, &id).await;
    let late = app
        .patch(&lot_path(&meals), Some(c), json!({"unit_price_ore": 1}))
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.body["code"], "invalid_state");
    let late_removal = app
        .raw(
            awc::http::Method::DELETE,
            &lot_path(&meals),
            Some(c),
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(late_removal.status, StatusCode::CONFLICT);
}
