//! A supplier marks interest in a lot of a published procurement.

use chrono::{DateTime, Utc};

use crate::db::interest::{self, Interest};
use crate::db::stamp;
use crate::db::{procurements, AnyConnection};
use crate::domain::contract::ProcurementStatus;
use crate::error::{AppError, AppResult};

/// Records the interest; 404 unless the procurement is published and the
/// lot is one of its active lots. Marking twice keeps the first mark.
pub fn mark(
    conn: &mut AnyConnection,
    supplier_id: &str,
    procurement_id: &str,
    lot_id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let published = procurements::find(conn, procurement_id)?
        .is_some_and(|p| p.status == ProcurementStatus::Published);
    if !published {
        return Err(AppError::not_found("the procurement"));
    }
    if !interest::is_active_lot(conn, procurement_id, lot_id)? {
        return Err(AppError::not_found("the lot"));
    }
    interest::mark(
        conn,
        &Interest {
            supplier_id: supplier_id.to_string(),
            procurement_id: procurement_id.to_string(),
            lot_id: lot_id.to_string(),
            created_at: stamp(now),
        },
    )?;
    Ok(())
}
