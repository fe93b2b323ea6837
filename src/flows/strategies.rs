//! A participant registers the procurement strategy its council adopted.

use chrono::{DateTime, Utc};

use crate::db::strategies::{self, StrategyRow};
use crate::db::AnyConnection;
use crate::domain::strategy::Strategy;
use crate::domain::ParticipantNumber;
use crate::error::AppResult;

/// Adds the strategy as the participant's newest version; the versions
/// before it stay as they were.
pub fn register(
    conn: &mut AnyConnection,
    participant: &ParticipantNumber,
    strategy: Strategy,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<StrategyRow> {
    let version = strategies::history(conn, participant.as_str())?
        .first()
        .map_or(1, |newest| newest.version + 1);
    let goals = strategy.goals;
    let row = StrategyRow {
        participant: participant.to_string(),
        version,
        reference: strategy.reference,
        adopted_on: strategy.adopted_on,
        min_climate_weight_percent: goals.min_climate_weight_percent,
        required_clauses: goals.required_clauses,
        sdgs: goals.sdgs,
        min_eligible_local_smes_per_lot: goals.min_eligible_local_smes_per_lot,
        max_duration_months: goals.max_duration_months,
        market_dialogue_from_ore: goals.market_dialogue_from_ore.map(|o| o.get()),
        recorded_by: actor.to_string(),
        recorded_at: crate::db::stamp(now),
    };
    strategies::add(conn, &row)?;
    Ok(row)
}
