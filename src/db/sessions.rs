//! The sessions of the pages under /app/ (`web::session`): a row per
//! logged-in browser, found by the hash of the id its cookie holds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{users, web_sessions};
use super::users::User;
use super::AnyConnection;
use super::DbResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct WebSession {
    /// SHA-256 of the cookie's id, hex: the id itself is never stored.
    pub id_hash: String,
    pub user_id: String,
    /// The token every form of this session carries (`web::csrf`).
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    /// The absolute end, however active the session is.
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, session: &WebSession) -> DbResult<()> {
    diesel::insert_into(web_sessions::table)
        .values(session.clone())
        .execute(conn)?;
    Ok(())
}

/// The session with this hash and its user.
pub fn find(conn: &mut AnyConnection, id_hash: &str) -> DbResult<Option<(WebSession, User)>> {
    Ok(web_sessions::table
        .inner_join(users::table)
        .filter(web_sessions::id_hash.eq(id_hash))
        // A disabled account's sessions count as none.
        .filter(users::disabled.eq(false))
        .select((WebSession::as_select(), User::as_select()))
        .first(conn)
        .optional()?)
}

pub fn touch(conn: &mut AnyConnection, id_hash: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(web_sessions::table.find(id_hash))
        .set(web_sessions::last_seen_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut AnyConnection, id_hash: &str) -> DbResult<usize> {
    Ok(diesel::delete(web_sessions::table.find(id_hash)).execute(conn)?)
}

pub fn delete_of_user(conn: &mut AnyConnection, user_id: &str) -> DbResult<usize> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Deletes the sessions that ended before `now`: past their absolute end, or
/// idle since before `idle_since`.
pub fn delete_ended(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> DbResult<usize> {
    Ok(diesel::delete(
        web_sessions::table.filter(
            web_sessions::expires_at
                .le(now)
                .or(web_sessions::last_seen_at.le(idle_since)),
        ),
    )
    .execute(conn)?)
}
