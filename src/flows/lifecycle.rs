//! The coordinator's steps through a procurement's life: propose, edit, add,
//! change and remove lots, open, close, split, publish, cancel.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::invitations::{invite_all, Links};
use super::{locked, locked_head};
use crate::db::procurements::{
    self, Aggregate, Lot, NewProcurement, Procurement, ProcurementChange, Volume,
};
use crate::db::{events, new_id, AnyConnection};
use crate::domain::access::{standing, Involved, Standing, Who};
use crate::domain::clauses::ClauseLibrary;
use crate::domain::contract::{check, Action, ProcurementStatus, TRANSITION_ERRORS};
use crate::domain::procurement::{LotDraft, Proposal, MAX_LOTS};
use crate::domain::split::split_lot;
use crate::domain::summary::{summarize, Decision};
use crate::domain::thresholds::ThresholdTable;
use crate::domain::{codes, ErrorCode, Lang, ParticipantNumber};
use crate::error::{AppError, AppResult};

/// The caller's standing towards a loaded procurement.
pub fn standing_of(aggregate: &Aggregate, who: Who<'_>) -> Standing {
    standing_towards(&aggregate.procurement, &aggregate.invited(), who)
}

/// The caller's standing towards a procurement that invited `invited`.
pub fn standing_towards(procurement: &Procurement, invited: &[String], who: Who<'_>) -> Standing {
    standing(
        who,
        Involved {
            organization: procurement.organization_id.as_deref(),
            host_municipality: procurement.host_municipality.as_deref(),
            invited,
        },
    )
}

/// What `require_coordinator` refuses with.
pub const COORDINATOR_ERRORS: &[ErrorCode] = &[ErrorCode::NotFound, ErrorCode::Forbidden];
const STEP_ERRORS: &[ErrorCode] = codes![COORDINATOR_ERRORS, TRANSITION_ERRORS];
/// What each flow below refuses with, besides the checks of its input that
/// the caller runs first.
pub const EDIT_ERRORS: &[ErrorCode] = codes![STEP_ERRORS, &[ErrorCode::InvitedInLotArea]];
pub const ADD_LOT_ERRORS: &[ErrorCode] = codes![
    STEP_ERRORS,
    &[ErrorCode::TooManyLots, ErrorCode::LotAreaNotInvited]
];
pub const CHANGE_LOT_ERRORS: &[ErrorCode] = codes![STEP_ERRORS, &[ErrorCode::LotAreaNotInvited]];
pub const REMOVE_LOT_ERRORS: &[ErrorCode] = STEP_ERRORS;
pub const OPEN_ERRORS: &[ErrorCode] =
    codes![STEP_ERRORS, &[ErrorCode::NoLots, ErrorCode::DeadlinePassed]];
pub const CLOSE_ERRORS: &[ErrorCode] = codes![STEP_ERRORS, &[ErrorCode::DeadlineNotReached]];
pub const PUBLISH_ERRORS: &[ErrorCode] = codes![
    STEP_ERRORS,
    &[ErrorCode::QuorumNotMet, ErrorCode::ValueOverflow],
    super::compliance::REQUIRE_COMPLIANT_ERRORS,
];
pub const CANCEL_ERRORS: &[ErrorCode] = STEP_ERRORS;
pub const SPLIT_ERRORS: &[ErrorCode] = codes![
    STEP_ERRORS,
    &[ErrorCode::TooManyLots, ErrorCode::InvalidSplit]
];

/// Only its coordinator changes a procurement; those who may not see it get 404.
pub fn require_coordinator(aggregate: &Aggregate, who: Who<'_>) -> AppResult<()> {
    match standing_of(aggregate, who) {
        Standing::Coordinator => Ok(()),
        Standing::Outsider => Err(AppError::not_found("the procurement")),
        _ => Err(AppError::forbidden(
            "only the procurement's coordinator may do this",
        )),
    }
}

