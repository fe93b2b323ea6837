//! The compliance report: each clause of the library and the climate weight
//! against what the coordinator chose, with the reason and the figures.
//! Publishing waits until no check is `missing`.

use serde::Serialize;

use super::mandatory::{mandatory, Comparison, ContractFacts, Figures};
use super::ClauseLibrary;
use crate::thresholds::ThresholdRow;
use crate::Lang;

/// The check of FOA § 7-9, beside one check per clause code.
pub const CLIMATE_WEIGHT: &str = "climate_weight";

crate::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum CheckStatus {
        /// Mandatory and fulfilled.
        Ok = "ok",
        /// Mandatory, not fulfilled, not justified: publishing is refused.
        Missing = "missing",
        /// Mandatory, not fulfilled, with a written justification.
        Justified = "justified",
        /// Not mandatory for this procurement.
        NotApplicable = "not_applicable",
    }
    invalid = InvalidCheckStatus, "a check status";
}

/// What the coordinator decided.
#[derive(Debug, Clone, Copy)]
pub struct Choices<'a> {
    pub clauses: &'a [String],
    pub climate_weight_percent: Option<i64>,
    /// Checks with a written justification.
    pub justified: &'a [String],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClimateFigures {
    /// As set for the procurement; null when not set.
    pub weight_percent: Option<i64>,
    pub min_weight_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A clause code, or `climate_weight`.
    pub check: String,
    pub title: String,
    pub status: CheckStatus,
    pub mandatory: bool,
    /// The clause is among those chosen; for `climate_weight`, the weight
    /// reaches the minimum.
    pub chosen: bool,
    pub reason: String,
    pub legal_basis: String,
    #[serde(flatten)]
    pub figures: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub climate: Option<ClimateFigures>,
}

fn status(mandatory: bool, fulfilled: bool, justified: bool) -> CheckStatus {
    match (mandatory, fulfilled, justified) {
        (false, _, _) => CheckStatus::NotApplicable,
        (true, true, _) => CheckStatus::Ok,
        (true, false, true) => CheckStatus::Justified,
        (true, false, false) => CheckStatus::Missing,
    }
}

fn outcome(status: CheckStatus, fulfilled: &str, not_fulfilled: &str, lang: Lang) -> String {
    match status {
        CheckStatus::Ok => fulfilled.to_string(),
        CheckStatus::Missing => not_fulfilled.to_string(),
        CheckStatus::Justified => match lang {
            Lang::Nb => format!("{not_fulfilled}, men begrunnet"),
            Lang::En => format!("{not_fulfilled}, but justified"),
        },
        CheckStatus::NotApplicable => String::new(),
    }
}

/// Every clause of the library in its order, then the climate weight, each
/// with its reason in `lang`. The clauses' titles are the library's own
/// (Norwegian) wording in either language.
pub fn evaluate(
    library: &ClauseLibrary,
    facts: &ContractFacts<'_>,
    thresholds: &ThresholdRow,
    choices: Choices<'_>,
    lang: Lang,
) -> Vec<Check> {
    let justified = |code: &str| choices.justified.iter().any(|j| j == code);
    let mut checks: Vec<Check> = library
        .clauses
        .iter()
        .map(|clause| {
            let chosen = choices.clauses.contains(&clause.code);
            let (is_mandatory, reason) = match mandatory(clause, facts, thresholds, lang) {
                Ok(r) => (true, r),
                Err(r) => (false, r),
            };
            let status = status(is_mandatory, chosen, justified(&clause.code));
            let text = match status {
                CheckStatus::NotApplicable if chosen => {
                    format!(
                        "{}; {}",
                        reason.text,
                        lang.pick("valgt likevel", "chosen anyway")
                    )
                }
                CheckStatus::NotApplicable => reason.text,
                s => {
                    let (chosen, not_chosen) = match lang {
                        Lang::Nb => ("valgt", "ikke valgt"),
                        Lang::En => ("chosen", "not chosen"),
                    };
                    format!("{}; {}", reason.text, outcome(s, chosen, not_chosen, lang))
                }
            };
            Check {
                check: clause.code.clone(),
                title: clause.title.clone(),
                status,
                mandatory: is_mandatory,
                chosen,
                reason: text,
                legal_basis: clause.legal_basis.clone(),
                figures: reason.figures,
                climate: None,
            }
        })
        .collect();
    checks.push(climate(
        library,
        facts,
        thresholds,
        choices,
        justified(CLIMATE_WEIGHT),
        lang,
    ));
    checks
}

