//! The tender plan and the eForms contract notice built from it, for the
//! coordinator to announce the procurement on Doffin (and TED).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem_docs::{CALLER, JSON_BODY};
use super::procurements::{visible, VISIBLE};
use super::{Json, State};
use crate::auth::Caller;
use crate::domain::codes;
use crate::domain::tender_plan::{AwardCriterion, TenderPlan, TenderPlanInput};
use crate::domain::ErrorCode;
use crate::eforms::NOTICE_ERRORS;
use crate::error::{AppResult, Problem};
use crate::flows::lifecycle::{require_coordinator, COORDINATOR_ERRORS};
use crate::flows::tender_plan as flow;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/procurements/{id}/tender-plan",
        web::put().to(set_tender_plan),
    )
    .route(
        "/procurements/{id}/notices/contract-notice.xml",
        web::get().to(contract_notice),
    );
}

/// One award criterion.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardCriterionBody {
    /// `price`, `quality` or `cost` (eForms award-criterion-type).
    #[serde(rename = "type")]
    #[schema(example = "quality")]
    pub kind: String,
    #[schema(example = "Klima og miljø", max_length = 200)]
    pub name: String,
    /// 1 to 100; the criteria sum to 100.
    #[schema(minimum = 1, maximum = 100, example = 30)]
    pub weight_percent: i64,
    /// The climate and environment criterion (FOA § 7-9): a quality
    /// criterion whose weight must equal the sustainability settings'
    /// `climate_weight_percent`.
    #[serde(default)]
    pub climate: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenderPlanBody {
    /// eForms procedure code: `open`, `restricted`, `neg-w-call`, `comp-dial` or `innovation`.
    #[schema(example = "open")]
    pub procedure: String,
    /// When tenders are due (RFC 3339); in the future.
    #[schema(example = "2027-02-01T12:00:00+01:00")]
    pub tender_deadline: DateTime<Utc>,
    /// Where suppliers find the procurement documents (https).
    #[schema(example = "https://tendsign.no/doc.aspx?MId1=12345", max_length = 400)]
    pub documents_url: String,
    pub award_criteria: Vec<AwardCriterionBody>,
    /// How many lots one tenderer may win at most; 1 to the number of lots.
    #[schema(minimum = 1)]
    pub max_lots_per_tenderer: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TenderPlanView {
    pub procedure: String,
    pub tender_deadline: DateTime<Utc>,
    pub documents_url: String,
    pub award_criteria: Vec<AwardCriterionBody>,
    pub max_lots_per_tenderer: Option<i64>,
}

impl From<&TenderPlan> for TenderPlanView {
    fn from(p: &TenderPlan) -> Self {
        TenderPlanView {
            procedure: p.procedure.code().to_string(),
            tender_deadline: p.tender_deadline,
            documents_url: p.documents_url.clone(),
            award_criteria: p
                .award_criteria
                .iter()
                .map(|c| AwardCriterionBody {
                    kind: c.kind.code().to_string(),
                    name: c.name.clone(),
                    weight_percent: c.weight_percent,
                    climate: c.climate,
                })
                .collect(),
            max_lots_per_tenderer: p.max_lots_per_tenderer,
        }
    }
}

/// What `set_tender_plan` answers besides success (see `problem_docs`).
pub const SET_TENDER_PLAN_ERRORS: &[ErrorCode] = codes![CALLER, JSON_BODY, flow::SET_ERRORS];

/// The coordinator says how the competition will run: procedure, tender
/// deadline, documents, award criteria. Replaces the earlier plan; audited.
#[utoipa::path(put, path = "/api/v1/procurements/{id}/tender-plan", tag = "notices", params(("id" = String, Path)),
    request_body = TenderPlanBody, security(("bearer" = [])),
    responses((status = 200, body = TenderPlanView),
              (status = 422, body = Problem),
              (status = 409, body = Problem, description = "awarded or cancelled"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_tender_plan(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<TenderPlanBody>,
) -> AppResult<Json<TenderPlanView>> {
    let id = id.into_inner();
    let body = body.0;
    let mut criteria = Vec::with_capacity(body.award_criteria.len());
    for (i, c) in body.award_criteria.into_iter().enumerate() {
        let kind = c.kind.parse().map_err(|e: crate::domain::Invalid| {
            crate::error::AppError::from(e).on_field(&format!("award_criteria[{i}].type"))
        })?;
        criteria.push(AwardCriterion {
            kind,
            name: c.name,
            weight_percent: c.weight_percent,
            climate: c.climate,
        });
    }
    let input = TenderPlanInput {
        procedure: body.procedure,
        tender_deadline: Some(body.tender_deadline),
        documents_url: body.documents_url,
        award_criteria: criteria,
        max_lots_per_tenderer: body.max_lots_per_tenderer,
    };
    let clock = state.clock.clone();
    let plan = state
        .db
        .write(move |c| flow::set(c, &id, &input, caller.who(), &caller.actor(), clock.now()))
        .await?;
    Ok(Json(TenderPlanView::from(&plan)))
}

/// What `contract_notice` answers besides success (see `problem_docs`).
pub const CONTRACT_NOTICE_ERRORS: &[ErrorCode] = codes![
    CALLER,
    VISIBLE,
    COORDINATOR_ERRORS,
    NOTICE_ERRORS,
    &[ErrorCode::ValueOverflow]
];

/// The contract notice as an eForms UBL document for Doffin: subtype 16
/// (EEA), 20 (EEA, light regime for special services) or E3 (the Norwegian
/// national notice, FOA part II). The coordinator's, once the procurement is
/// published; after closing as a draft (marked in an XML comment).
#[utoipa::path(get, path = "/api/v1/procurements/{id}/notices/contract-notice.xml", tag = "notices", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/xml", body = String,
               description = "An eForms SDK 1.15 ContractNotice. `CustomizationID` carries DFØ's extension `#extended#urn:fdc:anskaffelser.no:2023:eforms:eu` (16, 20) or `...:national` (E3). The procedure id (`ContractFolderID`), notice id and lot ids (`LOT-0001`...) are the same each time for an unchanged procurement. The header `X-Notice-Subtype` names the subtype."),
              (status = 409, body = Problem, description = "no_notice_required (part I only), buyer_identifier_missing (naming the buyers), tender_plan_missing, invalid_state (not closed or published)"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn contract_notice(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (aggregate, _) = visible(&state, &caller, id.into_inner()).await?;
    require_coordinator(&aggregate, caller.who())?;
    let now = state.clock.now();
    let thresholds = state.config.thresholds.clone();
    let notice = state
        .db
        .read(move |c| crate::read::notice::contract_notice(c, &aggregate, &thresholds, now))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header(("X-Notice-Subtype", notice.subtype.code()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"contract-notice.xml\"",
        ))
        .body(notice.xml))
}
