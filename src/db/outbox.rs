//! Outgoing mail as rows. `enqueue` runs on the caller's connection, inside
//! the caller's transaction, so a message exists exactly when the change that
//! caused it was committed. `email::pump_once` sends what is due.
//!
//! Several server instances may share one PostgreSQL database: a worker takes
//! messages with one guarded UPDATE that moves their due time past a lease, so
//! a row is held by one worker at a time without `FOR UPDATE`, which SQLite
//! lacks.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{new_id, AnyConnection};
use super::{DbError, DbResult};

use crate::domain::ErrorCode;

/// After this many failed tries a message is shown as failing. It is still
/// retried at the longest interval: an operator may fix the cause.
pub const FAILING_AFTER_ATTEMPTS: i32 = 5;

/// Longer than any SMTP conversation with its timeouts, so a lease never
/// runs out while its worker is still sending; after a crash the message is
/// due again when the lease ends.
pub const LEASE: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claim_token: Option<String>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub failed_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    /// The one-click unsubscribe address of an alert (RFC 8058).
    pub list_unsubscribe: Option<String>,
}

samkjop_domain::code_enum! {
    /// Where a message stands; derived from its timestamps, not stored.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Status {
        /// Not sent yet; maybe tried and failed fewer than `FAILING_AFTER_ATTEMPTS` times.
        Pending = "pending",
        /// Not sent, and failing: retried, but somebody should look.
        Failed = "failed",
        Sent = "sent",
    }
    invalid = InvalidStatus, "a message status: use pending, failed or sent";
}

impl OutboxMessage {
    pub fn status(&self) -> Status {
        match (self.sent_at, self.failed_at) {
            (Some(_), _) => Status::Sent,
            (None, Some(_)) => Status::Failed,
            (None, None) => Status::Pending,
        }
    }
}

/// Exponential back-off between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles with each further one.
    pub first: Duration,
    /// The longest wait, kept for as long as the failures go on.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first: Duration::from_secs(30),
            max: Duration::from_secs(60 * 60),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed try (1 = the first).
    pub fn delay(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(31);
        self.first
            .checked_mul(1u32 << doublings)
            .map_or(self.max, |d| d.min(self.max))
    }
}

fn after(t: NaiveDateTime, d: Duration) -> NaiveDateTime {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(NaiveDateTime::MAX)
}

/// Queues a message on `conn`, due from `at`; call it inside the
/// transaction of the change that causes the mail. Returns the message id.
/// Whether `enqueue` takes mail for the address: what is stored as an
/// address to write to is checked with this first.
pub fn can_receive(address: &str) -> bool {
    address.trim().parse::<lettre::Address>().is_ok()
}