fn step(aggregate: &Aggregate, action: Action) -> AppResult<ProcurementStatus> {
    check(aggregate.procurement.status, action).map_err(AppError::from)
}

/// What the audit chain records of a proposal or an edit: the proposal's own
/// serialisation, so that a new field is recorded without a change here.
fn proposal_json(p: &Proposal) -> AppResult<serde_json::Value> {
    serde_json::to_value(p).map_err(AppError::internal)
}

pub struct Leader {
    pub organization_id: Option<String>,
    pub host_municipality: Option<String>,
}

pub fn propose(
    conn: &mut AnyConnection,
    proposal: &Proposal,
    leader: Leader,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let at = crate::db::stamp(now);
    let row = NewProcurement {
        id: new_id(),
        proposal: ProcurementChange::of(proposal, at),
        status: ProcurementStatus::Draft,
        organization_id: leader.organization_id,
        host_municipality: leader.host_municipality,
        created_by: actor.to_string(),
        event_seq: 0,
        last_event_hash: String::new(),
        created_at: at,
    };
    let invited: Vec<String> = proposal.invited.iter().map(|k| k.to_string()).collect();
    procurements::insert(conn, &row, &invited)?;
    events::append(
        conn,
        &row.id,
        "proposed",
        actor,
        at,
        &proposal_json(proposal)?,
    )?;
    Ok(row.id)
}

/// `change` makes the new proposal from the procurement as it is once
/// locked, so that two edits of different fields at the same time both land.
pub fn edit(
    conn: &mut AnyConnection,
    id: &str,
    change: impl FnOnce(&Aggregate) -> AppResult<Proposal>,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    step(&aggregate, Action::Edit)?;
    let proposal = &change(&aggregate)?;
    let invited: Vec<String> = proposal.invited.iter().map(|k| k.to_string()).collect();
    for lot in &aggregate.lots {
        if let Some(m) = lot.area.iter().find(|m| !invited.contains(m)) {
            return Err(AppError::new(
                ErrorCode::InvitedInLotArea,
                format!(
                    "{m} serves lot '{}'; change the lot's area before uninviting it",
                    lot.title
                ),
            )
            .on_field("invited"));
        }
    }
    let at = crate::db::stamp(now);
    let change = ProcurementChange::of(proposal, at);
    procurements::update(conn, id, &change, &invited)?;
    events::append(conn, id, "edited", actor, at, &proposal_json(proposal)?)?;
    Ok(())
}

pub fn add_lot(
    conn: &mut AnyConnection,
    id: &str,
    draft: &LotDraft,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Lot> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    step(&aggregate, Action::AddLot)?;
    if aggregate.lots.len() >= MAX_LOTS {
        return Err(AppError::new(
            ErrorCode::TooManyLots,
            format!("a procurement has at most {MAX_LOTS} lots"),
        ));
    }
    let invited = aggregate.invited();
    if let Some(m) = draft
        .area
        .iter()
        .find(|m| !invited.iter().any(|i| i == m.as_str()))
    {
        return Err(
            AppError::new(ErrorCode::LotAreaNotInvited, format!("{m} is not invited"))
                .on_field("area"),
        );
    }
    let at = crate::db::stamp(now);
    let lot = Lot {
        id: new_id(),
        procurement_id: id.to_string(),
        position: procurements::next_lot_position(conn, id)?,
        title: draft.title.clone(),
        cpv: draft.cpv.to_string(),
        unit: draft.unit.clone(),
        unit_price_ore: draft.unit_price.get(),
        area: draft
            .area
            .iter()
            .map(ParticipantNumber::to_string)
            .collect(),
        active: true,
        split_from: None,
        created_at: at,
    };
    procurements::insert_lot(conn, &lot)?;
    events::append(
        conn,
        id,
        "lot_added",
        actor,
        at,
        &json!({"lot_id": lot.id, "title": lot.title, "cpv": lot.cpv, "unit": lot.unit,
                "unit_price_ore": lot.unit_price_ore, "area": lot.area}),
    )?;
    Ok(lot)
}

