use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::organizations;
use super::AnyConnection;
use super::DbResult;
use crate::domain::OrganizationKind;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: OrganizationKind,
    pub name: String,
    pub org_number: String,
    pub created_at: NaiveDateTime,
}

/// A second organisation with the same number breaks the unique constraint
/// (`DbError::Conflict`); `exists_with_number` lets a flow say so first.
pub fn insert(conn: &mut AnyConnection, org: &Organization) -> DbResult<()> {
    diesel::insert_into(organizations::table)
        .values(org.clone())
        .execute(conn)?;
    Ok(())
}

pub fn exists_with_number(conn: &mut AnyConnection, org_number: &str) -> DbResult<bool> {
    let n = organizations::table
        .filter(organizations::org_number.eq(org_number))
        .count()
        .get_result::<i64>(conn)?;
    Ok(n > 0)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Organization>> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut AnyConnection, limit: i64, offset: i64) -> DbResult<Vec<Organization>> {
    Ok(organizations::table
        .select(Organization::as_select())
        .order(organizations::name.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}
