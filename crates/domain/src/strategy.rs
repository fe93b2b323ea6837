//! A participant's procurement strategy (anskaffelsesstrategi): the goals its
//! council adopted, and how well a joint procurement meets them. The fit is
//! computed from what the procurement has now; a goal that depends on a later
//! step (a market dialogue, the climate weight not yet set) is unknown with
//! the reason, never guessed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clauses::{check_choice, check_climate_weight, check_sdgs, ClauseLibrary};
use super::error::FieldInvalid;
use super::summary::MAX_CONTRACT_MONTHS;
use super::{ErrorCode, Invalid, Lang, Ore};

pub const MAX_REFERENCE_CHARS: usize = 200;

/// The goals a strategy may name; each is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goals {
    pub min_climate_weight_percent: Option<i64>,
    /// Clause codes of the library.
    pub required_clauses: Vec<String>,
    /// The UN Sustainable Development Goals it prioritises, by number.
    pub sdgs: Vec<i64>,
    pub min_eligible_local_smes_per_lot: Option<i64>,
    /// The contract period with its options.
    pub max_duration_months: Option<i64>,
    /// Above this value it expects a market dialogue before the tender.
    pub market_dialogue_from_ore: Option<Ore>,
}

/// A strategy as adopted: the council decision it rests on and its goals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strategy {
    pub reference: String,
    pub adopted_on: NaiveDate,
    pub goals: Goals,
}

/// What `check_strategy` refuses with.
pub const STRATEGY_ERRORS: &[ErrorCode] = &[
    ErrorCode::InvalidStrategy,
    ErrorCode::InvalidClimateWeight,
    ErrorCode::UnknownClause,
    ErrorCode::InvalidSdg,
];

/// Checks a strategy as written; clause codes must be in `library`.
pub fn check_strategy(
    library: &ClauseLibrary,
    reference: &str,
    adopted_on: NaiveDate,
    goals: Goals,
) -> Result<Strategy, FieldInvalid> {
    let reference = reference.trim();
    if reference.is_empty()
        || reference.chars().count() > MAX_REFERENCE_CHARS
        || reference.chars().any(char::is_control)
    {
        return Err((
            "reference",
            Invalid::new(
                ErrorCode::InvalidStrategy,
                format!("the reference to the council decision (such as 'PS 45/2025') must be 1 to {MAX_REFERENCE_CHARS} characters"),
            ),
        ));
    }
    let min_climate_weight_percent = check_climate_weight(goals.min_climate_weight_percent)
        .map_err(|e| ("min_climate_weight_percent", e))?;
    let required_clauses =
        check_choice(library, &goals.required_clauses).map_err(|e| ("required_clauses", e))?;
    let sdgs = check_sdgs(&goals.sdgs).map_err(|e| ("sdgs", e))?;
    if let Some(n) = goals.min_eligible_local_smes_per_lot.filter(|n| *n < 0) {
        return Err((
            "min_eligible_local_smes_per_lot",
            Invalid::new(
                ErrorCode::InvalidStrategy,
                format!("min_eligible_local_smes_per_lot must not be negative, not {n}"),
            ),
        ));
    }
    if let Some(m) = goals
        .max_duration_months
        .filter(|m| !(1..=MAX_CONTRACT_MONTHS).contains(m))
    {
        return Err((
            "max_duration_months",
            Invalid::new(
                ErrorCode::InvalidStrategy,
                format!("max_duration_months must be between 1 and {MAX_CONTRACT_MONTHS}, not {m}"),
            ),
        ));
    }
    if let Some(v) = goals.market_dialogue_from_ore.filter(|v| v.get() < 0) {
        return Err((
            "market_dialogue_from_ore",
            Invalid::new(
                ErrorCode::InvalidStrategy,
                format!(
                    "market_dialogue_from_ore must not be negative, not {}",
                    v.get()
                ),
            ),
        ));
    }
    Ok(Strategy {
        reference: reference.to_string(),
        adopted_on,
        goals: Goals {
            min_climate_weight_percent,
            required_clauses,
            sdgs,
            min_eligible_local_smes_per_lot: goals.min_eligible_local_smes_per_lot,
            max_duration_months: goals.max_duration_months,
            market_dialogue_from_ore: goals.market_dialogue_from_ore,
        },
    })
}

/// A lot the participant takes part in (its area holds the participant),
/// with the local SMEs able to bid on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotSmes {
    pub title: String,
    pub eligible_local_smes: usize,
}

