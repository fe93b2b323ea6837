//! `PUT/GET /api/v1/municipalities/{number}/strategy`: a participant's
//! procurement strategy, every version kept; and
//! `GET /api/v1/procurements/{id}/strategy-fit`: how a procurement meets the
//! invited participants' strategies (api.md "Strategies").

use actix_web::web;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lang::{Language, Localized};
use super::problem_docs::{CALLER, JSON_BODY};
use super::procurements::{visible, VISIBLE};
use super::schemas::SdgNumber;
use super::{rfc3339, Json, State};
use crate::auth::Caller;
use crate::db::strategies::{self, StrategyRow};
use crate::domain::access::Standing;
use crate::domain::codes;
use crate::domain::strategy::{check_strategy, Goals, STRATEGY_ERRORS};
use crate::domain::{ErrorCode, Ore, ParticipantNumber, Role};
use crate::error::{AppError, AppResult, Problem};
use crate::read::strategy::StrategyFit;
use crate::reference::reference;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/municipalities/{number}/strategy",
        web::put().to(put_strategy),
    )
    .route(
        "/municipalities/{number}/strategy",
        web::get().to(get_strategy),
    )
    .route(
        "/procurements/{id}/strategy-fit",
        web::get().to(strategy_fit),
    );
}

/// A strategy as adopted; every goal may be left out (null).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyInput {
    /// The council decision the strategy rests on.
    #[schema(
        example = "PS 12/2025",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub reference: String,
    pub adopted_on: NaiveDate,
    /// The climate and environment award weight it expects, at least.
    #[schema(minimum = 0, maximum = 100, example = 30)]
    pub min_climate_weight_percent: Option<i64>,
    /// Clause codes of the library (`GET /api/v1/clauses`) it requires.
    #[serde(default)]
    pub required_clauses: Vec<String>,
    /// The UN Sustainable Development Goals it prioritises.
    #[serde(default)]
    #[schema(value_type = Vec<SdgNumber>, example = json!([7, 12]))]
    pub sdgs: Vec<i64>,
    /// No lot it joins may leave fewer local SMEs able to bid.
    #[schema(minimum = 0)]
    pub min_eligible_local_smes_per_lot: Option<i64>,
    /// The contract period with its options, at most.
    #[schema(minimum = 1, maximum = 600)]
    pub max_duration_months: Option<i64>,
    /// Above this value (øre) it expects a market dialogue before the tender.
    #[schema(minimum = 0)]
    pub market_dialogue_from_ore: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StrategyVersion {
    /// 1 for the first, one more for each change.
    pub version: i64,
    pub reference: String,
    pub adopted_on: NaiveDate,
    pub min_climate_weight_percent: Option<i64>,
    pub required_clauses: Vec<String>,
    pub sdgs: Vec<i64>,
    pub min_eligible_local_smes_per_lot: Option<i64>,
    pub max_duration_months: Option<i64>,
    pub market_dialogue_from_ore: Option<i64>,
    pub recorded_at: String,
}

impl From<StrategyRow> for StrategyVersion {
    fn from(r: StrategyRow) -> Self {
        StrategyVersion {
            version: r.version,
            reference: r.reference,
            adopted_on: r.adopted_on,
            min_climate_weight_percent: r.min_climate_weight_percent,
            required_clauses: r.required_clauses,
            sdgs: r.sdgs,
            min_eligible_local_smes_per_lot: r.min_eligible_local_smes_per_lot,
            max_duration_months: r.max_duration_months,
            market_dialogue_from_ore: r.market_dialogue_from_ore,
            recorded_at: rfc3339(r.recorded_at),
        }
    }
}

/// The strategy in force and the versions it replaced.
#[derive(Serialize, ToSchema)]
pub struct StrategyView {
    #[schema(example = "46")]
    pub number: String,
    #[schema(example = "Vestland fylkeskommune")]
    pub name: String,
    pub current: StrategyVersion,
    /// Earlier versions, newest first.
    pub history: Vec<StrategyVersion>,
}

fn view(number: &ParticipantNumber, rows: Vec<StrategyRow>) -> AppResult<StrategyView> {
    let mut versions = rows.into_iter().map(StrategyVersion::from);
    let current = versions
        .next()
        .ok_or_else(|| AppError::not_found("the strategy"))?;
    Ok(StrategyView {
        number: number.to_string(),
        name: reference()
            .participant_name(number.as_str())
            .unwrap_or_default(),
        current,
        history: versions.collect(),
    })
}

