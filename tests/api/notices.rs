//! The tender plan and the eForms contract notice: subtypes 16, 20 and E3
//! from hand-built procurements, each notice written to a file and checked
//! with the SDK's XSD (xmllint) and its static Schematron (saxonche), and
//! the refusals for part I and a buyer without an organisation number.

use std::path::{Path, PathBuf};
use std::process::Command;

use awc::http::StatusCode;
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Value};

use crate::helpers::org_number;
use crate::helpers::{spawn_app, TestApp};
use crate::procurements::in_future;
use crate::scenario::{lot, Scenario};

/// Organisation numbers for the municipalities of the tests (made up, valid).
fn org_of(municipality: &str) -> String {
    let prefix: u32 = format!("9{municipality}000")
        .parse()
        .expect("a municipality number is digits");
    org_number(prefix)
}

async fn set_org(
    app: &TestApp,
    token: &str,
    municipality: &str,
    org: Value,
) -> crate::helpers::Reply {
    app.patch(
        &format!("/api/v1/municipalities/{municipality}"),
        Some(token),
        json!({ "org_number": org }),
    )
    .await
}

fn plan(climate: Option<i64>) -> Value {
    let criteria = match climate {
        Some(w) => json!([
            {"type": "price", "name": "Pris", "weight_percent": 100 - w - 20},
            {"type": "quality", "name": "Kvalitet i tjenesten", "weight_percent": 20},
            {"type": "quality", "name": "Klima og miljø", "weight_percent": w, "climate": true}
        ]),
        None => json!([
            {"type": "price", "name": "Pris", "weight_percent": 60},
            {"type": "quality", "name": "Kvalitet i tjenesten", "weight_percent": 40}
        ]),
    };
    json!({
        "procedure": "open",
        "tender_deadline": in_future(40 * 24 * 3600),
        "documents_url": "https://tendsign.no/doc.aspx?MId1=98765",
        "award_criteria": criteria,
    })
}

/// The operator gives a municipality everything a notice needs of a buyer.
async fn buyer(app: &TestApp, admin: &str, municipality: &str) {
    let r = app
        .patch(
            &format!("/api/v1/municipalities/{municipality}"),
            Some(admin),
            json!({
                "org_number": org_of(municipality),
                "contact_email": format!("innkjop@k{municipality}.kommune.no"),
                "postal_code": "5020",
                "phone": "+47 55 56 55 56",
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["postal_code"], "5020");
}

async fn put_plan(app: &TestApp, s: (&str, &str), body: Value) -> crate::helpers::Reply {
    app.put(
        &format!("/api/v1/procurements/{}/tender-plan", s.0),
        Some(s.1),
        body,
    )
    .await
}

async fn notice(app: &TestApp, s: (&str, &str)) -> crate::helpers::Reply {
    app.get(
        &format!("/api/v1/procurements/{}/notices/contract-notice.xml", s.0),
        Some(s.1),
    )
    .await
}

/// Every element's path (prefixed names from the root's child down) with
/// its text and attributes.
struct Xml(Vec<Element>);

/// An element's path, attributes and text.
type Element = (String, Vec<(String, String)>, String);

impl Xml {
    fn parse(text: &str) -> Xml {
        let mut reader = Reader::from_str(text);
        let mut path: Vec<String> = Vec::new();
        let mut out: Vec<Element> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    path.push(String::from_utf8_lossy(e.name().as_ref()).into());
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a = a.expect("attribute");
                            (
                                String::from_utf8_lossy(a.key.as_ref()).into(),
                                String::from_utf8_lossy(&a.value).into(),
                            )
                        })
                        .collect();
                    out.push((path[1..].join("/"), attrs, String::new()));
                    open.push(out.len() - 1);
                }
                Event::Text(t) => {
                    if let Some(&i) = open.last() {
                        out[i].2.push_str(&String::from_utf8_lossy(t.as_ref()));
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(&i) = open.last() {
                        let name = String::from_utf8_lossy(r.as_ref()).to_string();
                        let c = match name.as_str() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "?",
                        };
                        out[i].2.push_str(c);
                    }
                }
                Event::End(_) => {
                    path.pop();
                    open.pop();
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Xml(out)
    }

    /// The texts of the elements whose path ends with `suffix`.
    fn all(&self, suffix: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(p, _, _)| p == suffix || p.ends_with(&format!("/{suffix}")))
            .map(|(_, _, t)| t.trim())
            .collect()
    }

    fn one(&self, suffix: &str) -> &str {
        let all = self.all(suffix);
        assert_eq!(all.len(), 1, "{suffix}: {all:?}");
        all[0]
    }
}

