//! The mirrors against the domain: representative domain values, serialised
//! as the handlers serialise them, must fit the generated component schemas
//! exactly. A field the domain serialises that the mirror lacks fails the
//! strict validation; a mirror field or enum value that no domain value ever
//! shows fails the coverage check; a variant added to a domain enum fails to
//! compile in `every!` until it is listed (and then fails validation until
//! the mirror has it).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

use crate::api::openapi::ApiDoc;
use crate::config::Config;
use crate::domain::analysis::{
    analyse, CapacityFactor, FindingCode, LotFacts, Severity, SuggestionKind, SupplierFacts,
};
use crate::domain::clauses::compliance::{evaluate, CheckStatus, Choices};
use crate::domain::clauses::mandatory::{Comparison, ContractFacts};
use crate::domain::clauses::{Amount, ClauseLibrary, ThresholdRef};
use crate::domain::contract::{ContractType, ProcurementStatus};
use crate::domain::follow_up::{CheckpointResult, CheckpointState, Totals};
use crate::domain::summary::{
    summarize, Basis, Decision, LotInput, ParticipantInput, Quorum, Terms, VolumeInput,
};
use crate::domain::thresholds::{Notice, Part, Regime, ThresholdRow};
use crate::domain::{Cpv, CpvPrefix, Kommunenummer, Lang, Ore, ServiceArea, SizeClass};

/// The component each mirror is published as: every one must be shown, in
/// full, by some domain value below.
const MIRRORS: &[&str] = &[
    "Amount",
    "Analysis",
    "Basis",
    "Check",
    "CheckStatus",
    "CheckpointResult",
    "CheckpointSpec",
    "CheckpointState",
    "Clause",
    "ClimateFigures",
    "ClimateRule",
    "Comparison",
    "ContractType",
    "Figures",
    "Finding",
    "FindingCode",
    "FollowUpRules",
    "LotAnalysis",
    "LotSummary",
    "MandatoryWhen",
    "Notice",
    "ParticipantCounts",
    "Part",
    "ProcurementStatus",
    "Quorum",
    "QuorumStatus",
    "Regime",
    "RegimeSummary",
    "Severity",
    "SmallLot",
    "SmallLots",
    "SpecialServiceMatch",
    "SubLotFigures",
    "Suggestion",
    "SuggestionKind",
    "Summary",
    "ThresholdRef",
    "Totals",
    "Warning",
];

/// Every variant of a unit enum. The match is exhaustive, so a variant added
/// to the domain stops this from compiling until it is listed here.
macro_rules! every {
    ($t:ident: $($v:ident),+ $(,)?) => {{
        fn _exhaustive(x: $t) {
            match x {
                $($t::$v)|+ => {}
            }
        }
        [$($t::$v),+]
    }};
}

/// The component schemas of the served document, and what the values shown
/// to them have covered.
struct Served {
    schemas: Map<String, Value>,
    /// Per component: the properties some value had, or the enum values.
    covered: BTreeMap<String, BTreeSet<String>>,
}

impl Served {
    fn new() -> Served {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serialises");
        let schemas = doc["components"]["schemas"]
            .as_object()
            .expect("the document has component schemas")
            .clone();
        Served {
            schemas,
            covered: BTreeMap::new(),
        }
    }

