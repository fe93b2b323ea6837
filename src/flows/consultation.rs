//! The market dialogue on a draft lot division: suppliers subscribe to
//! alerts, a coordinator opens a consultation (subscribers are alerted),
//! suppliers answer per lot until the deadline, the coordinator reads the
//! report and publishes a summary. Opening, every answer, the report and
//! the summary are in the audit chain.

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::invitations::leader_name;
use super::lifecycle::require_coordinator;
use super::locked_head;
use crate::db::consultations::{self, AnswerRow, Consultation, Subscription};
use crate::db::procurements::Aggregate;
use crate::db::{events, notices, outbox, stamp, suppliers, AnyConnection};
use crate::domain::access::Who;
use crate::domain::calendar::oslo_display;
use crate::domain::consultation::{
    self as dialogue, check_answer, AnswerFacts, DraftLot, LotReport, LotScope, ANSWER_ERRORS,
};
use crate::domain::contract::ProcurementStatus;
use crate::domain::{codes, Cpv, CpvPrefix, ErrorCode, Kommunenummer, ServiceArea};
use crate::error::{AppError, AppResult, FieldExt};
use crate::letters::dialogue::{alert, Alert};

/// What the alerts link to: the public address of the service.
#[derive(Clone)]
pub struct Alerts {
    pub public_url: String,
}

impl Alerts {
    pub fn from_config(config: &crate::config::Config) -> Alerts {
        Alerts {
            public_url: config.public_url.trim_end_matches('/').to_string(),
        }
    }

    pub fn unsubscribe_link(&self, token: &str) -> String {
        format!("{}/unsubscribe/{token}", self.public_url)
    }
}

/// The longest consultation message and summary, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

// ---- subscriptions ----

/// A subscription as asked, checked.
pub struct SubscriptionChange {
    pub cpv_prefixes: Vec<CpvPrefix>,
    pub areas: ServiceArea,
}

pub const SUBSCRIPTION_ERRORS: &[ErrorCode] = &[
    ErrorCode::InvalidCpvPrefix,
    ErrorCode::InvalidServiceArea,
    ErrorCode::InvalidMunicipality,
    ErrorCode::UnknownMunicipality,
    ErrorCode::InvalidCounty,
    ErrorCode::UnknownCounty,
];

pub fn check_subscription(cpv: &[String], areas: &[String]) -> AppResult<SubscriptionChange> {
    let cpv_prefixes = cpv
        .iter()
        .map(|p| CpvPrefix::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .field("cpv_prefixes")?;
    let areas = ServiceArea::parse(areas).field("areas")?;
    Ok(SubscriptionChange {
        cpv_prefixes,
        areas,
    })
}

/// The supplier's subscription: stored, or proposed from its profile (its
/// trades and the area it delivers in) when it has none yet.
pub struct SubscriptionState {
    pub cpv_prefixes: Vec<String>,
    pub areas: Vec<String>,
    /// False: proposed from the profile, not yet saved.
    pub saved: bool,
    pub active: bool,
}

pub fn subscription_of(
    conn: &mut AnyConnection,
    supplier_id: &str,
) -> AppResult<SubscriptionState> {
    if let Some(s) = consultations::subscription(conn, supplier_id)? {
        return Ok(SubscriptionState {
            cpv_prefixes: s.cpv_prefixes,
            areas: s.areas,
            saved: true,
            active: s.unsubscribed_at.is_none(),
        });
    }
    let profile =
        suppliers::find(conn, supplier_id)?.ok_or_else(|| AppError::not_found("the supplier"))?;
    Ok(SubscriptionState {
        cpv_prefixes: profile.cpv,
        areas: profile.service_area,
        saved: false,
        active: false,
    })
}

/// A stored subscription (or the one proposed from a profile) as the domain
/// matches it; `None` when a stored prefix or area no longer parses (a
/// reference list changed), which then matches nothing.
pub fn matching(
    supplier_id: &str,
    cpv_prefixes: &[String],
    areas: &[String],
) -> Option<dialogue::Subscription> {
    Some(dialogue::Subscription {
        supplier_id: supplier_id.to_string(),
        cpv_prefixes: cpv_prefixes
            .iter()
            .map(|p| CpvPrefix::parse(p))
            .collect::<Result<_, _>>()
            .ok()?,
        areas: ServiceArea::parse(areas).ok()?,
    })
}

/// Saves the subscription; it sends again if it had been stopped.
pub fn subscribe(
    conn: &mut AnyConnection,
    supplier_id: &str,
    change: SubscriptionChange,
    now: DateTime<Utc>,
) -> AppResult<SubscriptionState> {
    if suppliers::find(conn, supplier_id)?.is_none() {
        return Err(AppError::not_found("the supplier"));
    }
    let token = consultations::subscription(conn, supplier_id)?
        .map(|s| s.unsubscribe_token)
        .unwrap_or_else(super::sessions::random_token);
    consultations::save_subscription(
        conn,
        &Subscription {
            supplier_id: supplier_id.to_string(),
            cpv_prefixes: change
                .cpv_prefixes
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
            areas: change.areas.entries(),
            unsubscribe_token: token,
            updated_at: stamp(now),
            unsubscribed_at: None,
        },
    )?;
    subscription_of(conn, supplier_id)
}

/// One-click unsubscribe; false when the token is nobody's.
pub fn unsubscribe(conn: &mut AnyConnection, token: &str, now: DateTime<Utc>) -> AppResult<bool> {
    Ok(consultations::unsubscribe(conn, token, stamp(now))?)
}

// ---- alerts ----

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    ConsultationOpened,
    Published,
}

