use super::schemas::SdgNumber;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::created;
use super::lang::{Language, Localized};
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::procurements::visible;
use super::procurements::VISIBLE;
use super::schemas;
use super::{rfc3339, Json, State};
use crate::auth::Caller;
use crate::db::compliance::{Justification, Settings};
use crate::domain::clauses::compliance::missing;
use crate::domain::clauses::Check;
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::error::{AppResult, Problem};
use crate::flows::compliance;
use crate::flows::lifecycle::COORDINATOR_ERRORS;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/procurements/{id}/clauses", web::put().to(choose_clauses))
        .route(
            "/procurements/{id}/sustainability",
            web::put().to(set_sustainability),
        )
        .route(
            "/procurements/{id}/compliance",
            web::get().to(compliance_report),
        )
        .route(
            "/procurements/{id}/compliance/justifications",
            web::post().to(justify),
        );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClauseChoice {
    /// Clause codes of `GET /api/v1/clauses`; replaces the earlier choice.
    #[schema(example = json!(["lonns_og_arbeidsvilkar", "sanksjoner", "skatteattest"]))]
    pub clauses: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClauseChoiceView {
    pub clauses: Vec<String>,
}

/// What `choose_clauses` answers besides success (see `problem_docs`).
pub const CHOOSE_CLAUSES_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    COORDINATOR_ERRORS,
    &[ErrorCode::InvalidState, ErrorCode::UnknownClause]
];

