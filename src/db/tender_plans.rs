//! A procurement's tender plan: how the competition will run.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::tender_plans;
use super::{AnyConnection, DbError, DbResult};
use crate::domain::tender_plan::{AwardCriterion, Procedure, TenderPlan};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = tender_plans, treat_none_as_null = true)]
pub struct TenderPlanRow {
    pub procurement_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub procedure_code: Procedure,
    pub tender_deadline: NaiveDateTime,
    pub documents_url: String,
    /// The criteria as JSON: a list of small records, read and written whole.
    pub award_criteria: String,
    pub max_lots_per_tenderer: Option<i64>,
    pub updated_at: NaiveDateTime,
}

impl TenderPlanRow {
    pub fn of(procurement_id: &str, plan: &TenderPlan, at: NaiveDateTime) -> DbResult<Self> {
        Ok(TenderPlanRow {
            procurement_id: procurement_id.to_string(),
            procedure_code: plan.procedure,
            tender_deadline: plan.tender_deadline.naive_utc(),
            documents_url: plan.documents_url.clone(),
            award_criteria: serde_json::to_string(&plan.award_criteria)
                .map_err(|e| DbError::Other(format!("award criteria: {e}")))?,
            max_lots_per_tenderer: plan.max_lots_per_tenderer,
            updated_at: at,
        })
    }

    pub fn plan(&self) -> DbResult<TenderPlan> {
        let award_criteria: Vec<AwardCriterion> = serde_json::from_str(&self.award_criteria)
            .map_err(|e| {
                DbError::Other(format!(
                    "tender plan of {}: unreadable award criteria: {e}",
                    self.procurement_id
                ))
            })?;
        Ok(TenderPlan {
            procedure: self.procedure_code,
            tender_deadline: self.tender_deadline.and_utc(),
            documents_url: self.documents_url.clone(),
            award_criteria,
            max_lots_per_tenderer: self.max_lots_per_tenderer,
        })
    }
}

pub fn find(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Option<TenderPlan>> {
    let row: Option<TenderPlanRow> = tender_plans::table
        .find(procurement_id)
        .select(TenderPlanRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| r.plan()).transpose()
}

/// Callers hold the procurement's lock, so nobody inserts in between.
pub fn save(conn: &mut AnyConnection, row: &TenderPlanRow) -> DbResult<()> {
    let updated = diesel::update(tender_plans::table.find(&row.procurement_id))
        .set(row.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(tender_plans::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}
