//! Suppliers' registrations waiting for their confirmation link, or for the
//! operator. Looked up by the hash of the link's secret, never the secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::registrations;
use super::types::Cells;
use super::AnyConnection;
use super::DbResult;
use crate::domain::registration::Confirmer;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: String,
    pub token_hash: String,
    pub org_number: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub employees: i64,
    pub annual_turnover_ore: i64,
    pub balance_sheet_total_ore: Option<i64>,
    pub home_municipality: String,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub service_area: Vec<String>,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub cpv: Vec<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub confirmer: Confirmer,
    pub sent_to: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub supplier_id: Option<String>,
}

impl Registration {
    /// Still to be confirmed by its link at `now`, or waiting for the operator.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.closed_at.is_none() && (self.confirmed_at.is_some() || now < self.expires_at)
    }

    pub fn awaits_operator(&self) -> bool {
        self.confirmer == Confirmer::Operator
            && self.confirmed_at.is_some()
            && self.closed_at.is_none()
    }
}

pub fn insert(conn: &mut AnyConnection, row: &Registration) -> DbResult<()> {
    diesel::insert_into(registrations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Registration>> {
    Ok(registrations::table
        .find(id)
        .select(Registration::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_token_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> DbResult<Option<Registration>> {
    Ok(registrations::table
        .filter(registrations::token_hash.eq(token_hash))
        .select(Registration::as_select())
        .first(conn)
        .optional()?)
}

/// The newest registration for the address that is still open at `now`.
pub fn open_for_email(
    conn: &mut AnyConnection,
    email: &str,
    now: NaiveDateTime,
) -> DbResult<Option<Registration>> {
    if email.contains('\0') {
        return Ok(None);
    }
    let rows: Vec<Registration> = registrations::table
        .filter(registrations::email.eq(email.to_lowercase()))
        .filter(registrations::closed_at.is_null())
        .order(registrations::created_at.desc())
        .select(Registration::as_select())
        .load(conn)?;
    Ok(rows.into_iter().find(|r| r.is_open(now)))
}

/// Marks the link used; false when it was used already or has expired.
/// One guarded UPDATE, so that two clicks racing cannot both confirm.
pub fn use_link(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> DbResult<bool> {
    let n = diesel::update(
        registrations::table
            .find(id)
            .filter(registrations::confirmed_at.is_null())
            .filter(registrations::closed_at.is_null())
            .filter(registrations::expires_at.gt(at)),
    )
    .set(registrations::confirmed_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn approve(conn: &mut AnyConnection, id: &str, by: &str, at: NaiveDateTime) -> DbResult<bool> {
    let n = diesel::update(
        registrations::table
            .find(id)
            .filter(registrations::approved_at.is_null())
            .filter(registrations::closed_at.is_null()),
    )
    .set((
        registrations::approved_at.eq(Some(at)),
        registrations::approved_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Closes the registration: completed as the supplier `supplier_id`, or
/// (None) overtaken by a login made meanwhile.
pub fn close(
    conn: &mut AnyConnection,
    id: &str,
    supplier_id: Option<&str>,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(registrations::table.find(id))
        .set((
            registrations::closed_at.eq(Some(at)),
            registrations::supplier_id.eq(supplier_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Confirmed by the registrant, waiting for the operator: oldest first.
pub fn awaiting_operator(conn: &mut AnyConnection) -> DbResult<Vec<Registration>> {
    Ok(registrations::table
        .filter(registrations::confirmer.eq(Confirmer::Operator.code()))
        .filter(registrations::confirmed_at.is_not_null())
        .filter(registrations::closed_at.is_null())
        .order(registrations::created_at.asc())
        .select(Registration::as_select())
        .load(conn)?)
}

/// Forgets registrations whose link expired unused: their password hashes
/// have no business staying.
pub fn delete_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> DbResult<usize> {
    Ok(diesel::delete(
        registrations::table
            .filter(registrations::confirmed_at.is_null())
            .filter(registrations::closed_at.is_null())
            .filter(registrations::expires_at.le(now)),
    )
    .execute(conn)?)
}
