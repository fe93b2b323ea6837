//! After the award: the follow-up plan from the chosen clauses, the results
//! the coordinator records, and the reminders the scheduler sends. Each
//! reminder goes out at most once per checkpoint and kind (`notices`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Days, Utc};
use serde_json::json;

use super::lifecycle::require_coordinator;
use super::locked;
use crate::db::compliance::{self, Award, Checkpoint};
use crate::db::procurements;
use crate::db::{events, new_id, notices, suppliers, users, AnyConnection};
use crate::domain::access::Who;
use crate::domain::calendar::oslo_date;
use crate::domain::clauses::mandatory::contract_end;
use crate::domain::clauses::{ClauseLibrary, FollowUpRules};
use crate::domain::contract::{check, Action, ProcurementStatus};
use crate::domain::follow_up::{check_result, plan, state, CheckpointResult, CheckpointState};
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};
use crate::letters::follow_up::{follow_up_notice, FollowUpNotice, Item};

pub const DUE: &str = "follow_up_due";
pub const OVERDUE: &str = "follow_up_overdue";

/// One winning supplier for one lot.
#[derive(Debug, Clone)]
pub struct AwardLine {
    pub lot_id: String,
    pub supplier_id: String,
}

/// Awards the lots and lays out the follow-up plan. Lots left out are not
/// awarded (no acceptable tender) and get no checkpoints. Returns how many
/// checkpoints the plan holds.
pub fn award(
    conn: &mut AnyConnection,
    id: &str,
    lines: &[AwardLine],
    library: &ClauseLibrary,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let next = check(aggregate.procurement.status, Action::Award)?;
    if lines.is_empty() {
        return Err(AppError::new(
            ErrorCode::AwardsRequired,
            "name the winning supplier of at least one lot",
        )
        .on_field("awards"));
    }
    for (i, line) in lines.iter().enumerate() {
        if aggregate.lot(&line.lot_id).is_none() {
            return Err(AppError::new(
                ErrorCode::LotNotFound,
                format!("the procurement has no lot with the id '{}'", line.lot_id),
            )
            .on_field(&format!("awards[{i}].lot_id")));
        }
        if lines[..i].iter().any(|l| l.lot_id == line.lot_id) {
            return Err(AppError::new(
                ErrorCode::InvalidAward,
                format!("lot '{}' is awarded more than once", line.lot_id),
            )
            .on_field(&format!("awards[{i}].lot_id")));
        }
        if suppliers::find(conn, &line.supplier_id)?.is_none() {
            return Err(AppError::new(
                ErrorCode::SupplierNotFound,
                format!("there is no supplier with the id '{}'", line.supplier_id),
            )
            .on_field(&format!("awards[{i}].supplier_id")));
        }
    }
    let p = &aggregate.procurement;
    let chosen = compliance::settings(conn, id)?
        .map(|s| s.clauses)
        .unwrap_or_default();
    let end = contract_end(p.contract_start, p.duration_months)?;
    let planned = plan(library, &chosen, p.contract_start, end);
    let at = crate::db::stamp(now);
    let awards: Vec<Award> = lines
        .iter()
        .map(|l| Award {
            procurement_id: id.to_string(),
            lot_id: l.lot_id.clone(),
            supplier_id: l.supplier_id.clone(),
            awarded_at: at,
        })
        .collect();
    let checkpoints: Vec<Checkpoint> = awards
        .iter()
        .flat_map(|a| {
            planned.iter().map(move |c| Checkpoint {
                id: new_id(),
                procurement_id: id.to_string(),
                lot_id: a.lot_id.clone(),
                supplier_id: a.supplier_id.clone(),
                clause_code: c.clause.clone(),
                checkpoint_code: c.checkpoint.clone(),
                title: c.title.clone(),
                description: c.description.clone(),
                due_on: c.due_on,
                result: None,
                note: None,
                recorded_by: None,
                recorded_at: None,
                created_at: at,
            })
        })
        .collect();
    compliance::insert_awards(conn, &awards)?;
    compliance::insert_checkpoints(conn, &checkpoints)?;
    procurements::set_status(conn, id, next, at)?;
    events::append(
        conn,
        id,
        "awarded",
        actor,
        at,
        &json!({
            "awards": lines.iter().map(|l| json!({"lot_id": l.lot_id, "supplier_id": l.supplier_id})).collect::<Vec<_>>(),
            "clauses": chosen,
            "checkpoints": checkpoints.len(),
        }),
    )?;
    Ok(checkpoints.len())
}

