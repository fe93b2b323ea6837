//! County municipalities take part as municipalities do, and each
//! participant's procurement strategy is checked against the procurement.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::compliance::sustainability;
use crate::helpers::{spawn_app, TestApp};
use crate::procurements::{in_future, propose};
use crate::scenario::lot;
use crate::smtp_server::SmtpServer;
use crate::voting::{app_with_mail, link_in, mails_about};

async fn put_strategy(
    app: &TestApp,
    token: &str,
    number: &str,
    body: Value,
) -> crate::helpers::Reply {
    app.put(
        &format!("/api/v1/municipalities/{number}/strategy"),
        Some(token),
        body,
    )
    .await
}

async fn fit(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/procurements/{id}/strategy-fit"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn goal<'a>(fit: &'a Value, number: &str, goal: &str) -> &'a Value {
    fit["participants"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["number"] == number))
        .and_then(|p| p["goals"].as_array())
        .and_then(|gs| gs.iter().find(|g| g["goal"] == goal))
        .unwrap_or_else(|| panic!("no goal {goal} for {number} in {fit}"))
}

#[actix_web::test]
async fn a_county_municipality_is_invited_records_a_mandate_joins_and_counts() {
    let app = spawn_app().await;
    let vestland = app.get("/api/v1/municipalities/46", None).await;
    assert_eq!(vestland.status, StatusCode::OK);
    assert_eq!(vestland.body["name"], "Vestland fylkeskommune");
    assert_eq!(vestland.body["population"], 651_299);

    let s = app
        .scenario()
        .municipalities(&["46", "4601"])
        .lot(lot("Skoleskyss").price(10_000))
        .opened()
        .await;
    let joined = s
        .join(
            &app,
            "46",
            json!([{"lot_id": s.lot(0), "annual_quantity": 1000}]),
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let summary = app
        .get(
            &format!("/api/v1/procurements/{}/summary", s.id),
            Some(&s.coordinator),
        )
        .await;
    assert_eq!(summary.body["participants"]["joined"], 1);
    assert_eq!(summary.body["lots"][0]["annual_value_ore"], 10_000_000);
    // Bergen's inhabitants are inside Vestland's: the county alone is all of them.
    assert_eq!(
        summary.body["quorum"]["joined_population_share_percent"],
        100
    );
    let list = app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    let names: Vec<&str> = list
        .body
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"Vestland fylkeskommune"), "{names:?}");
}