    /// `value`, serialised, fits the component `name` with no property the
    /// schema does not declare.
    fn show<T: Serialize>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).expect("a domain value serialises");
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/components/schemas/{name}"),
            "components": { "schemas": strict(&self.schemas) },
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .expect("the component schemas compile");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "the {name} served does not fit its mirror in api::schemas:\n{}\n{value:#}",
            errors.join("\n")
        );
        let node = json!({ "$ref": format!("#/components/schemas/{name}") });
        self.walk(&node, &value, None);
    }

    /// Records, per component, the declared properties present in `value` and
    /// the enum values it takes.
    fn walk(&mut self, node: &Value, value: &Value, owner: Option<&str>) {
        if let Some(name) = node["$ref"].as_str() {
            let name = name.trim_start_matches("#/components/schemas/").to_string();
            let schema = self.schemas[&name].clone();
            self.walk(&schema, value, Some(&name));
            return;
        }
        if value.is_null() {
            return;
        }
        if let (Some(owner), Some(v)) = (owner, value.as_str()) {
            if node.get("enum").is_some() {
                self.cover(owner, v);
            }
        }
        for branch in node["allOf"].as_array().into_iter().flatten() {
            self.walk(branch, value, owner);
        }
        for branch in node["oneOf"].as_array().into_iter().flatten() {
            let needs: Vec<&str> = branch["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if branch["type"] != "null" && needs.iter().all(|k| value.get(k).is_some()) {
                self.walk(branch, value, owner);
            }
        }
        if let Some(properties) = node["properties"].as_object() {
            for (key, sub) in properties {
                if let Some(v) = value.get(key) {
                    if let Some(owner) = owner {
                        self.cover(owner, key);
                    }
                    self.walk(sub, v, None);
                }
            }
        }
        if let (Some(items), Some(values)) = (node.get("items"), value.as_array()) {
            for v in values {
                self.walk(items, v, None);
            }
        }
    }

    fn cover(&mut self, component: &str, what: &str) {
        self.covered
            .entry(component.to_string())
            .or_default()
            .insert(what.to_string());
    }

    /// The properties a component declares, its inline `allOf` and `oneOf`
    /// parts included, or its enum values. A part that is another component
    /// is that component's to cover.
    fn declared(&self, node: &Value) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if node.get("$ref").is_some() {
            return out;
        }
        for branch in ["allOf", "oneOf"]
            .iter()
            .filter_map(|k| node[*k].as_array())
            .flatten()
        {
            out.extend(self.declared(branch));
        }
        out.extend(
            node["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone()),
        );
        out.extend(
            node["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from)),
        );
        out
    }

    /// Every mirror was shown, and every property and enum value it declares
    /// appeared in some domain value.
    fn assert_covered(&self) {
        for name in MIRRORS {
            let schema = self
                .schemas
                .get(*name)
                .unwrap_or_else(|| panic!("{name} is not a component of the document"));
            let declared = self.declared(schema);
            let seen = self.covered.get(*name).cloned().unwrap_or_default();
            let never: Vec<&String> = declared.difference(&seen).collect();
            assert!(
                never.is_empty(),
                "{name}: the mirror declares {never:?}, which no domain value showed"
            );
        }
    }
}

/// The schemas with every object closed to properties they do not declare.
/// `unevaluatedProperties` (not `additionalProperties`) so that an object
/// built with `allOf` (a flattened struct) sees the properties of all its
/// parts; the parts themselves, and components only used as such a part,
/// stay open.
fn strict(schemas: &Map<String, Value>) -> Value {
    fn close(node: &mut Value, part_of_all_of: bool) {
        let Some(object) = node.as_object_mut() else {
            if let Some(items) = node.as_array_mut() {
                items.iter_mut().for_each(|n| close(n, false));
            }
            return;
        };
        let is_object = object.contains_key("properties") || object.contains_key("allOf");
        if is_object && !part_of_all_of {
            object.insert("unevaluatedProperties".into(), Value::Bool(false));
        }
        for (key, sub) in object.iter_mut() {
            match key.as_str() {
                "allOf" => {
                    for part in sub.as_array_mut().into_iter().flatten() {
                        close(part, true);
                    }
                }
                "properties" => {
                    for (_, p) in sub.as_object_mut().into_iter().flatten() {
                        close(p, false);
                    }
                }
                "example" | "examples" | "enum" | "required" => {}
                _ => close(sub, false),
            }
        }
    }
    let parts: BTreeSet<String> = schemas
        .values()
        .filter_map(|s| s["allOf"].as_array())
        .flatten()
        .filter_map(|p| p["$ref"].as_str())
        .map(|r| r.trim_start_matches("#/components/schemas/").to_string())
        .collect();
    let mut out = Map::new();
    for (name, schema) in schemas {
        let mut schema = schema.clone();
        close(&mut schema, parts.contains(name));
        out.insert(name.clone(), schema);
    }
    Value::Object(out)
}

fn config() -> Config {
    Config::defaults_with(|_| None).expect("the compiled-in configuration loads")
}