/// The coordinator records what a checkpoint found. A later record replaces
/// the earlier one on the checkpoint; the audit trail keeps both.
// Every flow ends in who acts, as whom, and when; bundling them for the
// two longest would make these two unlike the rest.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut AnyConnection,
    id: &str,
    checkpoint_id: &str,
    result: CheckpointResult,
    note: Option<&str>,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Checkpoint> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    let status = aggregate.procurement.status;
    if status != ProcurementStatus::Awarded {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            format!("the procurement is {status}; follow-up starts when it is awarded"),
        ));
    }
    let checkpoint = compliance::find_checkpoint(conn, id, checkpoint_id)?
        .ok_or_else(|| AppError::not_found("the checkpoint"))?;
    check_result(result, note).map_err(|e| AppError::from(e).on_field("note"))?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let at = crate::db::stamp(now);
    compliance::record_result(conn, checkpoint_id, result, note, actor, at)?;
    events::append(
        conn,
        id,
        "follow_up_recorded",
        actor,
        at,
        &json!({
            "checkpoint_id": checkpoint_id,
            "clause": checkpoint.clause_code,
            "checkpoint": checkpoint.checkpoint_code,
            "lot_id": checkpoint.lot_id,
            "due_on": checkpoint.due_on,
            "result": result,
            "note": note,
        }),
    )?;
    compliance::find_checkpoint(conn, id, checkpoint_id)?
        .ok_or_else(|| AppError::not_found("the checkpoint"))
}

/// Tells the coordinators of each awarded procurement about checkpoints
/// that have come due and, again, about those now overdue. One letter per
/// procurement and kind; each checkpoint is announced at most once per
/// kind. Returns the number of checkpoints announced.
pub fn send_reminders(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    rules: FollowUpRules,
) -> AppResult<usize> {
    let today = oslo_date(now);
    let horizon = u64::try_from(rules.remind_days_before)
        .ok()
        .and_then(|d| today.checked_add_days(Days::new(d)))
        .unwrap_or(today);
    let mut by_procurement: BTreeMap<String, Vec<Checkpoint>> = BTreeMap::new();
    for c in compliance::open_until(conn, horizon)? {
        by_procurement
            .entry(c.procurement_id.clone())
            .or_default()
            .push(c);
    }
    let mut announced = 0;
    for (id, open) in by_procurement {
        let Some(aggregate) = procurements::load(conn, &id)? else {
            continue;
        };
        let p = &aggregate.procurement;
        let addresses = users::coordinator_emails(
            conn,
            p.organization_id.as_deref(),
            p.host_municipality.as_deref(),
        )?;
        // Unclaimed, so that a coordinator added later still hears of it.
        if addresses.is_empty() {
            continue;
        }
        let mut due = Vec::new();
        let mut overdue = Vec::new();
        for c in open {
            let (kind, list) = match state(c.due_on, None, today, rules) {
                CheckpointState::Due => (DUE, &mut due),
                CheckpointState::Overdue => (OVERDUE, &mut overdue),
                _ => continue,
            };
            if notices::claim(conn, kind, &c.id, now.naive_utc())? {
                list.push(c);
            }
        }
        let mut names: HashMap<String, String> = HashMap::new();
        for (is_overdue, list) in [(false, &due), (true, &overdue)] {
            if list.is_empty() {
                continue;
            }
            let mut items = Vec::with_capacity(list.len());
            for c in list.iter() {
                let supplier = match names.get(&c.supplier_id) {
                    Some(name) => name.clone(),
                    None => {
                        let name = suppliers::find(conn, &c.supplier_id)?
                            .map_or_else(|| c.supplier_id.clone(), |s| s.name);
                        names.insert(c.supplier_id.clone(), name.clone());
                        name
                    }
                };
                items.push(Item {
                    title: c.title.clone(),
                    lot: aggregate
                        .lot(&c.lot_id)
                        .map_or_else(|| c.lot_id.clone(), |l| l.title.clone()),
                    supplier,
                    due_on: c.due_on.format("%d.%m.%Y").to_string(),
                });
            }
            let letter = follow_up_notice(&FollowUpNotice {
                procurement: &p.title,
                overdue: is_overdue,
                items: &items,
            });
            for address in &addresses {
                super::send(conn, address, &letter, now)?;
            }
            announced += list.len();
        }
    }
    Ok(announced)
}
