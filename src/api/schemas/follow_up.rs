//! The shapes of the contract follow-up (`domain::follow_up`).

use serde::Serialize;
use utoipa::ToSchema;

/// What the coordinator found at a checkpoint.
#[derive(Serialize, ToSchema)]
#[schema(as = CheckpointResult)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointResult {
    Done,
    /// Something was wrong; the note says what.
    Deviation,
}

#[derive(Serialize, ToSchema)]
#[schema(as = CheckpointState)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointState {
    /// Not yet due.
    Upcoming,
    /// From `remind_days_before` its date until it is overdue.
    Due,
    /// Still open `overdue_after_days` after its date.
    Overdue,
    Done,
    Deviation,
}

/// How many checkpoints are in each state.
#[derive(Serialize, ToSchema)]
#[schema(as = Totals)]
pub struct Totals {
    pub total: usize,
    pub upcoming: usize,
    pub due: usize,
    pub overdue: usize,
    pub done: usize,
    pub deviation: usize,
}
