//! Transactional flows shared by more than one door: the API, the vote page
//! that email links open, and the scheduler. Each runs inside the caller's
//! transaction: it locks the procurement, loads it, lets the domain decide,
//! stores the result and appends the audit event.
//!
//! Every change goes through here, whichever door it comes by; a flow that
//! answers with the state after the change reads it in its own transaction.
//!
//! A flow never reads the clock: the caller passes `now` (from
//! `AppState::clock`, or the job's tick), and every time the flow judges or
//! writes is that one reading.

pub mod accounts;
pub mod compliance;
pub mod consultation;
pub mod deadlines;
pub mod follow_up;
pub mod interest;
pub mod invitations;
pub mod lifecycle;
pub mod mandates;
pub mod municipalities;
pub mod participation;
pub mod registration;
pub mod sessions;
pub mod strategies;
pub mod suppliers;
pub mod tender_plan;
pub mod vote_link;

use chrono::{DateTime, Utc};

use crate::db::procurements::{self, Aggregate};
use crate::db::{events, AnyConnection};
use crate::error::{AppError, AppResult};

/// Locks the procurement's row and loads it; 404 when it does not exist.
pub fn locked(conn: &mut AnyConnection, procurement_id: &str) -> AppResult<Aggregate> {
    if !events::lock_procurement(conn, procurement_id)? {
        return Err(AppError::not_found("the procurement"));
    }
    procurements::load(conn, procurement_id)?.ok_or_else(|| AppError::not_found("the procurement"))
}

/// `locked` without the volume lines, for steps that do not add them up:
/// a decision on a national procurement then reads a few hundred rows, not
/// tens of thousands.
pub fn locked_head(conn: &mut AnyConnection, procurement_id: &str) -> AppResult<Aggregate> {
    if !events::lock_procurement(conn, procurement_id)? {
        return Err(AppError::not_found("the procurement"));
    }
    procurements::load_head(conn, procurement_id)?
        .ok_or_else(|| AppError::not_found("the procurement"))
}

/// Queues a letter for `to` in the caller's transaction, due at once.
pub fn send(
    conn: &mut AnyConnection,
    to: &str,
    letter: &crate::letters::Letter,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let at = crate::db::stamp(now);
    crate::db::outbox::enqueue(
        conn,
        to,
        &letter.subject,
        &letter.text,
        Some(&letter.html),
        at,
    )
    .map(|_| ())
    .map_err(AppError::from)
}