impl AlertKind {
    fn notice(self) -> &'static str {
        match self {
            AlertKind::ConsultationOpened => "alert_consultation",
            AlertKind::Published => "alert_published",
        }
    }
}

fn scopes(aggregate: &Aggregate) -> Vec<(String, LotScope)> {
    aggregate
        .lots
        .iter()
        .filter_map(|l| {
            Some((
                l.title.clone(),
                LotScope {
                    cpv: Cpv::parse(&l.cpv).ok()?,
                    area: l
                        .area
                        .iter()
                        .filter_map(|m| Kommunenummer::parse(m).ok())
                        .collect(),
                },
            ))
        })
        .collect()
}

/// Emails every subscriber a lot of `aggregate` matches, at most once per
/// supplier and event (the claim of a notice, in this transaction).
/// Returns how many were emailed.
pub fn alert_subscribers(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    kind: AlertKind,
    consultation: Option<&Consultation>,
    alerts: &Alerts,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let rows = consultations::active_with_address(conn)?;
    let subs: Vec<dialogue::Subscription> = rows
        .iter()
        .filter_map(|(s, _)| matching(&s.supplier_id, &s.cpv_prefixes, &s.areas))
        .collect();
    let lots = scopes(aggregate);
    let lot_scopes: Vec<LotScope> = lots.iter().map(|(_, s)| s.clone()).collect();
    let found = dialogue::recipients(&lot_scopes, &subs);
    if found.is_empty() {
        return Ok(0);
    }
    let p = &aggregate.procurement;
    let leader = leader_name(conn, p)?;
    let link = match kind {
        AlertKind::ConsultationOpened => format!("{}/consultations/{}", alerts.public_url, p.id),
        AlertKind::Published => format!("{}/procurements/{}", alerts.public_url, p.id),
    };
    let deadline = consultation.map(|c| oslo_display(c.deadline.and_utc()));
    let at = stamp(now);
    let mut sent = 0;
    for supplier_id in found {
        let Some((row, address)) = rows.iter().find(|(s, _)| s.supplier_id == supplier_id) else {
            continue;
        };
        let Some(sub) = subs.iter().find(|s| s.supplier_id == supplier_id) else {
            continue;
        };
        if !outbox::can_receive(address)
            || !notices::claim(conn, kind.notice(), &format!("{}:{supplier_id}", p.id), at)?
        {
            continue;
        }
        let titles: Vec<String> = lots
            .iter()
            .filter(|(_, l)| sub.matches(l))
            .map(|(t, _)| t.clone())
            .collect();
        let unsubscribe = alerts.unsubscribe_link(&row.unsubscribe_token);
        let letter = alert(&Alert {
            consultation: kind == AlertKind::ConsultationOpened,
            title: &p.title,
            leader: &leader,
            lots: &titles,
            deadline: deadline.as_deref(),
            message: consultation.map(|c| c.message.as_str()),
            link: &link,
            unsubscribe: &unsubscribe,
        });
        outbox::enqueue_with_unsubscribe(
            conn,
            address,
            &letter.subject,
            &letter.text,
            Some(&letter.html),
            Some(&unsubscribe),
            at,
        )?;
        sent += 1;
    }
    Ok(sent)
}

// ---- the consultation ----