/// What the fit is judged on: the procurement as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitFacts<'a> {
    pub climate_weight_percent: Option<i64>,
    pub clauses: &'a [String],
    pub sdgs: &'a [i64],
    /// The participant's lots; None when the analysis could not be made.
    pub lots: Option<&'a [LotSmes]>,
    pub duration_months: i64,
    pub option_months: i64,
    pub no_fixed_term: bool,
    /// The value of the procurement (the regime value of the summary); None
    /// before the participants' volumes tell it (as in the invitation).
    pub value: Option<Ore>,
    /// Whether a market dialogue was held; None when Samkjøp does not know.
    pub market_dialogue_held: Option<bool>,
}

/// One goal judged: `met` is None when it cannot be told yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalFit {
    pub goal: String,
    pub met: Option<bool>,
    pub message: String,
}

impl GoalFit {
    fn new(goal: &str, met: Option<bool>, message: String) -> GoalFit {
        GoalFit {
            goal: goal.to_string(),
            met,
            message,
        }
    }
}

/// Each goal the strategy names, in the order of `Goals`; a goal left out is
/// not judged.
pub fn fit(goals: &Goals, facts: &FitFacts<'_>, lang: Lang) -> Vec<GoalFit> {
    let mut out = Vec::new();
    if let Some(min) = goals.min_climate_weight_percent {
        out.push(climate(min, facts.climate_weight_percent, lang));
    }
    if !goals.required_clauses.is_empty() {
        out.push(clauses(&goals.required_clauses, facts.clauses, lang));
    }
    if !goals.sdgs.is_empty() {
        out.push(sdgs(&goals.sdgs, facts.sdgs, lang));
    }
    if let Some(min) = goals.min_eligible_local_smes_per_lot {
        out.push(local_smes(min, facts.lots, lang));
    }
    if let Some(max) = goals.max_duration_months {
        out.push(duration(max, facts, lang));
    }
    if let Some(from) = goals.market_dialogue_from_ore {
        out.push(market_dialogue(from, facts, lang));
    }
    out
}

/// Whether every goal is met (none unknown, none missed).
pub fn fully_met(fits: &[GoalFit]) -> bool {
    fits.iter().all(|f| f.met == Some(true))
}

const CLIMATE: &str = "min_climate_weight_percent";
const CLAUSES: &str = "required_clauses";
const SDGS: &str = "sdgs";
const LOCAL_SMES: &str = "min_eligible_local_smes_per_lot";
const DURATION: &str = "max_duration_months";
const MARKET_DIALOGUE: &str = "market_dialogue_from_ore";

fn climate(min: i64, weight: Option<i64>, lang: Lang) -> GoalFit {
    match weight {
        None => GoalFit::new(
            CLIMATE,
            None,
            lang.pick(
                format!("Strategien krever klimavekt minst {min} %; anskaffelsen har ikke satt klimavekt ennå"),
                format!("The strategy requires a climate weight of at least {min} %; the procurement has not set one yet"),
            ),
        ),
        Some(w) => GoalFit::new(
            CLIMATE,
            Some(w >= min),
            lang.pick(
                format!("Strategien krever klimavekt minst {min} %; anskaffelsen har {w} %"),
                format!("The strategy requires a climate weight of at least {min} %; the procurement has {w} %"),
            ),
        ),
    }
}

fn clauses(required: &[String], chosen: &[String], lang: Lang) -> GoalFit {
    let missing: Vec<&str> = required
        .iter()
        .filter(|r| !chosen.contains(r))
        .map(String::as_str)
        .collect();
    let message = if missing.is_empty() {
        lang.pick(
            format!(
                "Anskaffelsen har alle klausulene strategien krever: {}",
                required.join(", ")
            ),
            format!(
                "The procurement has every clause the strategy requires: {}",
                required.join(", ")
            ),
        )
    } else {
        lang.pick(
            format!(
                "Strategien krever {} av {} klausuler som mangler: {}",
                missing.len(),
                required.len(),
                missing.join(", ")
            ),
            format!(
                "{} of the {} clauses the strategy requires are missing: {}",
                missing.len(),
                required.len(),
                missing.join(", ")
            ),
        )
    };
    GoalFit::new(CLAUSES, Some(missing.is_empty()), message)
}

