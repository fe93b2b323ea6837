use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notices;
use super::AnyConnection;
use super::DbResult;

/// Claims the notice `(kind, key)`; false when it was sent before. Inside the
/// sending transaction, a failed send releases the claim with the rollback.
pub fn claim(conn: &mut AnyConnection, kind: &str, key: &str, at: NaiveDateTime) -> DbResult<bool> {
    let exists: i64 = notices::table
        .filter(notices::kind.eq(kind).and(notices::key.eq(key)))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    match diesel::insert_into(notices::table)
        .values((
            notices::kind.eq(kind),
            notices::key.eq(key),
            notices::sent_at.eq(at),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        // Another instance claimed it between our look and our insert.
        Err(e) if super::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