fn sdk() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eforms/sdk")
}

/// Writes the notice to a file and runs both validators on it; a missing
/// validator fails the test (CI installs both: .ci/run).
fn assert_valid_notice(xml: &str, name: &str) {
    let dir = std::env::temp_dir().join("samkjop-eforms-notices");
    std::fs::create_dir_all(&dir).expect("a folder for the notices");
    let file = dir.join(format!("{name}-{}.xml", std::process::id()));
    std::fs::write(&file, xml).expect("the notice is written");
    let xsd = sdk().join("schemas/maindoc/UBL-ContractNotice-2.3.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint is missing ({e}): install libxml2-utils (.ci/run does); the notice is not checked")
        });
    assert!(
        out.status.success(),
        "{} fails the eForms XSD:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let python = std::env::var("SAMKJOP_SCHEMATRON_PYTHON").unwrap_or_else(|_| {
        format!(
            "{}/.cache/samkjop-schematron-venv/bin/python",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let out = Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eforms/schematron.py"))
        .arg(sdk().join("schematrons/static"))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("{python} is missing ({e}): .ci/run makes the venv with saxonche and lxml; the Schematron is not run")
        });
    assert!(
        out.status.success(),
        "{} fails the eForms Schematron:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// NOK with two decimals, as the notice writes øre.
fn nok(ore: &Value) -> String {
    let ore = ore.as_i64().expect("øre");
    format!("{}.{:02}", ore / 100, ore % 100)
}

/// The notice's lots agree with the summary: value, framework maximum and
/// CPV, by the lot's internal id; and NUTS per lot as `nuts` says.
fn assert_matches_summary(x: &Xml, summary: &Value, nuts: &[(&str, &[&str])]) {
    let lots = summary["lots"].as_array().expect("lots");
    let ids = x.all("cac:ProcurementProjectLot/cac:ProcurementProject/cbc:ID");
    assert_eq!(ids.len(), lots.len(), "a notice lot per summary lot");
    let values = x.all("cac:ProcurementProjectLot/cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount");
    let maxima = x.all("cac:ProcurementProjectLot/cac:ProcurementProject/cac:RequestedTenderTotal/ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/efbc:FrameworkMaximumAmount");
    let cpvs = x.all("cac:ProcurementProjectLot/cac:ProcurementProject/cac:MainCommodityClassification/cbc:ItemClassificationCode");
    let lot_ids = x.all("cac:ProcurementProjectLot/cbc:ID");
    for (i, id) in ids.iter().enumerate() {
        let l = lots
            .iter()
            .find(|l| l["lot_id"] == *id)
            .unwrap_or_else(|| panic!("notice lot {id} is not in the summary"));
        assert_eq!(lot_ids[i], format!("LOT-{:04}", i + 1));
        assert_eq!(values[i], nok(&l["contract_value_ore"]), "value of {id}");
        assert_eq!(
            maxima[i],
            nok(&l["max_contract_value_ore"]),
            "maximum of {id}"
        );
        assert_eq!(
            cpvs[i],
            &l["cpv"].as_str().expect("cpv")[..8],
            "CPV of {id}"
        );
    }
    let total: Vec<&str> = x
        .0
        .iter()
        .filter(|(p, _, _)| p == "cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount")
        .map(|(_, _, t)| t.trim())
        .collect();
    assert_eq!(total, vec![nok(&summary["total_contract_value_ore"])]);
    // Each lot's places, in document order.
    let mut lot_places: Vec<Vec<&str>> = Vec::new();
    for (p, _, t) in &x.0 {
        if p == "cac:ProcurementProjectLot" {
            lot_places.push(Vec::new());
        } else if p == "cac:ProcurementProjectLot/cac:ProcurementProject/cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode" {
            lot_places.last_mut().expect("in a lot").push(t.trim());
        }
    }
    for (i, (title, codes)) in nuts.iter().enumerate() {
        assert_eq!(&lot_places[i], codes, "places of {title}");
    }
}

/// Cleaning for Bergen, Stavanger and Askøy: one lot across Vestland and
/// Rogaland (Bergen and Stavanger), one for Askøy; closed after all joined.
/// `hours` a year for Bergen, Stavanger, Askøy at NOK 500 an hour, 24 months
/// plus 24 of options.
async fn cleaning(app: &TestApp, fields: Value, hours: (i64, i64, i64)) -> Scenario {
    let s = app
        .scenario()
        .municipalities(&["4601", "1103", "4627"])
        .with(fields)
        .lot(
            lot("Renhold Bergen og Stavanger")
                .cpv("90911200-8")
                .unit("time")
                .price(50_000)
                .area(&["4601", "1103"]),
        )
        .lot(
            lot("Renhold Askøy")
                .cpv("90911200-8")
                .unit("time")
                .price(50_000)
                .area(&["4627"]),
        )
        .opened()
        .await;
    let (a, b) = (s.lot(0).to_string(), s.lot(1).to_string());
    for (number, volumes) in [
        ("4601", json!([{"lot_id": a, "annual_quantity": hours.0}])),
        (
            "1103",
            json!([{"lot_id": a, "annual_quantity": hours.1, "max_annual_quantity": hours.1 * 2}]),
        ),
        ("4627", json!([{"lot_id": b, "annual_quantity": hours.2}])),
    ] {
        let r = s.join(app, number, volumes).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = s.step(app, "close").await;
    assert_eq!(r.body["status"], "closed", "{}", r.body);
    s
}

async fn climate(app: &TestApp, s: &Scenario, weight: i64) {
    let r = crate::compliance::sustainability(
        app,
        &s.coordinator,
        &s.id,
        json!({"climate_weight_percent": weight, "sdgs": [12]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn summary(app: &TestApp, s: (&str, &str)) -> Value {
    let r = app
        .get(&format!("/api/v1/procurements/{}/summary", s.0), Some(s.1))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

#[actix_web::test]
async fn three_buyers_and_a_county_split_lot_make_a_valid_subtype_16_notice() {
    let app = spawn_app().await;
    let s = cleaning(&app, json!({}), (3_000, 2_000, 1_000)).await;
    climate(&app, &s, 30).await;
    let admin = app.admin_token().await;

    // Without the tender plan, then without Stavanger's number: refused.
    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "buyer_identifier_missing"),
        "{}",
        r.body
    );
    let detail = r.body["detail"].as_str().unwrap_or_default();
    for name in ["Bergen (4601)", "Stavanger (1103)", "Askøy (4627)"] {
        assert!(detail.contains(name), "names {name}: {detail}");
    }
    // The municipality sets its own number; the operator may set any.
    let r = set_org(&app, s.user("4601"), "4601", json!(org_of("4601"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["org_number"], org_of("4601"));
    let r = set_org(&app, s.user("4601"), "1103", json!(org_of("1103"))).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not another municipality's"
    );
    let r = set_org(&app, &admin, "4627", json!("964338532")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_org_number")
    );
    let r = set_org(&app, &admin, "4627", json!(org_of("4627"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "buyer_identifier_missing")
    );
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("Stavanger (1103)") && !detail.contains("Bergen"),
        "{detail}"
    );
    let r = set_org(&app, &admin, "1103", json!(org_of("1103"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "buyer_contact_missing"),
        "{}",
        r.body
    );
    for m in ["4601", "1103", "4627"] {
        buyer(&app, &admin, m).await;
    }
    let r = app
        .patch(
            "/api/v1/municipalities/4601",
            Some(&admin),
            json!({"postal_code": "50200"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")
    );
    let r = app.get("/api/v1/municipalities/4601", None).await;
    assert_eq!(
        (
            r.body["org_number"].as_str(),
            r.body["postal_code"].as_str()
        ),
        (Some(org_of("4601").as_str()), Some("5020")),
        "a PATCH keeps what it leaves out"
    );

    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "tender_plan_missing")
    );

    // The plan's climate criterion must agree with the climate weight.
    let r = put_plan(&app, (&s.id, &s.coordinator), plan(Some(20))).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "climate_weight_mismatch"),
        "{}",
        r.body
    );
    let r = put_plan(&app, (&s.id, &s.coordinator), plan(None)).await;
    assert_eq!(r.code(), "climate_weight_mismatch");
    let mut bad = plan(Some(30));
    bad["award_criteria"][0]["weight_percent"] = json!(40);
    let r = put_plan(&app, (&s.id, &s.coordinator), bad).await;
    assert_eq!(
        (r.code(), r.body["errors"][0]["field"].as_str()),
        ("invalid_award_criteria", Some("award_criteria"))
    );
    let mut bad = plan(Some(30));
    bad["procedure"] = json!("negotiated");
    assert_eq!(
        put_plan(&app, (&s.id, &s.coordinator), bad).await.code(),
        "invalid_procedure"
    );
    let mut body = plan(Some(30));
    body["max_lots_per_tenderer"] = json!(1);
    let r = put_plan(&app, (&s.id, &s.coordinator), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["procedure"], "open");

    // The summary shows the plan, and the audit chain has it.
    let sum = summary(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(
        sum["tender_plan"]["award_criteria"][2]["weight_percent"], 30,
        "{sum}"
    );
    let events = app
        .get(
            &format!("/api/v1/procurements/{}/events", s.id),
            Some(&s.coordinator),
        )
        .await;
    assert!(
        events.body.to_string().contains("tender_plan_set"),
        "{}",
        events.body
    );

    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.content_type.starts_with("application/xml"),
        "{}",
        r.content_type
    );
    assert_eq!(r.header("x-notice-subtype"), "16");
    let xml = r.body.as_str().expect("XML text").to_string();
    assert!(xml.contains("UTKAST"), "closed, not published: a draft");
    assert_valid_notice(&xml, "subtype-16");
    let x = Xml::parse(&xml);
    assert_eq!(x.one("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/efac:NoticeSubType/cbc:SubTypeCode"), "16");
    assert_eq!(
        x.one("cbc:CustomizationID"),
        "eforms-sdk-1.15#extended#urn:fdc:anskaffelser.no:2023:eforms:eu"
    );
    // Three buyers by organisation number; the office is the service
    // provider of each, not a buyer.
    let parties = x.all("cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID");
    assert_eq!(parties.len(), 3);
    assert_eq!(
        x.all("cac:ContractingParty/cac:Party/cac:ServiceProviderParty/cbc:ServiceTypeCode"),
        vec!["serv-prov"; 3]
    );
    let companies = x.all(
        "efac:Organizations/efac:Organization/efac:Company/cac:PartyLegalEntity/cbc:CompanyID",
    );
    for m in ["4601", "1103", "4627"] {
        assert!(
            companies.contains(&org_of(m).as_str()),
            "{m} by its number: {companies:?}"
        );
    }
    assert_eq!(companies.len(), 4, "three buyers and the office");
    assert_eq!(
        x.all("efbc:GroupLeadIndicator"),
        vec!["true", "false", "false"],
        "an office coordinates: the first buyer leads the group"
    );
    assert_matches_summary(
        &x,
        &sum,
        &[
            ("Renhold Bergen og Stavanger", &["NO0A1", "NO0A2"]),
            ("Renhold Askøy", &["NO0A2"]),
        ],
    );
    assert_eq!(
        x.all("cac:ProcurementAdditionalType/cbc:ProcurementTypeCode")
            .iter()
            .filter(|c| **c == "env-imp")
            .count(),
        2
    );
    assert_eq!(
        x.one("cac:TenderingTerms/cac:LotDistribution/cbc:MaximumLotsAwardedNumeric"),
        "1"
    );

    // Regenerated: the same procedure and lot identifiers.
    let again = Xml::parse(
        notice(&app, (&s.id, &s.coordinator))
            .await
            .body
            .as_str()
            .expect("XML"),
    );
    for path in ["cbc:ContractFolderID", "cbc:ID"] {
        let root = |x: &Xml| -> Vec<String> {
            x.0.iter()
                .filter(|(p, _, _)| p == path)
                .map(|(_, _, t)| t.trim().to_string())
                .collect()
        };
        assert_eq!(root(&again), root(&x), "{path}");
        assert_eq!(root(&x).len(), 1, "{path}");
    }
    assert_eq!(
        again.all("cac:ProcurementProjectLot/cbc:ID"),
        vec!["LOT-0001", "LOT-0002"]
    );
}

#[actix_web::test]
async fn special_services_above_their_threshold_make_a_subtype_20_notice() {
    let app = spawn_app().await;
    let s = cleaning(
        &app,
        json!({"contract_type": "social_services", "cpv": "85311000-2", "framework_agreement": false}),
        (6_000, 4_000, 2_000),
    )
    .await;
    let admin = app.admin_token().await;
    for m in ["4601", "1103", "4627"] {
        buyer(&app, &admin, m).await;
    }
    let r = put_plan(&app, (&s.id, &s.coordinator), plan(None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("x-notice-subtype"), "20");
    let xml = r.body.as_str().expect("XML").to_string();
    assert_valid_notice(&xml, "subtype-20");
    let x = Xml::parse(&xml);
    assert_eq!(x.one("cbc:NoticeTypeCode"), "cn-social");
    assert!(
        x.all("efbc:FrameworkMaximumAmount").is_empty(),
        "no framework agreement"
    );
}

/// Cleaning for Bergen and Askøy, one lot; `hours` a year between them.
async fn small_cleaning(app: &TestApp, hours: (i64, i64)) -> Scenario {
    let s = app
        .scenario()
        .municipalities(&["4601", "4627"])
        .with(json!({"cpv": "90911200-8"}))
        .lot(lot("Renhold").cpv("90911200-8").unit("time").price(50_000))
        .opened()
        .await;
    let l = s.lot(0).to_string();
    for (number, h) in [("4601", hours.0), ("4627", hours.1)] {
        let r = s
            .join(app, number, json!([{"lot_id": l, "annual_quantity": h}]))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = s.step(app, "close").await;
    assert_eq!(r.body["status"], "closed", "{}", r.body);
    s
}

#[actix_web::test]
async fn the_national_regime_makes_the_norwegian_national_notice() {
    let app = spawn_app().await;
    // 700 hours a year at NOK 500 for 48 months: NOK 1 400 000, above the
    // national threshold, below the EEA one.
    let s = small_cleaning(&app, (500, 200)).await;
    let admin = app.admin_token().await;
    for m in ["4601", "4627"] {
        buyer(&app, &admin, m).await;
    }
    assert_eq!(
        put_plan(&app, (&s.id, &s.coordinator), plan(None))
            .await
            .status,
        StatusCode::OK
    );
    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("x-notice-subtype"), "E3");
    let xml = r.body.as_str().expect("XML").to_string();
    assert_valid_notice(&xml, "subtype-E3");
    let x = Xml::parse(&xml);
    assert_eq!(
        x.one("cbc:CustomizationID"),
        "eforms-sdk-1.15#extended#urn:fdc:anskaffelser.no:2023:eforms:national"
    );
    assert_eq!(x.one("cbc:RegulatoryDomain"), "other");
    let sum = summary(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(sum["regime"]["regime"], "national");
    assert_matches_summary(&x, &sum, &[("Renhold", &["NO0A2"])]);
}

#[actix_web::test]
async fn part_one_only_needs_no_notice() {
    let app = spawn_app().await;
    // 200 hours a year: NOK 400 000, below the national threshold.
    let s = small_cleaning(&app, (150, 50)).await;
    let r = notice(&app, (&s.id, &s.coordinator)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "no_notice_required"),
        "{}",
        r.body
    );
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("voluntary"),
        "{}",
        r.body
    );
    // Only the coordinator gets the notice.
    let r = app
        .get(
            &format!("/api/v1/procurements/{}/notices/contract-notice.xml", s.id),
            Some(s.user("4601")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[actix_web::test]
async fn the_published_school_meals_notice_matches_the_summary() {
    let app = spawn_app().await;
    let s = crate::exports::school_meals_closed(&app).await;
    crate::exports::publish(&app, &s).await;
    let admin = app.admin_token().await;
    for m in ["4601", "4631", "4627", "4624"] {
        buyer(&app, &admin, m).await;
    }
    // After publication the plan can still be given (the climate weight of 30 was set to publish).
    let sc = (s.id.as_str(), s.coordinator.as_str());
    let r = put_plan(&app, sc, plan(Some(30))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = notice(&app, sc).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let xml = r.body.as_str().expect("XML").to_string();
    assert!(!xml.contains("UTKAST"), "published: not a draft");
    assert_valid_notice(
        &xml,
        &format!("school-meals-{}", r.header("x-notice-subtype")),
    );
    let x = Xml::parse(&xml);
    assert_eq!(
        x.all("cac:ContractingParty").len(),
        4,
        "the four that joined, not the two that declined"
    );
    let sum = summary(&app, sc).await;
    assert_matches_summary(
        &x,
        &sum,
        &[("Skolemåltid", &["NO0A2"]), ("Melk og drikke", &["NO0A2"])],
    );
}