/// Whether a message with this subject was queued for `to` since `since`.
pub fn queued_since(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    since: NaiveDateTime,
) -> DbResult<bool> {
    let n: i64 = outbox::table
        .filter(outbox::to_address.eq(to.trim()))
        .filter(outbox::subject.eq(subject))
        .filter(outbox::created_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn enqueue(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    text: &str,
    html: Option<&str>,
    at: NaiveDateTime,
) -> DbResult<String> {
    enqueue_with_unsubscribe(conn, to, subject, text, html, None, at)
}

/// `enqueue` for mail the recipient may stop with one click (RFC 8058):
/// `unsubscribe` is the https address that a POST to stops it.
pub fn enqueue_with_unsubscribe(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    text: &str,
    html: Option<&str>,
    unsubscribe: Option<&str>,
    at: NaiveDateTime,
) -> DbResult<String> {
    let to = to.trim();
    // Refused here rather than by the worker: a message that can never be
    // built would otherwise fail for ever, far from the code that made it.
    to.parse::<lettre::Address>()
        .map_err(|e| DbError::Rejected {
            code: ErrorCode::InvalidRecipient,
            detail: format!("'{to}' cannot receive mail: {e}"),
        })?;
    // A line break in a header would end it early; subjects come from
    // templates with user data in them.
    let subject = subject
        .split(['\r', '\n'])
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let id = new_id();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::to_address.eq(to),
            outbox::subject.eq(&subject),
            outbox::body_text.eq(text),
            outbox::body_html.eq(html),
            outbox::created_at.eq(at),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
            outbox::list_unsubscribe.eq(unsubscribe),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Takes up to `batch` due messages for this worker and returns them with
/// their attempt counted. One UPDATE takes them, its rows chosen by a
/// subquery and guarded by the due time: on PostgreSQL a concurrent worker
/// that reaches the same row waits for this one's commit, re-checks the
/// guard against the new lease and skips the row; SQLite has one writer at
/// a time, and a single statement needs no read-then-write upgrade of its
/// lock.
pub fn claim_due(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    batch: i64,
) -> DbResult<Vec<OutboxMessage>> {
    let token = new_id();
    let due = diesel::alias!(outbox as due);
    let due_ids = due
        .select(due.field(outbox::id))
        .filter(due.field(outbox::sent_at).is_null())
        .filter(due.field(outbox::next_attempt_at).le(at))
        .order((
            due.field(outbox::next_attempt_at).asc(),
            due.field(outbox::id).asc(),
        ))
        .limit(batch);
    let claimed = diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(due_ids))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::next_attempt_at.le(at)),
    )
    .set((
        outbox::claim_token.eq(&token),
        outbox::next_attempt_at.eq(after(at, LEASE)),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_attempt_at.eq(at),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(Vec::new());
    }
    Ok(outbox::table
        .select(OutboxMessage::as_select())
        .filter(outbox::claim_token.eq(&token))
        .order((outbox::created_at.asc(), outbox::id.asc()))
        .load(conn)?)
}

/// Records a delivery. Not guarded by the claim: once a message went out,
/// no later lease of it should send it again.
pub fn mark_sent(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> DbResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::sent_at.eq(Some(at)),
        outbox::claim_token.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a failed try of a claimed message and when to try again. A
/// permanent failure (the server refused the message, or it cannot be built)
/// is shown as failing at once and waits the longest interval. Returns false
/// when the claim was lost to another worker meanwhile.
pub fn mark_failed(
    conn: &mut AnyConnection,
    message: &OutboxMessage,
    error: &str,
    permanent: bool,
    policy: &RetryPolicy,
    at: NaiveDateTime,
) -> DbResult<bool> {
    let Some(token) = &message.claim_token else {
        return Ok(false);
    };
    let wait = if permanent {
        policy.max
    } else {
        policy.delay(message.attempts)
    };
    let failing = permanent || message.attempts >= FAILING_AFTER_ATTEMPTS;
    let failed_at = match message.failed_at {
        Some(t) => Some(t),
        None if failing => Some(at),
        None => None,
    };
    // Error texts from servers can be long; the operator needs the gist.
    let error: String = error.chars().take(2000).collect();
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(&message.id))
            .filter(outbox::claim_token.eq(token))
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::next_attempt_at.eq(after(at, wait)),
        outbox::claim_token.eq(None::<String>),
        outbox::last_error.eq(Some(error)),
        outbox::failed_at.eq(failed_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> DbResult<Option<OutboxMessage>> {
    Ok(outbox::table
        .find(id)
        .select(OutboxMessage::as_select())
        .first(conn)
        .optional()?)
}

/// Newest first, optionally of one status.
pub fn list(
    conn: &mut AnyConnection,
    status: Option<Status>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<OutboxMessage>> {
    let mut query = outbox::table
        .select(OutboxMessage::as_select())
        .into_boxed();
    query = match status {
        None => query,
        Some(Status::Sent) => query.filter(outbox::sent_at.is_not_null()),
        Some(Status::Failed) => query
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_not_null()),
        Some(Status::Pending) => query
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_null()),
    };
    Ok(query
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_thirty_seconds_up_to_an_hour() {
        let p = RetryPolicy::default();
        let secs: Vec<u64> = (1..=10).map(|n| p.delay(n).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(p.delay(0).as_secs(), 30);
        assert_eq!(p.delay(i32::MAX).as_secs(), 3600);
    }

    #[test]
    fn statuses_follow_sent_and_failing_marks() {
        let t = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        let mut m = OutboxMessage {
            id: "x".into(),
            to_address: "a@b.no".into(),
            subject: String::new(),
            body_text: String::new(),
            body_html: None,
            created_at: t,
            attempts: 0,
            next_attempt_at: t,
            claim_token: None,
            last_attempt_at: None,
            last_error: None,
            failed_at: None,
            sent_at: None,
            list_unsubscribe: None,
        };
        assert_eq!(m.status(), Status::Pending);
        m.failed_at = Some(t);
        assert_eq!(m.status(), Status::Failed);
        m.sent_at = Some(t);
        assert_eq!(m.status(), Status::Sent);
        for &s in Status::ALL {
            assert_eq!(s.code().parse::<Status>(), Ok(s));
        }
    }
}
