use std::collections::{BTreeMap, HashMap};

use actix_web::web;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::procurements::visible;
use super::procurements::VISIBLE;
use super::schemas;
use super::{rfc3339, Json, State};
use crate::auth::Caller;
use crate::db::compliance::{self, Award, Checkpoint};
use crate::db::procurements::Aggregate;
use crate::db::{suppliers, AnyConnection};
use crate::domain::calendar::oslo_date;
use crate::domain::clauses::{ClauseLibrary, FollowUpRules};
use crate::domain::codes;
use crate::domain::contract::TRANSITION_ERRORS;
use crate::domain::follow_up::{
    state as checkpoint_state, CheckpointResult, CheckpointState, Totals,
};
use crate::domain::kommune::PARTICIPANT_ERRORS;
use crate::domain::summary::Decision;
use crate::domain::ErrorCode;
use crate::domain::ParticipantNumber;
use crate::error::{AppError, AppResult, FieldExt, Problem};
use crate::flows::follow_up::{self, AwardLine};
use crate::flows::lifecycle::COORDINATOR_ERRORS;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/procurements/{id}/award", web::post().to(award))
        .route(
            "/procurements/{id}/follow-up",
            web::get().to(follow_up_plan),
        )
        .route(
            "/procurements/{id}/follow-up/report",
            web::get().to(follow_up_report),
        )
        .route(
            "/procurements/{id}/follow-up/{checkpoint_id}",
            web::post().to(record_result),
        );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardLineInput {
    pub lot_id: String,
    pub supplier_id: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// The winning supplier per lot, each lot once. A lot left out is not
    /// awarded and gets no follow-up.
    #[schema(min_items = 1)]
    pub awards: Vec<AwardLineInput>,
}