/// `change` makes the lot's new terms from the lot as it is once locked and
/// the invited municipalities, so that it is checked by `check_lot` against
/// what is stored, not against what was read before.
pub fn change_lot(
    conn: &mut AnyConnection,
    id: &str,
    lot_id: &str,
    change: impl FnOnce(&Lot, &[String]) -> AppResult<LotDraft>,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Lot> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    step(&aggregate, Action::Edit)?;
    let current = aggregate
        .lot(lot_id)
        .ok_or_else(|| AppError::not_found("the lot"))?;
    let invited = aggregate.invited();
    let draft = change(current, &invited)?;
    // `check_lot` already refuses an uninvited municipality; kept here
    // because `change` is the caller's.
    if let Some(m) = draft
        .area
        .iter()
        .find(|m| !invited.iter().any(|i| i == m.as_str()))
    {
        return Err(
            AppError::new(ErrorCode::LotAreaNotInvited, format!("{m} is not invited"))
                .on_field("area"),
        );
    }
    let lot = Lot {
        title: draft.title.clone(),
        cpv: draft.cpv.to_string(),
        unit: draft.unit.clone(),
        unit_price_ore: draft.unit_price.get(),
        area: draft.area.iter().map(ToString::to_string).collect(),
        ..current.clone()
    };
    let at = crate::db::stamp(now);
    procurements::update_lot(conn, &lot)?;
    events::append(
        conn,
        id,
        "lot_changed",
        actor,
        at,
        &json!({"lot_id": lot.id, "title": lot.title, "cpv": lot.cpv, "unit": lot.unit,
                "unit_price_ore": lot.unit_price_ore, "area": lot.area}),
    )?;
    Ok(lot)
}

/// Takes a lot out of a draft. The row is kept, retired as a split lot is,
/// so that the audit trail's `lot_id`s keep naming something.
pub fn remove_lot(
    conn: &mut AnyConnection,
    id: &str,
    lot_id: &str,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    step(&aggregate, Action::Edit)?;
    let lot = aggregate
        .lot(lot_id)
        .ok_or_else(|| AppError::not_found("the lot"))?;
    let at = crate::db::stamp(now);
    procurements::retire_lot(conn, lot_id)?;
    events::append(
        conn,
        id,
        "lot_removed",
        actor,
        at,
        &json!({"lot_id": lot.id, "title": lot.title}),
    )?;
    Ok(())
}

/// Opens the participation window and invites every municipality by email.
pub fn open(
    conn: &mut AnyConnection,
    id: &str,
    who: Who<'_>,
    actor: &str,
    links: &Links,
    now: DateTime<Utc>,
) -> AppResult<Aggregate> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let next = step(&aggregate, Action::Open)?;
    if aggregate.lots.is_empty() {
        return Err(AppError::new(
            ErrorCode::NoLots,
            "add at least one lot before opening the procurement",
        ));
    }
    if aggregate.procurement.deadline() <= now {
        return Err(AppError::new(
            ErrorCode::DeadlinePassed,
            "the participation deadline has passed; set a new one before opening",
        ));
    }
    let at = crate::db::stamp(now);
    procurements::set_status(conn, id, next, at)?;
    let invited = invite_all(conn, &aggregate, links, now)?;
    events::append(
        conn,
        id,
        "opened",
        actor,
        at,
        &json!({"invited": aggregate.invited(), "emailed": invited.emailed,
                "without_contact_email": invited.without_address}),
    )?;
    Ok(aggregate)
}

