//! A municipality's own settings.

use crate::db::municipalities::{self, Municipality};
use crate::db::AnyConnection;
use crate::domain::{EmailAddress, OrgNumber, ParticipantNumber};
use crate::error::{AppError, AppResult};

/// Sets (or, with `None`, removes) where invitations are sent; answers the
/// municipality as stored.
pub fn set_contact_email(
    conn: &mut AnyConnection,
    number: &ParticipantNumber,
    email: Option<&EmailAddress>,
) -> AppResult<Municipality> {
    municipalities::set_contact_email(conn, number.as_str(), email.map(EmailAddress::as_str))?;
    municipalities::find(conn, number.as_str())?
        .ok_or_else(|| AppError::not_found("the municipality"))
}

/// Sets (or, with `None`, removes) the organisation number a notice names
/// the municipality by; answers the municipality as stored.
pub fn set_org_number(
    conn: &mut AnyConnection,
    number: &ParticipantNumber,
    org_number: Option<&OrgNumber>,
) -> AppResult<Municipality> {
    municipalities::set_org_number(conn, number.as_str(), org_number.map(OrgNumber::as_str))?;
    municipalities::find(conn, number.as_str())?
        .ok_or_else(|| AppError::not_found("the municipality"))
}

/// Sets (with `Some(None)`, removes) the postal code and telephone a notice
/// gives for the municipality; `None` keeps what is stored.
pub fn set_contact_details(
    conn: &mut AnyConnection,
    number: &ParticipantNumber,
    postal_code: Option<Option<String>>,
    phone: Option<Option<String>>,
) -> AppResult<Municipality> {
    if let Some(v) = postal_code {
        municipalities::set_postal_code(conn, number.as_str(), v.as_deref())?;
    }
    if let Some(v) = phone {
        municipalities::set_phone(conn, number.as_str(), v.as_deref())?;
    }
    municipalities::find(conn, number.as_str())?
        .ok_or_else(|| AppError::not_found("the municipality"))
}
