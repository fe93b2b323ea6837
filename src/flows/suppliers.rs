//! Suppliers: the login a confirmed registration becomes (`registration`
//! decides when), correcting the profile, and the register loaded from CSV.

use chrono::{DateTime, Utc};

use super::accounts::insert_user;
use crate::db::stamp;
use crate::db::suppliers::{self, Supplier};
use crate::db::users::{self, User};
use crate::db::{new_id, AnyConnection};
use crate::domain::supplier::{RawProfile, SupplierProfile};
use crate::domain::{EmailAddress, ErrorCode, EurNokRate, Role};
use crate::error::{AppError, AppResult};
use crate::import::{self, ImportReport, ParsedRegister};

/// Checks a profile, naming the request field a refusal is about.
pub fn profile_of(raw: &RawProfile<'_>) -> AppResult<SupplierProfile> {
    SupplierProfile::parse(raw).map_err(|(field, e)| AppError::from(e).on_field(field))
}

pub struct Registration {
    pub profile: SupplierProfile,
    pub email: EmailAddress,
    pub password_hash: String,
}

/// Makes a registration the supplier's profile and login, once
/// `flows::registration` has it confirmed (never straight from a request:
/// that would let anyone take over a supplier of the register). One already
/// in the register (imported, without a login) is completed, not duplicated;
/// one with a login is a 409 `supplier_exists`. Answers the supplier as stored.
pub fn register(
    conn: &mut AnyConnection,
    registration: Registration,
    rate: EurNokRate,
    now: DateTime<Utc>,
) -> AppResult<Supplier> {
    let Registration {
        profile,
        email,
        password_hash,
    } = registration;
    let at = stamp(now);
    let class = profile.size_class(rate);
    let id = match suppliers::find_by_org_number(conn, profile.org_number.as_str())? {
        Some(existing) if users::find_by_supplier(conn, &existing.id)?.is_some() => {
            return Err(AppError::new(
                ErrorCode::SupplierExists,
                format!("{} is already registered with a login", profile.org_number),
            )
            .on_field("org_number"))
        }
        Some(existing) => {
            suppliers::update_profile(conn, &existing.id, &profile, class, at)?;
            suppliers::set_email(conn, &existing.id, email.as_str())?;
            existing.id
        }
        None => {
            let row = Supplier::new(new_id(), Some(email.to_string()), &profile, class, at);
            suppliers::insert_many(conn, std::slice::from_ref(&row))?;
            row.id
        }
    };
    insert_user(
        conn,
        &User {
            id: new_id(),
            email: email.into_string(),
            password_hash,
            role: Role::Supplier,
            organization_id: None,
            municipality: None,
            supplier_id: Some(id.clone()),
            created_at: at,
        },
    )?;
    suppliers::find(conn, &id)?
        .ok_or_else(|| AppError::internal("the supplier vanished in its own transaction"))
}

/// The fields a supplier may change; `None` keeps what is stored.
#[derive(Default)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub employees: Option<i64>,
    pub annual_turnover_ore: Option<i64>,
    pub balance_sheet_total_ore: Option<i64>,
    pub home_municipality: Option<String>,
    pub service_area: Option<Vec<String>>,
    pub cpv: Option<Vec<String>>,
}

/// Applies the change to the stored profile; the size class follows.
/// Answers the supplier as stored.
pub fn update_profile(
    conn: &mut AnyConnection,
    supplier_id: &str,
    change: ProfileChange,
    rate: EurNokRate,
    now: DateTime<Utc>,
) -> AppResult<Supplier> {
    let current =
        suppliers::find(conn, supplier_id)?.ok_or_else(|| AppError::not_found("the supplier"))?;
    let (area, cpv) = (&current.service_area, &current.cpv);
    let profile = profile_of(&RawProfile {
        org_number: &current.org_number,
        name: change.name.as_deref().unwrap_or(&current.name),
        employees: change.employees.unwrap_or(current.employees),
        annual_turnover_ore: change
            .annual_turnover_ore
            .unwrap_or(current.annual_turnover_ore),
        balance_sheet_total_ore: change
            .balance_sheet_total_ore
            .or(current.balance_sheet_total_ore),
        home_municipality: change
            .home_municipality
            .as_deref()
            .unwrap_or(&current.home_municipality),
        service_area: change
            .service_area
            .as_ref()
            .unwrap_or(area)
            .iter()
            .map(String::as_str)
            .collect(),
        cpv: change
            .cpv
            .as_ref()
            .unwrap_or(cpv)
            .iter()
            .map(String::as_str)
            .collect(),
    })?;
    suppliers::update_profile(
        conn,
        supplier_id,
        &profile,
        profile.size_class(rate),
        stamp(now),
    )?;
    suppliers::find(conn, supplier_id)?.ok_or_else(|| AppError::not_found("the supplier"))
}

/// Loads a parsed register: new organisation numbers are added, known ones
/// updated; the report counts both and lists the rejected lines.
pub fn import(
    conn: &mut AnyConnection,
    parsed: ParsedRegister,
    rate: EurNokRate,
    now: DateTime<Utc>,
) -> AppResult<ImportReport> {
    import_with_progress(conn, parsed, rate, now, |_, _| {})
}

/// `import`, calling `progress(rows written, rows to write)` as it goes.
pub fn import_with_progress(
    conn: &mut AnyConnection,
    parsed: ParsedRegister,
    rate: EurNokRate,
    now: DateTime<Utc>,
    progress: impl FnMut(usize, usize),
) -> AppResult<ImportReport> {
    import::store_with_progress(conn, parsed, rate, stamp(now), progress)
}