/// Ends the participation window. Before the deadline only when every
/// invited municipality has answered; whoever has not is then `no_response`.
pub fn close(
    conn: &mut AnyConnection,
    id: &str,
    who: Option<Who<'_>>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let aggregate = locked_head(conn, id)?;
    if let Some(who) = who {
        require_coordinator(&aggregate, who)?;
    }
    let next = step(&aggregate, Action::Close)?;
    let pending = aggregate
        .participations
        .iter()
        .filter(|p| p.decision == Decision::Pending)
        .count();
    if now < aggregate.procurement.deadline() && pending > 0 {
        return Err(AppError::new(
            ErrorCode::DeadlineNotReached,
            format!("{pending} municipalities have not answered and the deadline has not passed"),
        ));
    }
    let at = crate::db::stamp(now);
    let no_response = procurements::mark_no_response(conn, id)?;
    procurements::set_status(conn, id, next, at)?;
    events::append(
        conn,
        id,
        "closed",
        actor,
        at,
        &json!({"no_response": no_response}),
    )?;
    Ok(())
}

/// Publishes: the participant list is frozen from here on; subscribers
/// whose trade and area a lot matches are alerted.
#[allow(clippy::too_many_arguments)]
pub fn publish(
    conn: &mut AnyConnection,
    id: &str,
    who: Who<'_>,
    actor: &str,
    thresholds: &ThresholdTable,
    clauses: &ClauseLibrary,
    alerts: &super::consultation::Alerts,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let next = step(&aggregate, Action::Publish)?;
    let summary = summary_of(&aggregate, thresholds, now)?;
    if !summary.quorum.met {
        let q = &summary.quorum;
        return Err(AppError::new(
            ErrorCode::QuorumNotMet,
            format!(
                "the quorum is not met: {} joined (at least {} needed), {}% of the invited population (at least {}% needed)",
                summary.participants.joined,
                q.min_participants.unwrap_or(0),
                q.joined_population_share_percent.unwrap_or(0),
                q.min_population_share_percent.unwrap_or(0),
            ),
        ));
    }
    super::compliance::require_compliant(conn, &aggregate, &summary, thresholds, clauses, now)?;
    let participants: Vec<&str> = aggregate.joined().collect();
    let at = crate::db::stamp(now);
    procurements::set_status(conn, id, next, at)?;
    let alerted = super::consultation::alert_subscribers(
        conn,
        &aggregate,
        super::consultation::AlertKind::Published,
        None,
        alerts,
        now,
    )?;
    events::append(
        conn,
        id,
        "published",
        actor,
        at,
        &json!({"participants": participants, "total_max_contract_value_ore": summary.total_max_contract_value_ore,
                "regime": summary.regime.regime, "suppliers_alerted": alerted}),
    )?;
    Ok(())
}

