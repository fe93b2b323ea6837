//! The market dialogue: suppliers' subscriptions to alerts, a procurement's
//! consultation on its draft lot division, and the answers per lot.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{consultation_answers, consultations, supplier_subscriptions, users};
use super::types::Cells;
use super::AnyConnection;
use super::DbResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = supplier_subscriptions)]
pub struct Subscription {
    pub supplier_id: String,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub cpv_prefixes: Vec<String>,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub areas: Vec<String>,
    pub unsubscribe_token: String,
    pub updated_at: NaiveDateTime,
    pub unsubscribed_at: Option<NaiveDateTime>,
}

pub fn subscription(conn: &mut AnyConnection, supplier_id: &str) -> DbResult<Option<Subscription>> {
    Ok(supplier_subscriptions::table
        .find(supplier_id)
        .select(Subscription::as_select())
        .first(conn)
        .optional()?)
}

/// Replaces the supplier's subscription; the token of the links already
/// sent keeps working (it is the stored one's, when there is one).
pub fn save_subscription(conn: &mut AnyConnection, s: &Subscription) -> DbResult<()> {
    diesel::delete(supplier_subscriptions::table.find(&s.supplier_id)).execute(conn)?;
    diesel::insert_into(supplier_subscriptions::table)
        .values(s.clone())
        .execute(conn)?;
    Ok(())
}

/// Stops the alerts of the subscription with this token; false when no
/// subscription has it. Stopping twice keeps the first time.
pub fn unsubscribe(conn: &mut AnyConnection, token: &str, at: NaiveDateTime) -> DbResult<bool> {
    let found: i64 = supplier_subscriptions::table
        .filter(supplier_subscriptions::unsubscribe_token.eq(token))
        .count()
        .get_result(conn)?;
    diesel::update(
        supplier_subscriptions::table
            .filter(supplier_subscriptions::unsubscribe_token.eq(token))
            .filter(supplier_subscriptions::unsubscribed_at.is_null()),
    )
    .set(supplier_subscriptions::unsubscribed_at.eq(Some(at)))
    .execute(conn)?;
    Ok(found > 0)
}

/// Every subscription that still sends, with the address of its
/// supplier's login (the first, by creation), for the alerts.
pub fn active_with_address(conn: &mut AnyConnection) -> DbResult<Vec<(Subscription, String)>> {
    let subs: Vec<Subscription> = supplier_subscriptions::table
        .filter(supplier_subscriptions::unsubscribed_at.is_null())
        .select(Subscription::as_select())
        .order(supplier_subscriptions::supplier_id)
        .load(conn)?;
    let logins: Vec<(Option<String>, String)> = users::table
        .filter(users::supplier_id.is_not_null())
        .filter(users::disabled.eq(false))
        .order((users::created_at, users::id))
        .select((users::supplier_id, users::email))
        .load(conn)?;
    let mut address: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (supplier, email) in logins {
        if let Some(s) = supplier {
            address.entry(s).or_insert(email);
        }
    }
    Ok(subs
        .into_iter()
        .filter_map(|s| address.get(&s.supplier_id).cloned().map(|a| (s, a)))
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub procurement_id: String,
    pub message: String,
    pub deadline: NaiveDateTime,
    pub opened_by: String,
    pub opened_at: NaiveDateTime,
    pub summary: Option<String>,
    pub summary_published_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Option<Consultation>> {
    Ok(consultations::table
        .find(procurement_id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut AnyConnection, c: &Consultation) -> DbResult<()> {
    diesel::insert_into(consultations::table)
        .values(c)
        .execute(conn)?;
    Ok(())
}

pub fn set_summary(
    conn: &mut AnyConnection,
    procurement_id: &str,
    summary: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(consultations::table.find(procurement_id))
        .set((
            consultations::summary.eq(Some(summary)),
            consultations::summary_published_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consultation_answers)]
pub struct AnswerRow {
    pub supplier_id: String,
    pub lot_id: String,
    pub procurement_id: String,
    pub answer: String,
    pub reason: Option<String>,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub proposed_area: Vec<String>,
    pub comment: String,
    pub answered_at: NaiveDateTime,
}

/// Stores the supplier's answer on the lot, replacing its earlier one.
pub fn save_answer(conn: &mut AnyConnection, a: &AnswerRow) -> DbResult<()> {
    diesel::delete(
        consultation_answers::table
            .filter(consultation_answers::supplier_id.eq(&a.supplier_id))
            .filter(consultation_answers::lot_id.eq(&a.lot_id)),
    )
    .execute(conn)?;
    diesel::insert_into(consultation_answers::table)
        .values(a.clone())
        .execute(conn)?;
    Ok(())
}

pub fn answers(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Vec<AnswerRow>> {
    Ok(consultation_answers::table
        .filter(consultation_answers::procurement_id.eq(procurement_id))
        .order((
            consultation_answers::lot_id,
            consultation_answers::answered_at,
            consultation_answers::supplier_id,
        ))
        .select(AnswerRow::as_select())
        .load(conn)?)
}

pub fn answers_of(
    conn: &mut AnyConnection,
    procurement_id: &str,
    supplier_id: &str,
) -> DbResult<Vec<AnswerRow>> {
    Ok(consultation_answers::table
        .filter(consultation_answers::procurement_id.eq(procurement_id))
        .filter(consultation_answers::supplier_id.eq(supplier_id))
        .order(consultation_answers::lot_id)
        .select(AnswerRow::as_select())
        .load(conn)?)
}

/// The answers on a procurement with their supplier's size class and home,
/// which the report splits them by.
pub fn answers_with_suppliers(
    conn: &mut AnyConnection,
    procurement_id: &str,
) -> DbResult<Vec<(AnswerRow, crate::domain::SizeClass, String)>> {
    use super::schema::suppliers;
    let rows: Vec<(AnswerRow, String, String)> = consultation_answers::table
        .inner_join(suppliers::table)
        .filter(consultation_answers::procurement_id.eq(procurement_id))
        .order((
            consultation_answers::lot_id,
            consultation_answers::supplier_id,
        ))
        .select((
            AnswerRow::as_select(),
            suppliers::size_class,
            suppliers::home_municipality,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(a, class, home)| {
            let class = class
                .parse()
                .map_err(|e: crate::domain::Invalid| super::DbError::corrupt(e.message))?;
            Ok((a, class, home))
        })
        .collect()
}
