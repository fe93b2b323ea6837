//! A municipality records the council decision (the mandate) that lets it
//! join procurements.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::mandates::{self, Mandate};
use crate::db::stamp;
use crate::db::{new_id, AnyConnection};
use crate::domain::{CpvPrefix, Ore, ParticipantNumber};
use crate::error::AppResult;

/// A mandate whose terms the domain has checked.
pub struct NewMandate {
    pub municipality: ParticipantNumber,
    pub reference: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub cpv_scope: Vec<CpvPrefix>,
    pub max_value: Ore,
}

/// Stores the mandate and answers it as stored.
pub fn record(
    conn: &mut AnyConnection,
    mandate: NewMandate,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Mandate> {
    let row = Mandate {
        id: new_id(),
        municipality: mandate.municipality.to_string(),
        reference: mandate.reference,
        decided_by: mandate.decided_by,
        decided_on: mandate.decided_on,
        valid_from: mandate.valid_from,
        valid_until: mandate.valid_until,
        cpv_scope: mandate.cpv_scope.into_iter().map(String::from).collect(),
        max_value_ore: mandate.max_value.get(),
        created_by: actor.to_string(),
        created_at: stamp(now),
    };
    mandates::insert(conn, &row)?;
    Ok(row)
}
