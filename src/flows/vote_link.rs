//! A municipality answers by the personal link in its invitation: the link
//! is used up, the decision recorded under exactly the rules of the API
//! (which retires the municipality's other open links), and a receipt with a
//! fresh link is sent, all in one transaction. The fresh link, issued after
//! the decision, is then the one link that can change it, until another
//! decision (by API or by that link) retires it in turn.

use chrono::{DateTime, Utc};

use serde_json::json;

use super::invitations::{municipality_name, Links};
use super::locked_head;
use super::mandates::{self as mandates_flow, NewMandate};
use super::participation::{decide, DecisionRequest, Receipt};
use crate::auth::vote_token::VoteClaims;
use crate::db::events;
use crate::db::mandates::Mandate;
use crate::db::procurements::{self, Aggregate};
use crate::db::stamp;
use crate::db::{municipalities, vote_links, AnyConnection};
use crate::domain::calendar::oslo_display;
use crate::domain::contract::check_participation;
use crate::domain::summary::{Channel, Decision};
use crate::domain::{ErrorCode, Ore, ParticipantNumber};
use crate::error::{AppError, AppResult};
use crate::letters::{self, ReceiptLetter};

/// What the page shows after a recorded answer.
pub struct Voted {
    pub receipt: Receipt,
    /// The link for changing the answer, as also sent in the receipt.
    pub fresh_link: String,
}

/// Uses the link of `claims` (410 `vote_link_used` when it was used
/// already), records the decision, issues a fresh link and queues the
/// receipt to the municipality's contact address.
pub fn vote(
    conn: &mut AnyConnection,
    claims: &VoteClaims,
    request: DecisionRequest,
    links: &Links,
    now: DateTime<Utc>,
) -> AppResult<Voted> {
    if !vote_links::use_once(conn, &claims.jti, stamp(now))? {
        return Err(AppError::new(
            ErrorCode::VoteLinkUsed,
            "the link has been used",
        ));
    }
    let municipality = ParticipantNumber::parse(&claims.sub).map_err(AppError::internal)?;
    let actor = format!("municipality:{} (e-post)", claims.sub);
    let receipt = decide(
        conn,
        &claims.proc,
        &municipality,
        request,
        Channel::Email,
        &actor,
        now,
    )?;
    let deadline = procurements::find(conn, &claims.proc)?
        .ok_or_else(|| AppError::not_found("the procurement"))?
        .deadline();
    let fresh_link = links.issue(conn, &claims.proc, &claims.sub, deadline, now)?;
    if let Some(address) = municipalities::find(conn, &claims.sub)?.and_then(|m| m.contact_email) {
        // The whole procurement only for a letter: its volume lines are many.
        let aggregate = procurements::load(conn, &claims.proc)?
            .ok_or_else(|| AppError::not_found("the procurement"))?;
        let letter = receipt_letter(&aggregate, &receipt, &fresh_link);
        super::send(conn, &address, &letter, now)?;
    }
    Ok(Voted {
        receipt,
        fresh_link,
    })
}

/// What `record_mandate` refuses with, besides `NewMandate::check`'s.
pub const RECORD_MANDATE_ERRORS: &[ErrorCode] = &[
    ErrorCode::VoteLinkUsed,
    ErrorCode::NotFound,
    ErrorCode::ParticipationClosed,
];

/// Records a mandate given on the voting page, for the municipality the link
/// of `claims` was sent to, and appends it to the procurement's audit trail
/// with the link's address as the actor. The link is not used: registering
/// the mandate is not the decision, which the same link then gives.
pub fn record_mandate(
    conn: &mut AnyConnection,
    claims: &VoteClaims,
    mandate: NewMandate,
    now: DateTime<Utc>,
) -> AppResult<Mandate> {
    let link = vote_links::find(conn, &claims.jti)?
        .filter(|l| l.procurement_id == claims.proc && l.municipality == claims.sub)
        .ok_or_else(|| AppError::not_found("the voting link"))?;
    if !link.is_open() {
        return Err(AppError::new(
            ErrorCode::VoteLinkUsed,
            "the link has been used",
        ));
    }
    if mandate.municipality.as_str() != claims.sub {
        return Err(AppError::internal(
            "a link's mandate for another municipality",
        ));
    }
    let aggregate = locked_head(conn, &claims.proc)?;
    let p = &aggregate.procurement;
    check_participation(p.status, p.deadline(), now)?;
    let actor = link_actor(conn, &claims.sub)?;
    let row = mandates_flow::record(conn, mandate, &actor, now)?;
    events::append(
        conn,
        &claims.proc,
        "mandate_recorded",
        &actor,
        stamp(now),
        &json!({
            "municipality": row.municipality,
            "mandate_id": row.id,
            "reference": row.reference,
            "decided_by": row.decided_by,
            "decided_on": row.decided_on,
            "valid_from": row.valid_from,
            "valid_until": row.valid_until,
            "cpv_scope": row.cpv_scope,
            "max_value_ore": row.max_value_ore,
        }),
    )?;
    Ok(row)
}

/// Who acts through a voting link: whoever reads the address it was sent
/// to, the municipality's contact address.
fn link_actor(conn: &mut AnyConnection, municipality: &str) -> AppResult<String> {
    Ok(
        match municipalities::find(conn, municipality)?.and_then(|m| m.contact_email) {
            Some(address) => format!("vote link to {address}"),
            None => format!("vote link of municipality:{municipality}"),
        },
    )
}

/// The receipt email, with the volumes as now stored.
fn receipt_letter(aggregate: &Aggregate, receipt: &Receipt, link: &str) -> letters::Letter {
    let p = &aggregate.procurement;
    let lines = volume_lines(aggregate, &receipt.municipality);
    let name = municipality_name(&receipt.municipality);
    letters::receipt(&ReceiptLetter {
        municipality: &name,
        title: &p.title,
        joined: receipt.decision == Decision::Join,
        mandate_reference: receipt.mandate_reference.as_deref(),
        share: receipt.share_value_ore.map(Ore::new),
        volumes: &lines,
        decided_at: &oslo_display(receipt.decided_at),
        deadline: &oslo_display(p.deadline()),
        link,
    })
}

fn volume_lines(a: &Aggregate, municipality: &str) -> Vec<(String, i64, Option<i64>, String)> {
    a.volumes
        .iter()
        .filter(|v| v.municipality == municipality)
        .filter_map(|v| {
            a.lot(&v.lot_id).map(|l| {
                (
                    l.title.clone(),
                    v.annual_quantity,
                    v.max_annual_quantity,
                    l.unit.clone(),
                )
            })
        })
        .collect()
}
