//! How well a procurement meets each invited participant's strategy: the
//! facts gathered here, the judging in `domain::strategy::fit`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::procurements::Aggregate;
use crate::db::{compliance, interest, strategies, suppliers, AnyConnection};
use crate::domain::analysis::{analyse, Analysis, CapacityFactor};
use crate::domain::strategy::{fit, fully_met, FitFacts, GoalFit, LotSmes};
use crate::domain::thresholds::ThresholdTable;
use crate::domain::Lang;
use crate::error::AppResult;
use crate::flows::lifecycle;
use crate::reference::reference;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StrategyFit {
    pub participants: Vec<ParticipantFit>,
    /// How many of the strategies listed are met in every goal.
    pub fully_met: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantFit {
    /// Municipality number, or county number for a county municipality.
    #[schema(example = "46")]
    pub number: String,
    #[schema(example = "Vestland fylkeskommune")]
    pub name: String,
    /// The council decision the strategy rests on.
    pub strategy_reference: String,
    pub goals: Vec<GoalView>,
    pub fully_met: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GoalView {
    #[schema(example = "min_climate_weight_percent")]
    pub goal: String,
    /// null: cannot be told yet; `message` says why.
    pub met: Option<bool>,
    #[schema(example = "Strategien krever klimavekt minst 30 %; anskaffelsen har 20 %")]
    pub message: String,
}

impl From<GoalFit> for GoalView {
    fn from(g: GoalFit) -> Self {
        GoalView {
            goal: g.goal,
            met: g.met,
            message: g.message,
        }
    }
}

/// One invited participant's own fit, for its voting page and invitation;
/// None when it has no strategy. A fit that cannot be computed is logged
/// and left out: the invitation matters more than the comparison.
pub fn own_fit(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    factor: CapacityFactor,
    now: DateTime<Utc>,
    number: &str,
) -> Option<ParticipantFit> {
    match strategy_fit(
        conn,
        aggregate,
        thresholds,
        factor,
        now,
        Some(number),
        Lang::Nb,
    ) {
        Ok(fit) => fit.participants.into_iter().next(),
        Err(e) => {
            tracing::warn!(participant = number, error = %e, "the strategy fit could not be computed");
            None
        }
    }
}

/// The fit as the invitation states it, before anyone has joined: from the
/// procurement's terms and compliance choices only; the value and the local
/// SMEs follow from the volumes and are unknown.
pub fn invitation_fit(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    number: &str,
) -> AppResult<Option<ParticipantFit>> {
    let Some(row) = strategies::current_of(conn, &[number.to_string()])?.pop() else {
        return Ok(None);
    };
    let p = &aggregate.procurement;
    let (clauses, sdgs, climate) = compliance::settings(conn, &p.id)?
        .map(|s| (s.clauses, s.sdgs, s.climate_weight_percent))
        .unwrap_or_default();
    let facts = FitFacts {
        climate_weight_percent: climate,
        clauses: &clauses,
        sdgs: &sdgs,
        lots: None,
        duration_months: p.duration_months,
        option_months: p.option_months,
        no_fixed_term: p.no_fixed_term,
        value: None,
        market_dialogue_held: None,
    };
    let strategy = row.strategy();
    let goals = fit(&strategy.goals, &facts, Lang::Nb);
    Ok(Some(ParticipantFit {
        name: reference().participant_name(number).unwrap_or_default(),
        number: number.to_string(),
        strategy_reference: strategy.reference,
        fully_met: fully_met(&goals),
        goals: goals.into_iter().map(GoalView::from).collect(),
    }))
}

/// The fit for the invited participants with a strategy, or only for `only`.
/// `aggregate` is loaded with its volumes. Access is the caller's to check.
pub fn strategy_fit(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    factor: CapacityFactor,
    now: DateTime<Utc>,
    only: Option<&str>,
    lang: Lang,
) -> AppResult<StrategyFit> {
    let invited: Vec<String> = aggregate
        .participations
        .iter()
        .map(|p| p.municipality.clone())
        .filter(|m| only.is_none_or(|o| o == m))
        .collect();
    let found = strategies::current_of(conn, &invited)?;
    if found.is_empty() {
        return Ok(StrategyFit {
            participants: Vec::new(),
            fully_met: 0,
        });
    }
    let p = &aggregate.procurement;
    let settings = compliance::settings(conn, &p.id)?;
    let summary = lifecycle::summary_of(aggregate, thresholds, now)?;
    // The local SMEs per lot come from the supplier analysis; when it cannot
    // be made the goal is unknown rather than the fit refused.
    let analysis: Option<Analysis> = (|| -> AppResult<Analysis> {
        let register = suppliers::list_all(conn)?;
        let interest = interest::counts(conn, &p.id)?;
        let lots = crate::read::analysis::lot_facts(aggregate, &summary, &interest)?;
        Ok(analyse(
            &lots,
            &crate::read::analysis::supplier_facts(&register),
            factor,
            lang,
        ))
    })()
    .ok();
    let (clauses, sdgs, climate) = settings
        .map(|s| (s.clauses, s.sdgs, s.climate_weight_percent))
        .unwrap_or_default();
    let mut participants = Vec::new();
    for row in found {
        let number = row.participant.clone();
        let lots: Option<Vec<LotSmes>> = analysis.as_ref().map(|a| {
            a.lots
                .iter()
                .filter(|l| {
                    aggregate
                        .lot(&l.lot_id)
                        .is_some_and(|lot| lot.area.contains(&number))
                })
                .map(|l| LotSmes {
                    title: l.title.clone(),
                    eligible_local_smes: l.eligible_local_smes,
                })
                .collect()
        });
        let facts = FitFacts {
            climate_weight_percent: climate,
            clauses: &clauses,
            sdgs: &sdgs,
            lots: lots.as_deref(),
            duration_months: p.duration_months,
            option_months: p.option_months,
            no_fixed_term: p.no_fixed_term,
            value: Some(summary.regime.value_ore),
            // Samkjøp does not record market dialogues yet.
            market_dialogue_held: None,
        };
        let strategy = row.strategy();
        let goals = fit(&strategy.goals, &facts, lang);
        participants.push(ParticipantFit {
            name: reference().participant_name(&number).unwrap_or_default(),
            number,
            strategy_reference: strategy.reference,
            fully_met: fully_met(&goals),
            goals: goals.into_iter().map(GoalView::from).collect(),
        });
    }
    Ok(StrategyFit {
        fully_met: participants.iter().filter(|p| p.fully_met).count(),
        participants,
    })
}
