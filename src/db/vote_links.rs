use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::vote_links;
use super::AnyConnection;
use crate::auth::vote_token::VoteClaims;
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vote_links)]
pub struct VoteLink {
    pub jti: String,
    pub procurement_id: String,
    pub municipality: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn record(conn: &mut AnyConnection, claims: &VoteClaims, at: NaiveDateTime) -> AppResult<()> {
    let link = VoteLink {
        jti: claims.jti.clone(),
        procurement_id: claims.proc.clone(),
        municipality: claims.sub.clone(),
        issued_at: at,
        expires_at: chrono::DateTime::from_timestamp(claims.exp, 0)
            .map(|t| t.naive_utc())
            .unwrap_or(at),
        used_at: None,
    };
    diesel::insert_into(vote_links::table)
        .values(&link)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, jti: &str) -> AppResult<Option<VoteLink>> {
    Ok(vote_links::table
        .find(jti)
        .select(VoteLink::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the link used; false when it was used already (or never issued).
/// One guarded UPDATE, so two submissions racing with one link cannot both win.
pub fn use_once(conn: &mut AnyConnection, jti: &str, at: NaiveDateTime) -> AppResult<bool> {
    let n = diesel::update(
        vote_links::table.filter(vote_links::jti.eq(jti).and(vote_links::used_at.is_null())),
    )
    .set(vote_links::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}
