//! Exports: the OCDS release package, validated offline against the official
//! schemas (tests/data/ocds), and the volume table as CSV, read back.

use std::collections::{BTreeMap, HashMap};

use awc::http::StatusCode;
use samkjop::domain::contract::ProcurementStatus;
use samkjop::domain::SizeClass;
use serde_json::{json, Map, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::procurements::{
    days_from_today, in_future, municipality_user, office, propose, Office, SIX,
};
use crate::scenario::lot;

const RELEASE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

fn schema_file(path: &str) -> Value {
    let full = format!("{}/tests/data/ocds/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// RFC 7386 JSON Merge Patch: how OCDS extensions patch the release schema.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (key, value) in patch {
            if value.is_null() {
                t.remove(key);
            } else {
                merge_patch(t.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The release package schema, with the release schema (lots extension
/// merged in) registered under the URL the package schema refers to, and
/// nothing fetched from the network.
pub fn ocds_validator() -> jsonschema::Validator {
    let mut release = schema_file("1.1.5/release-schema.json");
    merge_patch(
        &mut release,
        &schema_file("lots_extension/release-schema.json"),
    );
    let package = schema_file("1.1.5/release-package-schema.json");
    assert_eq!(
        package["properties"]["releases"]["items"]["$ref"], RELEASE_SCHEMA_URL,
        "the package schema refers to the release schema by this URL"
    );
    let registry = jsonschema::Registry::new()
        .add(RELEASE_SCHEMA_URL, release)
        .expect("the release schema registers")
        .prepare()
        .expect("the registry prepares");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .offline()
        .with_registry(&registry)
        .build(&package)
        .expect("the package schema compiles")
}

/// Schema errors, and the cross-references that JSON Schema cannot check.
pub fn assert_valid_ocds(package: &Value) {
    let validator = ocds_validator();
    let errors: Vec<String> = validator
        .iter_errors(package)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "OCDS schema errors: {errors:#?}\n{package:#}"
    );
    for release in package["releases"].as_array().expect("releases") {
        let parties: Vec<&str> = release["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .map(|p| p["id"].as_str().expect("party id"))
            .collect();
        let mut unique = parties.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), parties.len(), "party ids are unique");
        for reference in [&release["buyer"], &release["tender"]["procuringEntity"]] {
            if let Some(id) = reference["id"].as_str() {
                assert!(parties.contains(&id), "{id} is among the parties");
            }
        }
        let lots: Vec<&str> = release["tender"]["lots"]
            .as_array()
            .expect("lots")
            .iter()
            .map(|l| l["id"].as_str().expect("lot id"))
            .collect();
        for item in release["tender"]["items"].as_array().expect("items") {
            let lot = item["relatedLot"].as_str().expect("relatedLot");
            assert!(lots.contains(&lot), "item's lot {lot} is a lot");
        }
    }
}

#[test]
fn merge_patch_follows_rfc_7386() {
    // The examples of RFC 7386, appendix A.
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (
            json!({"a": "b", "b": "c"}),
            json!({"a": null}),
            json!({"b": "c"}),
        ),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (
            json!({"a": {"b": "c"}}),
            json!({"a": {"b": "d", "c": null}}),
            json!({"a": {"b": "d"}}),
        ),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (json!({"a": "foo"}), json!("bar"), json!("bar")),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!([1, 2]),
            json!({"a": "b", "c": null}),
            json!({"a": "b"}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (mut target, patch, expected) in cases {
        merge_patch(&mut target, &patch);
        assert_eq!(target, expected, "patch {patch}");
    }
}

#[test]
fn the_validator_catches_what_ocds_forbids() {
    let validator = ocds_validator();
    let ok = json!({"uri": "https://example.com/p.json", "publishedDate": "2026-01-01T00:00:00Z",
        "publisher": {"name": "X"}, "version": "1.1",
        "releases": [{"ocid": "ocds-x-1", "id": "1", "date": "2026-01-01T00:00:00Z",
                      "tag": ["tender"], "initiationType": "tender",
                      "tender": {"id": "1", "lots": [{"id": "L1", "status": "active"}]}}]});
    assert!(
        validator.is_valid(&ok),
        "{:?}",
        validator
            .iter_errors(&ok)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let mut wrong_tag = ok.clone();
    wrong_tag["releases"][0]["tag"] = json!(["published"]);
    assert!(
        !validator.is_valid(&wrong_tag),
        "the tag codelist is closed"
    );
    let mut wrong_lot = ok.clone();
    wrong_lot["releases"][0]["tender"]["lots"][0]["status"] = json!("open");
    assert!(
        !validator.is_valid(&wrong_lot),
        "the merged lots extension is checked"
    );
    let mut wrong_date = ok.clone();
    wrong_date["releases"][0]["date"] = json!("26.11.2026");
    assert!(!validator.is_valid(&wrong_date), "formats are checked");
    let mut missing = ok;
    missing["releases"][0]
        .as_object_mut()
        .unwrap()
        .remove("ocid");
    assert!(!validator.is_valid(&missing));
}

pub struct Scenario {
    pub id: String,
    pub coordinator: String,
    pub admin: String,
    pub users: HashMap<&'static str, String>,
    pub meals: String,
}

/// The school-meals scenario of `procurements.rs` (domain.md §11) up to
/// closing: four join, two decline.
pub async fn school_meals_closed(app: &TestApp) -> Scenario {
    let s = app
        .scenario()
        .municipalities(&["4601", "4631", "4627", "4624"])
        .users(&["4626", "4632"])
        .invited(&SIX)
        .quorum(json!({"min_participants": 3, "min_population_share_percent": 50}))
        .mandate_max(12_000_000_000)
        .lot(lot("Skolemåltid"))
        .lot(
            lot("Melk og drikke")
                .unit("liter")
                .price(1250)
                .area(&["4601", "4626", "4627"]),
        )
        .opened()
        .await;
    let (meals, milk) = (s.lot(0), s.lot(1));
    let lines: [(&str, Value); 4] = [
        (
            "4601",
            json!([{"lot_id": meals, "annual_quantity": 400_000, "max_annual_quantity": 500_000},
                        {"lot_id": milk, "annual_quantity": 200_000}]),
        ),
        (
            "4631",
            json!([{"lot_id": meals, "annual_quantity": 60_000, "max_annual_quantity": 70_000}]),
        ),
        (
            "4627",
            json!([{"lot_id": meals, "annual_quantity": 30_000},
                        {"lot_id": milk, "annual_quantity": 20_000, "max_annual_quantity": 25_000}]),
        ),
        (
            "4624",
            json!([{"lot_id": meals, "annual_quantity": 50_000, "max_annual_quantity": 55_000}]),
        ),
    ];
    for (number, volumes) in lines {
        let r = s.join(app, number, volumes).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    for number in ["4626", "4632"] {
        assert_eq!(s.decline(app, number).await.status, StatusCode::OK);
    }
    let r = s.step(app, "close").await;
    assert_eq!(r.body["status"], "closed", "{}", r.body);
    Scenario {
        users: SIX.iter().map(|n| (*n, s.user(n).to_string())).collect(),
        meals: meals.to_string(),
        id: s.id,
        coordinator: s.coordinator,
        admin: s.admin,
    }
}

pub async fn publish(app: &TestApp, s: &Scenario) {
    // What the value makes mandatory (tests/api/compliance.rs).
    crate::compliance::comply(
        app,
        &s.coordinator,
        &s.id,
        &crate::compliance::SCHOOL_MEAL_CLAUSES,
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/publish", s.id),
            Some(&s.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "published", "{}", r.body);
}

/// Three caterers of the EU size classes, from the register import; their ids.
async fn caterers(app: &TestApp, admin: &str) -> HashMap<&'static str, String> {
    let csv = "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n\
               937628447,Askøy Skolemat AS,6,1850000000,4627,4627;4626,5552\n\
               986329552,Nordhordland Storkjøkken AS,45,9800000000,4631,46,5552\n\
               924876131,Vestlandsmat Catering ASA,310,82000000000,4601,46,555\n";
    let r = app
        .raw(
            awc::http::Method::POST,
            "/api/v1/suppliers/import",
            Some(admin),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.body["imported"], 3, "{}", r.body);
    let db = samkjop::db::Db::connect(&app.database_url, 1).expect("the test database");
    let all = db
        .read(samkjop::db::suppliers::list_all)
        .await
        .expect("the register");
    let id = |org: &str| {
        all.iter()
            .find(|s| s.org_number == org)
            .map(|s| s.id.clone())
            .expect("imported")
    };
    HashMap::from([
        ("micro", id("937628447")),
        ("small", id("986329552")),
        ("large", id("924876131")),
    ])
}

fn lot_by_title<'a>(lots: &'a Value, title: &str) -> &'a Value {
    lots.as_array()
        .expect("lots")
        .iter()
        .find(|l| l["title"] == title)
        .unwrap_or_else(|| panic!("no lot '{title}' in {lots}"))
}

#[actix_web::test]
async fn the_published_school_meals_are_valid_ocds() {
    let app =
        spawn_app_with(|k| (k == "SAMKJOP_OCDS_PREFIX").then(|| "ocds-t3st01".to_string())).await;
    let s = school_meals_closed(&app).await;
    let path = format!("/api/v1/procurements/{}/ocds", s.id);

    // Closed, not yet published: nobody sees it, not even its coordinator.
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&path, Some(&s.coordinator)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/procurements/no-such-id/ocds", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Bergen gets its own meals lot, as in the end-to-end scenario.
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/lots/{}/split", s.id, s.meals),
            Some(&s.coordinator),
            json!({"groups": [["4601"], ["4624", "4626", "4627", "4631", "4632"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    publish(&app, &s).await;

    // Published: anyone, without a token.
    let r = app.get(&path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.content_type.starts_with("application/json"),
        "{}",
        r.content_type
    );
    let package = r.body;
    assert_valid_ocds(&package);

    assert_eq!(package["version"], "1.1");
    assert_eq!(package["uri"], format!("{}{path}", app.address));
    assert_eq!(
        package["extensions"],
        json!(["https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"])
    );
    assert_eq!(
        package["publisher"],
        json!({"name": "Nordhordland innkjøp", "scheme": "NO-BRC", "uid": "974760673"})
    );
    let release = &package["releases"][0];
    assert_eq!(release["ocid"], format!("ocds-t3st01-{}", s.id));
    assert_eq!(release["tag"], json!(["tender"]));
    assert_eq!(release["initiationType"], "tender");
    assert_eq!(release["language"], "nb");
    assert!(
        release.get("buyer").is_none(),
        "an office-led procurement has no lead buyer"
    );

    // The office procures; the four that joined buy; those that declined are absent.
    let parties = release["parties"].as_array().unwrap();
    let roles: BTreeMap<&str, Vec<&str>> = parties
        .iter()
        .map(|p| {
            let roles = p["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            (p["id"].as_str().unwrap(), roles)
        })
        .collect();
    assert_eq!(
        roles,
        BTreeMap::from([
            ("NO-BRC-974760673", vec!["procuringEntity"]),
            ("NO-KOMMUNENUMMER-4601", vec!["buyer"]),
            ("NO-KOMMUNENUMMER-4624", vec!["buyer"]),
            ("NO-KOMMUNENUMMER-4627", vec!["buyer"]),
            ("NO-KOMMUNENUMMER-4631", vec!["buyer"]),
        ])
    );
    let office = &parties[0];
    assert_eq!(
        office["identifier"],
        json!({"scheme": "NO-BRC", "id": "974760673", "legalName": "Nordhordland innkjøp"})
    );
    let bergen = parties
        .iter()
        .find(|p| p["id"] == "NO-KOMMUNENUMMER-4601")
        .unwrap();
    assert_eq!(bergen["name"], "Bergen kommune");
    assert_eq!(
        bergen["additionalIdentifiers"],
        json!([{"scheme": "NO-KOMMUNENUMMER", "id": "4601", "legalName": "Bergen kommune"}])
    );
    assert_eq!(
        bergen["address"],
        json!({"region": "Vestland", "countryName": "Norge"})
    );

    let tender = &release["tender"];
    assert_eq!(tender["id"], s.id);
    assert_eq!(tender["status"], "active");
    assert_eq!(tender["mainProcurementCategory"], "services");
    assert_eq!(
        tender["procuringEntity"],
        json!({"id": "NO-BRC-974760673", "name": "Nordhordland innkjøp"})
    );
    // 10 820 000 000 øre = NOK 108 200 000 over 48 months (domain.md §11).
    assert_eq!(
        tender["value"],
        json!({"amount": 108_200_000, "currency": "NOK"})
    );
    assert_eq!(
        tender["contractPeriod"]["startDate"]
            .as_str()
            .map(|d| &d[..10]),
        Some(days_from_today(200).as_str())
    );
    let lots = &tender["lots"];
    assert_eq!(lots.as_array().map(Vec::len), Some(3));
    // 400 000 x NOK 45 x 4 = NOK 72 000 000; 140 000 x 45 x 4 = 25 200 000; 220 000 x 12.50 x 4 = 11 000 000.
    for (title, amount) in [
        ("Skolemåltid – Bergen", 72_000_000),
        ("Skolemåltid – del 2", 25_200_000),
        ("Melk og drikke", 11_000_000),
    ] {
        let lot = lot_by_title(lots, title);
        assert_eq!(
            lot["value"],
            json!({"amount": amount, "currency": "NOK"}),
            "{title}"
        );
        assert_eq!(lot["status"], "active");
    }
    let bergen_lot = lot_by_title(lots, "Skolemåltid – Bergen");
    let item = tender["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["relatedLot"] == bergen_lot["id"])
        .unwrap();
    assert_eq!(item["quantity"], 400_000);
    assert_eq!(
        item["unit"],
        json!({"name": "porsjon", "value": {"amount": 45, "currency": "NOK"}})
    );
    assert_eq!(item["classification"]["scheme"], "CPV");
    assert_eq!(item["classification"]["id"], "55524000-9");
    let milk_lot = lot_by_title(lots, "Melk og drikke");
    let milk = tender["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["relatedLot"] == milk_lot["id"])
        .unwrap();
    // NOK 12.50 is a number with decimals, exactly.
    assert_eq!(milk["unit"]["value"]["amount"].to_string(), "12.5");

    // The award names the suppliers, with their size; the milk lot found no one.
    let firms = caterers(&app, &s.admin).await;
    let del2 = lot_by_title(lots, "Skolemåltid – del 2");
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/award", s.id),
            Some(&s.coordinator),
            json!({"awards": [
                {"lot_id": bergen_lot["id"], "supplier_id": firms["large"]},
                {"lot_id": del2["id"], "supplier_id": firms["micro"]}]}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let awarded = app.get(&path, None).await.body;
    assert_valid_ocds(&awarded);
    assert!(awarded["extensions"].as_array().unwrap().iter().any(|e| e
        .as_str()
        .unwrap_or("")
        .contains("ocds_partyDetails_scale_extension")));
    let release = &awarded["releases"][0];
    assert_eq!(release["tag"], json!(["tender", "award"]));
    assert_eq!(release["tender"]["status"], "complete");
    assert_ne!(
        release["id"], package["releases"][0]["id"],
        "a new release, a new id"
    );
    let scales: BTreeMap<&str, &str> = release["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["roles"] == json!(["supplier"]))
        .map(|p| {
            (
                p["identifier"]["id"].as_str().unwrap(),
                p["details"]["scale"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        scales,
        BTreeMap::from([("924876131", "large"), ("937628447", "micro")])
    );
    let awards = release["awards"].as_array().unwrap();
    assert_eq!(awards.len(), 2);
    let bergen_award = awards
        .iter()
        .find(|a| a["relatedLots"] == json!([bergen_lot["id"]]))
        .unwrap();
    assert_eq!(
        bergen_award["suppliers"],
        json!([{"id": "NO-BRC-924876131", "name": "Vestlandsmat Catering ASA"}])
    );
    let statuses: BTreeMap<&str, &str> = release["tender"]["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["title"].as_str().unwrap(), l["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        BTreeMap::from([
            ("Melk og drikke", "unsuccessful"),
            ("Skolemåltid – Bergen", "complete"),
            ("Skolemåltid – del 2", "complete")
        ])
    );
}

#[actix_web::test]
async fn a_cancelled_publication_is_published_as_a_cancellation() {
    let app = spawn_app().await;
    let s = school_meals_closed(&app).await;
    publish(&app, &s).await;
    let path = format!("/api/v1/procurements/{}/ocds", s.id);
    let before = app.get(&path, None).await.body;
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/cancel", s.id),
            Some(&s.coordinator),
            json!({"reason": "test"}),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled", "{}", r.body);
    let cancelled = app.get(&path, None).await.body;
    assert_valid_ocds(&cancelled);
    let release = &cancelled["releases"][0];
    assert_eq!(release["tag"], json!(["tenderCancellation"]));
    assert_eq!(release["tender"]["status"], "cancelled");
    assert_eq!(release["tender"]["lots"][0]["status"], "cancelled");
    assert_ne!(
        release["id"], before["releases"][0]["id"],
        "a new release, a new id"
    );
}

#[actix_web::test]
async fn a_procurement_never_published_is_not_exported() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let id = propose(&app, &coordinator, &SIX, &in_future(3600), Value::Null).await;
    let r = app
        .get(&format!("/api/v1/procurements/{id}/ocds"), None)
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/cancel"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled", "{}", r.body);
    let r = app
        .get(&format!("/api/v1/procurements/{id}/ocds"), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "cancelled before publishing: never public"
    );
}

/// The rows of a volume table, read back as a spreadsheet user would.
pub struct VolumeRow {
    pub lot_id: String,
    pub lot_title: String,
    pub municipality_name: String,
    pub annual_quantity: i64,
    pub max_annual_quantity: i64,
    pub annual_value_ore: i64,
    pub max_annual_value_ore: i64,
}

pub fn read_volume_csv(text: &str) -> Vec<VolumeRow> {
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte order mark for Excel");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "lot_id",
            "lot_title",
            "cpv",
            "unit",
            "unit_price_ore",
            "municipality",
            "municipality_name",
            "annual_quantity",
            "max_annual_quantity",
            "annual_value_ore",
            "max_annual_value_ore"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            let n = |i: usize| {
                r[i].parse::<i64>()
                    .unwrap_or_else(|_| panic!("column {i}: {:?}", &r[i]))
            };
            assert_eq!(n(7) * n(4), n(9), "value = quantity x unit price");
            VolumeRow {
                lot_id: r[0].to_string(),
                lot_title: r[1].to_string(),
                municipality_name: r[6].to_string(),
                annual_quantity: n(7),
                max_annual_quantity: n(8),
                annual_value_ore: n(9),
                max_annual_value_ore: n(10),
            }
        })
        .collect()
}

/// `a × months / 12`, rounded half up once, as the summary computes a
/// contract value from a yearly one.
fn contract_value(yearly: i64, months: i64) -> i64 {
    let n = i128::from(yearly) * i128::from(months);
    i64::try_from((n + 6) / 12).expect("fits")
}

/// Sums the table per lot and compares with the summary: per lot the
/// quantities and yearly values, and the procurement's totals computed from
/// them the way the summary does.
pub fn assert_table_matches_summary(rows: &[VolumeRow], summary: &Value, months: i64) {
    let mut sums: BTreeMap<&str, [i64; 4]> = BTreeMap::new();
    for r in rows {
        let s = sums.entry(r.lot_id.as_str()).or_default();
        s[0] += r.annual_quantity;
        s[1] += r.max_annual_quantity;
        s[2] += r.annual_value_ore;
        s[3] += r.max_annual_value_ore;
    }
    let (mut total, mut total_max) = (0i64, 0i64);
    for lot in summary["lots"].as_array().expect("lots") {
        let id = lot["lot_id"].as_str().unwrap();
        let [q, max_q, v, max_v] = sums.get(id).copied().unwrap_or_default();
        assert_eq!(Some(q), lot["annual_quantity"].as_i64(), "{}", lot["title"]);
        assert_eq!(
            Some(max_q),
            lot["max_annual_quantity"].as_i64(),
            "{}",
            lot["title"]
        );
        assert_eq!(
            Some(v),
            lot["annual_value_ore"].as_i64(),
            "{}",
            lot["title"]
        );
        total += contract_value(v, months);
        total_max += contract_value(max_v, months);
    }
    assert_eq!(Some(total), summary["total_contract_value_ore"].as_i64());
    assert_eq!(
        Some(total_max),
        summary["total_max_contract_value_ore"].as_i64()
    );
}

struct CsvReply {
    status: StatusCode,
    content_type: String,
    disposition: String,
    text: String,
}

async fn csv_reply(app: &TestApp, id: &str, token: Option<&str>) -> CsvReply {
    let mut req = app
        .client
        .get(app.url(&format!("/api/v1/procurements/{id}/volumes.csv")));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    let mut res = req.send().await.expect("the request reaches the server");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let body = res.body().await.expect("the body arrives");
    CsvReply {
        status: res.status(),
        content_type,
        disposition,
        text: String::from_utf8(body.to_vec()).expect("UTF-8"),
    }
}

#[actix_web::test]
async fn the_volume_table_reads_back_to_the_summary() {
    let app = spawn_app().await;
    let s = school_meals_closed(&app).await;

    let r = csv_reply(&app, &s.id, Some(&s.coordinator)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.content_type, "text/csv; charset=utf-8");
    assert_eq!(
        r.disposition,
        format!("attachment; filename=\"volumer-{}.csv\"", s.id)
    );
    let rows = read_volume_csv(&r.text);
    // Joined municipalities on the lots of their area: 4 on meals, 2 on milk
    // (Alver and Bjørnafjorden are outside the milk lot's area).
    assert_eq!(rows.len(), 6);
    let summary = app
        .get(
            &format!("/api/v1/procurements/{}/summary", s.id),
            Some(&s.coordinator),
        )
        .await
        .body;
    assert_table_matches_summary(&rows, &summary, 48);
    assert_eq!(summary["total_contract_value_ore"], 10_820_000_000_i64);
    // Norwegian letters survive.
    assert!(rows.iter().any(|r| r.municipality_name == "Bjørnafjorden"));
    assert!(rows.iter().any(|r| r.lot_title == "Skolemåltid"));
    let askoy_milk = rows
        .iter()
        .find(|r| r.municipality_name == "Askøy" && r.lot_title == "Melk og drikke")
        .unwrap();
    assert_eq!(
        (
            askoy_milk.annual_quantity,
            askoy_milk.max_annual_quantity,
            askoy_milk.max_annual_value_ore
        ),
        (20_000, 25_000, 25_000 * 1250)
    );
    let bergen_milk = rows
        .iter()
        .find(|r| r.municipality_name == "Bergen" && r.lot_title == "Melk og drikke")
        .unwrap();
    assert_eq!(
        bergen_milk.max_annual_quantity, 200_000,
        "a missing maximum is the estimate"
    );

    // After the split the rows follow their municipality; the totals stay.
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/lots/{}/split", s.id, s.meals),
            Some(&s.coordinator),
            json!({"groups": [["4601"], ["4624", "4626", "4627", "4631", "4632"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let by_declined = csv_reply(&app, &s.id, Some(&s.users["4632"])).await;
    assert_eq!(
        by_declined.status,
        StatusCode::OK,
        "an invited municipality reads it"
    );
    let rows = read_volume_csv(&by_declined.text);
    let summary = app
        .get(
            &format!("/api/v1/procurements/{}/summary", s.id),
            Some(&s.coordinator),
        )
        .await
        .body;
    assert_table_matches_summary(&rows, &summary, 48);
    assert!(rows.iter().any(|r| r.lot_title == "Skolemåltid – Bergen"));

    // Those who may read the procurement get the table; others learn nothing.
    assert_eq!(
        csv_reply(&app, &s.id, Some(&s.admin)).await.status,
        StatusCode::OK
    );
    let outsider = municipality_user(&app, &s.admin, "4602").await;
    assert_eq!(
        csv_reply(&app, &s.id, Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        csv_reply(&app, &s.id, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// `samkjop demo` as a person runs it: the binary, with its settings in the
/// environment (the demo is part of the binary, not of the library).
pub(crate) fn run_demo(database_url: &str, data_dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_samkjop"))
        .arg("demo")
        .env("DATABASE_URL", database_url)
        .env("SAMKJOP_DATA_DIR", data_dir)
        .env("SAMKJOP_JWT_SECRET", crate::helpers::JWT_SECRET)
        .env("SAMKJOP_DB_POOL_SIZE", "2")
        .env(
            "SAMKJOP_CONFIG_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
        )
        .env("RUST_LOG", "error")
        .env_remove("SAMKJOP_ENV")
        .env_remove("SAMKJOP_SMTP_URL")
        .output()
        .expect("the binary runs")
}

/// What `samkjop demo` prints for the newcomer, read back.
struct DemoPrinted {
    municipalities: usize,
    suppliers: usize,
    school_meals_id: String,
    vehicles_id: String,
    coordinator: (String, String),
    bergen: (String, String),
}

impl DemoPrinted {
    fn read(text: &str) -> DemoPrinted {
        let word_before = |marker: &str| -> usize {
            let at = text
                .find(marker)
                .unwrap_or_else(|| panic!("{marker}: {text}"));
            let word = text[..at].rsplit(' ').next().unwrap_or_default();
            word.parse()
                .unwrap_or_else(|_| panic!("a count before {marker}: {text}"))
        };
        let procurement = |end: &str| -> String {
            text.lines()
                .find_map(|line| {
                    let rest = &line[line.find("/api/v1/procurements/")? + 21..];
                    Some(rest[..rest.find(end)?].to_string())
                })
                .unwrap_or_else(|| panic!("a procurement link ending {end}: {text}"))
        };
        let login = |role: &str| -> (String, String) {
            text.lines()
                .find_map(
                    |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                        [r, email, "/", password] if r == role => {
                            Some((email.to_string(), password.to_string()))
                        }
                        _ => None,
                    },
                )
                .unwrap_or_else(|| panic!("the {role}'s login: {text}"))
        };
        DemoPrinted {
            municipalities: word_before(" municipalities in Vestland"),
            suppliers: word_before(" suppliers,"),
            school_meals_id: procurement("/ocds"),
            vehicles_id: procurement("/summary"),
            coordinator: login("coordinator"),
            bergen: login("municipality"),
        }
    }
}

/// The demo on a fresh database (SQLite, or PostgreSQL with
/// `TEST_DATABASE_URL`): it runs once, refuses a second time, prints the
/// logins and links that work, and what it publishes is valid OCDS whose
/// volume table reads back to its summary.
#[actix_web::test]
async fn the_demo_fills_a_fresh_database_with_valid_data() {
    let (database_url, sqlite_dir) = crate::helpers::fresh_database_url();
    let data_dir =
        std::env::temp_dir().join(format!("samkjop_demo_{}", uuid::Uuid::new_v4().simple()));
    let data_dir_text = data_dir.display().to_string();
    let url = database_url.clone();
    let config = samkjop::config::Config::defaults_with(|k| {
        match k {
            "DATABASE_URL" => Some(url.as_str()),
            "SAMKJOP_DATA_DIR" => Some(data_dir_text.as_str()),
            "SAMKJOP_JWT_SECRET" => Some(crate::helpers::JWT_SECRET),
            "SAMKJOP_DB_POOL_SIZE" => Some("2"),
            _ => None,
        }
        .map(String::from)
    })
    .expect("configuration");
    let first = run_demo(&database_url, &data_dir);
    let printed = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        first.status.success(),
        "the demo runs: {}{printed}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report = DemoPrinted::read(&printed);
    assert_eq!(report.municipalities, 12);
    assert!(report.suppliers >= 300, "{}", report.suppliers);
    assert_eq!(report.bergen.0, "innkjop@bergen.kommune.example");
    let again = run_demo(&database_url, &data_dir);
    assert!(!again.status.success(), "a second run refuses");
    let refusal = String::from_utf8_lossy(&again.stderr);
    assert!(refusal.contains("already holds the demo"), "{refusal}");

    let url = database_url.clone();
    let app = spawn_app_with(move |k| (k == "DATABASE_URL").then(|| url.clone())).await;
    let meals = &report.school_meals_id;
    let vehicles = &report.vehicles_id;

    let package = app
        .get(&format!("/api/v1/procurements/{meals}/ocds"), None)
        .await;
    assert_eq!(package.status, StatusCode::OK, "{}", package.body);
    assert_valid_ocds(&package.body);
    let release = &package.body["releases"][0];
    assert_eq!(
        release["ocid"],
        format!("ocds-samkjop-{meals}"),
        "the default prefix"
    );
    let buyers = release["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["roles"] == json!(["buyer"]))
        .count();
    assert_eq!(
        buyers, 6,
        "six of the eight invited joined the school meals"
    );
    assert_eq!(
        app.get(&format!("/api/v1/procurements/{vehicles}/ocds"), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the vehicles are still open"
    );

    let coordinator = app
        .login(&report.coordinator.0, &report.coordinator.1)
        .await;
    let summary = app
        .get(
            &format!("/api/v1/procurements/{meals}/summary"),
            Some(&coordinator),
        )
        .await
        .body;
    let table = csv_reply(&app, meals, Some(&coordinator)).await;
    assert_eq!(table.status, StatusCode::OK, "{}", table.text);
    assert_table_matches_summary(&read_volume_csv(&table.text), &summary, 48);

    // Decisions in every state on the open one.
    let open = app
        .get(
            &format!("/api/v1/procurements/{vehicles}/summary"),
            Some(&coordinator),
        )
        .await
        .body;
    assert_eq!(
        open["participants"],
        json!({"invited": 12, "joined": 5, "declined": 1, "pending": 6, "no_response": 0})
    );
    let bergen = app.login(&report.bergen.0, &report.bergen.1).await;
    let table = csv_reply(&app, vehicles, Some(&bergen)).await;
    assert_table_matches_summary(&read_volume_csv(&table.text), &open, 66);
    // 217 x NOK 9 499.99 a year x 66 / 12 ends in half an øre: rounded up once.
    let service = open["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["title"] == "Service og dekkskift")
        .unwrap();
    assert_eq!(service["annual_value_ore"], 217 * 949_999);
    assert_eq!(service["contract_value_ore"], 1_133_823_807_i64);

    // At least one lot shuts local SMEs out, and not every lot does.
    let mut flagged = Vec::new();
    let mut lots = 0;
    for id in [meals, vehicles] {
        let analysis = app
            .get(
                &format!("/api/v1/procurements/{id}/analysis"),
                Some(&coordinator),
            )
            .await;
        assert_eq!(analysis.status, StatusCode::OK, "{}", analysis.body);
        for lot in analysis.body["lots"].as_array().unwrap() {
            lots += 1;
            if !lot["flags"].as_array().unwrap().is_empty() {
                flagged.push(lot["title"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(
        !flagged.is_empty() && flagged.len() < lots,
        "{flagged:?} of {lots}"
    );
    assert!(
        flagged.iter().any(|t| t == "Skolemåltid – Bergen"),
        "{flagged:?}"
    );

    // Made through the flows: every audit chain is intact.
    for id in [meals, vehicles] {
        let verify = app
            .get(
                &format!("/api/v1/procurements/{id}/events/verify"),
                Some(&coordinator),
            )
            .await
            .body;
        assert_eq!(verify["intact"], true, "{verify}");
    }

    // A release built for an award of the demo's register is valid too.
    let db = samkjop::db::Db::connect(&database_url, 2).expect("the demo database");
    let id = meals.clone();
    let (aggregate, office, register) = db
        .read(move |c| {
            let a = samkjop::db::procurements::load(c, &id)?.expect("the procurement");
            let org = a.procurement.organization_id.clone().unwrap_or_default();
            let office = samkjop::db::organizations::find(c, &org)?;
            Ok::<_, samkjop::db::DbError>((a, office, samkjop::db::suppliers::list_all(c)?))
        })
        .await
        .expect("loads");
    let summary =
        samkjop::flows::lifecycle::summary_of(&aggregate, &config.thresholds, chrono::Utc::now())
            .expect("a summary");
    let awards: Vec<samkjop::ocds::LotAward> = aggregate
        .lots
        .iter()
        .zip(SizeClass::ALL)
        .map(|(lot, class)| {
            let s = register
                .iter()
                .find(|s| s.size_class == *class)
                .unwrap_or_else(|| panic!("a {class} firm"));
            samkjop::ocds::LotAward {
                lot_id: lot.id.clone(),
                supplier: samkjop::ocds::SupplierParty {
                    org_number: s.org_number.clone(),
                    name: s.name.clone(),
                    size_class: *class,
                },
                awarded_at: chrono::Utc::now(),
            }
        })
        .collect();
    let mut awarded = aggregate.clone();
    awarded.procurement.status = ProcurementStatus::Awarded;
    let package = samkjop::ocds::release_package(&samkjop::ocds::ReleaseInput {
        prefix: "ocds-samkjop",
        package_uri: "https://samkjop.example/ocds".into(),
        aggregate: &awarded,
        summary: &summary,
        office: office.as_ref(),
        awards: &awards,
    })
    .expect("a package");
    assert_valid_ocds(&package);
    let scales: Vec<&str> = package["releases"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["roles"] == json!(["supplier"]))
        .map(|p| p["details"]["scale"].as_str().unwrap())
        .collect();
    assert_eq!(scales, ["micro", "sme", "sme", "large"]);

    drop(app);
    if let Some(dir) = sqlite_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    let _ = std::fs::remove_dir_all(data_dir);
}