fn climate(
    library: &ClauseLibrary,
    facts: &ContractFacts<'_>,
    thresholds: &ThresholdRow,
    choices: Choices<'_>,
    justified: bool,
    lang: Lang,
) -> Check {
    let rule = &library.climate;
    let from = rule.applies_from.resolve(thresholds, facts.contract_type);
    let applies = facts.value >= from;
    let weight = choices.climate_weight_percent;
    let enough = weight.is_some_and(|w| w >= rule.min_weight_percent);
    let status = status(applies, enough, justified);
    let (value, from_written) = (facts.value.written(lang), from.written(lang));
    let min = rule.min_weight_percent;
    let reason = if applies {
        let weighed = match (lang, weight) {
            (Lang::Nb, Some(w)) if enough => format!("klimavekten {w} % er minst {min} %"),
            (Lang::Nb, Some(w)) => format!("klimavekten {w} % er under {min} %"),
            (Lang::Nb, None) => format!("ingen klimavekt er satt (minst {min} % kreves)"),
            (Lang::En, Some(w)) if enough => {
                format!("the climate weight {w} % is at least {min} %")
            }
            (Lang::En, Some(w)) => format!("the climate weight {w} % is below {min} %"),
            (Lang::En, None) => format!("no climate weight is set (at least {min} % needed)"),
        };
        let weighed = outcome(status, &weighed, &weighed, lang);
        match lang {
            Lang::Nb => format!(
                "obligatorisk: verdien {value} ekskl. mva. er på eller over {from_written}; {weighed}"
            ),
            Lang::En => format!(
                "mandatory: the value {value} excl. VAT is at or above {from_written}; {weighed}"
            ),
        }
    } else {
        match lang {
            Lang::Nb => {
                format!("ikke obligatorisk: verdien {value} ekskl. mva. er under {from_written}")
            }
            Lang::En => {
                format!("not mandatory: the value {value} excl. VAT is below {from_written}")
            }
        }
    };
    Check {
        check: CLIMATE_WEIGHT.to_string(),
        title: "Klima- og miljøvekt".to_string(),
        status,
        mandatory: applies,
        chosen: enough,
        reason,
        legal_basis: rule.legal_basis.clone(),
        figures: Figures {
            contract_type: facts.contract_type,
            cpv: facts.cpvs.first().map(|c| c.as_str().to_string()),
            value_ore: facts.value,
            threshold_ore: Some(from),
            threshold: None,
            comparison: Some(Comparison::AtOrAbove),
            contract_start: facts.start,
            contract_end: facts.end,
            must_end_after: None,
        },
        climate: Some(ClimateFigures {
            weight_percent: weight,
            min_weight_percent: min,
        }),
    }
}

