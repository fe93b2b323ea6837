//! What suppliers see, and what the coordinator learns about them: school
//! meals for three Vestland municipalities and Stavanger, a supplier
//! register of seven firms, the analysis worked out by hand, the split it
//! suggests applied as it is, and the published lot division as JSON, as a
//! page, and in a real browser.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, PASSWORD};
use crate::procurements::{open, Office};
use crate::scenario::lot as lot_spec;

const HEADER: &str =
    "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n";

/// Turnovers in øre. The local school-catering SMEs are A (Bergen, all of
/// Vestland, NOK 12 M), B (Alver, only Alver, NOK 3 M) and C (Stavanger, all
/// of Rogaland, NOK 8 M). D is large, E of another trade, F not local, G a
/// bakery in Austrheim (CPV 158: neither catering nor milk).
const REGISTER: &str = "\
910000004,Fjord Catering AS,12,1200000000,4601,46,5552
910000012,Alver Mat AS,5,300000000,4631,,555
910000020,Siddis Kjøkken AS,40,800000000,1103,11,55524
910000039,Storkjøkken ASA,400,50000000000,4601,46;11,555
910000047,Bergen Vask AS,3,5000000,4601,,909
910000055,Oslo Mat AS,8,900000000,0301,03,5552
910000063,Austrheim Bakeri AS,2,50000000,4632,4632,158
";

const INVITED: [&str; 4] = ["1103", "4601", "4631", "4632"];

pub(crate) struct Scenario {
    pub(crate) office: Office,
    pub(crate) id: String,
    pub(crate) meals: String,
    pub(crate) milk: String,
    /// The builder's scenario: tokens and mandates of the invited.
    made: crate::scenario::Scenario,
}

/// A draft with two lots: meals for all four (NOK 45.00 a portion), milk for
/// Bergen and Alver (NOK 12.50 a litre); 24 + 24 months.
pub(crate) async fn draft(app: &TestApp, title: &str) -> Scenario {
    let made = app
        .scenario()
        .municipalities(&["1103", "4601", "4631"])
        .users(&["4632"])
        .invited(&INVITED)
        .mandate_max(1_000_000_000_000)
        .with(
            json!({"title": title, "description": "Skolemåltid og melk for grunnskolen",
                     "contract_start": "2027-08-01"}),
        )
        .lot(lot_spec("Skolemåltid"))
        .lot(
            lot_spec("Melk")
                .cpv("15511000-3")
                .unit("liter")
                .price(1250)
                .area(&["4601", "4631"]),
        )
        .draft()
        .await;
    Scenario {
        office: Office {
            admin: made.admin.clone(),
            coordinator: made.coordinator.clone(),
        },
        id: made.id.clone(),
        meals: made.lot(0).to_string(),
        milk: made.lot(1).to_string(),
        made,
    }
}

/// Opens the draft; Bergen, Alver and Stavanger join, Austrheim declines.
pub(crate) async fn answer(app: &TestApp, s: &Scenario) {
    open(app, &s.office.coordinator, &s.id).await;
    let volumes: HashMap<&str, Value> = HashMap::from([
        (
            "4601",
            json!([{"lot_id": s.meals, "annual_quantity": 200_000, "max_annual_quantity": 220_000},
                   {"lot_id": s.milk, "annual_quantity": 100_000}]),
        ),
        (
            "4631",
            json!([{"lot_id": s.meals, "annual_quantity": 40_000},
                   {"lot_id": s.milk, "annual_quantity": 20_000}]),
        ),
        (
            "1103",
            json!([{"lot_id": s.meals, "annual_quantity": 100_000, "max_annual_quantity": 120_000}]),
        ),
    ]);
    for number in INVITED {
        let r = match volumes.get(number) {
            Some(v) => s.made.join(app, number, v.clone()).await,
            None => s.made.decline(app, number).await,
        };
        assert_eq!(r.status, StatusCode::OK, "{number}: {}", r.body);
    }
}

async fn step(app: &TestApp, s: &Scenario, action: &str, status: &str) {
    if action == "publish" {
        // What the value makes mandatory (tests/api/compliance.rs).
        crate::compliance::comply(
            app,
            &s.office.coordinator,
            &s.id,
            &crate::compliance::SCHOOL_MEAL_CLAUSES,
        )
        .await;
    }
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/{action}", s.id),
            Some(&s.office.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], status, "{action}: {}", r.body);
}

