//! Participants' procurement strategies, every version kept.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::strategies;
use super::types::Cells;
use super::AnyConnection;
use super::DbResult;
use crate::domain::strategy::{Goals, Strategy};
use crate::domain::Ore;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = strategies)]
pub struct StrategyRow {
    pub participant: String,
    /// 1 for the first strategy registered, one more for each change.
    pub version: i64,
    pub reference: String,
    pub adopted_on: NaiveDate,
    pub min_climate_weight_percent: Option<i64>,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub required_clauses: Vec<String>,
    #[diesel(deserialize_as = Cells<i64>, serialize_as = Cells<i64>)]
    pub sdgs: Vec<i64>,
    pub min_eligible_local_smes_per_lot: Option<i64>,
    pub max_duration_months: Option<i64>,
    pub market_dialogue_from_ore: Option<i64>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

impl StrategyRow {
    pub fn strategy(&self) -> Strategy {
        Strategy {
            reference: self.reference.clone(),
            adopted_on: self.adopted_on,
            goals: Goals {
                min_climate_weight_percent: self.min_climate_weight_percent,
                required_clauses: self.required_clauses.clone(),
                sdgs: self.sdgs.clone(),
                min_eligible_local_smes_per_lot: self.min_eligible_local_smes_per_lot,
                max_duration_months: self.max_duration_months,
                market_dialogue_from_ore: self.market_dialogue_from_ore.map(Ore::new),
            },
        }
    }
}

/// Every version of one participant's strategy, the newest first.
pub fn history(conn: &mut AnyConnection, participant: &str) -> DbResult<Vec<StrategyRow>> {
    Ok(strategies::table
        .filter(strategies::participant.eq(participant))
        .order(strategies::version.desc())
        .select(StrategyRow::as_select())
        .load(conn)?)
}

/// The strategy in force (the newest version) of each of `participants`
/// that has one.
pub fn current_of(conn: &mut AnyConnection, participants: &[String]) -> DbResult<Vec<StrategyRow>> {
    let mut all: Vec<StrategyRow> = strategies::table
        .filter(strategies::participant.eq_any(participants))
        .order((strategies::participant.asc(), strategies::version.desc()))
        .select(StrategyRow::as_select())
        .load(conn)?;
    all.dedup_by(|later, first| later.participant == first.participant);
    Ok(all)
}

/// Adds the next version; the caller writes in one transaction, and the
/// primary key refuses a version recorded twice.
pub fn add(conn: &mut AnyConnection, row: &StrategyRow) -> DbResult<()> {
    diesel::insert_into(strategies::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}
