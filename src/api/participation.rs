use super::schemas::DecisionName;
use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::procurements::visible_head;
use super::procurements::VISIBLE;
use super::{rfc3339, Json, Page, State, MAX_PAGE};
use crate::auth::Caller;
use crate::domain::codes;
use crate::domain::summary::{Channel, Decision, VolumeInput};
use crate::domain::ErrorCode;
use crate::domain::{ParticipantNumber, Role};
use crate::error::{AppError, AppResult, Problem};
use crate::flows::participation::DECIDE_ERRORS;
use crate::flows::participation::{decide, Choice, DecisionRequest, Receipt};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/procurements/{id}/participation/{number}",
        web::put().to(record_decision),
    )
    .route(
        "/procurements/{id}/participation",
        web::get().to(list_participation),
    );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VolumeLine {
    pub lot_id: String,
    /// Estimated yearly quantity, in the lot's unit.
    #[schema(minimum = 0)]
    pub annual_quantity: i64,
    /// Maximum yearly quantity, not below the estimate; when absent, the
    /// estimate.
    #[schema(minimum = 0)]
    pub max_annual_quantity: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    #[schema(value_type = DecisionName, example = "join")]
    pub decision: String,
    pub mandate_id: Option<String>,
    /// To join: one line per lot, at least one above zero.
    #[serde(default)]
    pub volumes: Vec<VolumeLine>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl DecisionBody {
    pub fn into_request(self) -> AppResult<DecisionRequest> {
        let choice = match self.decision.parse::<Decision>() {
            Ok(Decision::Join) => Choice::Join {
                mandate_id: self.mandate_id,
                volumes: self
                    .volumes
                    .into_iter()
                    .map(|v| VolumeInput {
                        lot_id: v.lot_id,
                        annual_quantity: v.annual_quantity,
                        max_annual_quantity: v.max_annual_quantity,
                    })
                    .collect(),
            },
            Ok(Decision::Decline) => Choice::Decline,
            _ => {
                return Err(AppError::new(
                    ErrorCode::InvalidDecision,
                    format!(
                        "decision must be 'join' or 'decline', not '{}'",
                        self.decision
                    ),
                )
                .on_field("decision"))
            }
        };
        Ok(DecisionRequest {
            choice,
            note: self.note,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptView {
    pub municipality: String,
    pub decision: String,
    /// `api` or `email`.
    pub channel: String,
    pub decided_at: String,
    pub mandate_reference: Option<String>,
    /// The municipality's share over the whole contract period including options.
    pub share_value_ore: Option<i64>,
}

impl From<Receipt> for ReceiptView {
    fn from(r: Receipt) -> Self {
        ReceiptView {
            municipality: r.municipality,
            decision: r.decision.into(),
            channel: r.channel.into(),
            decided_at: rfc3339(r.decided_at.naive_utc()),
            mandate_reference: r.mandate_reference,
            share_value_ore: r.share_value_ore,
        }
    }
}

/// What `record_decision` answers besides success (see `problem_docs`).
pub const RECORD_DECISION_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::InvalidDecision
    ],
    DECIDE_ERRORS
];

/// A municipality joins (under a mandate, with its volumes) or declines. A
/// later call before the deadline replaces the decision.
#[utoipa::path(put, path = "/api/v1/procurements/{id}/participation/{number}", tag = "participation",
    params(("id" = String, Path), ("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$")),
    request_body = DecisionBody, security(("bearer" = [])),
    responses((status = 200, body = ReceiptView),
              (status = 409, body = Problem, description = "not open, or past the deadline"),
              (status = 422, body = Problem),
              (status = 403, body = Problem, description = "another municipality's participation, or not invited"),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn record_decision(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Json<DecisionBody>,
) -> AppResult<Json<ReceiptView>> {
    let (id, number) = path.into_inner();
    let municipality =
        ParticipantNumber::parse(&number).map_err(|_| AppError::not_found("the municipality"))?;
    if caller.role() != Role::Municipality || caller.municipality() != Some(municipality.as_str()) {
        return Err(AppError::forbidden(
            "only the municipality's own users decide its participation",
        ));
    }
    let request = body.0.into_request()?;
    let actor = caller.actor();
    let clock = state.clock.clone();
    // Read inside the transaction: a decision is judged by the time it
    // reaches the database, not the time it was sent.
    let receipt = state
        .db
        .write(move |c| {
            let now = clock.now();
            decide(c, &id, &municipality, request, Channel::Api, &actor, now)
        })
        .await?;
    Ok(Json(receipt.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipationView {
    pub municipality: String,
    pub name: String,
    /// `pending`, `join`, `decline` or `no_response` (after closing).
    pub decision: String,
    pub channel: Option<String>,
    pub decided_at: Option<String>,
    pub mandate_reference: Option<String>,
    pub share_value_ore: Option<i64>,
}

/// What `list_participation` answers besides success (see `problem_docs`).
pub const LIST_PARTICIPATION_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE];

/// Where every invited municipality stands.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/participation", tag = "participation",
    params(("id" = String, Path), Page), security(("bearer" = [])),
    responses((status = 200, body = Vec<ParticipationView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list_participation(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> AppResult<Json<Vec<ParticipationView>>> {
    let (aggregate, _) = visible_head(&state, &caller, id.into_inner()).await?;
    let rows = page.slice(&aggregate.participations, MAX_PAGE).to_vec();
    let mandate_ids: Vec<String> = rows.iter().filter_map(|p| p.mandate_id.clone()).collect();
    let references = state
        .db
        .read(move |c| crate::db::mandates::references(c, &mandate_ids))
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|p| ParticipationView {
                name: crate::reference::reference()
                    .participant_name(&p.municipality)
                    .unwrap_or_default(),
                mandate_reference: p
                    .mandate_id
                    .as_ref()
                    .and_then(|m| references.get(m).cloned()),
                decided_at: p.decided_at.map(rfc3339),
                municipality: p.municipality,
                decision: p.decision.into(),
                channel: p.channel.map(String::from),
                share_value_ore: p.share_value_ore,
            })
            .collect(),
    ))
}
