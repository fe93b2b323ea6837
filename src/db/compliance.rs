//! A procurement's clause choices, climate weight and SDGs, the written
//! justifications, the award and the follow-up plan.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    compliance_justifications, compliance_settings, contract_awards, follow_up_checkpoints,
    procurements,
};
use super::types::{Cells, NullableCode};
use super::AnyConnection;
use super::DbResult;
use crate::domain::contract::ProcurementStatus;
use crate::domain::follow_up::CheckpointResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = compliance_settings, treat_none_as_null = true)]
pub struct Settings {
    pub procurement_id: String,
    /// The codes of the chosen clauses.
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub clauses: Vec<String>,
    pub climate_weight_percent: Option<i64>,
    /// The UN sustainable development goals, by number.
    #[diesel(deserialize_as = Cells<i64>, serialize_as = Cells<i64>)]
    pub sdgs: Vec<i64>,
    pub updated_at: NaiveDateTime,
}

impl Settings {
    /// What a procurement has before its coordinator chooses anything.
    pub fn empty(procurement_id: &str, at: NaiveDateTime) -> Settings {
        Settings {
            procurement_id: procurement_id.to_string(),
            clauses: Vec::new(),
            climate_weight_percent: None,
            sdgs: Vec::new(),
            updated_at: at,
        }
    }
}

pub fn settings(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Option<Settings>> {
    Ok(compliance_settings::table
        .find(procurement_id)
        .select(Settings::as_select())
        .first(conn)
        .optional()?)
}

/// Callers hold the procurement's lock, so nobody inserts in between.
pub fn save_settings(conn: &mut AnyConnection, row: &Settings) -> DbResult<()> {
    let updated = diesel::update(compliance_settings::table.find(&row.procurement_id))
        .set(row.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(compliance_settings::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = compliance_justifications)]
pub struct Justification {
    pub procurement_id: String,
    pub check_code: String,
    pub text: String,
    pub justified_by: String,
    pub justified_at: NaiveDateTime,
}

pub fn justifications(
    conn: &mut AnyConnection,
    procurement_id: &str,
) -> DbResult<Vec<Justification>> {
    Ok(compliance_justifications::table
        .filter(compliance_justifications::procurement_id.eq(procurement_id))
        .select(Justification::as_select())
        .order(compliance_justifications::check_code.asc())
        .load(conn)?)
}

/// A new justification of the same check replaces the old one here; the
/// audit trail keeps both.
pub fn save_justification(conn: &mut AnyConnection, row: &Justification) -> DbResult<()> {
    diesel::delete(compliance_justifications::table.find((&row.procurement_id, &row.check_code)))
        .execute(conn)?;
    diesel::insert_into(compliance_justifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contract_awards)]
pub struct Award {
    pub procurement_id: String,
    pub lot_id: String,
    pub supplier_id: String,
    pub awarded_at: NaiveDateTime,
}

pub fn insert_awards(conn: &mut AnyConnection, rows: &[Award]) -> DbResult<()> {
    for chunk in rows.chunks(500) {
        per_backend!(conn, |c| diesel::insert_into(contract_awards::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn awards(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Vec<Award>> {
    Ok(contract_awards::table
        .filter(contract_awards::procurement_id.eq(procurement_id))
        .select(Award::as_select())
        .order(contract_awards::lot_id.asc())
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = follow_up_checkpoints)]
pub struct Checkpoint {
    pub id: String,
    pub procurement_id: String,
    pub lot_id: String,
    pub supplier_id: String,
    pub clause_code: String,
    pub checkpoint_code: String,
    pub title: String,
    pub description: String,
    pub due_on: NaiveDate,
    #[diesel(deserialize_as = NullableCode<CheckpointResult>, serialize_as = NullableCode<CheckpointResult>)]
    pub result: Option<CheckpointResult>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_checkpoints(conn: &mut AnyConnection, rows: &[Checkpoint]) -> DbResult<()> {
    for chunk in rows.chunks(500) {
        per_backend!(conn, |c| diesel::insert_into(follow_up_checkpoints::table)
            .values(chunk.to_vec())
            .execute(c))?;
    }
    Ok(())
}

/// The plan of one procurement, by date.
pub fn checkpoints(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Vec<Checkpoint>> {
    Ok(follow_up_checkpoints::table
        .filter(follow_up_checkpoints::procurement_id.eq(procurement_id))
        .select(Checkpoint::as_select())
        .order((
            follow_up_checkpoints::due_on.asc(),
            follow_up_checkpoints::id.asc(),
        ))
        .load(conn)?)
}

pub fn find_checkpoint(
    conn: &mut AnyConnection,
    procurement_id: &str,
    checkpoint_id: &str,
) -> DbResult<Option<Checkpoint>> {
    Ok(follow_up_checkpoints::table
        .find(checkpoint_id)
        .filter(follow_up_checkpoints::procurement_id.eq(procurement_id))
        .select(Checkpoint::as_select())
        .first(conn)
        .optional()?)
}

pub fn record_result(
    conn: &mut AnyConnection,
    checkpoint_id: &str,
    result: CheckpointResult,
    note: Option<&str>,
    by: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(follow_up_checkpoints::table.find(checkpoint_id))
        .set((
            follow_up_checkpoints::result.eq(Some(result.code())),
            follow_up_checkpoints::note.eq(note),
            follow_up_checkpoints::recorded_by.eq(Some(by)),
            follow_up_checkpoints::recorded_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Open checkpoints of awarded procurements dated on or before `by`: those
/// the reminder job may have something to say about.
pub fn open_until(conn: &mut AnyConnection, by: NaiveDate) -> DbResult<Vec<Checkpoint>> {
    Ok(follow_up_checkpoints::table
        .inner_join(procurements::table)
        .filter(procurements::status.eq(ProcurementStatus::Awarded.code()))
        .filter(follow_up_checkpoints::result.is_null())
        .filter(follow_up_checkpoints::due_on.le(by))
        .select(Checkpoint::as_select())
        .order((
            follow_up_checkpoints::procurement_id.asc(),
            follow_up_checkpoints::due_on.asc(),
            follow_up_checkpoints::id.asc(),
        ))
        .load(conn)?)
}
