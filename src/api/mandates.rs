use super::schemas;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::created;
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::{rfc3339, Json, Page, State, MAX_PAGE};
use crate::auth::Caller;
use crate::db::mandates::{self, Mandate};
use crate::db::{procurements, DbError};
use crate::domain::access::{may_read_mandates, Inviting, Involved};
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::domain::ParticipantNumber;
use crate::error::{AppError, AppResult, Problem};
use crate::flows::mandates as flow;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/municipalities/{number}/mandates",
        web::post().to(record_mandate),
    )
    .route(
        "/municipalities/{number}/mandates",
        web::get().to(list_mandates),
    )
    .route(
        "/municipalities/{number}/mandates/{id}/revoke",
        web::post().to(revoke_mandate),
    );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMandate {
    /// The council decision or delegation, e.g. "PS 45/2026".
    #[schema(
        example = "PS 45/2026",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub reference: String,
    #[schema(
        example = "Bergen bystyre",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub valid_from: NaiveDate,
    /// On or after `valid_from`.
    pub valid_until: NaiveDate,
    /// CPV prefixes (2-8 digits) the mandate covers; empty covers every CPV.
    #[schema(value_type = Vec<schemas::CpvPrefix>, example = json!(["555"]))]
    pub cpv_scope: Vec<String>,
    /// The ceiling on the municipality's share, in øre.
    #[schema(example = 500000000, minimum = 0)]
    pub max_value_ore: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MandateView {
    pub id: String,
    pub municipality: String,
    pub reference: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub cpv_scope: Vec<String>,
    pub max_value_ore: i64,
    pub created_at: String,
    /// When the municipality revoked it; a revoked mandate covers no new
    /// decision, and those made under it stand.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<String>,
}

impl From<Mandate> for MandateView {
    fn from(m: Mandate) -> Self {
        MandateView {
            id: m.id,
            municipality: m.municipality,
            reference: m.reference,
            decided_by: m.decided_by,
            decided_on: m.decided_on,
            valid_from: m.valid_from,
            valid_until: m.valid_until,
            cpv_scope: m.cpv_scope,
            max_value_ore: m.max_value_ore,
            created_at: rfc3339(m.created_at),
            revoked_at: m.revoked_at.map(rfc3339),
        }
    }
}

fn municipality_in_path(number: String) -> AppResult<ParticipantNumber> {
    ParticipantNumber::parse(&number).map_err(|_| AppError::not_found("the municipality"))
}

/// What `record_mandate` answers besides success (see `problem_docs`).
pub const RECORD_MANDATE_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[ErrorCode::NotFound, ErrorCode::Forbidden],
    flow::CHECK_ERRORS
];

/// A municipality records the council decision that lets it join.
#[utoipa::path(post, path = "/api/v1/municipalities/{number}/mandates", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$")), request_body = NewMandate,
    security(("bearer" = [])),
    responses((status = 201, body = MandateView, links(
                  ("ListMandates" = (operation_id = "list_mandates", parameters(("number" = "$request.path.number")))))),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn record_mandate(
    state: State,
    caller: Caller,
    number: web::Path<String>,
    body: Json<NewMandate>,
) -> AppResult<HttpResponse> {
    let municipality = municipality_in_path(number.into_inner())?;
    if !caller.may_act_for_municipality(municipality.as_str()) {
        return Err(AppError::forbidden(
            "only the municipality's own users record its mandates",
        ));
    }
    let b = body.0;
    let mandate = flow::NewMandate::check(
        municipality,
        flow::MandateRequest {
            reference: &b.reference,
            decided_by: &b.decided_by,
            decided_on: b.decided_on,
            valid_from: b.valid_from,
            valid_until: b.valid_until,
            cpv_scope: &b.cpv_scope,
            max_value_ore: b.max_value_ore,
        },
    )?;
    let (actor, now) = (caller.actor(), state.clock.now());
    let mandate = state
        .db
        .write(move |c| flow::record(c, mandate, &actor, now))
        .await?;
    Ok(created(MandateView::from(mandate)))
}

/// What `list_mandates` answers besides success (see `problem_docs`).
pub const LIST_MANDATES_ERRORS: &[ErrorCode] =
    codes![CALLER, &[ErrorCode::NotFound, ErrorCode::Forbidden]];

/// The municipality's mandates, newest decision first: for the
/// municipality itself, the coordinators of a procurement that has invited
/// it (opened, not cancelled), and admins.
#[utoipa::path(get, path = "/api/v1/municipalities/{number}/mandates", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$"), Page), security(("bearer" = [])),
    responses((status = 200, body = Vec<MandateView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn list_mandates(
    state: State,
    caller: Caller,
    number: web::Path<String>,
    page: web::Query<Page>,
) -> AppResult<Json<Vec<MandateView>>> {
    let municipality = municipality_in_path(number.into_inner())?;
    let number = municipality.to_string();
    let (leaders, list) = state
        .db
        .read(move |c| {
            Ok::<_, DbError>((
                procurements::leaders_inviting(c, &number)?,
                mandates::list_for(c, &number)?,
            ))
        })
        .await?;
    let invited = [municipality.to_string()];
    let inviting: Vec<Inviting> = leaders
        .iter()
        .map(|l| Inviting {
            procurement: Involved {
                organization: l.organization_id.as_deref(),
                host_municipality: l.host_municipality.as_deref(),
                invited: &invited,
            },
            status: l.status,
        })
        .collect();
    if !may_read_mandates(caller.who(), municipality.as_str(), &inviting) {
        return Err(AppError::forbidden(
            "a municipality's mandates are for itself, the coordinators of the procurements that invited it, and admins",
        ));
    }
    Ok(Json(
        page.slice(&list, MAX_PAGE)
            .iter()
            .cloned()
            .map(MandateView::from)
            .collect(),
    ))
}

/// What `revoke_mandate` answers besides success (see `problem_docs`).
pub const REVOKE_MANDATE_ERRORS: &[ErrorCode] =
    codes![CALLER, &[ErrorCode::Forbidden], flow::REVOKE_ERRORS];

/// The municipality revokes a mandate (the council withdrew or replaced
/// the decision). It stays in the list with its `revoked_at`; it covers no
/// new decision (422 `mandate_revoked` on joining under it), and the
/// decisions already made under it stand, each procurement's audit trail
/// recording the revocation. Revoking it again answers it unchanged.
#[utoipa::path(post, path = "/api/v1/municipalities/{number}/mandates/{id}/revoke", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer", pattern = "^[0-9]{4}$"),
           ("id" = String, Path, description = "the mandate's id")),
    security(("bearer" = [])),
    responses((status = 200, body = MandateView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn revoke_mandate(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> AppResult<Json<MandateView>> {
    let (number, id) = path.into_inner();
    let municipality = municipality_in_path(number)?;
    if !caller.may_act_for_municipality(municipality.as_str()) {
        return Err(AppError::forbidden(
            "only the municipality's own users revoke its mandates",
        ));
    }
    let (actor, now) = (caller.actor(), state.clock.now());
    let mandate = state
        .db
        .write(move |c| flow::revoke(c, &municipality, &id, &actor, now))
        .await?;
    Ok(Json(MandateView::from(mandate)))
}