pub fn cancel(
    conn: &mut AnyConnection,
    id: &str,
    who: Who<'_>,
    actor: &str,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let aggregate = locked_head(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let next = step(&aggregate, Action::Cancel)?;
    let at = crate::db::stamp(now);
    procurements::set_status(conn, id, next, at)?;
    events::append(conn, id, "cancelled", actor, at, &json!({"reason": reason}))?;
    Ok(())
}

/// Splits a lot by groups of municipalities; each joined municipality's
/// volumes follow it into the sub-lot whose area holds it.
pub fn split(
    conn: &mut AnyConnection,
    id: &str,
    lot_id: &str,
    groups: &[Vec<ParticipantNumber>],
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<Lot>> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    step(&aggregate, Action::SplitLot)?;
    let lot = aggregate
        .lot(lot_id)
        .ok_or_else(|| AppError::not_found("the lot"))?
        .clone();
    let area = parse_area(&lot)?;
    let volumes: Vec<(ParticipantNumber, _)> = aggregate
        .volumes
        .iter()
        .filter(|v| v.lot_id == lot_id)
        .map(|v| {
            ParticipantNumber::parse(&v.municipality)
                .map(|k| (k, v.input()))
                .map_err(AppError::internal)
        })
        .collect::<AppResult<_>>()?;
    if aggregate.lots.len() - 1 + groups.len() > MAX_LOTS {
        return Err(AppError::new(
            ErrorCode::TooManyLots,
            format!("a procurement has at most {MAX_LOTS} lots"),
        )
        .on_field("groups"));
    }
    let sub_lots =
        split_lot(&area, groups, &volumes).map_err(|e| AppError::from(e).on_field("groups"))?;
    let at = crate::db::stamp(now);
    let mut created = Vec::with_capacity(sub_lots.len());
    for (n, sub) in sub_lots.iter().enumerate() {
        let new_lot = Lot {
            id: new_id(),
            procurement_id: id.to_string(),
            position: lot.position,
            title: sub_lot_title(&lot.title, &sub.area, n + 1),
            cpv: lot.cpv.clone(),
            unit: lot.unit.clone(),
            unit_price_ore: lot.unit_price_ore,
            area: sub.area.iter().map(ParticipantNumber::to_string).collect(),
            active: true,
            split_from: Some(lot.id.clone()),
            created_at: at,
        };
        procurements::insert_lot(conn, &new_lot)?;
        let lines: Vec<Volume> = sub
            .volumes
            .iter()
            .map(|(m, v)| Volume {
                procurement_id: id.to_string(),
                municipality: m.to_string(),
                lot_id: new_lot.id.clone(),
                annual_quantity: v.annual_quantity,
                max_annual_quantity: v.max_annual_quantity,
            })
            .collect();
        procurements::insert_volumes(conn, &lines)?;
        created.push(new_lot);
    }
    procurements::delete_volumes_of_lot(conn, lot_id)?;
    procurements::retire_lot(conn, lot_id)?;
    events::append(
        conn,
        id,
        "lot_split",
        actor,
        at,
        &json!({"lot_id": lot_id, "into": created.iter().map(|l| json!({"lot_id": l.id, "area": l.area})).collect::<Vec<_>>()}),
    )?;
    Ok(created)
}

fn parse_area(lot: &Lot) -> AppResult<Vec<ParticipantNumber>> {
    lot.area
        .iter()
        .map(|m| ParticipantNumber::parse(m).map_err(AppError::internal))
        .collect()
}

/// "Skolemat – Bergen" for one municipality, "Skolemat – del 2" for a group.
fn sub_lot_title(title: &str, area: &[ParticipantNumber], n: usize) -> String {
    match area {
        [only] => format!("{title} – {}", only.name()),
        _ => format!("{title} – del {n}"),
    }
}

/// The summary as of `now`, with the thresholds in force on the day it was
/// announced (or today, before that). For its figures: its warnings are in
/// bokmål (the API's summary asks `summary_on` in the caller's language).
pub fn summary_of(
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    now: DateTime<Utc>,
) -> AppResult<crate::domain::summary::Summary> {
    summary_on(
        aggregate,
        thresholds,
        announcement_day(aggregate, now),
        Lang::default(),
    )
}

/// The day whose thresholds decide: the announcement, or today before it.
pub fn announcement_day(aggregate: &Aggregate, now: DateTime<Utc>) -> NaiveDate {
    let p = &aggregate.procurement;
    crate::domain::calendar::oslo_date(p.published_at.map(|t| t.and_utc()).unwrap_or(now))
}

/// The summary with the thresholds in force on `day`, its warnings in
/// `lang`. A day before the first row of the table has no amounts to answer
/// with: a 422, not a guess.
pub fn summary_on(
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    day: NaiveDate,
    lang: Lang,
) -> AppResult<crate::domain::summary::Summary> {
    let p = &aggregate.procurement;
    let row = thresholds.in_force_or_invalid(day)?;
    summarize(
        p.status,
        &p.terms()?,
        &aggregate.lot_inputs()?,
        &aggregate.participant_inputs()?,
        row,
        day,
        lang,
    )
    .map_err(AppError::from)
}