/// Met when the procurement serves at least one of the goals the strategy
/// prioritises: a strategy names several, a procurement serves some.
fn sdgs(prioritised: &[i64], chosen: &[i64], lang: Lang) -> GoalFit {
    let list = |g: &[i64]| g.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let shared: Vec<i64> = prioritised
        .iter()
        .copied()
        .filter(|g| chosen.contains(g))
        .collect();
    let message = if shared.is_empty() {
        lang.pick(
            format!(
                "Strategien prioriterer bærekraftsmål {}; anskaffelsen bidrar til ingen av dem",
                list(prioritised)
            ),
            format!(
                "The strategy prioritises SDGs {}; the procurement serves none of them",
                list(prioritised)
            ),
        )
    } else {
        lang.pick(
            format!(
                "Strategien prioriterer bærekraftsmål {}; anskaffelsen bidrar til {}",
                list(prioritised),
                list(&shared)
            ),
            format!(
                "The strategy prioritises SDGs {}; the procurement serves {}",
                list(prioritised),
                list(&shared)
            ),
        )
    };
    GoalFit::new(SDGS, Some(!shared.is_empty()), message)
}

fn local_smes(min: i64, lots: Option<&[LotSmes]>, lang: Lang) -> GoalFit {
    let Some(lots) = lots else {
        return GoalFit::new(
            LOCAL_SMES,
            None,
            lang.pick(
                "Antallet lokale SMB-er som kan gi tilbud er ikke kjent ennå: det følger av leverandøranalysen når volumene er meldt inn".to_string(),
                "The number of local SMEs able to bid is not known yet: the supplier analysis tells it once the volumes are in"
                    .to_string(),
            ),
        );
    };
    if lots.is_empty() {
        return GoalFit::new(
            LOCAL_SMES,
            None,
            lang.pick(
                format!("Strategien krever minst {min} lokale SMB-er som kan gi tilbud per delkontrakt; deltakeren er ennå ikke med i noen delkontrakt"),
                format!("The strategy requires at least {min} local SMEs able to bid per lot; the participant is in no lot yet"),
            ),
        );
    }
    let short: Vec<&LotSmes> = lots
        .iter()
        .filter(|l| i64::try_from(l.eligible_local_smes).is_ok_and(|n| n < min))
        .collect();
    let message = match short.as_slice() {
        [] => {
            let fewest = lots
                .iter()
                .map(|l| l.eligible_local_smes)
                .min()
                .unwrap_or(0);
            lang.pick(
                format!("Strategien krever minst {min} lokale SMB-er som kan gi tilbud per delkontrakt; den med færrest har {fewest}"),
                format!("The strategy requires at least {min} local SMEs able to bid per lot; the lot with the fewest has {fewest}"),
            )
        }
        short => {
            let named = short
                .iter()
                .map(|l| format!("«{}» ({})", l.title, l.eligible_local_smes))
                .collect::<Vec<_>>()
                .join(", ");
            lang.pick(
                format!("Strategien krever minst {min} lokale SMB-er som kan gi tilbud per delkontrakt; færre har {named}"),
                format!("The strategy requires at least {min} local SMEs able to bid per lot; fewer have {named}"),
            )
        }
    };
    GoalFit::new(LOCAL_SMES, Some(short.is_empty()), message)
}

fn duration(max: i64, facts: &FitFacts<'_>, lang: Lang) -> GoalFit {
    if facts.no_fixed_term {
        return GoalFit::new(
            DURATION,
            Some(false),
            lang.pick(
                format!("Strategien tillater høyst {max} måneder med opsjoner; avtalen har ingen fast sluttdato"),
                format!("The strategy allows at most {max} months with options; the contract has no fixed term"),
            ),
        );
    }
    let total = facts.duration_months.saturating_add(facts.option_months);
    GoalFit::new(
        DURATION,
        Some(total <= max),
        lang.pick(
            format!("Strategien tillater høyst {max} måneder med opsjoner; anskaffelsen har {total} ({} + {} i opsjoner)", facts.duration_months, facts.option_months),
            format!("The strategy allows at most {max} months with options; the procurement has {total} ({} + {} in options)", facts.duration_months, facts.option_months),
        ),
    )
}

