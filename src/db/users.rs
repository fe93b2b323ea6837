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

/// Whether the tokens of an account still hold: a token carries the
/// version the account had when it was issued. Left out of `User`, so that
/// a new login is inserted with the table's defaults (version 0, enabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct TokenStanding {
    pub token_version: i64,
    pub disabled: bool,
}

/// A login with its standing, as the operator lists them.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Account {
    #[diesel(embed)]
    pub user: User,
    #[diesel(embed)]
    pub standing: TokenStanding,
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

/// `find_by_email` with the account's standing.
pub fn find_account_by_email(conn: &mut AnyConnection, email: &str) -> DbResult<Option<Account>> {
    if email.contains('\0') {
        return Ok(None);
    }
    Ok(users::table
        .filter(users::email.eq(email.to_lowercase()))
        .select(Account::as_select())
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

/// The standing of the account `id`; none when it no longer exists.
pub fn standing(conn: &mut AnyConnection, id: &str) -> DbResult<Option<TokenStanding>> {
    Ok(users::table
        .find(id)
        .select(TokenStanding::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_account(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Account>> {
    Ok(users::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// A page of every login, by email.
pub fn list(conn: &mut AnyConnection, limit: i64, offset: i64) -> DbResult<Vec<Account>> {
    Ok(users::table
        .select(Account::as_select())
        .order(users::email.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

/// Takes the row locks of every admin (on PostgreSQL; SQLite's writer is
/// alone already), so that what is counted after it in the transaction is
/// current and concurrent changes of admins queue here.
pub fn lock_admins(conn: &mut AnyConnection) -> DbResult<()> {
    diesel::update(users::table.filter(users::role.eq(Role::Admin.code())))
        .set(users::token_version.eq(users::token_version))
        .execute(conn)?;
    Ok(())
}

/// Admins whose account is not disabled.
pub fn enabled_admins(conn: &mut AnyConnection) -> DbResult<i64> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.code()))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)?)
}

/// Stores a new password hash; every token issued before stops working.
pub fn set_password(conn: &mut AnyConnection, id: &str, password_hash: &str) -> DbResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::token_version.eq(users::token_version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Disables or enables the account; every token issued before stops working.
pub fn set_disabled(conn: &mut AnyConnection, id: &str, disabled: bool) -> DbResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::disabled.eq(disabled),
            users::token_version.eq(users::token_version + 1),
        ))
        .execute(conn)?;
    Ok(())
}
