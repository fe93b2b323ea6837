//! A supplier registers. Nothing of a registration reaches the register or
//! the logins until it is confirmed by the link emailed for it: to the
//! registrant's own address for a new organisation number, to the address
//! the register holds for a known one (or, where it holds none, to the
//! registrant and then the operator, who approves). So an imported supplier
//! cannot be taken over by whoever registers its number first, and no
//! login has an address nobody confirmed.
//!
//! Whether an address or a number already has a login is never answered:
//! the registrant is told the same in every case, and the holder of that
//! login gets an email instead.

use chrono::{DateTime, Duration, Utc};

use super::send;
use super::suppliers::{profile_of, Registration};
use crate::auth::link_secret::{self, LinkSecret};
use crate::config::Config;
use crate::db::registrations::{self, Registration as Row};
use crate::db::suppliers::{self, Supplier};
use crate::db::users::{self, User};
use crate::db::{new_id, outbox, stamp, AnyConnection};
use crate::domain::calendar::oslo_display;
use crate::domain::registration::{confirmer, Confirmer};
use crate::domain::supplier::RawProfile;
use crate::domain::{EmailAddress, EurNokRate, OrgNumber};
use crate::error::{AppError, AppResult};
use crate::letters::accounts::{self as letters, Attempt, ConfirmAddress, ConfirmOwnership};

/// Where confirmation links point, and how long they work.
#[derive(Clone)]
pub struct ConfirmLinks {
    pub public_url: String,
    pub ttl: Duration,
}

impl ConfirmLinks {
    pub fn from_config(config: &Config) -> ConfirmLinks {
        ConfirmLinks {
            public_url: config.public_url.clone(),
            ttl: Duration::hours(config.confirmation_ttl_hours),
        }
    }

    fn url(&self, token: &str) -> String {
        format!("{}/confirm/{token}", self.public_url)
    }
}

/// Whether the address or the number has a login already. When one has,
/// its holder is told by email that someone tried, and nothing else
/// happens. Asked before the password is hashed, so that a repeat costs no
/// Argon2 work; `register` asks again in its own transaction.
pub fn already_taken(
    conn: &mut AnyConnection,
    org_number: &OrgNumber,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let org_number = org_number.as_str();
    let (holder, email_has_login) = if users::find_by_email(conn, email.as_str())?.is_some() {
        (email.to_string(), true)
    } else if let Some(login) = login_of_number(conn, org_number)? {
        (login.email, false)
    } else {
        return Ok(false);
    };
    let letter = letters::attempt(&Attempt {
        org_number,
        email_has_login,
    });
    // One note an hour is enough to warn; more would let anyone flood the holder.
    let hour_ago = stamp(now - Duration::hours(1));
    if !outbox::queued_since(conn, &holder, &letter.subject, hour_ago)? {
        send(conn, &holder, &letter, now)?;
    }
    Ok(true)
}

fn login_of_number(conn: &mut AnyConnection, org_number: &str) -> AppResult<Option<User>> {
    match suppliers::find_by_org_number(conn, org_number)? {
        Some(s) => Ok(users::find_by_supplier(conn, &s.id)?),
        None => Ok(None),
    }
}

/// Records the registration and emails its link to whoever must confirm
/// it (`domain::registration::confirmer`). Changes nothing else.
pub fn register(
    conn: &mut AnyConnection,
    registration: Registration,
    links: &ConfirmLinks,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Registration {
        profile,
        email,
        password_hash,
    } = registration;
    if already_taken(conn, &profile.org_number, &email, now)? {
        return Ok(());
    }
    let at = stamp(now);
    registrations::delete_expired(conn, at)?;
    let org_number = profile.org_number.to_string();
    let in_register = suppliers::find_by_org_number(conn, &org_number)?;
    let register_email = in_register.as_ref().and_then(|s| s.email.clone());
    let confirmer = confirmer(in_register.is_some(), register_email.as_deref());
    let sent_to = match (confirmer, &register_email) {
        (Confirmer::Register, Some(address)) => address.clone(),
        _ => email.to_string(),
    };
    let secret = LinkSecret::fresh();
    let expires = now + links.ttl;
    registrations::insert(
        conn,
        &Row {
            id: new_id(),
            token_hash: secret.hash,
            org_number: org_number.clone(),
            name: profile.name.clone(),
            email: email.to_string(),
            password_hash,
            employees: profile.employees,
            annual_turnover_ore: profile.annual_turnover.get(),
            balance_sheet_total_ore: profile.balance_sheet_total.map(|b| b.get()),
            home_municipality: profile.home_municipality.to_string(),
            service_area: profile.service_area.entries(),
            cpv: profile.cpv.iter().map(|c| c.as_str().to_string()).collect(),
            confirmer,
            sent_to: sent_to.clone(),
            created_at: at,
            expires_at: stamp(expires),
            confirmed_at: None,
            approved_at: None,
            approved_by: None,
            closed_at: None,
            supplier_id: None,
        },
    )?;
    let link = links.url(&secret.token);
    let expires = oslo_display(expires);
    match (confirmer, in_register) {
        (Confirmer::Register, Some(firm)) => {
            let letter = letters::confirm_ownership(&ConfirmOwnership {
                name: &firm.name,
                org_number: &org_number,
                registrant: email.as_str(),
                link: &link,
                expires: &expires,
            });
            send(conn, &sent_to, &letter, now)?;
            if sent_to != email.as_str() {
                send(
                    conn,
                    email.as_str(),
                    &letters::sent_to_register(&org_number),
                    now,
                )?;
            }
        }
        _ => {
            let letter = letters::confirm_address(&ConfirmAddress {
                org_number: &org_number,
                link: &link,
                expires: &expires,
                operator_approves: confirmer == Confirmer::Operator,
            });
            send(conn, email.as_str(), &letter, now)?;
        }
    }
    Ok(())
}