#[actix_web::test]
async fn oslo_has_no_county_municipality_of_its_own() {
    let app = spawn_app().await;
    let office = crate::procurements::office(&app).await;
    let r = app
        .post(
            "/api/v1/procurements",
            Some(&office.coordinator),
            json!({"title": "Skoleskyss", "description": "", "contract_type": "services",
                   "cpv": "60130000-8", "framework_agreement": true,
                   "contract_start": crate::procurements::days_from_today(200), "duration_months": 24,
                   "option_months": 0, "participation_deadline": in_future(3600),
                   "quorum": null, "invited": ["03", "46"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "no_county_municipality")
    );
    assert!(r.body.to_string().contains("0301"), "{}", r.body);
    // The county municipality is invited by its number like any municipality.
    propose(
        &app,
        &office.coordinator,
        &["46", "0301"],
        &in_future(3600),
        json!(null),
    )
    .await;
}

#[actix_web::test]
async fn a_climate_goal_of_30_is_missed_at_20_and_met_at_30_and_every_version_stays() {
    let app = spawn_app().await;
    let s = app
        .scenario()
        .municipalities(&["46", "4601"])
        .lot(lot("Skoleskyss"))
        .opened()
        .await;
    let r = put_strategy(
        &app,
        s.user("46"),
        "46",
        json!({"reference": "FT-sak 12/2025", "adopted_on": "2025-03-12", "min_climate_weight_percent": 30,
               "max_duration_months": 48}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["current"]["version"], 1);

    let set = sustainability(
        &app,
        &s.coordinator,
        &s.id,
        json!({"climate_weight_percent": 20}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let f = fit(&app, &s.coordinator, &s.id).await;
    let climate = goal(&f, "46", "min_climate_weight_percent");
    assert_eq!(climate["met"], false);
    assert_eq!(
        climate["message"],
        "Strategien krever klimavekt minst 30 %; anskaffelsen har 20 %"
    );
    assert_eq!(goal(&f, "46", "max_duration_months")["met"], true);
    assert_eq!(f["participants"][0]["name"], "Vestland fylkeskommune");
    assert_eq!(f["participants"][0]["strategy_reference"], "FT-sak 12/2025");
    assert_eq!(f["fully_met"], 0);

    sustainability(
        &app,
        &s.coordinator,
        &s.id,
        json!({"climate_weight_percent": 30}),
    )
    .await;
    let f = fit(&app, &s.coordinator, &s.id).await;
    assert_eq!(goal(&f, "46", "min_climate_weight_percent")["met"], true);
    assert_eq!(f["fully_met"], 1);

    // A new council decision: the old one stays readable.
    let r = put_strategy(
        &app,
        s.user("46"),
        "46",
        json!({"reference": "FT-sak 40/2026", "adopted_on": "2026-06-18", "min_climate_weight_percent": 40}),
    )
    .await;
    assert_eq!(r.body["current"]["version"], 2);
    let got = app
        .get("/api/v1/municipalities/46/strategy", Some(&s.coordinator))
        .await;
    assert_eq!(got.body["current"]["reference"], "FT-sak 40/2026");
    assert_eq!(got.body["history"][0]["reference"], "FT-sak 12/2025");
    assert_eq!(got.body["history"][0]["min_climate_weight_percent"], 30);

    let bad = put_strategy(
        &app,
        s.user("46"),
        "46",
        json!({"reference": "X", "adopted_on": "2026-06-18", "required_clauses": ["no_such_clause"]}),
    )
    .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_clause")
    );
    assert_eq!(bad.body["errors"][0]["field"], "required_clauses");
}

#[actix_web::test]
async fn a_municipality_sees_its_own_fit_and_the_coordinator_sees_all() {
    let app = spawn_app().await;
    let s = app
        .scenario()
        .municipalities(&["46", "4601"])
        .lot(lot("Skoleskyss"))
        .opened()
        .await;
    for number in ["46", "4601"] {
        let r = put_strategy(
            &app,
            s.user(number),
            number,
            json!({"reference": "PS 1/2025", "adopted_on": "2025-01-10", "sdgs": [12]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Bergen may not register Vestland's strategy.
    let r = put_strategy(
        &app,
        s.user("4601"),
        "46",
        json!({"reference": "PS 1/2025", "adopted_on": "2025-01-10"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let all = fit(&app, &s.coordinator, &s.id).await;
    assert_eq!(all["participants"].as_array().map(Vec::len), Some(2));
    let own = fit(&app, s.user("4601"), &s.id).await;
    let numbers: Vec<&str> = own["participants"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["number"].as_str())
        .collect();
    assert_eq!(numbers, vec!["4601"], "Bergen does not see Vestland's fit");
    let sdg = goal(&own, "4601", "sdgs");
    assert_eq!(sdg["met"], false);
}

#[actix_web::test]
async fn the_invitation_and_the_voting_page_show_the_participant_its_fit() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let s = app
        .scenario()
        .municipalities(&["46"])
        .contact("46", "innkjop@vlfk.no")
        .lot(lot("Skoleskyss"))
        .draft()
        .await;
    put_strategy(
        &app,
        s.user("46"),
        "46",
        json!({"reference": "FT-sak 12/2025", "adopted_on": "2025-03-12", "min_climate_weight_percent": 30,
               "market_dialogue_from_ore": 100_000_000}),
    )
    .await;
    sustainability(
        &app,
        &s.coordinator,
        &s.id,
        json!({"climate_weight_percent": 20}),
    )
    .await;
    s.open(&app).await;
    let mails = mails_about(&smtp, "Invitasjon", 1).await;
    let mail = &mails[0];
    assert!(
        mail.text.contains("Vestland fylkeskommune"),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("Deres anskaffelsesstrategi (FT-sak 12/2025)"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains(
            "Ikke oppfylt: Strategien krever klimavekt minst 30 %; anskaffelsen har 20 %"
        ),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("Ukjent ennå: Strategien forventer markedsdialog"),
        "{}",
        mail.text
    );

    let page = app.get(&link_in(mail), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or_default().to_string();
    assert!(
        html.contains("Deres anskaffelsesstrategi (FT-sak 12/2025)"),
        "{html}"
    );
    assert!(html.contains("Ikke oppfylt"), "{html}");
    assert!(html.contains("anskaffelsen har 20 %"), "{html}");
}