fn market_dialogue(from: Ore, facts: &FitFacts<'_>, lang: Lang) -> GoalFit {
    let Some(value) = facts.value else {
        return GoalFit::new(
            MARKET_DIALOGUE,
            None,
            lang.pick(
                format!("Strategien forventer markedsdialog over {from}; anskaffelsens verdi avhenger av hvem som blir med, og er ikke kjent ennå"),
                format!("The strategy expects a market dialogue above {from}; the procurement's value depends on who joins and is not known yet"),
            ),
        );
    };
    if value <= from {
        return GoalFit::new(
            MARKET_DIALOGUE,
            Some(true),
            lang.pick(
                format!("Strategien forventer markedsdialog over {from}; anskaffelsen er verdt {value}, så det trengs ikke"),
                format!("The strategy expects a market dialogue above {from}; the procurement is worth {value}, so none is needed"),
            ),
        );
    }
    match facts.market_dialogue_held {
        Some(held) => GoalFit::new(
            MARKET_DIALOGUE,
            Some(held),
            if held {
                lang.pick(
                    format!("Strategien forventer markedsdialog over {from}; anskaffelsen er verdt {value}, og markedsdialog er holdt"),
                    format!("The strategy expects a market dialogue above {from}; the procurement is worth {value}, and one was held"),
                )
            } else {
                lang.pick(
                    format!("Strategien forventer markedsdialog over {from}; anskaffelsen er verdt {value}, og ingen markedsdialog er holdt"),
                    format!("The strategy expects a market dialogue above {from}; the procurement is worth {value}, and none was held"),
                )
            },
        ),
        None => GoalFit::new(
            MARKET_DIALOGUE,
            None,
            lang.pick(
                format!("Strategien forventer markedsdialog over {from}; anskaffelsen er verdt {value}, og om markedsdialog holdes før konkurransen er ikke avgjort ennå"),
                format!("The strategy expects a market dialogue above {from}; the procurement is worth {value}, and whether one is held before the tender is not settled yet"),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>() -> FitFacts<'a> {
        FitFacts {
            climate_weight_percent: Some(20),
            clauses: &[],
            sdgs: &[],
            lots: Some(&[]),
            duration_months: 24,
            option_months: 24,
            no_fixed_term: false,
            value: Some(Ore::new(500_000_000)),
            market_dialogue_held: None,
        }
    }

    fn one(goals: Goals, facts: &FitFacts<'_>) -> GoalFit {
        let mut fits = fit(&goals, facts, Lang::Nb);
        assert_eq!(fits.len(), 1, "{fits:?}");
        fits.remove(0)
    }

    #[test]
    fn the_climate_weight_is_met_from_the_minimum_and_says_both_figures() {
        let goals = Goals {
            min_climate_weight_percent: Some(30),
            ..Goals::default()
        };
        let low = one(goals.clone(), &facts());
        assert_eq!(low.goal, "min_climate_weight_percent");
        assert_eq!(low.met, Some(false));
        assert_eq!(
            low.message,
            "Strategien krever klimavekt minst 30 %; anskaffelsen har 20 %"
        );
        let enough = FitFacts {
            climate_weight_percent: Some(30),
            ..facts()
        };
        assert_eq!(one(goals.clone(), &enough).met, Some(true));
        let unset = FitFacts {
            climate_weight_percent: None,
            ..facts()
        };
        let unknown = one(goals, &unset);
        assert_eq!(unknown.met, None);
        assert!(unknown.message.contains("ikke satt"), "{}", unknown.message);
    }

    #[test]
    fn required_clauses_name_the_missing_ones() {
        let goals = Goals {
            required_clauses: vec!["a".into(), "b".into()],
            ..Goals::default()
        };
        let chosen = vec!["a".to_string()];
        let some = FitFacts {
            clauses: &chosen,
            ..facts()
        };
        let f = one(goals.clone(), &some);
        assert_eq!(f.met, Some(false));
        assert!(f.message.ends_with("mangler: b"), "{}", f.message);
        let all = vec!["b".to_string(), "a".to_string()];
        let every = FitFacts {
            clauses: &all,
            ..facts()
        };
        assert_eq!(one(goals, &every).met, Some(true));
    }

    #[test]
    fn sdgs_are_met_by_serving_one_of_the_prioritised() {
        let goals = Goals {
            sdgs: vec![7, 12],
            ..Goals::default()
        };
        assert_eq!(one(goals.clone(), &facts()).met, Some(false));
        let served = [12, 13];
        let f = one(
            goals,
            &FitFacts {
                sdgs: &served,
                ..facts()
            },
        );
        assert_eq!(f.met, Some(true));
        assert!(f.message.ends_with("bidrar til 12"), "{}", f.message);
    }

    #[test]
    fn every_lot_joined_must_leave_enough_local_smes() {
        let goals = Goals {
            min_eligible_local_smes_per_lot: Some(2),
            ..Goals::default()
        };
        let lots = [
            LotSmes {
                title: "Bergen".into(),
                eligible_local_smes: 3,
            },
            LotSmes {
                title: "Voss".into(),
                eligible_local_smes: 1,
            },
        ];
        let short = one(
            goals.clone(),
            &FitFacts {
                lots: Some(&lots),
                ..facts()
            },
        );
        assert_eq!(short.met, Some(false));
        assert!(short.message.contains("«Voss» (1)"), "{}", short.message);
        assert_eq!(
            one(
                goals.clone(),
                &FitFacts {
                    lots: Some(&lots[..1]),
                    ..facts()
                }
            )
            .met,
            Some(true)
        );
        assert_eq!(one(goals.clone(), &facts()).met, None, "in no lot yet");
        assert_eq!(
            one(
                goals,
                &FitFacts {
                    lots: None,
                    ..facts()
                }
            )
            .met,
            None
        );
    }

    #[test]
    fn the_duration_counts_the_options_and_no_fixed_term_is_too_long() {
        let goals = Goals {
            max_duration_months: Some(48),
            ..Goals::default()
        };
        let f = one(goals.clone(), &facts());
        assert_eq!(f.met, Some(true));
        assert!(f.message.contains("har 48 (24 + 24"), "{}", f.message);
        let longer = FitFacts {
            option_months: 25,
            ..facts()
        };
        assert_eq!(one(goals.clone(), &longer).met, Some(false));
        let open = FitFacts {
            no_fixed_term: true,
            option_months: 0,
            ..facts()
        };
        assert_eq!(one(goals, &open).met, Some(false));
    }

    #[test]
    fn a_market_dialogue_above_the_value_is_unknown_until_known() {
        let goals = Goals {
            market_dialogue_from_ore: Some(Ore::new(100_000_000)),
            ..Goals::default()
        };
        let f = one(goals.clone(), &facts());
        assert_eq!(f.met, None);
        assert!(f.message.contains("ikke avgjort"), "{}", f.message);
        let small = FitFacts {
            value: Some(Ore::new(100_000_000)),
            ..facts()
        };
        assert_eq!(one(goals.clone(), &small).met, Some(true));
        let before_volumes = FitFacts {
            value: None,
            ..facts()
        };
        assert_eq!(one(goals.clone(), &before_volumes).met, None);
        let held = FitFacts {
            market_dialogue_held: Some(true),
            ..facts()
        };
        assert_eq!(one(goals.clone(), &held).met, Some(true));
        let not_held = FitFacts {
            market_dialogue_held: Some(false),
            ..facts()
        };
        assert_eq!(one(goals, &not_held).met, Some(false));
    }

    #[test]
    fn a_goal_left_out_is_not_judged_and_fully_met_needs_every_goal() {
        assert!(fit(&Goals::default(), &facts(), Lang::Nb).is_empty());
        let goals = Goals {
            min_climate_weight_percent: Some(10),
            market_dialogue_from_ore: Some(Ore::new(0)),
            ..Goals::default()
        };
        let fits = fit(&goals, &facts(), Lang::Nb);
        assert_eq!(fits.len(), 2);
        assert!(!fully_met(&fits), "the market dialogue is unknown");
        assert!(fully_met(&fits[..1]));
    }

    #[test]
    fn a_strategy_needs_its_council_reference_and_sane_goals() {
        let library =
            ClauseLibrary::from_toml(include_str!("../../../config/clauses.toml")).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 3, 12).unwrap();
        let err = check_strategy(&library, " ", day, Goals::default()).unwrap_err();
        assert_eq!(err.0, "reference");
        let err = check_strategy(
            &library,
            "PS 12/2025",
            day,
            Goals {
                max_duration_months: Some(0),
                ..Goals::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.0, "max_duration_months");
        let err = check_strategy(
            &library,
            "PS 12/2025",
            day,
            Goals {
                required_clauses: vec!["no_such_clause".into()],
                ..Goals::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            (err.0, err.1.code),
            ("required_clauses", ErrorCode::UnknownClause)
        );
        let ok = check_strategy(
            &library,
            " PS 12/2025 ",
            day,
            Goals {
                sdgs: vec![12, 7, 12],
                ..Goals::default()
            },
        )
        .unwrap();
        assert_eq!(ok.reference, "PS 12/2025");
        assert_eq!(ok.goals.sdgs, vec![7, 12]);
    }
}
