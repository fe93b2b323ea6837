//! Accounts: procurement offices and the people who log in for them, for a
//! municipality or as operators. Suppliers register in `suppliers`.

use chrono::{DateTime, Utc};

use crate::db::organizations::{self, Organization};
use crate::db::stamp;
use crate::db::users::{self, User};
use crate::db::{new_id, AnyConnection};
use crate::domain::ErrorCode;
use crate::domain::{EmailAddress, Kommunenummer, OrgNumber, OrganizationKind, Role};
use crate::error::{AppError, AppResult};

/// Registers an organisation of `kind`; 409 `organization_exists` for a number
/// already registered.
pub fn create_organization(
    conn: &mut AnyConnection,
    kind: OrganizationKind,
    name: &str,
    org_number: &OrgNumber,
    now: DateTime<Utc>,
) -> AppResult<Organization> {
    if organizations::exists_with_number(conn, org_number.as_str())? {
        return Err(AppError::new(
            ErrorCode::OrganizationExists,
            format!("an organisation with number {org_number} is already registered"),
        ));
    }
    let org = Organization {
        id: new_id(),
        kind,
        name: name.to_string(),
        org_number: org_number.to_string(),
        created_at: stamp(now),
    };
    organizations::insert(conn, &org)?;
    Ok(org)
}

/// A login for an admin, a coordinator or a municipality user, checked for
/// the role's links before it gets here.
pub struct NewAccount {
    pub email: EmailAddress,
    pub password_hash: String,
    pub role: Role,
    pub organization_id: Option<String>,
    pub municipality: Option<Kommunenummer>,
}

/// Creates the account; 422 `organization_not_found` for an office that does
/// not exist, 409 `email_taken` for an address that has an account.
pub fn create_user(
    conn: &mut AnyConnection,
    account: NewAccount,
    now: DateTime<Utc>,
) -> AppResult<User> {
    if let Some(org_id) = &account.organization_id {
        let office = organizations::find(conn, org_id)?
            .filter(|o| o.kind == OrganizationKind::ProcurementOffice);
        if office.is_none() {
            return Err(AppError::new(
                ErrorCode::OrganizationNotFound,
                format!("no procurement office has the id {org_id}"),
            )
            .on_field("organization_id"));
        }
    }
    let user = User {
        id: new_id(),
        email: account.email.into_string(),
        password_hash: account.password_hash,
        role: account.role,
        organization_id: account.organization_id,
        municipality: account.municipality.map(String::from),
        supplier_id: None,
        created_at: stamp(now),
    };
    insert_user(conn, &user)?;
    Ok(user)
}

/// Stores a login; 409 `email_taken` when the address has one already.
pub fn insert_user(conn: &mut AnyConnection, user: &User) -> AppResult<()> {
    if users::find_by_email(conn, &user.email)?.is_some() {
        return Err(AppError::new(
            ErrorCode::EmailTaken,
            format!("{} already has an account", user.email),
        )
        .on_field("email"));
    }
    users::insert(conn, user)?;
    Ok(())
}