pub(crate) async fn import_register(app: &TestApp, admin: &str) {
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(admin),
            "text/csv",
            format!("{HEADER}{REGISTER}").into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (
            r.body["imported"].as_i64(),
            r.body["rejected"].as_array().map(Vec::len)
        ),
        (Some(7), Some(0)),
        "{}",
        r.body
    );
}

/// Fjord Catering (supplier A, imported without an address) opens an
/// account with the register's figures; the operator approves it.
async fn supplier_a(app: &TestApp) -> String {
    app.register_supplier(
        json!({"org_number": "910000004", "name": "Fjord Catering AS", "email": "post@fjordcatering.no",
               "password": PASSWORD, "employees": 12, "annual_turnover_ore": 1_200_000_000_i64,
               "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]}),
    )
    .await
}

/// A procurement published after splitting the meals lot by county.
pub(crate) async fn published(app: &TestApp, title: &str) -> Scenario {
    let s = draft(app, title).await;
    answer(app, &s).await;
    step(app, &s, "close", "closed").await;
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/lots/{}/split", s.id, s.meals),
            Some(&s.office.coordinator),
            json!({"groups": [["1103"], ["4601", "4631", "4632"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    step(app, &s, "publish", "published").await;
    s
}

fn lot<'a>(analysis: &'a Value, lot_id: &str) -> &'a Value {
    analysis["lots"]
        .as_array()
        .and_then(|lots| lots.iter().find(|l| l["lot_id"] == lot_id))
        .unwrap_or_else(|| panic!("lot {lot_id} in {analysis}"))
}

fn suggestion<'a>(lot: &'a Value, kind: &str) -> &'a Value {
    lot["suggestions"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["kind"] == kind))
        .unwrap_or_else(|| panic!("a {kind} suggestion in {lot}"))
}

#[actix_web::test]
async fn the_analysis_flags_a_lot_that_shuts_out_local_smes_and_its_split_lets_them_in() {
    let app = spawn_app().await;
    let s = draft(&app, "Skolemat i Vestland og Rogaland").await;
    import_register(&app, &s.office.admin).await;
    answer(&app, &s).await;
    let analysis_path = format!("/api/v1/procurements/{}/analysis", s.id);

    let r = app
        .get_in("en", &analysis_path, Some(&s.office.coordinator))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["capacity_factor"], 1.0);
    // Meals: 340 000 portions a year x NOK 45 = NOK 15 300 000. A (NOK 12 M),
    // B (NOK 3 M) and C (NOK 8 M) are all too small; A does not deliver in
    // Stavanger, B only in Alver, C only in Rogaland.
    let meals = lot(&r.body, &s.meals);
    assert_eq!(meals["annual_value_ore"], 1_530_000_000_i64);
    assert_eq!(
        (
            &meals["local_relevant_smes"],
            &meals["excluded_by_size"],
            &meals["excluded_by_area"],
            &meals["eligible_local_smes"],
            &meals["interested_suppliers"]
        ),
        (&json!(3), &json!(3), &json!(3), &json!(0), &json!(0))
    );
    assert_eq!(
        meals["flags"],
        json!([{"code": "shuts_out_local_smes", "severity": "high",
                "message": "Lot 'Skolemåltid' is worth NOK 15,300,000 excl. VAT a year; the largest of the 3 \
                            local SMEs in school catering services has a turnover of NOK 12,000,000, and 3 of \
                            them do not deliver in all 4 municipalities of its area; none can carry it alone. \
                            This is not a bar to bidding: twice the contract value is the most a buyer may \
                            demand in yearly turnover (Directive Art. 58(3)), a ceiling, not a minimum, and \
                            small firms can bid together (Art. 19(2)) or rely on the capacity of others \
                            (Art. 63)."}])
    );
    // What a coordinator reads by default, in bokmål.
    let nb = app.get(&analysis_path, Some(&s.office.coordinator)).await;
    assert_eq!(nb.header("content-language"), "nb");
    assert_eq!(
        lot(&nb.body, &s.meals)["flags"][0]["message"],
        "Delkontrakt «Skolemåltid» er verdt kr 15 300 000 ekskl. mva. i året; den største av de 3 \
         lokale SMB-ene innen catering til skoler har en omsetning på kr 12 000 000, og 3 av dem \
         leverer ikke i alle de 4 kommunene i området; ingen kan påta seg den alene. Dette er \
         ingen hindring for å gi tilbud: to ganger kontraktsverdien er det meste en oppdragsgiver \
         kan kreve i årlig omsetning (direktivet art. 58(3)), et tak og ikke et minstekrav, og små \
         leverandører kan gi tilbud sammen (art. 19(2)) eller støtte seg på andres kapasitet \
         (art. 63)."
    );
    assert_eq!(
        suggestion(lot(&nb.body, &s.meals), "split_by_county")["message"],
        "Én delkontrakt per fylke: 2 delkontrakter, hver med en lokal SMB som kan gi tilbud."
    );
    // By county: Stavanger alone is NOK 4 500 000, which C can carry; the
    // Vestland three are NOK 10 800 000, which A can.
    let by_county = suggestion(meals, "split_by_county");
    assert_eq!(
        by_county["sub_lots"],
        json!([{"area": ["1103"], "annual_value_ore": 450_000_000, "eligible_local_smes": 1},
               {"area": ["4601", "4631", "4632"], "annual_value_ore": 1_080_000_000_i64, "eligible_local_smes": 1}])
    );
    let by_municipality = suggestion(meals, "split_by_municipality");
    let per_municipality: Vec<(String, i64, i64)> = by_municipality["sub_lots"]
        .as_array()
        .expect("sub-lots")
        .iter()
        .map(|s| {
            (
                s["area"][0].as_str().unwrap_or("").to_string(),
                s["annual_value_ore"].as_i64().unwrap_or(-1),
                s["eligible_local_smes"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    // Austrheim declined: no value, so no sub-lot of its own (a sub-lot
    // without volume buys nothing and is not offered).
    assert_eq!(
        per_municipality,
        vec![
            ("1103".into(), 450_000_000, 1),
            ("4601".into(), 900_000_000, 1),
            ("4631".into(), 180_000_000, 1),
        ]
    );
    assert!(meals["suggestions"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s["kind"] == "fewest_sub_lots")));
    // Milk: no SME of the trade lives in Bergen or Alver; nobody to shut out.
    let milk = lot(&r.body, &s.milk);
    assert_eq!(
        (
            &milk["local_relevant_smes"],
            &milk["flags"],
            &milk["suggestions"]
        ),
        (&json!(0), &json!([]), &json!([]))
    );
    assert_eq!(milk["notes"][0]["code"], "no_local_smes");

    // The invited municipalities see it; suppliers and strangers do not.
    let alver = app.login("innkjop@k4631.kommune.no", PASSWORD).await;
    assert_eq!(
        app.get(&analysis_path, Some(&alver)).await.status,
        StatusCode::OK
    );
    let supplier = supplier_a(&app).await;
    assert_eq!(
        app.get(&analysis_path, Some(&supplier)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&analysis_path, None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The coordinator applies the county split exactly as suggested.
    step(&app, &s, "close", "closed").await;
    let groups: Vec<Value> = by_county["sub_lots"]
        .as_array()
        .expect("sub-lots")
        .iter()
        .map(|s| s["area"].clone())
        .collect();
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/lots/{}/split", s.id, s.meals),
            Some(&s.office.coordinator),
            json!({ "groups": groups }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let stavanger = r.body[0]["id"].as_str().expect("id").to_string();
    let vestland = r.body[1]["id"].as_str().expect("id").to_string();
    let after = app
        .get(&analysis_path, Some(&s.office.coordinator))
        .await
        .body;
    assert_eq!(after["lots"].as_array().map(Vec::len), Some(3));
    let (st, ve) = (lot(&after, &stavanger), lot(&after, &vestland));
    assert_eq!(st["title"], "Skolemåltid – Stavanger");
    assert_eq!(
        (
            &st["annual_value_ore"],
            &st["local_relevant_smes"],
            &st["eligible_local_smes"],
            &st["flags"]
        ),
        (&json!(450_000_000), &json!(1), &json!(1), &json!([]))
    );
    // A can carry Vestland; B still cannot, but one of two is not "few".
    assert_eq!(
        (
            &ve["annual_value_ore"],
            &ve["local_relevant_smes"],
            &ve["eligible_local_smes"],
            &ve["flags"]
        ),
        (&json!(1_080_000_000_i64), &json!(2), &json!(1), &json!([]))
    );

    // Published, supplier A marks interest in the Vestland lot, twice.
    step(&app, &s, "publish", "published").await;
    let before = app
        .get(&analysis_path, Some(&s.office.coordinator))
        .await
        .body;
    assert_eq!(lot(&before, &vestland)["interested_suppliers"], 0);
    let interest = format!(
        "/api/v1/public/procurements/{}/lots/{vestland}/interest",
        s.id
    );
    for _ in 0..2 {
        let r = app.post(&interest, Some(&supplier), json!({})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    let r = app
        .post(&interest, Some(&s.office.coordinator), json!({}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only suppliers mark interest"
    );
    assert_eq!(
        app.post(&interest, None, json!({})).await.status,
        StatusCode::UNAUTHORIZED
    );
    let retired = format!(
        "/api/v1/public/procurements/{}/lots/{}/interest",
        s.id, s.meals
    );
    assert_eq!(
        app.post(&retired, Some(&supplier), json!({})).await.status,
        StatusCode::NOT_FOUND,
        "a lot that was split is no longer there"
    );
    let counted = app
        .get(&analysis_path, Some(&s.office.coordinator))
        .await
        .body;
    // A mark is no event of the procurement, yet the analysis counts it at once.
    assert_eq!(lot(&counted, &vestland)["interested_suppliers"], 1);
    assert_eq!(lot(&counted, &stavanger)["interested_suppliers"], 0);
}

#[actix_web::test]
async fn the_public_lot_division_is_exactly_the_published_numbers() {
    let app = spawn_app().await;
    let s = published(&app, "Skolemat i Vestland og Rogaland").await;
    let lots = app
        .get(
            &format!("/api/v1/procurements/{}", s.id),
            Some(&s.office.coordinator),
        )
        .await
        .body["lots"]
        .clone();
    let ids: Vec<&str> = lots
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 3);
    let expected = json!({
        "id": s.id, "title": "Skolemat i Vestland og Rogaland",
        "description": "Skolemåltid og melk for grunnskolen", "cpv": "55524000-9",
        "contract_type": "services", "framework_agreement": true, "contract_start": "2027-08-01",
        "duration_months": 24, "option_months": 24,
        "participants": [{"number": "1103", "name": "Stavanger"}, {"number": "4601", "name": "Bergen"},
                         {"number": "4631", "name": "Alver"}],
        "lots": [
            // 100 000 portions (up to 120 000) x NOK 45 = NOK 4 500 000 a year, x 4 years.
            {"id": ids[0], "title": "Skolemåltid – Stavanger", "cpv": "55524000-9", "unit": "porsjon",
             "area": [{"number": "1103", "name": "Stavanger"}],
             "annual_quantity": 100_000, "max_annual_quantity": 120_000,
             "annual_value_ore": 450_000_000, "contract_value_ore": 1_800_000_000},
            // Austrheim declined: it is in the lot's area but buys nothing.
            {"id": ids[1], "title": "Skolemåltid – del 2", "cpv": "55524000-9", "unit": "porsjon",
             "area": [{"number": "4601", "name": "Bergen"}, {"number": "4631", "name": "Alver"}],
             "annual_quantity": 240_000, "max_annual_quantity": 260_000,
             "annual_value_ore": 1_080_000_000, "contract_value_ore": 4_320_000_000_i64},
            // 120 000 litres x NOK 12.50 = NOK 1 500 000 a year.
            {"id": ids[2], "title": "Melk", "cpv": "15511000-3", "unit": "liter",
             "area": [{"number": "4601", "name": "Bergen"}, {"number": "4631", "name": "Alver"}],
             "annual_quantity": 120_000, "max_annual_quantity": 120_000,
             "annual_value_ore": 150_000_000, "contract_value_ore": 600_000_000}
        ]
    });
    let path = format!("/api/v1/public/procurements/{}", s.id);
    for attempt in ["rendered", "cached"] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{attempt}: {}", r.body);
        assert!(r.content_type.starts_with("application/json"));
        assert_eq!(r.body, expected, "{attempt}");
    }
    let list = app.get("/api/v1/public/procurements?limit=10", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    assert_eq!(list.body[0]["id"], s.id);
    assert_eq!(list.body[0]["title"], "Skolemat i Vestland og Rogaland");
    assert!(list.body[0]["published_at"].is_string());

    // Awarded, the notice stays readable; it leaves the list of open competitions.
    let supplier = supplier_a(&app).await;
    let me = app.get("/api/v1/suppliers/me", Some(&supplier)).await;
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/award", s.id),
            Some(&s.office.coordinator),
            json!({"awards": [{"lot_id": ids[1], "supplier_id": me.body["id"]}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.get(&path, None).await;
    assert_eq!((r.status, &r.body), (StatusCode::OK, &expected));
    let page = app.get(&format!("/procurements/{}", s.id), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let list = app.get("/api/v1/public/procurements", None).await;
    assert_eq!(list.body, json!([]));
    let interest = format!(
        "/api/v1/public/procurements/{}/lots/{}/interest",
        s.id, ids[1]
    );
    assert_eq!(
        app.post(&interest, Some(&supplier), json!({})).await.status,
        StatusCode::NOT_FOUND,
        "no interest in a lot already awarded"
    );
}

#[actix_web::test]
async fn nothing_unpublished_is_public() {
    let app = spawn_app().await;
    let s = draft(&app, "Skolemat i Vestland og Rogaland").await;
    let supplier = supplier_a(&app).await;
    let paths = (
        format!("/api/v1/public/procurements/{}", s.id),
        format!("/procurements/{}", s.id),
        format!(
            "/api/v1/public/procurements/{}/lots/{}/interest",
            s.id, s.milk
        ),
    );
    async fn all_404(app: &TestApp, supplier: &str, paths: &(String, String, String), state: &str) {
        let r = app.get(&paths.0, None).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{state}: {}",
            r.body
        );
        let r = app.get(&paths.1, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{state}");
        assert!(r.content_type.starts_with("text/html"), "{state}");
        assert!(r
            .body
            .as_str()
            .unwrap_or("")
            .contains("Fant ikke anskaffelsen"));
        let r = app.post(&paths.2, Some(supplier), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{state}: {}", r.body);
        let list = app.get("/api/v1/public/procurements", None).await;
        assert_eq!(list.body, json!([]), "{state}");
    }
    all_404(&app, &supplier, &paths, "draft").await;
    answer(&app, &s).await;
    all_404(&app, &supplier, &paths, "open").await;
    step(&app, &s, "close", "closed").await;
    all_404(&app, &supplier, &paths, "closed").await;
    step(&app, &s, "publish", "published").await;
    assert_eq!(app.get(&paths.0, None).await.status, StatusCode::OK);
    assert_eq!(app.get(&paths.1, None).await.status, StatusCode::OK);
    let unknown_lot = format!(
        "/api/v1/public/procurements/{}/lots/no-such-lot/interest",
        s.id
    );
    assert_eq!(
        app.post(&unknown_lot, Some(&supplier), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Cancelled after publication: the cached answers must not outlive it.
    step(&app, &s, "cancel", "cancelled").await;
    all_404(&app, &supplier, &paths, "cancelled").await;
    assert_eq!(
        app.get("/api/v1/public/procurements/no-such-id", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_page_for_people_names_lots_and_municipalities_draws_maps_and_escapes() {
    let app = spawn_app().await;
    let s = published(&app, "<script>alert(\"x\")</script> Skolemat & melk").await;
    let r = app.get(&format!("/procurements/{}", s.id), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"));
    let html = r.body.as_str().expect("a page").to_string();
    assert!(!html.contains("<script"), "the title is escaped");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Skolemat &amp; melk"));
    for text in [
        "Skolemåltid – Stavanger",
        "Skolemåltid – del 2",
        "Melk",
        "Stavanger",
        "Bergen",
        "Alver",
        "Tjenester",
        "1. august 2027 – 31. juli 2029",
        "NOK 10 800 000",
        "<span class=\"num\">240 000</span> porsjon",
        "Kartverket",
    ] {
        assert!(html.contains(text), "the page shows {text:?}");
    }
    // A map per lot, placing the outlines of every municipality in the counties.
    assert_eq!(html.matches("<svg class=\"map\"").count(), 3);
    assert!(html.contains("<use href=\"#k4601\" class=\"on\" fill=\"#0b5394\""));
    assert!(html.contains("<title>Bergen</title>"));
    assert!(html.contains("<title>Austrheim (ikke med)</title>"));
    assert!(html.contains("<path id=\"k4601\" d=\"M"));
    assert!(html.contains("<table class=\"chart\">"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing is fetched from elsewhere"
    );
}

fn screenshot_dir() -> PathBuf {
    std::env::var("SAMKJOP_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"))
}

/// Runs headless Chromium to the end, or kills it after a minute.
fn chromium(args: &[String]) -> (bool, String) {
    let profile = std::env::temp_dir().join(format!(
        "samkjop_chromium_{}",
        uuid::Uuid::new_v4().simple()
    ));
    let mut child = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
        out
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let ok = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if Instant::now() < deadline => crate::wait::pause_blocking(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break false;
            }
        }
    };
    let out = reader.join().unwrap_or_default();
    let _ = std::fs::remove_dir_all(profile);
    (ok, out)
}

#[actix_web::test]
async fn a_headless_browser_renders_the_supplier_page() {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        eprintln!("note: /usr/bin/chromium is not installed; the browser test is skipped");
        return;
    }
    let app = spawn_app().await;
    let s = published(&app, "Skolemat i Vestland og Rogaland").await;
    let url = app.url(&format!("/procurements/{}", s.id));
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    let shot = dir.join("supplier_page.png");
    let _ = std::fs::remove_file(&shot);
    let (dom, shot_arg) = (url.clone(), format!("--screenshot={}", shot.display()));
    let (dumped, (shot_ok, _)) = actix_web::rt::task::spawn_blocking(move || {
        let dumped = chromium(&["--dump-dom".to_string(), dom]);
        let shot = chromium(&[shot_arg, "--window-size=1200,2000".to_string(), url]);
        (dumped, shot)
    })
    .await
    .expect("chromium ran");
    let (dom_ok, dom) = dumped;
    assert!(dom_ok, "chromium dumped the page");
    for text in [
        "Skolemat i Vestland og Rogaland",
        "Skolemåltid – Stavanger",
        "Deltakere (3 kommuner)",
        "Stavanger, Bergen, Alver",
        "NOK 4 500 000",
    ] {
        assert!(dom.contains(text), "the browser shows {text:?}");
    }
    assert_eq!(dom.matches("<svg class=\"map\"").count(), 3, "three maps");
    assert!(shot_ok, "chromium took a screenshot");
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "a screenshot with something on it ({size} bytes)"
    );
    eprintln!("screenshot: {}", shot.display());
}

#[actix_web::test]
async fn the_page_starts_with_a_table_of_lots_filtered_by_county_and_cpv() {
    let app = spawn_app().await;
    let s = published(&app, "Skolemat og melk").await;
    let page = |query: &'static str| {
        let path = format!("/procurements/{}{query}", s.id);
        let app = &app;
        async move {
            let r = app.get(&path, None).await;
            assert_eq!(r.status, StatusCode::OK);
            r.body.as_str().expect("a page").to_string()
        }
    };
    let all = page("").await;
    let table = all.find("Oversikt over delkontraktene").expect("the table");
    // At the top: before the lots and their maps.
    assert!(table < all.find("<svg class=\"map\"").expect("maps"));
    assert!(all.contains("Viser 3 av 3 delkontrakter."), "{all}");
    assert!(all.contains("href=\"#delkontrakt-1\""));
    // Rogaland: only the Stavanger meals.
    let rogaland = page("?fylke=11&cpv=").await;
    assert!(
        rogaland.contains("Viser 1 av 3 delkontrakter."),
        "{rogaland}"
    );
    assert!(
        rogaland.contains("<option value=\"11\" selected>"),
        "keeps what was chosen"
    );
    // By CPV: the milk lot's code.
    let milk = page("?fylke=46&cpv=15511000-3").await;
    assert!(milk.contains("Viser 1 av 3 delkontrakter."), "{milk}");
    // The full page below the table is the same whatever the filter.
    assert!(rogaland.contains("Skolemåltid – del 2") && rogaland.contains("Melk"));
}