fn row_2025(config: &Config) -> ThresholdRow {
    config
        .thresholds
        .in_force(date(2025, 1, 1))
        .expect("a threshold row is in force in 2025")
        .clone()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn kn(n: &str) -> Kommunenummer {
    Kommunenummer::parse(n).expect("a municipality of 2024")
}

fn nok(n: i64) -> Ore {
    Ore::new(n * 100)
}

/// The school-meals framework of the summary tests, cut down: Bergen and
/// Askøy join, Voss declines, Osterøy has not answered, Austrheim never did.
fn summary_of_school_meals(row: &ThresholdRow) -> crate::domain::summary::Summary {
    let lots = [
        ("lunch", "Skolelunsj", "55524000-9", "meal", 4_549),
        ("fruit", "Frukt i skolen", "03222000-3", "kg", 2_999),
    ]
    .map(|(id, title, cpv, unit, price)| LotInput {
        id: id.into(),
        title: title.into(),
        cpv: Cpv::parse(cpv).expect("a CPV code"),
        unit: unit.into(),
        unit_price: Ore::new(price),
    });
    let volume = |lot_id: &str, annual, max| VolumeInput {
        lot_id: lot_id.into(),
        annual_quantity: annual,
        max_annual_quantity: max,
    };
    let participants = [
        (
            "4601",
            291_940,
            Decision::Join,
            vec![
                volume("lunch", 1_000_000, Some(1_200_000)),
                volume("fruit", 80, None),
            ],
        ),
        (
            "4627",
            30_145,
            Decision::Join,
            vec![volume("lunch", 100_000, None)],
        ),
        ("4621", 15_000, Decision::Decline, vec![]),
        ("4630", 8_000, Decision::Pending, vec![]),
        ("4632", 2_881, Decision::NoResponse, vec![]),
    ]
    .map(|(m, population, decision, volumes)| ParticipantInput {
        municipality: kn(m).into(),
        population,
        decision,
        volumes,
    });
    let terms = Terms {
        contract_type: ContractType::Services,
        cpv: Cpv::parse("55524000-9").expect("a CPV code"),
        framework_agreement: true,
        duration_months: 24,
        option_months: 6,
        no_fixed_term: false,
        quorum: Some(Quorum {
            min_participants: Some(2),
            min_population_share_percent: Some(50),
        }),
    };
    summarize(
        ProcurementStatus::Closed,
        &terms,
        &lots,
        &participants,
        row,
        date(2025, 1, 1),
        Lang::Nb,
    )
    .expect("the school-meals summary computes")
}

fn show_a_summary(served: &mut Served) {
    let config = config();
    let row = row_2025(&config);
    let summary = summary_of_school_meals(&row);
    assert!(
        !summary.small_lots.eligible_lot_ids.is_empty(),
        "the fruit lot is small enough to show the small-lots list"
    );
    served.show("Summary", &summary);
    // As the API serves it once a tender plan is set (read::summary adds it).
    let mut with_plan = serde_json::to_value(&summary).expect("a summary serialises");
    with_plan["tender_plan"] = json!({
        "procedure": "open",
        "tender_deadline": "2027-03-01T12:00:00Z",
        "documents_url": "https://example.org/konkurranse/1",
        "award_criteria": [
            {"type": "price", "name": "Pris", "weight_percent": 70, "climate": false},
            {"type": "quality", "name": "Klima og miljø", "weight_percent": 30, "climate": true}
        ],
        "max_lots_per_tenderer": 2
    });
    served.show("Summary", &with_plan);
    served.show(
        "Quorum",
        &Quorum {
            min_participants: Some(3),
            min_population_share_percent: Some(80),
        },
    );
    for status in every!(ProcurementStatus: Draft, Open, Closed, Published, Awarded, Cancelled) {
        served.show("ProcurementStatus", &status);
    }
    for basis in every!(Basis: Estimate, Maximum) {
        served.show("Basis", &basis);
    }
    for regime in every!(Regime: BelowRules, BelowNationalThreshold, SpecialBelowEea, National, Eea)
    {
        served.show("Regime", &regime);
    }
    for part in every!(Part: I, II, III, IV) {
        served.show("Part", &part);
    }
    for notice in every!(Notice: None, Doffin, DoffinAndTed) {
        served.show("Notice", &notice);
    }
    for t in every!(ContractType: Goods, Services, Works, SocialServices) {
        served.show("ContractType", &t);
    }
}

/// Bergen and three neighbours buy school meals worth more than any local
/// caterer can take on (the analysis tests' first case), and a cleaning lot
/// no local firm offers.
fn show_an_analysis(served: &mut Served) {
    let sme = |id: &str, turnover: i64, home: &str| SupplierFacts {
        id: id.into(),
        size_class: SizeClass::Small,
        annual_turnover: nok(turnover),
        home: kn(home),
        service_area: ServiceArea::parse(&["46", home]).expect("a service area"),
        cpv: vec![CpvPrefix::parse("5552").expect("a CPV prefix")],
    };
    let lot = |title: &str, cpv: &str, values: &[(&str, i64)]| LotFacts {
        lot_id: format!("lot-{title}"),
        title: title.into(),
        cpv: Cpv::parse(cpv).expect("a CPV code"),
        area: values.iter().map(|(m, _)| kn(m)).collect(),
        annual_value: nok(values.iter().map(|(_, v)| v).sum()),
        municipality_values: values.iter().map(|(m, v)| (kn(m), nok(*v))).collect(),
        interested_suppliers: 2,
        split_requests: Vec::new(),
    };
    let area = [
        ("4601", 10_000_000),
        ("4624", 1_400_000),
        ("4626", 1_400_000),
        ("4627", 1_400_000),
    ];
    let mut meals = lot("School meals", "55524000-9", &area);
    // From the market dialogue: a proposed area, for `proposed_area`.
    meals.split_requests = vec![vec![kn("4624"), kn("4626")]];
    let lots = [meals, lot("Cleaning", "90910000-9", &area)];
    let suppliers = [
        sme("a", 6_100_000, "4601"),
        sme("b", 1_400_000, "4624"),
        sme("c", 1_500_000, "4626"),
        sme("d", 5_000_000, "4627"),
    ];
    let analysis = analyse(&lots, &suppliers, CapacityFactor::ONE, Lang::Nb);
    assert!(!analysis.lots[0].flags.is_empty() && !analysis.lots[1].notes.is_empty());
    served.show("Analysis", &analysis);
    for code in
        every!(FindingCode: ShutsOutLocalSmes, FewLocalSmesCanBid, NoLocalSmes, SmesAskForSplit)
    {
        served.show("FindingCode", &code);
    }
    for severity in every!(Severity: High, Medium, Info) {
        served.show("Severity", &severity);
    }
    for kind in
        every!(SuggestionKind: SplitAsProposed, SplitByCounty, SplitByMunicipality, FewestSubLots)
    {
        served.show("SuggestionKind", &kind);
    }
}

/// The shipped clause library, as `GET /clauses` serves it, and a compliance
/// report on school catering and cleaning far above the thresholds.
fn show_the_clause_library_and_a_compliance_report(served: &mut Served) {
    let config = config();
    let row = row_2025(&config);
    let library: &ClauseLibrary = &config.clauses;
    for clause in &library.clauses {
        served.show("Clause", clause);
    }
    served.show("ClimateRule", &library.climate);
    served.show("FollowUpRules", &library.follow_up);
    served.show("Amount", &Amount::Ore(50_000_000));
    for t in every!(ThresholdRef: LowerLimit, National, EeaGoodsServices, EeaWorks, EeaSocialServices, EeaOfContractType)
    {
        served.show("ThresholdRef", &t);
        served.show("Amount", &Amount::Threshold(t));
    }

    let cpvs = [
        Cpv::parse("55524000-9").expect("a CPV code"),
        Cpv::parse("90910000-9").expect("a CPV code"),
    ];
    let facts = ContractFacts {
        contract_type: ContractType::Services,
        cpvs: &cpvs,
        value: Ore::new(12_915_000_000),
        start: date(2027, 8, 1),
        end: date(2031, 8, 1),
    };
    let chosen: Vec<String> = ["lonns_og_arbeidsvilkar", "sanksjoner", "hms_kort"]
        .map(String::from)
        .to_vec();
    let justified = vec!["skatteattest".to_string()];
    for climate_weight_percent in [None, Some(30)] {
        let checks = evaluate(
            library,
            &facts,
            &row,
            Choices {
                clauses: &chosen,
                climate_weight_percent,
                justified: &justified,
            },
            Lang::Nb,
        );
        for check in &checks {
            served.show("Check", check);
        }
    }
    for status in every!(CheckStatus: Ok, Missing, Justified, NotApplicable) {
        served.show("CheckStatus", &status);
    }
    for comparison in every!(Comparison: AtOrAbove, Above) {
        served.show("Comparison", &comparison);
    }
}

fn show_follow_up_totals_and_states(served: &mut Served) {
    let states = every!(CheckpointState: Upcoming, Due, Overdue, Done, Deviation);
    served.show("Totals", &Totals::of(states));
    for state in states {
        served.show("CheckpointState", &state);
    }
    for result in every!(CheckpointResult: Done, Deviation) {
        served.show("CheckpointResult", &result);
    }
}

#[test]
fn every_mirror_fits_what_the_domain_serialises() {
    let mut served = Served::new();
    show_a_summary(&mut served);
    show_an_analysis(&mut served);
    show_the_clause_library_and_a_compliance_report(&mut served);
    show_follow_up_totals_and_states(&mut served);
    served.assert_covered();
}
