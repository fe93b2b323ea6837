use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::mandates;
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

/// Mandates whose last valid day falls in `from..=to`.
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
