//! The regime as the law has it on the day (issue 12), through the API, with
//! the amounts worked out by hand: special services recognised by CPV, the
//! FOA parts and the notice duty, maxima in the estimate, contracts without
//! a fixed term, small lots, stale thresholds and a day before the table.
//!
//! Each case is one procurement that Bergen (4601) joins alone, priced at
//! NOK 1 a unit over 12 months without options unless said otherwise, so
//! that a lot's value in NOK is its yearly quantity. The thresholds are
//! those of 2024-03-14, asked for on 2025-06-01 (`?on=`), inside their EU
//! period 2024-2025.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::procurements::{days_from_today, in_future, mandate, municipality_user, office};

const ON: &str = "2025-06-01";

struct Ctx {
    coordinator: String,
    bergen: String,
    mandate: String,
}

async fn ctx(app: &TestApp) -> Ctx {
    let o = office(app).await;
    let bergen = municipality_user(app, &o.admin, "4601").await;
    let mandate = mandate(
        app,
        &bergen,
        "4601",
        json!([]),
        1_000_000_000_000,
        &days_from_today(900),
    )
    .await;
    Ctx {
        coordinator: o.coordinator,
        bergen,
        mandate,
    }
}

/// A lot: its CPV, unit price in øre, Bergen's yearly quantity and maximum.
struct LotCase {
    cpv: &'static str,
    price_ore: i64,
    annual: i64,
    max: Option<i64>,
}

fn lot(cpv: &'static str, nok: i64) -> LotCase {
    LotCase {
        cpv,
        price_ore: 100,
        annual: nok,
        max: None,
    }
}

