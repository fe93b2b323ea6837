use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem_docs::CALLER;
use super::procurements::VISIBLE;
use super::procurements::{visible_head, visible_procurement};
use super::{Json, Page, State};
use crate::auth::Caller;
use crate::db::events::{self, Event};
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::error::{AppResult, Problem};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/procurements/{id}/events", web::get().to(list_events))
        .route(
            "/procurements/{id}/events/verify",
            web::get().to(verify_events),
        );
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    /// e.g. `proposed`, `lot_added`, `lot_changed`, `lot_removed`, `opened`, `participation_decided`, `closed`, `lot_split`, `published`.
    pub kind: String,
    /// `role:user-id`, or `system` for the scheduler.
    pub actor: String,
    pub at: String,
    pub data: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        EventView {
            data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::String(e.data)),
            seq: e.seq,
            kind: e.kind,
            actor: e.actor,
            // Microseconds, as hashed, so that anyone can recompute the chain.
            at: e
                .at
                .and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// What `list_events` answers besides success (see `problem_docs`).
pub const LIST_EVENTS_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE];

/// The audit trail: every state change with actor, time and data, oldest first.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/events", tag = "procurements", params(("id" = String, Path), Page),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<EventView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list_events(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> AppResult<Json<Vec<EventView>>> {
    let id = id.into_inner();
    visible_procurement(&state, &caller, id.clone()).await?;
    let (limit, offset) = (page.limit(), page.offset());
    let list = state
        .db
        .read(move |c| events::list(c, &id, limit, offset))
        .await?;
    Ok(Json(list.into_iter().map(EventView::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct ChainCheck {
    /// Whether every event's hash matches its content and its predecessor.
    pub intact: bool,
    pub events: usize,
    /// The first event (by seq) where the chain breaks.
    pub first_broken_seq: Option<i64>,
}

/// What `verify_events` answers besides success (see `problem_docs`).
pub const VERIFY_EVENTS_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE];

/// Recomputes the hash chain of the audit trail.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/events/verify", tag = "procurements", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ChainCheck), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn verify_events(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<ChainCheck>> {
    let id = id.into_inner();
    let (aggregate, _) = visible_head(&state, &caller, id.clone()).await?;
    let all = state.db.read(move |c| events::all(c, &id)).await?;
    let broken = events::first_broken(&all, &aggregate.procurement.last_event_hash);
    Ok(Json(ChainCheck {
        intact: broken.is_none(),
        events: all.len(),
        first_broken_seq: broken,
    }))
}