/// The coordinator chooses the procurement's seriousness clauses, any time
/// before it is published. The list replaces the earlier one.
#[utoipa::path(put, path = "/api/v1/procurements/{id}/clauses", tag = "compliance", params(("id" = String, Path)),
    request_body = ClauseChoice, security(("bearer" = [])),
    responses((status = 200, body = ClauseChoiceView),
              (status = 422, body = Problem),
              (status = 409, body = Problem, description = "already published"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn choose_clauses(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<ClauseChoice>,
) -> AppResult<Json<ClauseChoiceView>> {
    let (id, config) = (id.into_inner(), state.config.clone());
    let codes = body.0.clauses;
    let clock = state.clock.clone();
    let settings = state
        .db
        .write(move |c| {
            compliance::set_clauses(
                c,
                &id,
                &codes,
                &config.clauses,
                caller.who(),
                &caller.actor(),
                clock.now(),
            )
        })
        .await?;
    Ok(Json(ClauseChoiceView {
        clauses: settings.clauses,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sustainability {
    /// The weight of climate and environment among the award criteria, in
    /// percent (0-100); null or left out: not set. FOA § 7-9 asks for at
    /// least 30 % (the `climate_weight` check).
    #[serde(default)]
    #[schema(example = 30, minimum = 0, maximum = 100)]
    pub climate_weight_percent: Option<i64>,
    /// The UN Sustainable Development Goals the procurement follows up, by
    /// number (1-17); left out: none.
    #[serde(default)]
    #[schema(value_type = Vec<SdgNumber>, example = json!([2, 12]))]
    pub sdgs: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SustainabilityView {
    pub climate_weight_percent: Option<i64>,
    /// Sorted, each once.
    pub sdgs: Vec<i64>,
}

/// What `set_sustainability` answers besides success (see `problem_docs`).
pub const SET_SUSTAINABILITY_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    COORDINATOR_ERRORS,
    &[
        ErrorCode::InvalidState,
        ErrorCode::InvalidClimateWeight,
        ErrorCode::InvalidSdg
    ]
];

/// The coordinator sets the climate and environment award weight and the
/// SDGs, any time before publishing. Both are replaced.
#[utoipa::path(put, path = "/api/v1/procurements/{id}/sustainability", tag = "compliance", params(("id" = String, Path)),
    request_body = Sustainability, security(("bearer" = [])),
    responses((status = 200, body = SustainabilityView),
              (status = 422, body = Problem),
              (status = 409, body = Problem, description = "already published"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_sustainability(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<Sustainability>,
) -> AppResult<Json<SustainabilityView>> {
    let id = id.into_inner();
    let Sustainability {
        climate_weight_percent,
        sdgs,
    } = body.0;
    let clock = state.clock.clone();
    let settings = state
        .db
        .write(move |c| {
            compliance::set_sustainability(
                c,
                &id,
                climate_weight_percent,
                &sdgs,
                caller.who(),
                &caller.actor(),
                clock.now(),
            )
        })
        .await?;
    Ok(Json(SustainabilityView {
        climate_weight_percent: settings.climate_weight_percent,
        sdgs: settings.sdgs,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct JustificationView {
    pub check: String,
    pub text: String,
    /// `role:user-id`
    pub justified_by: String,
    pub justified_at: String,
}

impl From<&Justification> for JustificationView {
    fn from(j: &Justification) -> Self {
        JustificationView {
            check: j.check_code.clone(),
            text: j.text.clone(),
            justified_by: j.justified_by.clone(),
            justified_at: rfc3339(j.justified_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ComplianceView {
    pub clauses: Vec<String>,
    pub climate_weight_percent: Option<i64>,
    pub sdgs: Vec<i64>,
    /// Every clause of the library, then `climate_weight`: `ok`, `missing`,
    /// `justified` or `not_applicable`, with the reason and the figures
    /// that decided it. The value is the summary's regime value.
    #[schema(value_type = Vec<schemas::Check>)]
    pub checks: Vec<Check>,
    /// The checks that stop publishing.
    pub missing: Vec<String>,
    /// The latest justification per check (every one is in the audit trail).
    pub justifications: Vec<JustificationView>,
}

fn view(
    settings: &Settings,
    justifications: &[Justification],
    checks: Vec<Check>,
) -> AppResult<ComplianceView> {
    Ok(ComplianceView {
        clauses: settings.clauses.clone(),
        climate_weight_percent: settings.climate_weight_percent,
        sdgs: settings.sdgs.clone(),
        missing: missing(&checks).iter().map(|c| c.check.clone()).collect(),
        checks,
        justifications: justifications.iter().map(JustificationView::from).collect(),
    })
}

/// What `compliance_report` answers besides success (see `problem_docs`).
pub const COMPLIANCE_REPORT_ERRORS: &[ErrorCode] =
    codes![CALLER, VISIBLE, &[ErrorCode::ValueOverflow]];

/// The compliance report as of now: each mandatory clause, the climate
/// weight (FOA § 7-9) and the tax certificate, against what is chosen. The
/// reasons are in Norwegian bokmål, or English with `Accept-Language: en`;
/// the clauses' titles are the library's Norwegian wording in both.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/compliance", tag = "compliance", params(("id" = String, Path), Language),
    security(("bearer" = [])),
    responses((status = 200, body = ComplianceView, headers(("Content-Language" = String, description = "`nb` or `en`: the language of the reasons"))),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn compliance_report(
    state: State,
    caller: Caller,
    Language(lang): Language,
    id: web::Path<String>,
) -> AppResult<Localized<ComplianceView>> {
    let (aggregate, _) = visible(&state, &caller, id.into_inner()).await?;
    let config = state.config.clone();
    let now = state.clock.now();
    let report = state
        .db
        .read(move |c| {
            compliance::report(
                c,
                &aggregate,
                &config.thresholds,
                &config.clauses,
                lang,
                now,
            )
        })
        .await?;
    let view = view(&report.settings, &report.justifications, report.checks)?;
    Ok(Localized(lang, view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJustification {
    /// A clause code, or `climate_weight`.
    #[schema(example = "climate_weight")]
    pub check: String,
    /// Up to 4000 characters, not blank.
    #[schema(
        example = "Klima og miljø er ett av de tre viktigste kriteriene; kriteriene vektes ikke.",
        max_length = 4000,
        pattern = r"\S"
    )]
    pub text: String,
}

/// What `justify` answers besides success (see `problem_docs`).
pub const JUSTIFY_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    COORDINATOR_ERRORS,
    &[
        ErrorCode::InvalidState,
        ErrorCode::UnknownCheck,
        ErrorCode::InvalidJustification
    ]
];

/// The coordinator explains in writing why a check is not met; a justified
/// check no longer stops publishing. Kept in the audit trail
/// (`compliance_justified`); a later one for the same check replaces it in
/// the report.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/compliance/justifications", tag = "compliance", params(("id" = String, Path)),
    request_body = NewJustification, security(("bearer" = [])),
    responses((status = 201, body = JustificationView),
              (status = 422, body = Problem),
              (status = 409, body = Problem, description = "already published"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn justify(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<NewJustification>,
) -> AppResult<HttpResponse> {
    let (id, config) = (id.into_inner(), state.config.clone());
    let NewJustification { check, text } = body.0;
    let clock = state.clock.clone();
    let row = state
        .db
        .write(move |c| {
            compliance::justify(
                c,
                &id,
                &check,
                &text,
                &config.clauses,
                caller.who(),
                &caller.actor(),
                clock.now(),
            )
        })
        .await?;
    Ok(created(JustificationView::from(&row)))
}
