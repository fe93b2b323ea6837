//! The clause library: seriousness clauses (seriøsitetskrav), when each is
//! mandatory, and what is checked after the award (procurement-rules.md §7).
//! The rules and their amounts are data in `config/clauses.toml`, so that a
//! changed regulation or a verified amount is a configuration change.

pub mod compliance;
pub mod mandatory;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::contract::ContractType;
use super::thresholds::{eea_threshold, ThresholdRow};
use super::{CpvPrefix, ErrorCode, Invalid, Ore};

pub use compliance::{evaluate, Check, CheckStatus, Choices, CLIMATE_WEIGHT};
pub use mandatory::{mandatory, ContractFacts, Figures, Reason};

crate::code_enum! {
    /// A row of the threshold table, named, so that a rule follows the amounts
    /// in force instead of copying them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ThresholdRef {
        LowerLimit = "lower_limit",
        National = "national",
        EeaGoodsServices = "eea_goods_services",
        EeaWorks = "eea_works",
        EeaSocialServices = "eea_social_services",
        /// The EEA threshold of the procurement's own contract type.
        EeaOfContractType = "eea_of_contract_type",
    }
    invalid = InvalidThreshold, "a threshold";
}

/// An amount of a rule: fixed in the library, or a threshold of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Amount {
    /// In øre.
    Ore(i64),
    Threshold(ThresholdRef),
}

impl Amount {
    pub fn resolve(self, row: &ThresholdRow, contract_type: ContractType) -> Ore {
        match self {
            Amount::Ore(ore) => Ore::new(ore),
            Amount::Threshold(t) => match t {
                ThresholdRef::LowerLimit => row.lower_limit_ore,
                ThresholdRef::National => row.national_ore,
                ThresholdRef::EeaGoodsServices => row.eea_goods_services_ore,
                ThresholdRef::EeaWorks => row.eea_works_ore,
                ThresholdRef::EeaSocialServices => row.eea_social_services_ore,
                ThresholdRef::EeaOfContractType => eea_threshold(row, contract_type),
            },
        }
    }
}

/// When a clause is mandatory. Every condition given must hold; one left
/// out does not restrict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MandatoryWhen {
    /// Empty: every contract type.
    #[serde(default)]
    pub contract_types: Vec<ContractType>,
    /// Empty: every CPV. The main CPV or any lot's CPV under one matches.
    #[serde(default)]
    pub cpv_prefixes: Vec<CpvPrefix>,
    /// The regime value at or above this amount.
    #[serde(default)]
    pub value_at_least: Option<Amount>,
    /// The regime value strictly above this amount ("over NOK 500 000").
    #[serde(default)]
    pub value_above: Option<Amount>,
    /// The contract period, options included, ends after start + this.
    #[serde(default)]
    pub longer_than_months: Option<u32>,
    #[serde(default)]
    pub longer_than_days: Option<u32>,
}

/// Something the follow-up plan checks after the award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointSpec {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// First due this long after the contract start (0 and 0: at the start).
    #[serde(default)]
    pub first_after_months: u32,
    #[serde(default)]
    pub first_after_days: u32,
    /// Then again every this many months; none: once.
    #[serde(default)]
    pub every_months: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub code: String,
    pub title: String,
    pub text: String,
    pub legal_basis: String,
    /// Where a person can look the legal basis up (a Lovdata address).
    pub source: String,
    /// None: never mandatory, only recommended.
    #[serde(default)]
    pub mandatory_when: Option<MandatoryWhen>,
    #[serde(default, rename(deserialize = "checkpoint"))]
    pub checkpoints: Vec<CheckpointSpec>,
}

/// FOA § 7-9: the climate and environment weight in the award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClimateRule {
    pub min_weight_percent: i64,
    /// The regime value from which the rule applies.
    pub applies_from: Amount,
    pub legal_basis: String,
}

/// When the coordinator hears about a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRules {
    /// A checkpoint is due (and announced) this many days before its date.
    pub remind_days_before: i64,
    /// It is overdue when still open this many days after its date.
    pub overdue_after_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseLibrary {
    pub climate: ClimateRule,
    pub follow_up: FollowUpRules,
    #[serde(default, rename = "clause")]
    pub clauses: Vec<Clause>,
}

