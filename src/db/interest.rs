//! Suppliers' interest in lots: counted in the SME analysis, so that a
//! coordinator sees whether the market answers the lot division.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::lots;
use super::schema::supplier_interest;
use super::AnyConnection;
use super::DbResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = supplier_interest)]
pub struct Interest {
    pub supplier_id: String,
    pub procurement_id: String,
    pub lot_id: String,
    pub created_at: NaiveDateTime,
}

/// Records the interest; a second mark of the same lot keeps the first,
/// with its time, so that marking is safe to repeat.
pub fn mark(conn: &mut AnyConnection, interest: &Interest) -> DbResult<()> {
    per_backend!(conn, |c| diesel::insert_into(supplier_interest::table)
        .values(interest)
        .on_conflict((supplier_interest::supplier_id, supplier_interest::lot_id))
        .do_nothing()
        .execute(c))?;
    Ok(())
}

/// Lot id → how many suppliers marked interest, for one procurement.
pub fn counts(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<HashMap<String, usize>> {
    let rows: Vec<(String, i64)> = supplier_interest::table
        .filter(supplier_interest::procurement_id.eq(procurement_id))
        .group_by(supplier_interest::lot_id)
        .select((supplier_interest::lot_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(lot, n)| (lot, usize::try_from(n).unwrap_or(0)))
        .collect())
}

/// Whether `lot_id` is a lot of the procurement that has not been split.
pub fn is_active_lot(
    conn: &mut AnyConnection,
    procurement_id: &str,
    lot_id: &str,
) -> DbResult<bool> {
    let n: i64 = lots::table
        .filter(lots::id.eq(lot_id))
        .filter(lots::procurement_id.eq(procurement_id))
        .filter(lots::active.eq(true))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
