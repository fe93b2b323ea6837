use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{mandates, participations};
use super::types::Cells;
use super::AnyConnection;
use super::{DbError, DbResult};
use crate::domain::mandate::MandateTerms;
use crate::domain::{CpvPrefix, Ore};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mandates)]
pub struct Mandate {
    pub id: String,
    pub municipality: String,
    pub reference: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// CPV prefixes: the mandate covers the codes that start with one.
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub cpv_scope: Vec<String>,
    pub max_value_ore: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// When it was revoked: it stays on record, covering no new decision.
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<String>,
}

impl Mandate {
    /// The terms the domain checks a join against.
    pub fn terms(&self) -> DbResult<MandateTerms> {
        let cpv_scope = self
            .cpv_scope
            .iter()
            .map(|p| CpvPrefix::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(DbError::corrupt)?;
        Ok(MandateTerms {
            id: self.id.clone(),
            reference: self.reference.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            cpv_scope,
            max_value: Ore::new(self.max_value_ore),
            revoked: self.revoked_at.is_some(),
        })
    }
}

pub fn insert(conn: &mut AnyConnection, mandate: &Mandate) -> DbResult<()> {
    diesel::insert_into(mandates::table)
        .values(mandate.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Mandate>> {
    Ok(mandates::table
        .find(id)
        .select(Mandate::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_for(conn: &mut AnyConnection, municipality: &str) -> DbResult<Vec<Mandate>> {
    Ok(mandates::table
        .filter(mandates::municipality.eq(municipality))
        .select(Mandate::as_select())
        .order((mandates::decided_on.desc(), mandates::id.desc()))
        .load(conn)?)
}

/// Marks the mandate revoked unless it is already; whether this call did.
pub fn revoke(
    conn: &mut AnyConnection,
    id: &str,
    actor: &str,
    at: NaiveDateTime,
) -> DbResult<bool> {
    let n = diesel::update(
        mandates::table
            .find(id)
            .filter(mandates::revoked_at.is_null()),
    )
    .set((
        mandates::revoked_at.eq(Some(at)),
        mandates::revoked_by.eq(Some(actor)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The procurements with a decision on record under the mandate.
pub fn procurements_decided_under(conn: &mut AnyConnection, id: &str) -> DbResult<Vec<String>> {
    Ok(participations::table
        .filter(participations::mandate_id.eq(id))
        .select(participations::procurement_id)
        .order(participations::procurement_id.asc())
        .load(conn)?)
}

/// Mandates, not revoked, whose last valid day falls in `from..=to`.
pub fn expiring(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<Vec<Mandate>> {
    Ok(mandates::table
        .filter(
            mandates::valid_until
                .ge(from)
                .and(mandates::valid_until.le(to)),
        )
        .filter(mandates::revoked_at.is_null())
        .select(Mandate::as_select())
        .order(mandates::valid_until.asc())
        .load(conn)?)
}

/// Mandate id → council decision reference, for the given ids, in one query.
pub fn references(
    conn: &mut AnyConnection,
    ids: &[String],
) -> DbResult<std::collections::HashMap<String, String>> {
    let mut found = std::collections::HashMap::new();
    // Bounded chunks keep the IN list under every backend's parameter limit.
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = mandates::table
            .filter(mandates::id.eq_any(chunk))
            .select((mandates::id, mandates::reference))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}