pub const OPEN_ERRORS: &[ErrorCode] = codes![
    super::lifecycle::COORDINATOR_ERRORS,
    &[
        ErrorCode::InvalidState,
        ErrorCode::Conflict,
        ErrorCode::NoLots,
        ErrorCode::InvalidDeadline,
        ErrorCode::InvalidDescription,
    ]
];

fn check_text(text: &str, field: &str) -> AppResult<String> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::new(
            ErrorCode::InvalidDescription,
            format!("at most {MAX_TEXT_CHARS} characters"),
        )
        .on_field(field));
    }
    Ok(text.to_string())
}

/// Opens the consultation on the draft lot division and alerts the
/// matching subscribers. While municipalities answer or after closing,
/// before publishing; once per procurement.
#[allow(clippy::too_many_arguments)]
pub fn open(
    conn: &mut AnyConnection,
    id: &str,
    who: Who<'_>,
    actor: &str,
    deadline: DateTime<Utc>,
    message: &str,
    alerts: &Alerts,
    now: DateTime<Utc>,
) -> AppResult<Consultation> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let status = aggregate.procurement.status;
    if !matches!(status, ProcurementStatus::Open | ProcurementStatus::Closed) {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            format!("a consultation opens while the procurement is open or closed, not {status}"),
        ));
    }
    if consultations::find(conn, id)?.is_some() {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "this procurement already has a consultation",
        ));
    }
    if aggregate.lots.is_empty() {
        return Err(AppError::new(
            ErrorCode::NoLots,
            "the procurement has no lots to consult on",
        ));
    }
    if deadline <= now {
        return Err(AppError::new(
            ErrorCode::InvalidDeadline,
            "the deadline must be in the future",
        )
        .on_field("deadline"));
    }
    let message = check_text(message, "message")?;
    let at = stamp(now);
    let consultation = Consultation {
        procurement_id: id.to_string(),
        message,
        deadline: stamp(deadline),
        opened_by: actor.to_string(),
        opened_at: at,
        summary: None,
        summary_published_at: None,
    };
    consultations::insert(conn, &consultation)?;
    let alerted = alert_subscribers(
        conn,
        &aggregate,
        AlertKind::ConsultationOpened,
        Some(&consultation),
        alerts,
        now,
    )?;
    let lots: Vec<&str> = aggregate.lots.iter().map(|l| l.id.as_str()).collect();
    events::append(
        conn,
        id,
        "consultation_opened",
        actor,
        at,
        &json!({"deadline": deadline.to_rfc3339(), "message": consultation.message,
                "lots": lots, "suppliers_alerted": alerted}),
    )?;
    Ok(consultation)
}

/// The consultation of a procurement everyone may see; 404 when none.
pub fn public(conn: &mut AnyConnection, id: &str) -> AppResult<(Aggregate, Consultation)> {
    let consultation =
        consultations::find(conn, id)?.ok_or_else(|| AppError::not_found("the consultation"))?;
    let aggregate = crate::db::procurements::load_head(conn, id)?
        .ok_or_else(|| AppError::not_found("the consultation"))?;
    Ok((aggregate, consultation))
}

/// An answer as the supplier sends it.
pub struct RawAnswer {
    pub answer: String,
    pub reason: Option<String>,
    pub proposed_area: Vec<String>,
    pub comment: String,
}

pub const ANSWER_FLOW_ERRORS: &[ErrorCode] = codes![
    &[ErrorCode::NotFound, ErrorCode::ConsultationClosed],
    ANSWER_ERRORS
];

