use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::suppliers;
use super::types::Cells;
use super::AnyConnection;
use super::DbResult;
use crate::domain::supplier::SupplierProfile;
use crate::domain::SizeClass;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = suppliers)]
pub struct Supplier {
    pub id: String,
    pub org_number: String,
    pub name: String,
    pub email: Option<String>,
    pub employees: i64,
    pub annual_turnover_ore: i64,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub size_class: SizeClass,
    pub home_municipality: String,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub service_area: Vec<String>,
    #[diesel(deserialize_as = Cells<String>, serialize_as = Cells<String>)]
    pub cpv: Vec<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub balance_sheet_total_ore: Option<i64>,
}

#[derive(AsChangeset)]
#[diesel(table_name = suppliers)]
struct ProfileChange {
    name: String,
    employees: i64,
    annual_turnover_ore: i64,
    #[diesel(serialize_as = String)]
    size_class: SizeClass,
    home_municipality: String,
    #[diesel(serialize_as = Cells<String>)]
    service_area: Vec<String>,
    #[diesel(serialize_as = Cells<String>)]
    cpv: Vec<String>,
    updated_at: NaiveDateTime,
    // None keeps what is stored: a register import without the column does
    // not wipe what the supplier gave.
    balance_sheet_total_ore: Option<i64>,
}

impl Supplier {
    pub fn new(
        id: String,
        email: Option<String>,
        profile: &SupplierProfile,
        class: SizeClass,
        now: NaiveDateTime,
    ) -> Self {
        Supplier {
            id,
            org_number: profile.org_number.to_string(),
            name: profile.name.clone(),
            email,
            employees: profile.employees,
            annual_turnover_ore: profile.annual_turnover.get(),
            size_class: class,
            home_municipality: profile.home_municipality.to_string(),
            service_area: profile.service_area.entries(),
            cpv: cpv_list(profile),
            created_at: now,
            updated_at: now,
            balance_sheet_total_ore: profile.balance_sheet_total.map(|b| b.get()),
        }
    }
}

fn cpv_list(profile: &SupplierProfile) -> Vec<String> {
    profile.cpv.iter().map(|c| c.as_str().to_string()).collect()
}

pub fn insert_many(conn: &mut AnyConnection, rows: &[Supplier]) -> DbResult<()> {
    // 12 columns a row keeps a chunk far below SQLite's bound-parameter limit.
    for chunk in rows.chunks(500) {
        per_backend!(conn, |c| diesel::insert_into(suppliers::table)
            .values(chunk.to_vec())
            .execute(c))?;
    }
    bump_register_version(conn)
}

/// Every write that changes what the analysis reads of a supplier bumps the
/// register's counter in the same transaction (`read::analysis` keeps the
/// parsed register per instance while the counter stands).
fn bump_register_version(conn: &mut AnyConnection) -> DbResult<()> {
    use crate::db::schema::register_version::dsl as rv;
    diesel::update(rv::register_version.find(1))
        .set(rv::version.eq(rv::version + 1))
        .execute(conn)?;
    Ok(())
}

/// The register's change counter (see `bump_register_version`).
pub fn register_version(conn: &mut AnyConnection) -> DbResult<i64> {
    use crate::db::schema::register_version::dsl as rv;
    Ok(rv::register_version
        .find(1)
        .select(rv::version)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

pub fn update_profile(
    conn: &mut AnyConnection,
    id: &str,
    profile: &SupplierProfile,
    class: SizeClass,
    now: NaiveDateTime,
) -> DbResult<()> {
    let change = ProfileChange {
        name: profile.name.clone(),
        employees: profile.employees,
        annual_turnover_ore: profile.annual_turnover.get(),
        size_class: class,
        home_municipality: profile.home_municipality.to_string(),
        service_area: profile.service_area.entries(),
        cpv: cpv_list(profile),
        updated_at: now,
        balance_sheet_total_ore: profile.balance_sheet_total.map(|b| b.get()),
    };
    diesel::update(suppliers::table.find(id))
        .set(change)
        .execute(conn)?;
    bump_register_version(conn)
}

pub fn set_email(conn: &mut AnyConnection, id: &str, email: &str) -> DbResult<()> {
    diesel::update(suppliers::table.find(id))
        .set(suppliers::email.eq(email))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<Supplier>> {
    Ok(suppliers::table
        .find(id)
        .select(Supplier::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_org_number(
    conn: &mut AnyConnection,
    org_number: &str,
) -> DbResult<Option<Supplier>> {
    Ok(suppliers::table
        .filter(suppliers::org_number.eq(org_number))
        .select(Supplier::as_select())
        .first(conn)
        .optional()?)
}

/// Organisation number → id of every registered supplier, for imports.
pub fn ids_by_org_number(conn: &mut AnyConnection) -> DbResult<HashMap<String, String>> {
    Ok(suppliers::table
        .select((suppliers::org_number, suppliers::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn list_all(conn: &mut AnyConnection) -> DbResult<Vec<Supplier>> {
    Ok(suppliers::table.select(Supplier::as_select()).load(conn)?)
}
