//! A municipality records the council decision (the mandate) that lets it
//! join procurements, and revokes it. A revoked mandate stays on record:
//! the decisions made under it stand, and it covers no new one.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::db::mandates::{self, Mandate};
use crate::db::stamp;
use crate::db::{events, new_id, AnyConnection};
use crate::domain::mandate::{validate_mandate_terms, MANDATE_TERMS_ERRORS};
use crate::domain::supplier::parse_name;
use crate::domain::{codes, CpvPrefix, ErrorCode, Ore, ParticipantNumber};
use crate::error::{AppError, AppResult, FieldExt};

/// A mandate whose terms the domain has checked.
pub struct NewMandate {
    pub municipality: ParticipantNumber,
    pub reference: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub cpv_scope: Vec<CpvPrefix>,
    pub max_value: Ore,
}

/// What `NewMandate::check` refuses with, each on the request's field.
pub const CHECK_ERRORS: &[ErrorCode] = codes![
    &[
        ErrorCode::InvalidName,
        ErrorCode::InvalidAmount,
        ErrorCode::InvalidCpvPrefix
    ],
    MANDATE_TERMS_ERRORS
];

/// A mandate as asked for, its dates already read (the API's JSON, a form).
pub struct MandateRequest<'a> {
    pub reference: &'a str,
    pub decided_by: &'a str,
    pub decided_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub cpv_scope: &'a [String],
    pub max_value_ore: i64,
}

impl NewMandate {
    /// The checks of every door that records a mandate (the API, the
    /// workspace, the voting page), each refusal on the API's field name.
    pub fn check(municipality: ParticipantNumber, r: MandateRequest<'_>) -> AppResult<NewMandate> {
        let reference = parse_name(r.reference).field("reference")?;
        let decided_by = parse_name(r.decided_by).field("decided_by")?;
        let max_value =
            Ore::non_negative(r.max_value_ore, "max_value_ore").field("max_value_ore")?;
        validate_mandate_terms(&reference, r.valid_from, r.valid_until, max_value)
            .field("valid_until")?;
        let cpv_scope = r
            .cpv_scope
            .iter()
            .map(|p| CpvPrefix::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .field("cpv_scope")?;
        Ok(NewMandate {
            municipality,
            reference,
            decided_by,
            decided_on: r.decided_on,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            cpv_scope,
            max_value,
        })
    }
}

/// Stores the mandate and answers it as stored.
pub fn record(
    conn: &mut AnyConnection,
    mandate: NewMandate,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Mandate> {
    let row = Mandate {
        id: new_id(),
        municipality: mandate.municipality.to_string(),
        reference: mandate.reference,
        decided_by: mandate.decided_by,
        decided_on: mandate.decided_on,
        valid_from: mandate.valid_from,
        valid_until: mandate.valid_until,
        cpv_scope: mandate.cpv_scope.into_iter().map(String::from).collect(),
        max_value_ore: mandate.max_value.get(),
        created_by: actor.to_string(),
        created_at: stamp(now),
        revoked_at: None,
        revoked_by: None,
    };
    mandates::insert(conn, &row)?;
    Ok(row)
}

/// What `revoke` refuses with.
pub const REVOKE_ERRORS: &[ErrorCode] = &[ErrorCode::NotFound];

/// Revokes the municipality's mandate `id` and answers it as stored. The
/// audit trail of every procurement with a decision under it records the
/// revocation (the decision stands; the coordinator sees what it rests on).
/// Revoking a revoked mandate changes nothing: it keeps its first
/// revocation.
pub fn revoke(
    conn: &mut AnyConnection,
    municipality: &ParticipantNumber,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Mandate> {
    let not_found = || AppError::not_found(&format!("mandate {id} of {}", municipality.name()));
    let mandate = mandates::find(conn, id)?
        .filter(|m| m.municipality == municipality.as_str())
        .ok_or_else(not_found)?;
    let at = stamp(now);
    if mandates::revoke(conn, id, actor, at)? {
        for procurement in mandates::procurements_decided_under(conn, id)? {
            // In id order, so that two revocations lock in the same order.
            events::lock_procurement(conn, &procurement)?;
            events::append(
                conn,
                &procurement,
                "mandate_revoked",
                actor,
                at,
                &json!({
                    "municipality": municipality.as_str(),
                    "mandate_id": mandate.id,
                    "mandate_reference": mandate.reference,
                }),
            )?;
        }
    }
    mandates::find(conn, id)?.ok_or_else(not_found)
}