impl ClauseLibrary {
    /// Parses and checks the file's text; a library that cannot be applied
    /// must stop the start-up rather than pass procurements unchecked.
    pub fn from_toml(text: &str) -> Result<Self, Invalid> {
        let library: ClauseLibrary = toml::from_str(text).map_err(|e| {
            Invalid::new(
                ErrorCode::InvalidClauses,
                format!("the clause library cannot be read: {e}"),
            )
        })?;
        library.validate()?;
        Ok(library)
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let bad = |what: String| Err(Invalid::new(ErrorCode::InvalidClauses, what));
        if self.clauses.is_empty() {
            return bad("the clause library has no clauses".into());
        }
        if !(0..=100).contains(&self.climate.min_weight_percent) {
            return bad("climate.min_weight_percent must be between 0 and 100".into());
        }
        if negative(self.climate.applies_from) {
            return bad("climate.applies_from must not be negative".into());
        }
        if self.follow_up.remind_days_before < 0 || self.follow_up.overdue_after_days < 0 {
            return bad("follow_up days must not be negative".into());
        }
        let mut codes = HashSet::new();
        for clause in &self.clauses {
            let code = clause.code.as_str();
            if !is_code(code) {
                return bad(format!(
                    "'{code}' is not a clause code: use lower-case letters, digits and _"
                ));
            }
            if code == CLIMATE_WEIGHT {
                return bad(format!("'{code}' is the name of the climate check"));
            }
            if !codes.insert(code) {
                return bad(format!("the clause code '{code}' appears more than once"));
            }
            if clause.title.trim().is_empty()
                || clause.legal_basis.trim().is_empty()
                || clause.source.trim().is_empty()
            {
                return bad(format!(
                    "clause '{code}' needs a title, a legal basis and a source"
                ));
            }
            if let Some(rule) = &clause.mandatory_when {
                if rule.value_at_least.is_some() && rule.value_above.is_some() {
                    return bad(format!(
                        "clause '{code}': give value_at_least or value_above, not both"
                    ));
                }
                if rule
                    .value_at_least
                    .into_iter()
                    .chain(rule.value_above)
                    .any(negative)
                {
                    return bad(format!("clause '{code}': a value must not be negative"));
                }
            }
            let mut checkpoints = HashSet::new();
            for c in &clause.checkpoints {
                if !is_code(&c.code) || !checkpoints.insert(c.code.as_str()) {
                    return bad(format!(
                        "clause '{code}': checkpoint '{}' is not a code or appears twice",
                        c.code
                    ));
                }
                if c.every_months == Some(0) {
                    return bad(format!(
                        "clause '{code}': checkpoint '{}' repeats every 0 months",
                        c.code
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn clause(&self, code: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.code == code)
    }

    /// Whether `code` names a check of the compliance report.
    pub fn is_check(&self, code: &str) -> bool {
        code == CLIMATE_WEIGHT || self.clause(code).is_some()
    }
}

/// The chosen codes, each once, in the order given.
pub fn check_choice(library: &ClauseLibrary, codes: &[String]) -> Result<Vec<String>, Invalid> {
    let mut chosen: Vec<String> = Vec::with_capacity(codes.len());
    for code in codes {
        let code = code.trim();
        if library.clause(code).is_none() {
            return Err(Invalid::new(
                ErrorCode::UnknownClause,
                format!("'{code}' is not a clause of the library (GET /api/v1/clauses)"),
            ));
        }
        if !chosen.iter().any(|c| c == code) {
            chosen.push(code.to_string());
        }
    }
    Ok(chosen)
}

pub fn check_climate_weight(percent: Option<i64>) -> Result<Option<i64>, Invalid> {
    match percent {
        Some(p) if !(0..=100).contains(&p) => Err(Invalid::new(
            ErrorCode::InvalidClimateWeight,
            format!("climate_weight_percent must be between 0 and 100, not {p}"),
        )),
        other => Ok(other),
    }
}

/// The UN Sustainable Development Goals by number, sorted, each once.
pub fn check_sdgs(sdgs: &[i64]) -> Result<Vec<i64>, Invalid> {
    if let Some(bad) = sdgs.iter().find(|g| !(1..=17).contains(*g)) {
        return Err(Invalid::new(
            ErrorCode::InvalidSdg,
            format!("{bad} is not a Sustainable Development Goal: use 1 to 17"),
        ));
    }
    let mut goals = sdgs.to_vec();
    goals.sort_unstable();
    goals.dedup();
    Ok(goals)
}

pub const MAX_JUSTIFICATION_CHARS: usize = 4000;

/// A justification names a check of the report and says something.
pub fn check_justification(
    library: &ClauseLibrary,
    check: &str,
    text: &str,
) -> Result<String, (&'static str, Invalid)> {
    if !library.is_check(check) {
        return Err((
            "check",
            Invalid::new(
                ErrorCode::UnknownCheck,
                format!("'{check}' is not a check: use a clause code or {CLIMATE_WEIGHT}"),
            ),
        ));
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_JUSTIFICATION_CHARS {
        return Err((
            "text",
            Invalid::new(
                ErrorCode::InvalidJustification,
                format!("the justification must be 1 to {MAX_JUSTIFICATION_CHARS} characters"),
            ),
        ));
    }
    Ok(text.to_string())
}

fn negative(amount: Amount) -> bool {
    matches!(amount, Amount::Ore(ore) if ore < 0)
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The shipped library, for the tests of the modules that use it.
#[cfg(test)]
pub(crate) fn shipped() -> ClauseLibrary {
    ClauseLibrary::from_toml(include_str!("../../../config/clauses.toml"))
        .expect("the shipped clause library is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_library_has_the_clauses_the_rules_name() {
        let library = shipped();
        for code in [
            "lonns_og_arbeidsvilkar",
            "hms_kort",
            "lonn_via_bank",
            "tjenestepensjon",
            "lovlige_ansettelsesformer",
            "underleverandorledd",
            "laerlinger",
            "skatteattest",
            "apenhet_underleverandorer",
            "innsyn_og_revisjon",
            "sanksjoner",
            "heving_ved_brudd",
            "informasjonsplikt",
            "sprakkrav",
        ] {
            let clause = library.clause(code).unwrap_or_else(|| panic!("{code}"));
            assert!(!clause.text.is_empty() && !clause.legal_basis.is_empty());
        }
        for clause in &library.clauses {
            assert!(
                clause.source.starts_with("https://lovdata.no/"),
                "{}: a source a person can look up",
                clause.code
            );
        }
        assert_eq!(library.climate.min_weight_percent, 30);
        assert_eq!(library.climate.applies_from, Amount::Ore(10_000_000));
        let apprentices = library.clause("laerlinger").unwrap();
        let rule = apprentices.mandatory_when.as_ref().unwrap();
        // The old NOK 2 000 000 is out of date: the amount follows the EEA
        // threshold of the table (verify).
        assert_eq!(
            rule.value_at_least,
            Some(Amount::Threshold(ThresholdRef::EeaGoodsServices))
        );
        assert_eq!(rule.longer_than_months, Some(3));
        assert!(apprentices.legal_basis.contains("anskaffelsesloven § 7"));
        assert!(!apprentices.legal_basis.contains("7-8"));
        // Sanctions are § 6 of FOR-2008-02-08-112, not § 5.
        let sanctions = library.clause("sanksjoner").unwrap();
        assert!(sanctions.legal_basis.contains("FOR-2008-02-08-112) § 6"));
        // Wages through a bank are not part of that regulation.
        let bank = library.clause("lonn_via_bank").unwrap();
        assert!(bank.legal_basis.contains("ikke en del av"));
        // Lawful employment forms are recommended: they never block publishing.
        assert!(library
            .clause("lovlige_ansettelsesformer")
            .unwrap()
            .mandatory_when
            .is_none());
        // Only serious or repeated breaches are material.
        let termination = library.clause("heving_ved_brudd").unwrap();
        assert!(termination
            .text
            .starts_with("Alvorlige eller gjentatte brudd"));
        let tax = library.clause("skatteattest").unwrap();
        assert_eq!(
            tax.mandatory_when.as_ref().unwrap().value_above,
            Some(Amount::Ore(50_000_000))
        );
        assert!(library.is_check("climate_weight"));
        assert!(!library.is_check("bogus"));
    }

    #[test]
    fn choices_are_checked_against_the_library() {
        let library = shipped();
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_choice(&library, &codes(&["hms_kort", "skatteattest", "hms_kort"])),
            Ok(codes(&["hms_kort", "skatteattest"]))
        );
        assert_eq!(
            check_choice(&library, &codes(&["hms_kort", "hms"]))
                .unwrap_err()
                .code,
            ErrorCode::UnknownClause
        );
        assert_eq!(check_climate_weight(Some(100)), Ok(Some(100)));
        assert_eq!(check_climate_weight(None), Ok(None));
        assert!(check_climate_weight(Some(101)).is_err());
        assert!(check_climate_weight(Some(-1)).is_err());
        assert_eq!(check_sdgs(&[12, 2, 12]), Ok(vec![2, 12]));
        assert_eq!(check_sdgs(&[0]).unwrap_err().code, ErrorCode::InvalidSdg);
        assert_eq!(check_sdgs(&[18]).unwrap_err().code, ErrorCode::InvalidSdg);
        assert_eq!(
            check_justification(
                &library,
                "climate_weight",
                "  Vektet som tildelingskriterium nr. 2  "
            ),
            Ok("Vektet som tildelingskriterium nr. 2".to_string())
        );
        assert_eq!(
            check_justification(&library, "bogus", "x").unwrap_err().0,
            "check"
        );
        assert_eq!(
            check_justification(&library, "hms_kort", " ")
                .unwrap_err()
                .1
                .code,
            ErrorCode::InvalidJustification
        );
    }

    fn with(text: &str) -> String {
        format!(
            "[climate]\nmin_weight_percent = 30\napplies_from = {{ ore = 1 }}\nlegal_basis = \"x\"\n\
             [follow_up]\nremind_days_before = 7\noverdue_after_days = 0\n{text}"
        )
    }

    #[test]
    fn a_library_that_cannot_be_applied_is_refused() {
        let clause = |extra: &str| {
            with(&format!(
                "[[clause]]\ncode = \"a\"\ntitle = \"A\"\ntext = \"\"\nlegal_basis = \"L\"\nsource = \"S\"\n{extra}"
            ))
        };
        assert!(ClauseLibrary::from_toml(&clause("")).is_ok());
        for (extra, why) in [
            (
                "[clause.mandatory_when]\ncontract_types = [\"supplies\"]\n",
                "unknown contract type",
            ),
            (
                "[clause.mandatory_when]\ncpv_prefixes = [\"4\"]\n",
                "bad prefix",
            ),
            (
                "[clause.mandatory_when]\nvalue_at_least = { threshold = \"eea\" }\n",
                "unknown threshold",
            ),
            (
                "[clause.mandatory_when]\nvalue_at_least = { ore = 1 }\nvalue_above = { ore = 1 }\n",
                "both",
            ),
            (
                "[clause.mandatory_when]\nvalue_above = { ore = -1 }\n",
                "negative",
            ),
            (
                "[[clause.checkpoint]]\ncode = \"c\"\ntitle = \"C\"\nevery_months = 0\n",
                "every 0 months",
            ),
            ("[clause.mandatory_when]\nmonths = 3\n", "unknown key"),
        ] {
            let e = ClauseLibrary::from_toml(&clause(extra)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidClauses, "{why}");
        }
        let twice = with(
            "[[clause]]\ncode = \"a\"\ntitle = \"A\"\ntext = \"\"\nlegal_basis = \"L\"\nsource = \"S\"\n\
             [[clause]]\ncode = \"a\"\ntitle = \"A\"\ntext = \"\"\nlegal_basis = \"L\"\nsource = \"S\"\n",
        );
        assert!(ClauseLibrary::from_toml(&twice).is_err());
        let climate = with(
            "[[clause]]\ncode = \"climate_weight\"\ntitle = \"A\"\ntext = \"\"\nlegal_basis = \"L\"\nsource = \"S\"\n",
        );
        assert!(ClauseLibrary::from_toml(&climate).is_err());
        assert!(ClauseLibrary::from_toml(&with("")).is_err(), "no clauses");
    }
}