/// Where a link stands.
pub enum Link {
    /// No registration has it (never issued, mistyped, or expired and forgotten).
    Unknown,
    Expired,
    /// Used already, or the registration is closed.
    Used,
    Open(Box<Row>),
}

/// Reads where the link `token` stands at `now`; changes nothing, so that
/// a mail scanner fetching the page confirms nothing.
pub fn link(conn: &mut AnyConnection, token: &str, now: DateTime<Utc>) -> AppResult<Link> {
    let Some(row) = registrations::find_by_token_hash(conn, &link_secret::hash(token))? else {
        return Ok(Link::Unknown);
    };
    Ok(if row.confirmed_at.is_some() || row.closed_at.is_some() {
        Link::Used
    } else if stamp(now) >= row.expires_at {
        Link::Expired
    } else {
        Link::Open(Box::new(row))
    })
}

/// What using a link did.
pub enum Confirmed {
    /// The link was not open; nothing changed.
    Refused(Link),
    /// The supplier and its login exist: the registrant can log in.
    Completed { email: String },
    /// The address is confirmed; the operator approves next.
    AwaitingOperator,
    /// A login for the number or the address was made meanwhile (or the
    /// number entered the register): the registration is closed unused.
    Overtaken,
}

/// Uses the link once: completes the registration, or (for a number in
/// the register without an address) leaves it to the operator.
pub fn confirm(
    conn: &mut AnyConnection,
    token: &str,
    rate: EurNokRate,
    now: DateTime<Utc>,
) -> AppResult<Confirmed> {
    let row = match link(conn, token, now)? {
        Link::Open(row) => row,
        other => return Ok(Confirmed::Refused(other)),
    };
    if !registrations::use_link(conn, &row.id, stamp(now))? {
        return Ok(Confirmed::Refused(Link::Used));
    }
    if row.confirmer == Confirmer::Operator {
        return Ok(Confirmed::AwaitingOperator);
    }
    match complete(conn, &row, rate, now)? {
        Some(_) => {
            if row.confirmer == Confirmer::Register {
                // Someone at the firm's address confirmed; the registrant learns it here.
                let letter = letters::registration_completed(&row.org_number, &row.email);
                send(conn, &row.email, &letter, now)?;
            }
            Ok(Confirmed::Completed {
                email: row.email.clone(),
            })
        }
        None => Ok(Confirmed::Overtaken),
    }
}

/// Registrations whose address is confirmed and that wait for the operator.
pub fn awaiting_operator(conn: &mut AnyConnection) -> AppResult<Vec<Row>> {
    Ok(registrations::awaiting_operator(conn)?)
}

/// What the operator's approval did.
pub enum Approved {
    Completed(Box<Supplier>),
    /// See `Confirmed::Overtaken`; the registration is closed.
    Overtaken,
}

/// The operator approves a registration that waits for it (404 for any
/// other): the supplier and its login are made, and the registrant told.
pub fn approve(
    conn: &mut AnyConnection,
    id: &str,
    operator: &str,
    rate: EurNokRate,
    now: DateTime<Utc>,
) -> AppResult<Approved> {
    let row = registrations::find(conn, id)?
        .filter(Row::awaits_operator)
        .ok_or_else(|| AppError::not_found("a registration awaiting approval"))?;
    if !registrations::approve(conn, id, operator, stamp(now))? {
        return Err(AppError::not_found("a registration awaiting approval"));
    }
    match complete(conn, &row, rate, now)? {
        Some(supplier) => {
            let letter = letters::registration_completed(&row.org_number, &row.email);
            send(conn, &row.email, &letter, now)?;
            Ok(Approved::Completed(Box::new(supplier)))
        }
        None => Ok(Approved::Overtaken),
    }
}

/// Makes the registration the supplier's profile and login, unless the
/// world moved meanwhile: the address got a login, the number got one, or
/// (registered as new) the number entered the register, whose address did
/// not confirm. Then the registration is closed and None answered.
fn complete(
    conn: &mut AnyConnection,
    row: &Row,
    rate: EurNokRate,
    now: DateTime<Utc>,
) -> AppResult<Option<Supplier>> {
    let at = stamp(now);
    let firm = suppliers::find_by_org_number(conn, &row.org_number)?;
    let moved = users::find_by_email(conn, &row.email)?.is_some()
        || login_of_number(conn, &row.org_number)?.is_some()
        || (row.confirmer == Confirmer::Registrant && firm.is_some());
    if moved {
        registrations::close(conn, &row.id, None, at)?;
        return Ok(None);
    }
    let profile = profile_of(&RawProfile {
        org_number: &row.org_number,
        name: &row.name,
        employees: row.employees,
        annual_turnover_ore: row.annual_turnover_ore,
        balance_sheet_total_ore: row.balance_sheet_total_ore,
        home_municipality: &row.home_municipality,
        service_area: row.service_area.iter().map(String::as_str).collect(),
        cpv: row.cpv.iter().map(String::as_str).collect(),
    })?;
    let email = EmailAddress::parse(&row.email).map_err(AppError::internal)?;
    let supplier = super::suppliers::register(
        conn,
        Registration {
            profile,
            email,
            password_hash: row.password_hash.clone(),
        },
        rate,
        now,
    )?;
    registrations::close(conn, &row.id, Some(&supplier.id), at)?;
    Ok(Some(supplier))
}
