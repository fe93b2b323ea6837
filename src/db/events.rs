//! The audit trail: every state change of a procurement, each event chained to
//! the one before by a SHA-256 hash, so that an edit or a deletion in the
//! database shows when the chain is verified.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::{events, procurements};
use super::AnyConnection;
use super::DbResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct Event {
    pub procurement_id: String,
    pub seq: i64,
    pub kind: String,
    pub actor: String,
    pub at: NaiveDateTime,
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

pub fn hash_of(
    prev_hash: &str,
    seq: i64,
    kind: &str,
    actor: &str,
    at: NaiveDateTime,
    data: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        kind,
        actor,
        &at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        data,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Takes the procurement's row lock (on PostgreSQL; SQLite's writer is already
/// alone), so that everything read after it in the transaction is current
/// and concurrent writers of the same procurement queue here.
pub fn lock_procurement(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<bool> {
    let n = diesel::update(procurements::table.find(procurement_id))
        .set(procurements::event_seq.eq(procurements::event_seq))
        .execute(conn)?;
    Ok(n == 1)
}

/// Appends an event at the head of the procurement's chain. Call it in the
/// transaction of the change it records.
pub fn append(
    conn: &mut AnyConnection,
    procurement_id: &str,
    kind: &str,
    actor: &str,
    at: NaiveDateTime,
    data: &serde_json::Value,
) -> DbResult<Event> {
    diesel::update(procurements::table.find(procurement_id))
        .set(procurements::event_seq.eq(procurements::event_seq + 1))
        .execute(conn)?;
    let (seq, prev_hash): (i64, String) = procurements::table
        .find(procurement_id)
        .select((procurements::event_seq, procurements::last_event_hash))
        .first(conn)?;
    let data = data.to_string();
    let hash = hash_of(&prev_hash, seq, kind, actor, at, &data);
    let event = Event {
        procurement_id: procurement_id.to_string(),
        seq,
        kind: kind.to_string(),
        actor: actor.to_string(),
        at,
        data,
        prev_hash,
        hash: hash.clone(),
    };
    diesel::insert_into(events::table)
        .values(&event)
        .execute(conn)?;
    diesel::update(procurements::table.find(procurement_id))
        .set(procurements::last_event_hash.eq(hash))
        .execute(conn)?;
    Ok(event)
}

pub fn list(
    conn: &mut AnyConnection,
    procurement_id: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<Event>> {
    Ok(events::table
        .filter(events::procurement_id.eq(procurement_id))
        .select(Event::as_select())
        .order(events::seq.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

pub fn all(conn: &mut AnyConnection, procurement_id: &str) -> DbResult<Vec<Event>> {
    list(conn, procurement_id, i64::MAX, 0)
}

/// The first event whose hash or link does not hold, if any, and whether the
/// head stored on the procurement is the last event's hash.
pub fn first_broken(events: &[Event], head: &str) -> Option<i64> {
    let mut prev = String::new();
    for (i, e) in events.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.seq != expected_seq
            || e.prev_hash != prev
            || e.hash != hash_of(&e.prev_hash, e.seq, &e.kind, &e.actor, e.at, &e.data)
        {
            return Some(expected_seq);
        }
        prev = e.hash.clone();
    }
    (prev != head).then_some(events.len() as i64 + 1)
}
