//! Accounts: procurement offices and the people who log in for them, for a
//! municipality or as operators. Suppliers register in `suppliers`.

use chrono::{DateTime, Utc};

use crate::auth::password;
use crate::db::organizations::{self, Organization};
use crate::db::stamp;
use crate::db::users::{self, Account, User};
use crate::db::{new_id, AnyConnection};
use crate::domain::ErrorCode;
use crate::domain::{EmailAddress, OrgNumber, OrganizationKind, ParticipantNumber, Role};
use crate::error::{AppError, AppResult, FieldExt};

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
    pub municipality: Option<ParticipantNumber>,
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

/// What `change_password` refuses with.
pub const CHANGE_PASSWORD_ERRORS: &[ErrorCode] = &[ErrorCode::TokenRevoked];

/// Stores the new hash of the account `user_id` and moves its token version
/// on, so that every token issued before stops working; the account as it
/// now stands, to issue the caller's next token from.
pub fn change_password(
    conn: &mut AnyConnection,
    user_id: &str,
    password_hash: &str,
) -> AppResult<Account> {
    users::set_password(conn, user_id, password_hash)?;
    // The pages' sessions end with the tokens.
    crate::db::sessions::delete_of_user(conn, user_id)?;
    let account = users::find_account(conn, user_id)?.ok_or_else(|| {
        AppError::new(
            ErrorCode::TokenRevoked,
            "the account of this token no longer exists",
        )
    })?;
    tracing::info!(user = %user_id, "password changed; earlier tokens revoked");
    Ok(account)
}

/// What `set_disabled` refuses with.
pub const SET_DISABLED_ERRORS: &[ErrorCode] = &[
    ErrorCode::NotFound,
    ErrorCode::CannotDisableSelf,
    ErrorCode::LastAdmin,
];

/// An admin (`actor_id`) disables or enables the account `user_id`. Either
/// change moves the token version on, so the account's earlier tokens stop
/// working; asking for the state it is already in changes nothing. 409
/// `cannot_disable_self`, and `last_admin` when no enabled admin would be left.
pub fn set_disabled(
    conn: &mut AnyConnection,
    actor_id: &str,
    user_id: &str,
    disabled: bool,
) -> AppResult<Account> {
    let account =
        users::find_account(conn, user_id)?.ok_or_else(|| AppError::not_found("the user"))?;
    if account.standing.disabled == disabled {
        return Ok(account);
    }
    if disabled {
        if user_id == actor_id {
            return Err(AppError::new(
                ErrorCode::CannotDisableSelf,
                "an admin cannot disable their own account",
            ));
        }
        if account.user.role == Role::Admin {
            // Two admins disabling each other at once: the second waits here
            // for the first, then counts what it left.
            users::lock_admins(conn)?;
            if users::enabled_admins(conn)? <= 1 {
                return Err(AppError::new(
                    ErrorCode::LastAdmin,
                    "this is the last enabled admin; enable or create another one first",
                ));
            }
        }
    }
    users::set_disabled(conn, user_id, disabled)?;
    if disabled {
        crate::db::sessions::delete_of_user(conn, user_id)?;
    }
    tracing::info!(user = %user_id, by = %actor_id, disabled, "account (dis)abled; earlier tokens revoked");
    users::find_account(conn, user_id)?.ok_or_else(|| AppError::not_found("the user"))
}

/// A new login as an operator asks for it, by the API or the pages: the
/// address, the password policy (`weak_password` with its reason in
/// Norwegian beside `password`), the role and the links the role needs; the
/// password hashed. What is refused names its field as the API does.
pub async fn admit(
    email: &str,
    password: String,
    role: &str,
    organization_id: Option<&str>,
    municipality: Option<&str>,
) -> AppResult<NewAccount> {
    let address = EmailAddress::parse(email).field("email")?;
    password::check_strength("password", &password, &[email])?;
    let role: Role = role.parse().field("role")?;
    let municipality = municipality
        .map(ParticipantNumber::parse)
        .transpose()
        .field("municipality")?;
    let organization_id = organization_id
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    crate::domain::role::check_links(role, organization_id.is_some(), municipality.is_some())
        .map_err(|(field, e)| match field {
            Some(field) => AppError::from(e).on_field(field),
            None => AppError::from(e),
        })?;
    let password_hash = password::hash_in_turn(password)
        .await
        .map_err(AppError::internal)?;
    Ok(NewAccount {
        email: address,
        password_hash,
        role,
        organization_id,
        municipality,
    })
}
