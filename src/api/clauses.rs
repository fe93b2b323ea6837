use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use super::schemas;
use super::{Json, State};
use crate::domain::clauses::{Clause, ClimateRule, FollowUpRules};
use crate::domain::ErrorCode;
use crate::error::AppResult;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/clauses", web::get().to(list_clauses));
}

#[derive(Serialize, ToSchema)]
pub struct ClauseLibraryView {
    /// In the library's order, which is the order of the compliance report.
    #[schema(value_type = Vec<schemas::Clause>)]
    pub clauses: Vec<Clause>,
    /// The `climate_weight` check (FOA § 7-9).
    #[schema(value_type = schemas::ClimateRule)]
    pub climate: ClimateRule,
    /// When checkpoints of the follow-up plan are due and overdue.
    #[schema(value_type = schemas::FollowUpRules)]
    pub follow_up: FollowUpRules,
}

/// What `list_clauses` answers besides success (see `problem_docs`).
pub const LIST_CLAUSES_ERRORS: &[ErrorCode] = &[];

/// The clause library of `config/clauses.toml`: seriousness clauses with
/// their Norwegian text, legal basis, when each is mandatory, and the
/// follow-up checkpoints each brings. An amount is `{"ore": n}` or
/// `{"threshold": name}`, a row of the threshold table in force (the
/// procurement's summary shows which). No login needed.
#[utoipa::path(get, path = "/api/v1/clauses", tag = "compliance",
    responses((status = 200, body = ClauseLibraryView)))]
pub async fn list_clauses(state: State) -> AppResult<Json<ClauseLibraryView>> {
    let library = &state.config.clauses;
    Ok(Json(ClauseLibraryView {
        clauses: library.clauses.clone(),
        climate: library.climate.clone(),
        follow_up: library.follow_up,
    }))
}
