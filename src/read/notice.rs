//! Everything a contract notice is built from, loaded in one read; the API
//! and the command line both build the notice through here.

use chrono::{DateTime, Utc};

use crate::db::procurements::Aggregate;
use crate::db::{municipalities, organizations, tender_plans, AnyConnection};
use crate::domain::thresholds::ThresholdTable;
use crate::eforms::{self, Notice, NoticeInput};
use crate::error::{AppError, AppResult};
use crate::flows::lifecycle::summary_of;

/// The notice of a loaded procurement (the caller has checked access).
pub fn contract_notice(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    now: DateTime<Utc>,
) -> AppResult<Notice> {
    let p = &aggregate.procurement;
    let office = match &p.organization_id {
        Some(org) => organizations::find(conn, org)?,
        None => None,
    };
    let numbers = eforms::buyer_numbers(aggregate);
    let buyers = municipalities::buyers(conn, &numbers)?;
    if buyers.len() != numbers.len() {
        return Err(AppError::internal(format!(
            "procurement {} names a buyer that is not a municipality",
            p.id
        )));
    }
    let plan = tender_plans::find(conn, &p.id)?;
    let summary = summary_of(aggregate, thresholds, now)?;
    eforms::contract_notice(&NoticeInput {
        aggregate,
        summary: &summary,
        buyers: &buyers,
        office: office.as_ref(),
        plan: plan.as_ref(),
        issued: now,
    })
}
