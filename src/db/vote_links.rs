use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::vote_links;
use super::AnyConnection;
use super::DbResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vote_links)]
pub struct VoteLink {
    pub jti: String,
    pub procurement_id: String,
    pub municipality: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    /// When a decision (by any door) or a newer link replaced it, unused.
    pub retired_at: Option<NaiveDateTime>,
}

impl VoteLink {
    /// Neither used nor retired.
    pub fn is_open(&self) -> bool {
        self.used_at.is_none() && self.retired_at.is_none()
    }
}

/// Records an issued link, so that it can be used once.
pub fn record(conn: &mut AnyConnection, link: &VoteLink) -> DbResult<()> {
    diesel::insert_into(vote_links::table)
        .values(link)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, jti: &str) -> DbResult<Option<VoteLink>> {
    Ok(vote_links::table
        .find(jti)
        .select(VoteLink::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the link used; false when it was used or retired already (or
/// never issued). One guarded UPDATE, so two submissions racing with one
/// link cannot both win.
pub fn use_once(conn: &mut AnyConnection, jti: &str, at: NaiveDateTime) -> DbResult<bool> {
    let n = diesel::update(
        vote_links::table.filter(
            vote_links::jti
                .eq(jti)
                .and(vote_links::used_at.is_null())
                .and(vote_links::retired_at.is_null()),
        ),
    )
    .set(vote_links::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Retires every open link of `municipality` for the procurement; how many.
pub fn retire_open(
    conn: &mut AnyConnection,
    procurement_id: &str,
    municipality: &str,
    at: NaiveDateTime,
) -> DbResult<usize> {
    Ok(diesel::update(
        vote_links::table.filter(
            vote_links::procurement_id
                .eq(procurement_id)
                .and(vote_links::municipality.eq(municipality))
                .and(vote_links::used_at.is_null())
                .and(vote_links::retired_at.is_null()),
        ),
    )
    .set(vote_links::retired_at.eq(Some(at)))
    .execute(conn)?)
}