/// Proposes, adds the lots, opens and joins; returns the procurement's id
/// and its lots' ids. `terms` is merged into the proposal.
async fn procurement(
    app: &TestApp,
    c: &Ctx,
    contract_type: &str,
    cpv: &str,
    terms: Value,
    lots: &[LotCase],
) -> (String, Vec<String>) {
    let mut body = json!({"title": "Saken", "description": "", "contract_type": contract_type,
        "cpv": cpv, "framework_agreement": false, "contract_start": days_from_today(200),
        "duration_months": 12, "option_months": 0,
        "participation_deadline": in_future(3600), "invited": ["4601"]});
    for (k, v) in terms.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    let r = app
        .post("/api/v1/procurements", Some(&c.coordinator), body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    let mut ids = Vec::new();
    for (i, l) in lots.iter().enumerate() {
        let r = app
            .post(
                &format!("/api/v1/procurements/{id}/lots"),
                Some(&c.coordinator),
                json!({"title": format!("Del {}", i + 1), "cpv": l.cpv, "unit": "stk", "unit_price_ore": l.price_ore}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.body["id"].as_str().expect("id").to_string());
    }
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/open"),
            Some(&c.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let volumes: Vec<Value> = lots
        .iter()
        .zip(&ids)
        .map(|(l, lot_id)| {
            json!({"lot_id": lot_id, "annual_quantity": l.annual, "max_annual_quantity": l.max})
        })
        .collect();
    let r = app
        .put(
            &format!("/api/v1/procurements/{id}/participation/4601"),
            Some(&c.bergen),
            json!({"decision": "join", "mandate_id": c.mandate, "volumes": volumes}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (id, ids)
}

async fn summary_on(app: &TestApp, c: &Ctx, id: &str, on: &str) -> Reply {
    app.get(
        &format!("/api/v1/procurements/{id}/summary?on={on}"),
        Some(&c.coordinator),
    )
    .await
}

async fn regime_on(app: &TestApp, c: &Ctx, id: &str, on: &str) -> Value {
    let r = summary_on(app, c, id, on).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["regime"].clone()
}

fn warning_codes(regime: &Value) -> Vec<String> {
    regime["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["code"].as_str().map(String::from))
        .collect()
}

#[actix_web::test]
async fn school_catering_is_a_special_service_under_part_one_then_part_four() {
    let app = spawn_app().await;
    let c = ctx(&app).await;

    // NOK 5 000 000 of school catering (55524000-9, FOA vedlegg 2), though
    // the coordinator chose "services": under the special services' EEA
    // threshold of NOK 7 800 000 only part I applies, and there is no notice
    // duty (not part II, not Doffin).
    let (id, lots) = procurement(
        &app,
        &c,
        "services",
        "55524000-9",
        json!({}),
        &[lot("55524000-9", 5_000_000)],
    )
    .await;
    let r = regime_on(&app, &c, &id, ON).await;
    assert_eq!(r["value_ore"], 500_000_000_i64);
    assert_eq!(r["regime"], "special_below_eea");
    assert_eq!(r["parts"], json!(["I"]));
    assert_eq!(r["notice"], "none");
    assert_eq!(r["special_services"], true);
    assert_eq!(r["eea_threshold_ore"], 780_000_000_i64);
    assert_eq!(r["thresholds_stale"], false);
    let rows = r["special_services_cpv"].as_array().expect("rows");
    assert!(
        rows.iter().any(|m| m["lot_id"] == json!(lots[0])
            && m["listed_as"] == "55524000-9"
            && m["foa_vedlegg"] == 2),
        "{r}"
    );
    assert!(
        rows.iter().any(|m| m["lot_id"].is_null()),
        "the procurement's own CPV: {r}"
    );
    assert_eq!(warning_codes(&r), ["special_services_by_cpv"]);

    // Exactly NOK 7 800 000: at the threshold is above it, part I and IV,
    // the light regime, announced in Doffin and TED.
    let (id, _) = procurement(
        &app,
        &c,
        "services",
        "55524000-9",
        json!({}),
        &[lot("55524000-9", 7_800_000)],
    )
    .await;
    let r = regime_on(&app, &c, &id, ON).await;
    assert_eq!(r["value_ore"], 780_000_000_i64);
    assert_eq!(r["regime"], "eea");
    assert_eq!(r["parts"], json!(["I", "IV"]));
    assert_eq!(r["notice"], "doffin_and_ted");
    assert_eq!(r["special_services"], true);

    // Declared social services at NOK 2 300 000: special below the EEA
    // threshold, no longer "national" (part II) as before.
    let (id, _) = procurement(
        &app,
        &c,
        "social_services",
        "85311000-2",
        json!({}),
        &[lot("85311000-2", 2_300_000)],
    )
    .await;
    let r = regime_on(&app, &c, &id, ON).await;
    assert_eq!(r["regime"], "special_below_eea");
    assert_eq!(r["parts"], json!(["I"]));
    assert_eq!(warning_codes(&r), Vec::<String>::new());
}

#[actix_web::test]
async fn ordinary_goods_services_and_works_at_their_thresholds() {
    let app = spawn_app().await;
    let c = ctx(&app).await;
    let case = |contract_type: &'static str, cpv: &'static str, nok: i64| {
        let (app, c) = (&app, &c);
        async move {
            let (id, _) =
                procurement(app, c, contract_type, cpv, json!({}), &[lot(cpv, nok)]).await;
            regime_on(app, c, &id, ON).await
        }
    };

    // Cleaning (90910000-9) at NOK 2 300 000: an ordinary service at the
    // EEA threshold, part I and III.
    let r = case("services", "90910000-9", 2_300_000).await;
    assert_eq!(
        (
            &r["regime"],
            &r["parts"],
            &r["notice"],
            &r["special_services"]
        ),
        (
            &json!("eea"),
            &json!(["I", "III"]),
            &json!("doffin_and_ted"),
            &json!(false)
        )
    );
    assert_eq!(r["special_services_cpv"], json!([]));

    // Goods at NOK 1 299 999: part I only; at NOK 1 300 000: part I and II,
    // Doffin.
    let r = case("goods", "03222000-3", 1_299_999).await;
    assert_eq!(r["regime"], "below_national_threshold");
    assert_eq!((&r["parts"], &r["notice"]), (&json!(["I"]), &json!("none")));
    let r = case("goods", "03222000-3", 1_300_000).await;
    assert_eq!(r["regime"], "national");
    assert_eq!(
        (&r["parts"], &r["notice"]),
        (&json!(["I", "II"]), &json!("doffin"))
    );

    // Works at NOK 2 300 000: the works EEA threshold is NOK 57 800 000, so
    // part I and II.
    let r = case("works", "45214200-2", 2_300_000).await;
    assert_eq!(r["regime"], "national");
    assert_eq!(r["parts"], json!(["I", "II"]));
    assert_eq!(r["eea_threshold_ore"], 5_780_000_000_i64);
}

#[actix_web::test]
async fn a_mixed_procurement_follows_its_larger_part() {
    let app = spawn_app().await;
    let c = ctx(&app).await;
    // Canteen services NOK 3 000 000 (special) and cleaning NOK 2 000 000
    // (ordinary), total NOK 5 000 000: the special part is larger, so the
    // whole is special services under their EEA threshold: part I only.
    let (id, _) = procurement(
        &app,
        &c,
        "services",
        "55510000-8",
        json!({}),
        &[lot("55510000-8", 3_000_000), lot("90910000-9", 2_000_000)],
    )
    .await;
    let r = regime_on(&app, &c, &id, ON).await;
    assert_eq!(r["regime"], "special_below_eea");
    assert!(
        warning_codes(&r).contains(&"mixed_special_services".to_string()),
        "{r}"
    );
    // The other way round: cleaning is larger, the ordinary rules apply to
    // the NOK 5 000 000, part I and III.
    let (id, _) = procurement(
        &app,
        &c,
        "services",
        "90910000-9",
        json!({}),
        &[lot("55510000-8", 2_000_000), lot("90910000-9", 3_000_000)],
    )
    .await;
    let r = regime_on(&app, &c, &id, ON).await;
    assert_eq!(r["regime"], "eea");
    assert_eq!(r["parts"], json!(["I", "III"]));
    assert_eq!(r["special_services"], false);
    assert!(
        warning_codes(&r).contains(&"mixed_special_services".to_string()),
        "{r}"
    );
}

#[actix_web::test]
async fn a_date_past_the_eu_period_is_stale_and_one_before_the_table_is_refused() {
    let app = spawn_app().await;
    let c = ctx(&app).await;
    let (id, _) = procurement(
        &app,
        &c,
        "goods",
        "03222000-3",
        json!({}),
        &[lot("03222000-3", 1_300_000)],
    )
    .await;

    // 2030: whatever rows are added for 2026-2027 and 2028-2029, the row in
    // force then is past its EU period. The amounts still answer, marked.
    let r = regime_on(&app, &c, &id, "2030-01-01").await;
    assert_eq!(r["thresholds_stale"], true);
    assert_eq!(r["regime"], "national");
    let warning = r["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|w| w["code"] == "thresholds_stale")
        .unwrap_or_else(|| panic!("a stale warning: {r}"));
    let message = warning["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("nyere terskelverdier kan gjelde"),
        "{message}"
    );
    assert!(message.contains("config/thresholds.toml"), "{message}");

    // The day before the first row (2024-03-14): no amounts, a 422 with a
    // code, never a 500.
    let r = summary_on(&app, &c, &id, "2024-03-13").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.code(), "no_thresholds_in_force");
    // The first day of the table: the 2024 row answers, goods of NOK 1 300 000
    // are national, and the row is within its EU period.
    let r = summary_on(&app, &c, &id, "2024-03-14").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let regime = &r.body["regime"];
    assert_eq!(regime["thresholds_valid_from"], "2024-03-14", "{regime}");
    assert_eq!(regime["regime"], "national");
    assert_eq!(regime["thresholds_stale"], false);
}

#[actix_web::test]
async fn declared_maxima_count_and_a_contract_without_a_fixed_term_counts_48_months() {
    let app = spawn_app().await;
    let c = ctx(&app).await;

    // Ordinary goods, not a framework agreement: NOK 1 200 000 estimated,
    // under the national threshold, but a declared maximum of NOK 1 300 000.
    // Maxima are options and count (FOA § 5-4): national on the maximum.
    let (id, _) = procurement(
        &app,
        &c,
        "goods",
        "30197630-1",
        json!({}),
        &[LotCase {
            cpv: "30197630-1",
            price_ore: 100,
            annual: 1_200_000,
            max: Some(1_300_000),
        }],
    )
    .await;
    let s = summary_on(&app, &c, &id, ON).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["total_contract_value_ore"], 120_000_000_i64);
    let r = &s.body["regime"];
    assert_eq!(r["basis"], "maximum");
    assert_eq!(r["value_ore"], 130_000_000_i64);
    assert_eq!(r["regime"], "national");
    assert_eq!(r["parts"], json!(["I", "II"]));

    // Cleaning without a fixed term at NOK 50 000 a month (12 months of
    // NOK 50 000 a year at NOK 1 = 600 000 units): valued at 50 000 x 48 =
    // NOK 2 400 000 although duration_months says 12: EEA, part I and III.
    let (id, _) = procurement(
        &app,
        &c,
        "services",
        "90910000-9",
        json!({"no_fixed_term": true}),
        &[lot("90910000-9", 600_000)],
    )
    .await;
    let view = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&c.coordinator))
        .await;
    assert_eq!(view.body["no_fixed_term"], true, "{}", view.body);
    let s = summary_on(&app, &c, &id, ON).await;
    assert_eq!(
        s.body["total_contract_value_ore"], 240_000_000_i64,
        "{}",
        s.body
    );
    assert_eq!(s.body["regime"]["regime"], "eea");
    assert_eq!(s.body["regime"]["parts"], json!(["I", "III"]));

    // Options on a contract with no end are refused.
    let r = app
        .post(
            "/api/v1/procurements",
            Some(&c.coordinator),
            json!({"title": "Saken", "contract_type": "services", "cpv": "90910000-9",
                   "framework_agreement": false, "contract_start": days_from_today(200),
                   "duration_months": 12, "option_months": 6, "no_fixed_term": true,
                   "participation_deadline": in_future(3600), "invited": ["4601"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.code(), "invalid_duration");
}

#[actix_web::test]
async fn small_lots_only_at_or_above_the_eea_threshold_each_with_its_own_rules() {
    let app = spawn_app().await;
    let c = ctx(&app).await;

    // Cleaning NOK 2 300 000 + NOK 500 000 = NOK 2 800 000, at or above the
    // EEA threshold (part I and III). The NOK 500 000 lot is under the
    // NOK 750 000 limit (verify) and 500 000 <= 20 % of 2 800 000 = 560 000:
    // it may be exempted and then follows part I only (its own value is
    // under the national threshold).
    let (id, lots) = procurement(
        &app,
        &c,
        "services",
        "90910000-9",
        json!({}),
        &[lot("90910000-9", 2_300_000), lot("90910000-9", 500_000)],
    )
    .await;
    let s = summary_on(&app, &c, &id, ON).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["regime"]["regime"], "eea");
    let small = &s.body["small_lots"];
    assert_eq!(small["applies"], true, "{small}");
    assert_eq!(small["limit_ore"], 75_000_000_i64);
    assert!(small["limit_source"]
        .as_str()
        .unwrap_or_default()
        .contains("(verify"));
    assert_eq!(small["eligible_lot_ids"], json!([lots[1]]));
    assert_eq!(small["eligible_value_ore"], 50_000_000_i64);
    assert_eq!(small["within_20_percent"], true);
    assert_eq!(
        small["eligible_lots"],
        json!([{"lot_id": lots[1], "value_ore": 50_000_000_i64, "regime": "below_national_threshold",
                "parts": ["I"], "notice": "none"}])
    );

    // NOK 1 800 000 + NOK 400 000 = NOK 2 200 000: under the EEA threshold,
    // so there is no exemption to use, though the small lot is under the limit.
    let (id, _) = procurement(
        &app,
        &c,
        "services",
        "90910000-9",
        json!({}),
        &[lot("90910000-9", 1_800_000), lot("90910000-9", 400_000)],
    )
    .await;
    let s = summary_on(&app, &c, &id, ON).await;
    assert_eq!(s.body["regime"]["regime"], "national");
    let small = &s.body["small_lots"];
    assert_eq!(small["applies"], false, "{small}");
    assert_eq!(small["eligible_lot_ids"], json!([]));
    assert_eq!(small["eligible_lots"], json!([]));
    assert_eq!(small["eligible_value_ore"], 0);
}

#[actix_web::test]
async fn the_size_class_takes_turnover_or_balance_sheet() {
    let app = spawn_app().await;
    // 8 staff, NOK 30 000 000 turnover: above the micro turnover limit (EUR
    // 2 M = NOK 23 000 000 at the configured rate) but with a NOK 20 000 000
    // balance sheet within the micro balance-sheet limit: micro.
    let token = app
        .register_supplier(
            json!({"org_number": "974760673", "name": "Fjord Catering AS",
                   "email": "post@fjordcatering.no", "password": crate::helpers::PASSWORD,
                   "employees": 8, "annual_turnover_ore": 3_000_000_000_i64,
                   "balance_sheet_total_ore": 2_000_000_000_i64,
                   "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]}),
        )
        .await;
    let me = app.my_supplier_profile(&token).await;
    assert_eq!(me["size_class"], "micro", "{me}");
    assert_eq!(me["balance_sheet_total_ore"], 2_000_000_000_i64);

    // A larger balance sheet leaves the turnover to decide: small.
    let r = app
        .patch(
            "/api/v1/suppliers/me",
            Some(&token),
            json!({"balance_sheet_total_ore": 3_000_000_000_i64}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["size_class"], "small", "{}", r.body);
}