/// The checks that stop publishing.
pub fn missing(checks: &[Check]) -> Vec<&Check> {
    checks
        .iter()
        .filter(|c| c.status == CheckStatus::Missing)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clauses::shipped;
    use crate::contract::ContractType;
    use crate::thresholds::test_row_2024;
    use crate::{Cpv, Ore};
    use chrono::NaiveDate;

    fn facts(cpvs: &[Cpv], value: Ore) -> ContractFacts<'_> {
        ContractFacts {
            contract_type: ContractType::Services,
            cpvs,
            value,
            start: NaiveDate::from_ymd_opt(2027, 8, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2031, 8, 1).unwrap(),
        }
    }

    fn strings(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    fn by_code<'a>(checks: &'a [Check], code: &str) -> &'a Check {
        checks.iter().find(|c| c.check == code).unwrap()
    }

    #[test]
    fn school_catering_far_above_the_thresholds() {
        let cpvs = [Cpv::parse("55524000-9").unwrap()];
        let value = Ore::new(12_915_000_000);
        let library = shipped();
        let none = evaluate(
            &library,
            &facts(&cpvs, value),
            &test_row_2024(),
            Choices {
                clauses: &[],
                climate_weight_percent: None,
                justified: &[],
            },
            Lang::En,
        );
        let missing: Vec<&str> = missing(&none).iter().map(|c| c.check.as_str()).collect();
        assert_eq!(
            missing,
            vec![
                "lonns_og_arbeidsvilkar",
                "sanksjoner",
                "skatteattest",
                "climate_weight"
            ]
        );
        assert_eq!(
            by_code(&none, "hms_kort").status,
            CheckStatus::NotApplicable
        );
        assert_eq!(
            by_code(&none, "climate_weight").reason,
            "mandatory: the value NOK 129,150,000 excl. VAT is at or above NOK 100,000; no climate weight is set (at least 30 % needed)"
        );
        let nb = evaluate(
            &library,
            &facts(&cpvs, value),
            &test_row_2024(),
            Choices {
                clauses: &[],
                climate_weight_percent: None,
                justified: &[],
            },
            Lang::Nb,
        );
        assert_eq!(
            by_code(&nb, "climate_weight").reason,
            "obligatorisk: verdien kr 129 150 000 ekskl. mva. er på eller over kr 100 000; ingen klimavekt er satt (minst 30 % kreves)"
        );
        assert_eq!(
            by_code(&nb, "lonns_og_arbeidsvilkar").reason,
            "obligatorisk: en kontrakt om tjenester; verdien kr 129 150 000 ekskl. mva. er på \
             eller over kr 2 300 000 (EØS-terskelverdien for varer og tjenester, gjeldende fra \
             14.03.2024); ikke valgt"
        );
        assert_eq!(
            by_code(&nb, "hms_kort").reason,
            "ikke obligatorisk: ingen CPV-kode i anskaffelsen (55524000-9) ligger under 45 eller 9091"
        );

        let chosen = strings(&["lonns_og_arbeidsvilkar", "sanksjoner", "hms_kort"]);
        let justified = strings(&["skatteattest"]);
        let some = evaluate(
            &library,
            &facts(&cpvs, value),
            &test_row_2024(),
            Choices {
                clauses: &chosen,
                climate_weight_percent: Some(29),
                justified: &justified,
            },
            Lang::En,
        );
        assert_eq!(
            by_code(&some, "lonns_og_arbeidsvilkar").status,
            CheckStatus::Ok
        );
        assert!(by_code(&some, "lonns_og_arbeidsvilkar")
            .reason
            .ends_with("; chosen"));
        assert_eq!(
            by_code(&some, "skatteattest").status,
            CheckStatus::Justified
        );
        let hms = by_code(&some, "hms_kort");
        assert_eq!((hms.status, hms.chosen), (CheckStatus::NotApplicable, true));
        let climate = by_code(&some, "climate_weight");
        assert_eq!(climate.status, CheckStatus::Missing);
        assert!(climate
            .reason
            .ends_with("the climate weight 29 % is below 30 %"));
        assert_eq!(
            climate.climate,
            Some(ClimateFigures {
                weight_percent: Some(29),
                min_weight_percent: 30
            })
        );
        assert_eq!(climate.figures.threshold_ore, Some(Ore::new(10_000_000)));

        let some_nb = evaluate(
            &library,
            &facts(&cpvs, value),
            &test_row_2024(),
            Choices {
                clauses: &chosen,
                climate_weight_percent: Some(29),
                justified: &justified,
            },
            Lang::Nb,
        );
        let reason = |code| by_code(&some_nb, code).reason.clone();
        assert!(reason("lonns_og_arbeidsvilkar").ends_with("; valgt"));
        assert_eq!(
            reason("skatteattest"),
            "obligatorisk: verdien kr 129 150 000 ekskl. mva. er over kr 500 000; ikke valgt, men begrunnet"
        );
        assert!(reason("hms_kort").ends_with("; valgt likevel"));
        assert!(reason("climate_weight").ends_with("; klimavekten 29 % er under 30 %"));
        assert_eq!(
            by_code(&some, "skatteattest").reason,
            "mandatory: the value NOK 129,150,000 excl. VAT is above NOK 500,000; not chosen, but justified"
        );
    }

    #[test]
    fn the_climate_weight_applies_from_100_000() {
        let cpvs = [Cpv::parse("55524000-9").unwrap()];
        let library = shipped();
        let run = |value, weight| {
            let checks = evaluate(
                &library,
                &facts(&cpvs, Ore::new(value)),
                &test_row_2024(),
                Choices {
                    clauses: &[],
                    climate_weight_percent: weight,
                    justified: &[],
                },
                Lang::En,
            );
            by_code(&checks, CLIMATE_WEIGHT).status
        };
        assert_eq!(run(9_999_999, None), CheckStatus::NotApplicable);
        assert_eq!(run(10_000_000, None), CheckStatus::Missing);
        assert_eq!(run(10_000_000, Some(30)), CheckStatus::Ok);
        assert_eq!(run(10_000_000, Some(29)), CheckStatus::Missing);
    }

    #[test]
    fn checks_serialise_flat_with_their_figures() {
        let cpvs = [Cpv::parse("55524000-9").unwrap()];
        let checks = evaluate(
            &shipped(),
            &facts(&cpvs, Ore::new(60_000_000)),
            &test_row_2024(),
            Choices {
                clauses: &[],
                climate_weight_percent: None,
                justified: &[],
            },
            Lang::En,
        );
        let json = serde_json::to_value(by_code(&checks, "skatteattest")).unwrap();
        assert_eq!(json["status"], "missing");
        assert_eq!(json["value_ore"], 60_000_000);
        assert_eq!(json["threshold_ore"], 50_000_000);
        assert_eq!(json["comparison"], "above");
        assert_eq!(json["cpv"], "55524000-9");
        assert!(json.get("climate").is_none());
    }
}
