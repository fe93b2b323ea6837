//! What the clock triggers: closing at the deadline, reminders to
//! municipalities that have not answered, warnings about mandates that run
//! out. Each takes `now`, so that tests move the clock instead of sleeping,
//! and each is safe to run twice: what it sends is claimed in `notices`.

use chrono::{DateTime, Duration, Utc};

use super::invitations::{municipality_name, Links};
use super::lifecycle;
use crate::db::procurements::{self, Aggregate};
use crate::db::{mandates, municipalities, notices, users, AnyConnection};
use crate::domain::calendar::{oslo_date, oslo_display};
use crate::domain::summary::Decision;
use crate::domain::thresholds::ThresholdTable;
use crate::error::AppResult;
use crate::letters::{self, ClosingSummary, MandateWarning, Reminder};

pub const SYSTEM: &str = "system";
/// Reminders go out this many Oslo days before the deadline's day.
pub const REMINDER_DAYS: [i64; 3] = [7, 2, 0];
pub const MANDATE_WARNING_DAYS: i64 = 30;

/// Closes every open procurement whose deadline has passed and sends its
/// coordinators the outcome. Returns the ids closed.
pub fn close_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    thresholds: &ThresholdTable,
) -> AppResult<Vec<String>> {
    let mut closed = Vec::new();
    for id in procurements::due_for_closing(conn, now.naive_utc())? {
        // Each in its own savepoint: one procurement that cannot be closed
        // (say its summary overflows) must not keep the others open for ever.
        let outcome = crate::db::transaction(conn, |c| {
            lifecycle::close(c, &id, None, SYSTEM, now)?;
            match procurements::load(c, &id)? {
                Some(aggregate) => send_closing_summary(c, &aggregate, thresholds, now),
                None => Ok(()),
            }
        });
        match outcome {
            Ok(()) => closed.push(id),
            Err(e) => {
                tracing::error!(procurement = %id, error = %e, "cannot close at the deadline")
            }
        }
    }
    Ok(closed)
}

fn send_closing_summary(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let p = &aggregate.procurement;
    let names = |decision: Decision| -> Vec<String> {
        aggregate
            .participations
            .iter()
            .filter(|x| x.decision == decision)
            .map(|x| municipality_name(&x.municipality))
            .collect()
    };
    let summary = lifecycle::summary_of(aggregate, thresholds, now)?;
    let letter = letters::closing_summary(&ClosingSummary {
        title: &p.title,
        joined: &names(Decision::Join),
        declined: &names(Decision::Decline),
        no_response: &names(Decision::NoResponse),
        total_max_value: summary.total_max_contract_value_ore,
        regime: summary.regime.regime,
        special_services: summary.regime.special_services,
    });
    for address in users::coordinator_emails(
        conn,
        p.organization_id.as_deref(),
        p.host_municipality.as_deref(),
    )? {
        super::send(conn, &address, &letter, now)?;
    }
    Ok(())
}

/// Reminds each municipality that has not answered, 7 and 2 days before the
/// deadline's day and on the day itself, each at most once.
pub fn send_reminders(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    links: &Links,
) -> AppResult<usize> {
    let today = oslo_date(now);
    let mut sent = 0;
    for id in procurements::open_ids(conn)? {
        let Some(aggregate) = procurements::load(conn, &id)? else {
            continue;
        };
        let p = &aggregate.procurement;
        if p.deadline() <= now {
            continue;
        }
        let days_left = (oslo_date(p.deadline()) - today).num_days();
        if !REMINDER_DAYS.contains(&days_left) {
            continue;
        }
        for participation in aggregate
            .participations
            .iter()
            .filter(|x| x.decision == Decision::Pending)
        {
            let number = participation.municipality.as_str();
            let Some(address) = municipalities::find(conn, number)?.and_then(|m| m.contact_email)
            else {
                continue;
            };
            if !notices::claim(
                conn,
                "reminder",
                &format!("{id}:{number}:{days_left}"),
                now.naive_utc(),
            )? {
                continue;
            }
            // The reminder's link replaces the invitation's (and an earlier reminder's).
            let link = links.replace(conn, &id, number, p.deadline(), now)?;
            let letter = letters::reminder(&Reminder {
                municipality: &municipality_name(number),
                title: &p.title,
                deadline: &oslo_display(p.deadline()),
                days_left,
                link: &link,
            });
            super::send(conn, &address, &letter, now)?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Warns a municipality once when one of its mandates runs out within 30 days.
pub fn warn_expiring_mandates(conn: &mut AnyConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let today = oslo_date(now);
    let mut sent = 0;
    for m in mandates::expiring(conn, today, today + Duration::days(MANDATE_WARNING_DAYS))? {
        let Some(address) =
            municipalities::find(conn, &m.municipality)?.and_then(|x| x.contact_email)
        else {
            continue;
        };
        if !notices::claim(conn, "mandate_expiry", &m.id, now.naive_utc())? {
            continue;
        }
        let letter = letters::mandate_warning(&MandateWarning {
            municipality: &municipality_name(&m.municipality),
            reference: &m.reference,
            valid_until: &m.valid_until.format("%d.%m.%Y").to_string(),
        });
        super::send(conn, &address, &letter, now)?;
        sent += 1;
    }
    Ok(sent)
}
