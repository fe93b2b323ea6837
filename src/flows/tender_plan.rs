//! The coordinator says how the competition will run (the tender plan),
//! which the contract notice is built from.

use chrono::{DateTime, Utc};

use super::lifecycle::require_coordinator;
use super::locked;
use crate::db::tender_plans::{self, TenderPlanRow};
use crate::db::{compliance, events, AnyConnection};
use crate::domain::access::Who;
use crate::domain::codes;
use crate::domain::contract::ProcurementStatus;
use crate::domain::tender_plan::{
    check_tender_plan, TenderPlan, TenderPlanInput, TENDER_PLAN_ERRORS,
};
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};

/// What `set` refuses with, besides the plan's own checks.
pub const SET_ERRORS: &[ErrorCode] = codes![
    TENDER_PLAN_ERRORS,
    &[
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::InvalidState
    ]
];

/// Checks and stores the plan, and appends it to the audit chain. Allowed
/// until the procurement is awarded or cancelled: the plan is often settled
/// while the municipalities are still joining, and the notice follows the
/// publication.
pub fn set(
    conn: &mut AnyConnection,
    id: &str,
    input: &TenderPlanInput,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<TenderPlan> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    match aggregate.procurement.status {
        ProcurementStatus::Awarded | ProcurementStatus::Cancelled => {
            return Err(AppError::new(
                ErrorCode::InvalidState,
                format!(
                    "the procurement is {}; the tender plan can no longer change",
                    aggregate.procurement.status
                ),
            ))
        }
        _ => {}
    }
    let climate = compliance::settings(conn, id)?.and_then(|s| s.climate_weight_percent);
    let lots = aggregate.lots.iter().filter(|l| l.active).count();
    let plan = check_tender_plan(input, climate, lots, now)
        .map_err(|(field, e)| AppError::from(e).on_field(field))?;
    let at = crate::db::stamp(now);
    tender_plans::save(conn, &TenderPlanRow::of(id, &plan, at)?)?;
    let payload =
        serde_json::to_value(&plan).map_err(|e| AppError::internal(format!("tender plan: {e}")))?;
    events::append(conn, id, "tender_plan_set", actor, at, &payload)?;
    Ok(plan)
}
