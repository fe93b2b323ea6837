//! A municipality joins or declines, by API or by the vote page: the same
//! rules and the same codes. A recorded decision retires the municipality's
//! open voting links for the procurement.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::locked_head;
use crate::db::procurements::{self, Participation, Volume};
use crate::db::{events, mandates, vote_links, AnyConnection};
use crate::domain::calendar::oslo_date;
use crate::domain::contract::{check_participation, PARTICIPATION_WINDOW_ERRORS};
use crate::domain::mandate::{
    check_coverage, joined_lot_cpvs, validate_volumes, COVERAGE_ERRORS, VOLUME_ERRORS,
};
use crate::domain::summary::{share_value, Channel, Decision, VolumeInput};
use crate::domain::{codes, Cpv, ErrorCode, Invalid, ParticipantNumber};
use crate::error::{AppError, AppResult};

pub const MAX_NOTE_CHARS: usize = 2000;

#[derive(Debug, Clone)]
pub enum Choice {
    Join {
        mandate_id: Option<String>,
        volumes: Vec<VolumeInput>,
    },
    Decline,
}

#[derive(Debug, Clone)]
pub struct DecisionRequest {
    pub choice: Choice,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Receipt {
    pub municipality: String,
    pub decision: Decision,
    pub channel: Channel,
    pub decided_at: DateTime<Utc>,
    pub mandate_reference: Option<String>,
    pub share_value_ore: Option<i64>,
}

/// What `decide` refuses with.
pub const DECIDE_ERRORS: &[ErrorCode] = codes![
    &[ErrorCode::NotFound, ErrorCode::Forbidden],
    PARTICIPATION_WINDOW_ERRORS,
    &[
        ErrorCode::InvalidNote,
        ErrorCode::MandateRequired,
        ErrorCode::MandateNotFound,
    ],
    VOLUME_ERRORS,
    &[ErrorCode::LotNotFound, ErrorCode::ValueOverflow],
    COVERAGE_ERRORS,
];

/// Records the decision of `municipality` on the procurement at `now`. The
/// caller reads `now` inside its write transaction, so that a decision that
/// reaches the database a moment late is refused.
pub fn decide(
    conn: &mut AnyConnection,
    procurement_id: &str,
    municipality: &ParticipantNumber,
    request: DecisionRequest,
    channel: Channel,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Receipt> {
    let aggregate = locked_head(conn, procurement_id)?;
    if aggregate.participation(municipality.as_str()).is_none() {
        return Err(AppError::forbidden(format!(
            "{} is not invited to this procurement",
            municipality.name()
        )));
    }
    let p = &aggregate.procurement;
    check_participation(p.status, p.deadline(), now)?;
    let note = check_note(request.note)?;
    let decided_at = crate::db::stamp(now);

    let (decision, mandate, share, lines) = match request.choice {
        Choice::Decline => (Decision::Decline, None, None, Vec::new()),
        Choice::Join {
            mandate_id,
            volumes,
        } => {
            let mandate_id = mandate_id.filter(|m| !m.is_empty()).ok_or_else(|| {
                AppError::new(
                    ErrorCode::MandateRequired,
                    "joining needs the mandate it is decided under",
                )
                .on_field("mandate_id")
            })?;
            let mandate = mandates::find(conn, &mandate_id)?
                .filter(|m| m.municipality == municipality.as_str())
                .ok_or_else(|| {
                    AppError::new(
                        ErrorCode::MandateNotFound,
                        format!(
                            "{} has no mandate with the id {mandate_id}",
                            municipality.name()
                        ),
                    )
                    .on_field("mandate_id")
                })?;
            let lots = aggregate.lot_inputs()?;
            let in_area = |lot_id: &str, m: &ParticipantNumber| {
                aggregate
                    .lot(lot_id)
                    .is_some_and(|l| l.area.iter().any(|a| a == m.as_str()))
            };
            validate_volumes(&lots, in_area, municipality, &volumes)
                .map_err(|e| field(e, "volumes"))?;
            // Valued over the months the summary uses: 48 without a fixed term.
            let share = share_value(&lots, &volumes, &p.terms()?)?;
            let procurement_cpv = Cpv::parse(&p.cpv).map_err(AppError::internal)?;
            check_coverage(
                &mandate.terms()?,
                oslo_date(now),
                &procurement_cpv,
                &joined_lot_cpvs(&lots, &volumes),
                share,
            )
            .map_err(|e| field(e, "mandate_id"))?;
            let lines = volumes
                .iter()
                .map(|v| Volume {
                    procurement_id: procurement_id.to_string(),
                    municipality: municipality.to_string(),
                    lot_id: v.lot_id.clone(),
                    annual_quantity: v.annual_quantity,
                    max_annual_quantity: v.max_annual_quantity,
                })
                .collect();
            (Decision::Join, Some(mandate), Some(share.get()), lines)
        }
    };

    let row = Participation {
        procurement_id: procurement_id.to_string(),
        municipality: municipality.to_string(),
        decision,
        channel: Some(channel),
        decided_at: Some(decided_at),
        mandate_id: mandate.as_ref().map(|m| m.id.clone()),
        note: note.clone(),
        share_value_ore: share,
    };
    procurements::record_decision(conn, &row, &lines)?;
    // Whichever door the decision came by, no older voting link may override
    // it: an answer by link gets a fresh one with its receipt (`vote_link`).
    vote_links::retire_open(conn, procurement_id, municipality.as_str(), decided_at)?;
    let volumes: Vec<_> = lines
        .iter()
        .map(|l| json!({"lot_id": l.lot_id, "annual_quantity": l.annual_quantity, "max_annual_quantity": l.max_annual_quantity}))
        .collect();
    events::append(
        conn,
        procurement_id,
        "participation_decided",
        actor,
        decided_at,
        &json!({
            "municipality": municipality.as_str(),
            "decision": decision,
            "channel": channel,
            "mandate_id": row.mandate_id,
            "mandate_reference": mandate.as_ref().map(|m| m.reference.clone()),
            "share_value_ore": share,
            "volumes": volumes,
            "note": note,
        }),
    )?;
    Ok(Receipt {
        municipality: municipality.to_string(),
        decision,
        channel,
        decided_at: decided_at.and_utc(),
        mandate_reference: mandate.map(|m| m.reference),
        share_value_ore: share,
    })
}

fn field(e: Invalid, name: &str) -> AppError {
    AppError::from(e).on_field(name)
}

fn check_note(note: Option<String>) -> AppResult<Option<String>> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(AppError::new(
            ErrorCode::InvalidNote,
            format!("the note is longer than {MAX_NOTE_CHARS} characters"),
        )
        .on_field("note"));
    }
    Ok(note)
}