fn participant_in_path(number: String) -> AppResult<ParticipantNumber> {
    ParticipantNumber::parse(&number).map_err(|_| AppError::not_found("the municipality"))
}

/// What `put_strategy` answers besides success (see `problem_docs`).
pub const PUT_STRATEGY_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[ErrorCode::NotFound, ErrorCode::Forbidden],
    STRATEGY_ERRORS
];

/// The participant's own users (or an operator) register the strategy its
/// council adopted; a change adds a version, the old ones stay readable.
#[utoipa::path(put, path = "/api/v1/municipalities/{number}/strategy", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$")),
    request_body = StrategyInput, security(("bearer" = [])),
    responses((status = 200, body = StrategyView), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn put_strategy(
    state: State,
    caller: Caller,
    number: web::Path<String>,
    body: Json<StrategyInput>,
) -> AppResult<Json<StrategyView>> {
    let number = participant_in_path(number.into_inner())?;
    if !caller.may_act_for_municipality(number.as_str()) {
        return Err(AppError::forbidden(
            "only the participant's own users and admins register its strategy",
        ));
    }
    let b = body.0;
    let strategy = check_strategy(
        &state.config.clauses,
        &b.reference,
        b.adopted_on,
        Goals {
            min_climate_weight_percent: b.min_climate_weight_percent,
            required_clauses: b.required_clauses,
            sdgs: b.sdgs,
            min_eligible_local_smes_per_lot: b.min_eligible_local_smes_per_lot,
            max_duration_months: b.max_duration_months,
            market_dialogue_from_ore: b.market_dialogue_from_ore.map(Ore::new),
        },
    )
    .map_err(|(field, e)| AppError::from(e).on_field(field))?;
    let actor = caller.actor();
    let now = state.clock.now();
    let n = number.clone();
    let rows = state
        .db
        .write(move |c| {
            crate::flows::strategies::register(c, &n, strategy, &actor, now)?;
            Ok::<_, AppError>(strategies::history(c, n.as_str())?)
        })
        .await?;
    Ok(Json(view(&number, rows)?))
}

/// What `get_strategy` answers besides success (see `problem_docs`).
pub const GET_STRATEGY_ERRORS: &[ErrorCode] =
    codes![CALLER, &[ErrorCode::NotFound, ErrorCode::Forbidden]];

/// The strategy in force with its earlier versions: for the participant's
/// users, coordinators (who design procurements to meet it) and admins.
#[utoipa::path(get, path = "/api/v1/municipalities/{number}/strategy", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$")),
    security(("bearer" = [])),
    responses((status = 200, body = StrategyView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_strategy(
    state: State,
    caller: Caller,
    number: web::Path<String>,
) -> AppResult<Json<StrategyView>> {
    let number = participant_in_path(number.into_inner())?;
    if !(caller.may_act_for_municipality(number.as_str()) || caller.role() == Role::Coordinator) {
        return Err(AppError::forbidden(
            "a strategy is read by its participant's users, coordinators and admins",
        ));
    }
    let n = number.to_string();
    let rows = state.db.read(move |c| strategies::history(c, &n)).await?;
    Ok(Json(view(&number, rows)?))
}

/// What `strategy_fit` answers besides success (see `problem_docs`).
pub const STRATEGY_FIT_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE, &[ErrorCode::ValueOverflow]];

/// For each invited participant with a strategy, each goal with `met`
/// (true, false, or null when it depends on a later step) and a message
/// with the figures. An invited municipality or county municipality sees
/// its own; the coordinator and admins see all. Messages in bokmål, or
/// English with `Accept-Language: en`.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/strategy-fit", tag = "procurements", params(("id" = String, Path), super::lang::Language),
    security(("bearer" = [])),
    responses((status = 200, body = StrategyFit, headers(("Content-Language" = String, description = "`nb` or `en`: the language of the messages"))),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn strategy_fit(
    state: State,
    caller: Caller,
    Language(lang): Language,
    id: web::Path<String>,
) -> AppResult<Localized<StrategyFit>> {
    let (aggregate, standing) = visible(&state, &caller, id.into_inner()).await?;
    let only = match standing {
        Standing::InvitedMunicipality => caller.municipality().map(str::to_string),
        _ => None,
    };
    let thresholds = state.config.thresholds.clone();
    let factor = state.config.capacity_factor;
    let now = state.clock.now();
    let answer = state
        .db
        .read(move |c| {
            crate::read::strategy::strategy_fit(
                c,
                &aggregate,
                &thresholds,
                factor,
                now,
                only.as_deref(),
                lang,
            )
        })
        .await?;
    Ok(Localized(lang, answer))
}