#[derive(Serialize, ToSchema)]
pub struct AwardView {
    pub lot_id: String,
    pub lot_title: String,
    pub supplier_id: String,
    pub supplier_name: String,
    pub awarded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointView {
    pub id: String,
    pub lot_id: String,
    pub lot_title: String,
    pub supplier_id: String,
    pub supplier_name: String,
    /// The clause that brings it.
    pub clause: String,
    pub checkpoint: String,
    pub title: String,
    pub description: String,
    pub due_on: NaiveDate,
    /// `upcoming`, `due`, `overdue`, `done` or `deviation`, as of today (Oslo).
    #[schema(value_type = schemas::CheckpointState)]
    pub state: CheckpointState,
    #[schema(value_type = Option<schemas::CheckpointResult>)]
    pub result: Option<CheckpointResult>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpView {
    pub procurement_id: String,
    pub status: String,
    /// The Oslo date the states are computed for.
    pub as_of: NaiveDate,
    pub awards: Vec<AwardView>,
    #[schema(value_type = schemas::Totals)]
    pub totals: Totals,
    /// By due date.
    pub checkpoints: Vec<CheckpointView>,
}

/// Lot titles and supplier names for the views.
struct Names {
    lots: HashMap<String, String>,
    suppliers: HashMap<String, String>,
}

impl Names {
    fn load(conn: &mut AnyConnection, aggregate: &Aggregate, awards: &[Award]) -> AppResult<Names> {
        let lots = aggregate
            .lots
            .iter()
            .map(|l| (l.id.clone(), l.title.clone()))
            .collect();
        let mut names = HashMap::new();
        for a in awards {
            if !names.contains_key(&a.supplier_id) {
                let name = suppliers::find(conn, &a.supplier_id)?
                    .map_or_else(|| a.supplier_id.clone(), |s| s.name);
                names.insert(a.supplier_id.clone(), name);
            }
        }
        Ok(Names {
            lots,
            suppliers: names,
        })
    }

    fn lot(&self, id: &str) -> String {
        self.lots.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    fn supplier(&self, id: &str) -> String {
        self.suppliers
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

fn checkpoint_view(
    c: &Checkpoint,
    names: &Names,
    today: NaiveDate,
    rules: FollowUpRules,
) -> AppResult<CheckpointView> {
    let result = c.result;
    Ok(CheckpointView {
        id: c.id.clone(),
        lot_id: c.lot_id.clone(),
        lot_title: names.lot(&c.lot_id),
        supplier_id: c.supplier_id.clone(),
        supplier_name: names.supplier(&c.supplier_id),
        clause: c.clause_code.clone(),
        checkpoint: c.checkpoint_code.clone(),
        title: c.title.clone(),
        description: c.description.clone(),
        due_on: c.due_on,
        state: checkpoint_state(c.due_on, result, today, rules),
        result,
        note: c.note.clone(),
        recorded_by: c.recorded_by.clone(),
        recorded_at: c.recorded_at.map(rfc3339),
    })
}

/// The plan with every checkpoint's state as of `today`.
fn load_plan(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    rules: FollowUpRules,
    today: NaiveDate,
) -> AppResult<FollowUpView> {
    let id = &aggregate.procurement.id;
    let awards = compliance::awards(conn, id)?;
    let names = Names::load(conn, aggregate, &awards)?;
    let checkpoints = compliance::checkpoints(conn, id)?
        .iter()
        .map(|c| checkpoint_view(c, &names, today, rules))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(FollowUpView {
        procurement_id: id.clone(),
        status: aggregate.procurement.status.into(),
        as_of: today,
        awards: awards
            .iter()
            .map(|a| AwardView {
                lot_id: a.lot_id.clone(),
                lot_title: names.lot(&a.lot_id),
                supplier_id: a.supplier_id.clone(),
                supplier_name: names.supplier(&a.supplier_id),
                awarded_at: rfc3339(a.awarded_at),
            })
            .collect(),
        totals: Totals::of(checkpoints.iter().map(|c| c.state)),
        checkpoints,
    })
}

async fn plan_now(state: &State, caller: &Caller, id: String) -> AppResult<FollowUpView> {
    let (aggregate, _) = visible(state, caller, id).await?;
    let rules = state.config.clauses.follow_up;
    let today = oslo_date(state.clock.now());
    state
        .db
        .read(move |c| load_plan(c, &aggregate, rules, today))
        .await
}

/// What `award` answers besides success (see `problem_docs`).
pub const AWARD_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    TRANSITION_ERRORS,
    COORDINATOR_ERRORS,
    &[
        ErrorCode::AwardsRequired,
        ErrorCode::LotNotFound,
        ErrorCode::InvalidAward,
        ErrorCode::SupplierNotFound,
        ErrorCode::Conflict
    ]
];

/// The coordinator awards a published procurement: the winning supplier per
/// lot. The follow-up plan is laid out from the chosen clauses: each
/// clause's checkpoints for each awarded lot, dated from the contract start
/// over the firm period (options are not planned).
#[utoipa::path(post, path = "/api/v1/procurements/{id}/award", tag = "compliance", params(("id" = String, Path)),
    request_body = AwardRequest, security(("bearer" = [])),
    responses((status = 200, body = FollowUpView, links(
                  ("FollowUpPlan" = (operation_id = "follow_up_plan", parameters(("id" = "$request.path.id")))),
                  ("FollowUpReport" = (operation_id = "follow_up_report", parameters(("id" = "$request.path.id")))),
                  ("RecordResult" = (operation_id = "record_result", parameters(("id" = "$request.path.id"), ("checkpoint_id" = "$response.body#/checkpoints/0/id")))))),
              (status = 422, body = Problem, description = "a lot awarded twice is refused"),
              (status = 409, body = Problem, description = "only a published procurement is awarded"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn award(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<AwardRequest>,
) -> AppResult<Json<FollowUpView>> {
    let id = id.into_inner();
    let lines: Vec<AwardLine> = body
        .0
        .awards
        .into_iter()
        .map(|a| AwardLine {
            lot_id: a.lot_id,
            supplier_id: a.supplier_id,
        })
        .collect();
    let config = state.config.clone();
    let clock = state.clock.clone();
    let plan = state
        .db
        .write(move |c| {
            let now = clock.now();
            let today = oslo_date(now);
            follow_up::award(
                c,
                &id,
                &lines,
                &config.clauses,
                caller.who(),
                &caller.actor(),
                now,
            )?;
            let aggregate = crate::db::procurements::load(c, &id)?
                .ok_or_else(|| AppError::not_found("the procurement"))?;
            load_plan(c, &aggregate, config.clauses.follow_up, today)
        })
        .await?;
    Ok(Json(plan))
}

/// What `follow_up_plan` answers besides success (see `problem_docs`).
pub const FOLLOW_UP_PLAN_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE];

/// The follow-up plan and where each checkpoint stands.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/follow-up", tag = "compliance", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = FollowUpView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn follow_up_plan(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<FollowUpView>> {
    plan_now(&state, &caller, id.into_inner()).await.map(Json)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    /// `done` or `deviation`.
    #[schema(value_type = schemas::CheckpointResult)]
    pub result: CheckpointResult,
    /// Required with a deviation: what was wrong.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// What `record_result` answers besides success (see `problem_docs`).
pub const RECORD_RESULT_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    COORDINATOR_ERRORS,
    &[
        ErrorCode::InvalidState,
        ErrorCode::NoteRequired,
        ErrorCode::InvalidNote
    ]
];

/// The coordinator records what a checkpoint found. Kept in the audit trail
/// (`follow_up_recorded`); a later record replaces it on the checkpoint.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/follow-up/{checkpoint_id}", tag = "compliance",
    params(("id" = String, Path), ("checkpoint_id" = String, Path)),
    request_body = ResultInput, security(("bearer" = [])),
    responses((status = 200, body = CheckpointView),
              (status = 422, body = Problem, description = "a deviation needs a note"),
              (status = 409, body = Problem, description = "not awarded"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn record_result(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Json<ResultInput>,
) -> AppResult<Json<CheckpointView>> {
    let (id, checkpoint_id) = path.into_inner();
    let ResultInput { result, note } = body.0;
    let rules = state.config.clauses.follow_up;
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |c| {
            let now = clock.now();
            let today = oslo_date(now);
            let checkpoint = follow_up::record(
                c,
                &id,
                &checkpoint_id,
                result,
                note.as_deref(),
                caller.who(),
                &caller.actor(),
                now,
            )?;
            let aggregate = crate::db::procurements::load(c, &id)?
                .ok_or_else(|| AppError::not_found("the procurement"))?;
            let awards = compliance::awards(c, &id)?;
            let names = Names::load(c, &aggregate, &awards)?;
            checkpoint_view(&checkpoint, &names, today, rules)
        })
        .await?;
    Ok(Json(view))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportFilter {
    /// A participating municipality (four digits): only the lots it joined.
    #[param(example = "4601", pattern = "^[0-9]{4}$")]
    pub municipality: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MunicipalityRef {
    pub number: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClauseTotals {
    pub clause: String,
    pub title: String,
    #[schema(value_type = schemas::Totals)]
    pub totals: Totals,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpReport {
    pub procurement_id: String,
    pub title: String,
    pub status: String,
    pub as_of: NaiveDate,
    /// Null: the whole procurement.
    pub municipality: Option<MunicipalityRef>,
    /// The awarded lots the report covers.
    pub lots: Vec<AwardView>,
    #[schema(value_type = schemas::Totals)]
    pub totals: Totals,
    /// In the clause library's order.
    pub by_clause: Vec<ClauseTotals>,
    /// What needs attention: overdue checkpoints, then deviations.
    pub overdue: Vec<CheckpointView>,
    pub deviations: Vec<CheckpointView>,
}

/// The lots a municipality takes part in: it joined, with a non-zero line.
fn lots_of(aggregate: &Aggregate, number: &ParticipantNumber) -> AppResult<Vec<String>> {
    let joined = aggregate
        .participation(number.as_str())
        .is_some_and(|p| p.decision == Decision::Join);
    if !joined {
        return Err(AppError::new(
            ErrorCode::NotAParticipant,
            format!("{} {} did not join this procurement", number, number.name()),
        )
        .on_field("municipality"));
    }
    Ok(aggregate
        .volumes
        .iter()
        .filter(|v| v.municipality == number.as_str() && !v.input().is_zero())
        .map(|v| v.lot_id.clone())
        .collect())
}

fn report(
    plan: FollowUpView,
    aggregate: &Aggregate,
    library: &ClauseLibrary,
    municipality: Option<&ParticipantNumber>,
    lots: Option<&[String]>,
) -> FollowUpReport {
    let covered = |lot_id: &str| lots.is_none_or(|l| l.iter().any(|x| x == lot_id));
    let checkpoints: Vec<CheckpointView> = plan
        .checkpoints
        .into_iter()
        .filter(|c| covered(&c.lot_id))
        .collect();
    let mut by_clause: BTreeMap<usize, ClauseTotals> = BTreeMap::new();
    for c in &checkpoints {
        // Clauses removed from the library since the award sort last.
        let position = library
            .clauses
            .iter()
            .position(|x| x.code == c.clause)
            .unwrap_or(usize::MAX);
        let entry = by_clause.entry(position).or_insert_with(|| ClauseTotals {
            clause: c.clause.clone(),
            title: library
                .clause(&c.clause)
                .map_or_else(|| c.clause.clone(), |x| x.title.clone()),
            totals: Totals::default(),
        });
        entry.totals.count(c.state);
    }
    let totals = Totals::of(checkpoints.iter().map(|c| c.state));
    let (overdue, rest): (Vec<_>, Vec<_>) = checkpoints
        .into_iter()
        .partition(|c| c.state == CheckpointState::Overdue);
    FollowUpReport {
        procurement_id: plan.procurement_id,
        title: aggregate.procurement.title.clone(),
        status: plan.status,
        as_of: plan.as_of,
        municipality: municipality.map(|m| MunicipalityRef {
            number: m.as_str().to_string(),
            name: m.name().to_string(),
        }),
        lots: plan
            .awards
            .into_iter()
            .filter(|a| covered(&a.lot_id))
            .collect(),
        totals,
        by_clause: by_clause.into_values().collect(),
        overdue,
        deviations: rest
            .into_iter()
            .filter(|c| c.state == CheckpointState::Deviation)
            .collect(),
    }
}

/// What `follow_up_report` answers besides success (see `problem_docs`).
pub const FOLLOW_UP_REPORT_ERRORS: &[ErrorCode] = codes![
    CALLER,
    VISIBLE,
    PARTICIPANT_ERRORS,
    &[ErrorCode::NotAParticipant]
];

/// The state of follow-up for the procurement, or for one participating
/// municipality (the lots it joined).
#[utoipa::path(get, path = "/api/v1/procurements/{id}/follow-up/report", tag = "compliance",
    params(("id" = String, Path), ReportFilter), security(("bearer" = [])),
    responses((status = 200, body = FollowUpReport),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn follow_up_report(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    filter: web::Query<ReportFilter>,
) -> AppResult<Json<FollowUpReport>> {
    let municipality = filter
        .into_inner()
        .municipality
        .map(|m| ParticipantNumber::parse(&m))
        .transpose()
        .field("municipality")?;
    let (aggregate, _) = visible(&state, &caller, id.into_inner()).await?;
    let lots = municipality
        .as_ref()
        .map(|m| lots_of(&aggregate, m))
        .transpose()?;
    let config = state.config.clone();
    let today = oslo_date(state.clock.now());
    let rules = config.clauses.follow_up;
    let a2 = aggregate.clone();
    let plan = state
        .db
        .read(move |c| load_plan(c, &a2, rules, today))
        .await?;
    Ok(Json(report(
        plan,
        &aggregate,
        &config.clauses,
        municipality.as_ref(),
        lots.as_deref(),
    )))
}
