use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::users;
use super::AnyConnection;
use super::DbResult;
use crate::domain::Role;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub role: Role,
    pub organization_id: Option<String>,
    pub municipality: Option<String>,
    pub supplier_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Emails are unique without regard to case, so they are stored lower-cased;
/// a taken one breaks the unique constraint (`DbError::Conflict`).
pub fn insert(conn: &mut AnyConnection, user: &User) -> DbResult<()> {
    diesel::insert_into(users::table)
        .values(user.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> DbResult<Option<User>> {
    // PostgreSQL refuses text holding NUL, which no stored address has: a
    // login typed with one is an unknown account, not a database failure.
    if email.contains('\0') {
        return Ok(None);
    }
    Ok(users::table
        .filter(users::email.eq(email.to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<User>> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn admin_exists(conn: &mut AnyConnection) -> DbResult<bool> {
    let n: i64 = users::table
        .filter(users::role.eq(Role::Admin.code()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn find_by_supplier(conn: &mut AnyConnection, supplier_id: &str) -> DbResult<Option<User>> {
    Ok(users::table
        .filter(users::supplier_id.eq(supplier_id))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// The addresses of the coordinators who lead a procurement.
pub fn coordinator_emails(
    conn: &mut AnyConnection,
    organization_id: Option<&str>,
    host_municipality: Option<&str>,
) -> DbResult<Vec<String>> {
    // No id is empty: "" matches nothing (a NUL would be refused by PostgreSQL).
    let by_office = users::organization_id.eq(organization_id.unwrap_or("").to_string());
    let by_host = users::municipality.eq(host_municipality.unwrap_or("").to_string());
    Ok(users::table
        .filter(users::role.eq(Role::Coordinator.code()))
        .filter(by_office.or(by_host))
        .select(users::email)
        .order(users::email.asc())
        .load(conn)?)
}
