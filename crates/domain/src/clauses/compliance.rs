//! The compliance report: each clause of the library and the climate weight
//! against what the coordinator chose, with the reason and the figures.
//! Publishing waits until no check is `missing`.

use serde::Serialize;

use super::mandatory::{mandatory, Comparison, ContractFacts, Figures};
use super::ClauseLibrary;
use crate::thresholds::ThresholdRow;

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

fn outcome(status: CheckStatus, fulfilled: &str, not_fulfilled: &str) -> String {
    match status {
        CheckStatus::Ok => fulfilled.to_string(),
        CheckStatus::Missing => not_fulfilled.to_string(),
        CheckStatus::Justified => format!("{not_fulfilled}, but justified"),
        CheckStatus::NotApplicable => String::new(),
    }
}

/// Every clause of the library in its order, then the climate weight.
pub fn evaluate(
    library: &ClauseLibrary,
    facts: &ContractFacts<'_>,
    thresholds: &ThresholdRow,
    choices: Choices<'_>,
) -> Vec<Check> {
    let justified = |code: &str| choices.justified.iter().any(|j| j == code);
    let mut checks: Vec<Check> = library
        .clauses
        .iter()
        .map(|clause| {
            let chosen = choices.clauses.contains(&clause.code);
            let (is_mandatory, reason) = match mandatory(clause, facts, thresholds) {
                Ok(r) => (true, r),
                Err(r) => (false, r),
            };
            let status = status(is_mandatory, chosen, justified(&clause.code));
            let text = match status {
                CheckStatus::NotApplicable if chosen => format!("{}; chosen anyway", reason.text),
                CheckStatus::NotApplicable => reason.text,
                s => format!("{}; {}", reason.text, outcome(s, "chosen", "not chosen")),
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
    ));
    checks
}

fn climate(
    library: &ClauseLibrary,
    facts: &ContractFacts<'_>,
    thresholds: &ThresholdRow,
    choices: Choices<'_>,
    justified: bool,
) -> Check {
    let rule = &library.climate;
    let from = rule.applies_from.resolve(thresholds, facts.contract_type);
    let applies = facts.value >= from;
    let weight = choices.climate_weight_percent;
    let enough = weight.is_some_and(|w| w >= rule.min_weight_percent);
    let status = status(applies, enough, justified);
    let value = facts.value;
    let min = rule.min_weight_percent;
    let reason = if applies {
        let weighed = match weight {
            Some(w) if enough => format!("the climate weight {w} % is at least {min} %"),
            Some(w) => format!("the climate weight {w} % is below {min} %"),
            None => format!("no climate weight is set (at least {min} % needed)"),
        };
        format!(
            "mandatory: the value {value} is at or above {from}; {}",
            outcome(status, &weighed, &weighed)
        )
    } else {
        format!("not mandatory: the value {value} is below {from}")
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
            "mandatory: the value NOK 129 150 000 is at or above NOK 100 000; no climate weight is set (at least 30 % needed)"
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