/// A supplier answers on one lot; a later answer replaces it, until the
/// deadline. The audit chain records the answer's hash, not its content:
/// the chain is read by the invited municipalities too.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    conn: &mut AnyConnection,
    id: &str,
    lot_id: &str,
    supplier_id: &str,
    actor: &str,
    raw: RawAnswer,
    now: DateTime<Utc>,
) -> AppResult<AnswerRow> {
    let aggregate = locked_head(conn, id)?;
    let consultation =
        consultations::find(conn, id)?.ok_or_else(|| AppError::not_found("the consultation"))?;
    let status = aggregate.procurement.status;
    if stamp(now) >= consultation.deadline
        || !matches!(status, ProcurementStatus::Open | ProcurementStatus::Closed)
    {
        return Err(AppError::new(
            ErrorCode::ConsultationClosed,
            format!(
                "the consultation closed at {}; answers are frozen",
                oslo_display(consultation.deadline.and_utc())
            ),
        ));
    }
    let lot = aggregate
        .lot(lot_id)
        .filter(|l| l.active)
        .ok_or_else(|| AppError::not_found("the lot"))?;
    let area: Vec<Kommunenummer> = lot
        .area
        .iter()
        .filter_map(|m| Kommunenummer::parse(m).ok())
        .collect();
    let checked = check_answer(
        &raw.answer,
        raw.reason.as_deref(),
        &raw.proposed_area,
        &raw.comment,
        &area,
    )
    .map_err(|(field, e)| AppError::from(e).on_field(field))?;
    let at = stamp(now);
    let row = AnswerRow {
        supplier_id: supplier_id.to_string(),
        lot_id: lot_id.to_string(),
        procurement_id: id.to_string(),
        answer: checked.kind.code().to_string(),
        reason: checked.reason.map(|r| r.code().to_string()),
        proposed_area: checked
            .proposed_area
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        comment: checked.comment,
        answered_at: at,
    };
    consultations::save_answer(conn, &row)?;
    let content = json!({"supplier_id": row.supplier_id, "lot_id": row.lot_id, "answer": row.answer,
        "reason": row.reason, "proposed_area": row.proposed_area, "comment": row.comment});
    let digest: String = Sha256::digest(content.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    events::append(
        conn,
        id,
        "consultation_answered",
        actor,
        at,
        &json!({"lot_id": row.lot_id, "answer_sha256": digest}),
    )?;
    Ok(row)
}

/// The lots of the draft as the report and the analysis see them.
pub fn draft_lots(aggregate: &Aggregate) -> Vec<DraftLot> {
    aggregate
        .lots
        .iter()
        .map(|l| DraftLot {
            lot_id: l.id.clone(),
            title: l.title.clone(),
            area: l
                .area
                .iter()
                .filter_map(|m| Kommunenummer::parse(m).ok())
                .collect(),
        })
        .collect()
}

/// The answers with what the report needs of their suppliers; an answer
/// that no longer parses is left out (it was checked on the way in).
pub fn answer_facts(conn: &mut AnyConnection, id: &str) -> AppResult<Vec<AnswerFacts>> {
    Ok(consultations::answers_with_suppliers(conn, id)?
        .into_iter()
        .filter_map(|(a, size_class, home)| {
            Some(AnswerFacts {
                lot_id: a.lot_id,
                answer: dialogue::Answer {
                    kind: a.answer.parse().ok()?,
                    reason: a.reason.and_then(|r| r.parse().ok()),
                    proposed_area: a
                        .proposed_area
                        .iter()
                        .filter_map(|m| Kommunenummer::parse(m).ok())
                        .collect(),
                    comment: a.comment,
                },
                size_class,
                home: Kommunenummer::parse(&home).ok()?,
            })
        })
        .collect())
}

pub struct Report {
    pub consultation: Consultation,
    pub lots: Vec<LotReport>,
}

pub const REPORT_ERRORS: &[ErrorCode] = super::lifecycle::COORDINATOR_ERRORS;

/// The coordinator reads the report; the reading is in the audit chain,
/// with the number of answers it counted.
pub fn report(
    conn: &mut AnyConnection,
    id: &str,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Report> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let consultation =
        consultations::find(conn, id)?.ok_or_else(|| AppError::not_found("the consultation"))?;
    let facts = answer_facts(conn, id)?;
    let lots = dialogue::report(&draft_lots(&aggregate), &facts);
    let at = stamp(now);
    events::append(
        conn,
        id,
        "consultation_report",
        actor,
        at,
        &json!({"answers": facts.len(), "after_deadline": at >= consultation.deadline}),
    )?;
    Ok(Report { consultation, lots })
}

pub const SUMMARY_ERRORS: &[ErrorCode] = codes![
    super::lifecycle::COORDINATOR_ERRORS,
    &[ErrorCode::InvalidDescription]
];

/// The coordinator publishes what it tells the market about the dialogue;
/// shown on the public consultation page. A new summary replaces it.
pub fn publish_summary(
    conn: &mut AnyConnection,
    id: &str,
    who: Who<'_>,
    actor: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> AppResult<Consultation> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    if consultations::find(conn, id)?.is_none() {
        return Err(AppError::not_found("the consultation"));
    }
    let summary = check_text(summary, "summary")?;
    let at = stamp(now);
    consultations::set_summary(conn, id, &summary, at)?;
    events::append(
        conn,
        id,
        "consultation_summary_published",
        actor,
        at,
        &json!({"summary": summary}),
    )?;
    consultations::find(conn, id)?.ok_or_else(|| AppError::not_found("the consultation"))
}
