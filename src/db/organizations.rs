use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::organizations;
use super::AnyConnection;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub org_number: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, org: &Organization) -> AppResult<()> {
    let exists = organizations::table
        .filter(organizations::org_number.eq(&org.org_number))
        .count()
        .get_result::<i64>(conn)?;
    if exists > 0 {
        return Err(AppError::conflict(
            "organization_exists",
            format!(
                "an organisation with number {} is already registered",
                org.org_number
            ),
        ));
    }
    diesel::insert_into(organizations::table)
        .values(org)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> AppResult<Option<Organization>> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut AnyConnection, limit: i64, offset: i64) -> AppResult<Vec<Organization>> {
    Ok(organizations::table
        .select(Organization::as_select())
        .order(organizations::name.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}
