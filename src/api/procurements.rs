use actix_web::{web, HttpResponse};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::created;
use super::lang::{mark, Language};
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::schemas::ParticipantNumber as ParticipantNumberSchema;
use super::schemas::{self, CpvCode, SplitGroup};
use super::{rfc3339, Json, Page, State};
use crate::auth::{Caller, Keys};
use crate::db::procurements::{self, Aggregate, Lot, Scope};
use crate::db::AnyConnection;
use crate::domain::access::Standing;
use crate::domain::access::Who;
use crate::domain::codes;
use crate::domain::kommune::PARTICIPANT_ERRORS;
use crate::domain::procurement::LOT_ERRORS;
use crate::domain::procurement::PROPOSAL_ERRORS;
use crate::domain::procurement::{check_lot, check_proposal, Proposal, ProposalInput};
use crate::domain::summary::Quorum;
use crate::domain::ErrorCode;
use crate::domain::{ParticipantNumber, Role};
use crate::error::{AppError, AppResult, Problem};
use crate::flows::invitations::Links;
use crate::flows::lifecycle::{self, standing_of, Leader};
use crate::read::summary::summary_json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/procurements", web::post().to(create_procurement))
        .route("/procurements", web::get().to(list_procurements))
        .route("/procurements/{id}", web::get().to(get_procurement))
        .route("/procurements/{id}", web::patch().to(update_procurement))
        .route("/procurements/{id}/lots", web::post().to(add_lot))
        .route(
            "/procurements/{id}/lots/{lot_id}",
            web::patch().to(change_lot),
        )
        .route(
            "/procurements/{id}/lots/{lot_id}",
            web::delete().to(remove_lot),
        )
        .route(
            "/procurements/{id}/lots/{lot_id}/split",
            web::post().to(split_lot),
        )
        .route("/procurements/{id}/open", web::post().to(open_procurement))
        .route(
            "/procurements/{id}/close",
            web::post().to(close_procurement),
        )
        .route(
            "/procurements/{id}/publish",
            web::post().to(publish_procurement),
        )
        .route(
            "/procurements/{id}/cancel",
            web::post().to(cancel_procurement),
        )
        .route("/procurements/{id}/summary", web::get().to(summary));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProcurement {
    /// Up to 200 characters, not blank, no control characters.
    #[schema(
        example = "Skolemat i Nordhordland",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    #[schema(value_type = schemas::ContractType, example = "services")]
    pub contract_type: String,
    #[schema(value_type = CpvCode, example = "55524000-9")]
    pub cpv: String,
    pub framework_agreement: bool,
    /// On or after the day (Oslo time) of the participation deadline.
    pub contract_start: NaiveDate,
    /// With `option_months`, at most 600 months.
    #[schema(example = 24, minimum = 1, maximum = 600)]
    pub duration_months: i64,
    #[serde(default)]
    #[schema(example = 24, minimum = 0, maximum = 599)]
    pub option_months: i64,
    /// No fixed term (or one that cannot be defined): the value is the
    /// monthly value times 48 (Directive Art. 5(14)(b)), whatever
    /// `duration_months` says, which then only bounds the follow-up plan;
    /// `option_months` must be 0. Default false.
    #[serde(default)]
    pub no_fixed_term: bool,
    /// An instant, RFC 3339; shown to people in Oslo time.
    pub participation_deadline: DateTime<FixedOffset>,
    /// Municipality numbers; a host municipality leading it is added. At
    /// least one in all.
    #[schema(value_type = Vec<ParticipantNumberSchema>, example = json!(["4601", "4631"]))]
    pub invited: Vec<String>,
    #[schema(value_type = Option<schemas::Quorum>)]
    pub quorum: Option<Quorum>,
    /// The case number in the leading body's archive (saksnummer); blank or
    /// left out for none.
    #[schema(
        example = "2026/1234",
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub case_number: Option<String>,
}

impl NewProcurement {
    fn check(&self, host: Option<&str>, now: DateTime<Utc>) -> AppResult<Proposal> {
        let input = ProposalInput {
            title: &self.title,
            description: &self.description,
            contract_type: &self.contract_type,
            cpv: &self.cpv,
            framework_agreement: self.framework_agreement,
            contract_start: self.contract_start,
            duration_months: self.duration_months,
            option_months: self.option_months,
            no_fixed_term: self.no_fixed_term,
            participation_deadline: self.participation_deadline.with_timezone(&Utc),
            invited: &self.invited,
            quorum: self.quorum,
            host_municipality: host,
            case_number: self.case_number.as_deref(),
        };
        check_proposal(&input, now).map_err(|(field, e)| AppError::from(e).on_field(field))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcurementUpdate {
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    #[schema(value_type = Option<schemas::ContractType>)]
    pub contract_type: Option<String>,
    #[schema(value_type = Option<CpvCode>)]
    pub cpv: Option<String>,
    pub framework_agreement: Option<bool>,
    pub contract_start: Option<NaiveDate>,
    #[schema(minimum = 1, maximum = 600)]
    pub duration_months: Option<i64>,
    #[schema(minimum = 0, maximum = 599)]
    pub option_months: Option<i64>,
    pub no_fixed_term: Option<bool>,
    pub participation_deadline: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<Vec<ParticipantNumberSchema>>)]
    pub invited: Option<Vec<String>>,
    #[schema(value_type = Option<schemas::Quorum>)]
    pub quorum: Option<Quorum>,
    /// A blank one removes the case number.
    #[schema(
        example = "2026/1234",
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub case_number: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LotView {
    pub id: String,
    pub title: String,
    pub cpv: String,
    pub unit: String,
    pub unit_price_ore: i64,
    /// Municipality numbers served by the lot.
    pub area: Vec<String>,
    /// The lot this one was split from.
    pub split_from: Option<String>,
}

impl From<&Lot> for LotView {
    fn from(l: &Lot) -> Self {
        LotView {
            id: l.id.clone(),
            title: l.title.clone(),
            cpv: l.cpv.clone(),
            unit: l.unit.clone(),
            unit_price_ore: l.unit_price_ore,
            area: l.area.clone(),
            split_from: l.split_from.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProcurementView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub contract_type: String,
    pub cpv: String,
    pub framework_agreement: bool,
    pub contract_start: NaiveDate,
    pub duration_months: i64,
    pub option_months: i64,
    /// Valued at the monthly value times 48 (see NewProcurement).
    pub no_fixed_term: bool,
    pub participation_deadline: String,
    /// `draft`, `open`, `closed`, `published`, `awarded` or `cancelled`.
    pub status: String,
    pub organization_id: Option<String>,
    pub host_municipality: Option<String>,
    pub invited: Vec<String>,
    #[schema(value_type = Option<schemas::Quorum>)]
    pub quorum: Option<Quorum>,
    /// The case number in the leading body's archive (saksnummer), if given.
    pub case_number: Option<String>,
    pub lots: Vec<LotView>,
    pub published_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Aggregate> for ProcurementView {
    fn from(a: &Aggregate) -> Self {
        let p = &a.procurement;
        ProcurementView {
            id: p.id.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            contract_type: p.contract_type.into(),
            cpv: p.cpv.clone(),
            framework_agreement: p.framework_agreement,
            contract_start: p.contract_start,
            duration_months: p.duration_months,
            option_months: p.option_months,
            no_fixed_term: p.no_fixed_term,
            participation_deadline: rfc3339(p.participation_deadline),
            status: p.status.into(),
            organization_id: p.organization_id.clone(),
            host_municipality: p.host_municipality.clone(),
            invited: a.invited(),
            quorum: p.quorum(),
            case_number: p.case_number.clone(),
            lots: a.lots.iter().map(LotView::from).collect(),
            published_at: p.published_at.map(rfc3339),
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

/// What `visible`, `visible_head` and `visible_procurement` refuse with: a procurement the caller
/// may not see does not exist for them.
pub const VISIBLE: &[ErrorCode] = &[ErrorCode::NotFound];

/// Loads a procurement the caller may see; 404 for everyone else.
pub async fn visible(
    state: &State,
    caller: &Caller,
    id: String,
) -> AppResult<(Aggregate, Standing)> {
    let aggregate = state
        .db
        .read(move |c| procurements::load(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("the procurement"))?;
    let standing = standing_of(&aggregate, caller.who());
    if !standing.may_read() {
        return Err(AppError::not_found("the procurement"));
    }
    Ok((aggregate, standing))
}

/// The procurement alone, if the caller may see it: the access check of
/// calls that need neither its lots nor its participations.
pub async fn visible_procurement(
    state: &State,
    caller: &Caller,
    id: String,
) -> AppResult<(procurements::Procurement, Standing)> {
    let (procurement, invited) = state
        .db
        .read(move |c| procurements::find_with_invited(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("the procurement"))?;
    let standing = lifecycle::standing_towards(&procurement, &invited, caller.who());
    if !standing.may_read() {
        return Err(AppError::not_found("the procurement"));
    }
    Ok((procurement, standing))
}

/// `visible` without the volume lines, for calls that do not add them up.
pub async fn visible_head(
    state: &State,
    caller: &Caller,
    id: String,
) -> AppResult<(Aggregate, Standing)> {
    let aggregate = state
        .db
        .read(move |c| procurements::load_head(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("the procurement"))?;
    let standing = standing_of(&aggregate, caller.who());
    if !standing.may_read() {
        return Err(AppError::not_found("the procurement"));
    }
    Ok((aggregate, standing))
}

async fn view_of(state: &State, caller: &Caller, id: String) -> AppResult<ProcurementView> {
    visible_head(state, caller, id)
        .await
        .map(|(a, _)| ProcurementView::from(&a))
}

/// What `create_procurement` answers besides success (see `problem_docs`).
pub const CREATE_PROCUREMENT_ERRORS: &[ErrorCode] =
    codes![CALLER, JSON_BODY, &[ErrorCode::Forbidden], PROPOSAL_ERRORS];

/// A coordinator proposes a joint procurement (a draft).
#[utoipa::path(post, path = "/api/v1/procurements", tag = "procurements", request_body = NewProcurement,
    security(("bearer" = [])),
    responses((status = 201, body = ProcurementView, links(
                  ("GetProcurement" = (operation_id = "get_procurement", parameters(("id" = "$response.body#/id")))),
                  ("UpdateProcurement" = (operation_id = "update_procurement", parameters(("id" = "$response.body#/id")))),
                  ("AddLot" = (operation_id = "add_lot", parameters(("id" = "$response.body#/id")))),
                  ("OpenProcurement" = (operation_id = "open_procurement", parameters(("id" = "$response.body#/id")))),
                  ("CancelProcurement" = (operation_id = "cancel_procurement", parameters(("id" = "$response.body#/id")))),
                  ("Summary" = (operation_id = "summary", parameters(("id" = "$response.body#/id")))),
                  ("Events" = (operation_id = "list_events", parameters(("id" = "$response.body#/id")))),
                  ("ChooseClauses" = (operation_id = "choose_clauses", parameters(("id" = "$response.body#/id")))),
                  ("SetSustainability" = (operation_id = "set_sustainability", parameters(("id" = "$response.body#/id")))),
                  ("ComplianceReport" = (operation_id = "compliance_report", parameters(("id" = "$response.body#/id")))))),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_procurement(
    state: State,
    caller: Caller,
    body: Json<NewProcurement>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Coordinator)?;
    let leader = Leader {
        organization_id: caller.organization().map(String::from),
        host_municipality: caller.municipality().map(String::from),
    };
    let now = state.clock.now();
    let proposal = body.0.check(leader.host_municipality.as_deref(), now)?;
    let actor = caller.actor();
    let created_now = state
        .db
        .write(move |c| {
            let id = lifecycle::propose(c, &proposal, leader, &actor, now)?;
            head_after(c, &id)
        })
        .await?;
    Ok(created(ProcurementView::from(&created_now)))
}

/// What `list_procurements` answers besides success (see `problem_docs`).
pub const LIST_PROCUREMENTS_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::Forbidden]];

/// The procurements the caller takes part in: its office's or host
/// municipality's (coordinators), those it is invited to (municipalities), all (admins).
#[utoipa::path(get, path = "/api/v1/procurements", tag = "procurements", params(Page), security(("bearer" = [])),
    responses((status = 200, body = Vec<ProcurementView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_procurements(
    state: State,
    caller: Caller,
    page: web::Query<Page>,
) -> AppResult<Json<Vec<ProcurementView>>> {
    let (limit, offset) = (page.limit(), page.offset());
    let c2 = caller.clone();
    let list = state
        .db
        .read(move |c| {
            let scope = match c2.role() {
                Role::Admin => Scope::All,
                Role::Coordinator => Scope::LedBy {
                    organization: c2.organization(),
                    host_municipality: c2.municipality(),
                },
                Role::Municipality => Scope::Inviting(c2.municipality().unwrap_or_default()),
                Role::Supplier => {
                    return Err(AppError::forbidden(
                        "suppliers see published procurements at /api/v1/public/procurements",
                    ))
                }
            };
            let rows = procurements::list(c, scope, limit, offset)?;
            rows.iter()
                .map(|p| {
                    procurements::load(c, &p.id)?
                        .ok_or_else(|| AppError::not_found("the procurement"))
                })
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
    Ok(Json(list.iter().map(ProcurementView::from).collect()))
}

/// What `get_procurement` answers besides success (see `problem_docs`).
pub const GET_PROCUREMENT_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE];

#[utoipa::path(get, path = "/api/v1/procurements/{id}", tag = "procurements", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ProcurementView), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get_procurement(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<ProcurementView>> {
    view_of(&state, &caller, id.into_inner()).await.map(Json)
}

/// What `update_procurement` answers besides success (see `problem_docs`).
pub const UPDATE_PROCUREMENT_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    PROPOSAL_ERRORS,
    lifecycle::EDIT_ERRORS
];

/// The coordinator changes a draft.
#[utoipa::path(patch, path = "/api/v1/procurements/{id}", tag = "procurements", params(("id" = String, Path)),
    request_body = ProcurementUpdate, security(("bearer" = [])),
    responses((status = 200, body = ProcurementView), (status = 409, body = Problem, description = "no longer a draft"),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_procurement(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<ProcurementUpdate>,
) -> AppResult<Json<ProcurementView>> {
    let id = id.into_inner();
    visible_procurement(&state, &caller, id.clone()).await?;
    let u = body.0;
    let (c2, id2) = (caller.clone(), id.clone());
    let clock = state.clock.clone();
    state
        .db
        .write(move |c| {
            let now = clock.now();
            let merge = |current: &Aggregate| {
                let p = &current.procurement;
                NewProcurement {
                    title: u.title.unwrap_or_else(|| p.title.clone()),
                    description: u.description.unwrap_or_else(|| p.description.clone()),
                    contract_type: u.contract_type.unwrap_or_else(|| p.contract_type.into()),
                    cpv: u.cpv.unwrap_or_else(|| p.cpv.clone()),
                    framework_agreement: u.framework_agreement.unwrap_or(p.framework_agreement),
                    contract_start: u.contract_start.unwrap_or(p.contract_start),
                    duration_months: u.duration_months.unwrap_or(p.duration_months),
                    option_months: u.option_months.unwrap_or(p.option_months),
                    no_fixed_term: u.no_fixed_term.unwrap_or(p.no_fixed_term),
                    participation_deadline: u
                        .participation_deadline
                        .unwrap_or_else(|| p.deadline().fixed_offset()),
                    invited: u.invited.unwrap_or_else(|| current.invited()),
                    quorum: u.quorum.or_else(|| p.quorum()),
                    case_number: u.case_number.or_else(|| p.case_number.clone()),
                }
                .check(p.host_municipality.as_deref(), now)
            };
            lifecycle::edit(c, &id2, merge, c2.who(), &c2.actor(), now)?;
            head_after(c, &id2)
        })
        .await
        .map(|a| Json(ProcurementView::from(&a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLot {
    #[schema(
        example = "Skolemat Bergen",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub title: String,
    #[schema(value_type = CpvCode, example = "55524000-9")]
    pub cpv: String,
    #[schema(
        example = "porsjon",
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub unit: String,
    /// Estimated price per unit, in øre.
    #[schema(example = 4500, minimum = 0)]
    pub unit_price_ore: i64,
    /// Municipality numbers served, each invited; default every invited
    /// municipality.
    #[schema(value_type = Option<Vec<ParticipantNumberSchema>>, min_items = 1)]
    pub area: Option<Vec<String>>,
}

/// What `add_lot` answers besides success (see `problem_docs`).
pub const ADD_LOT_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    LOT_ERRORS,
    lifecycle::ADD_LOT_ERRORS
];

/// The coordinator adds a lot to a draft.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/lots", tag = "procurements", params(("id" = String, Path)),
    request_body = NewLot, security(("bearer" = [])),
    responses((status = 201, body = LotView, links(
                  ("SplitLot" = (operation_id = "split_lot", parameters(("id" = "$request.path.id"), ("lot_id" = "$response.body#/id")))),
                  ("MarkInterest" = (operation_id = "mark_interest", parameters(("id" = "$request.path.id"), ("lot_id" = "$response.body#/id")))),
                  ("OpenProcurement" = (operation_id = "open_procurement", parameters(("id" = "$request.path.id")))))),
              (status = 422, body = Problem),
              (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn add_lot(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<NewLot>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (current, _) = visible_head(&state, &caller, id.clone()).await?;
    let b = body.0;
    let draft = check_lot(
        &b.title,
        &b.cpv,
        &b.unit,
        b.unit_price_ore,
        b.area.as_deref(),
        &current.invited(),
    )
    .map_err(|(field, e)| AppError::from(e).on_field(field))?;
    let clock = state.clock.clone();
    let lot = state
        .db
        .write(move |c| {
            lifecycle::add_lot(c, &id, &draft, caller.who(), &caller.actor(), clock.now())
        })
        .await?;
    Ok(created(LotView::from(&lot)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LotUpdate {
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub title: Option<String>,
    #[schema(value_type = Option<CpvCode>)]
    pub cpv: Option<String>,
    #[schema(
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub unit: Option<String>,
    /// Estimated price per unit, in øre.
    #[schema(minimum = 0)]
    pub unit_price_ore: Option<i64>,
    /// Municipality numbers served, each invited.
    #[schema(value_type = Option<Vec<ParticipantNumberSchema>>, min_items = 1)]
    pub area: Option<Vec<String>>,
}

/// What `change_lot` answers besides success (see `problem_docs`).
pub const CHANGE_LOT_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    LOT_ERRORS,
    lifecycle::CHANGE_LOT_ERRORS
];

/// The coordinator changes a lot of a draft: the fields given replace the
/// lot's, and the whole lot is checked as a new one is.
#[utoipa::path(patch, path = "/api/v1/procurements/{id}/lots/{lot_id}", tag = "procurements",
    params(("id" = String, Path), ("lot_id" = String, Path)),
    request_body = LotUpdate, security(("bearer" = [])),
    responses((status = 200, body = LotView),
              (status = 422, body = Problem),
              (status = 409, body = Problem, description = "only while a draft"),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem, description = "no such procurement, or no such lot in it")))]
pub async fn change_lot(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Json<LotUpdate>,
) -> AppResult<Json<LotView>> {
    let (id, lot_id) = path.into_inner();
    visible_procurement(&state, &caller, id.clone()).await?;
    let u = body.0;
    let clock = state.clock.clone();
    let lot = state
        .db
        .write(move |c| {
            let merge = |lot: &Lot, invited: &[String]| {
                check_lot(
                    u.title.as_deref().unwrap_or(&lot.title),
                    u.cpv.as_deref().unwrap_or(&lot.cpv),
                    u.unit.as_deref().unwrap_or(&lot.unit),
                    u.unit_price_ore.unwrap_or(lot.unit_price_ore),
                    Some(u.area.as_deref().unwrap_or(&lot.area)),
                    invited,
                )
                .map_err(|(field, e)| AppError::from(e).on_field(field))
            };
            lifecycle::change_lot(
                c,
                &id,
                &lot_id,
                merge,
                caller.who(),
                &caller.actor(),
                clock.now(),
            )
        })
        .await?;
    Ok(Json(LotView::from(&lot)))
}

/// What `remove_lot` answers besides success (see `problem_docs`).
pub const REMOVE_LOT_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE, lifecycle::REMOVE_LOT_ERRORS];

/// The coordinator removes a lot from a draft.
#[utoipa::path(delete, path = "/api/v1/procurements/{id}/lots/{lot_id}", tag = "procurements",
    params(("id" = String, Path), ("lot_id" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "removed"),
              (status = 409, body = Problem, description = "only while a draft"),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem, description = "no such procurement, or no such lot in it")))]
pub async fn remove_lot(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, lot_id) = path.into_inner();
    visible_procurement(&state, &caller, id.clone()).await?;
    let clock = state.clock.clone();
    state
        .db
        .write(move |c| {
            lifecycle::remove_lot(c, &id, &lot_id, caller.who(), &caller.actor(), clock.now())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct StatusView {
    pub status: String,
}

/// The procurement as a change left it, read in the change's transaction.
fn head_after(conn: &mut AnyConnection, id: &str) -> AppResult<Aggregate> {
    procurements::load_head(conn, id)?.ok_or_else(|| AppError::not_found("the procurement"))
}

/// Runs one of the coordinator's steps in a transaction and answers the
/// status it leaves the procurement in.
async fn coordinator_step<F>(
    state: &State,
    caller: &Caller,
    id: String,
    step: F,
) -> AppResult<Json<StatusView>>
where
    F: for<'a> FnOnce(&mut AnyConnection, &str, Who<'a>, &str, DateTime<Utc>) -> AppResult<()>
        + Send
        + 'static,
{
    let caller = caller.clone();
    let clock = state.clock.clone();
    let status = state
        .db
        .write(move |c| {
            // Read inside the transaction, as a decision is: a step is judged by
            // the time it reaches the database.
            step(c, &id, caller.who(), &caller.actor(), clock.now())?;
            let status = procurements::find(c, &id)?
                .ok_or_else(|| AppError::not_found("the procurement"))?
                .status;
            Ok::<_, AppError>(status)
        })
        .await?;
    Ok(Json(StatusView {
        status: status.into(),
    }))
}

/// What `open_procurement` answers besides success (see `problem_docs`).
pub const OPEN_PROCUREMENT_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE, lifecycle::OPEN_ERRORS];

/// The coordinator opens the participation window; every invited municipality is invited by email.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/open", tag = "procurements", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = StatusView, links(
                  ("CloseProcurement" = (operation_id = "close_procurement", parameters(("id" = "$request.path.id")))),
                  ("ListParticipation" = (operation_id = "list_participation", parameters(("id" = "$request.path.id")))),
                  ("Summary" = (operation_id = "summary", parameters(("id" = "$request.path.id")))),
                  ("Analysis" = (operation_id = "analysis", parameters(("id" = "$request.path.id")))))),
              (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn open_procurement(
    state: State,
    keys: web::Data<Keys>,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<StatusView>> {
    let links = Links {
        keys: keys.get_ref().clone(),
        public_url: state.config.public_url.clone(),
    };
    coordinator_step(
        &state,
        &caller,
        id.into_inner(),
        move |c, id, who, actor, now| lifecycle::open(c, id, who, actor, &links, now).map(|_| ()),
    )
    .await
}

/// What `close_procurement` answers besides success (see `problem_docs`).
pub const CLOSE_PROCUREMENT_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE, lifecycle::CLOSE_ERRORS];

/// The coordinator closes the window: at or after the deadline, or earlier
/// when every invited municipality has answered.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/close", tag = "procurements", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = StatusView, links(
                  ("PublishProcurement" = (operation_id = "publish_procurement", parameters(("id" = "$request.path.id")))),
                  ("ComplianceReport" = (operation_id = "compliance_report", parameters(("id" = "$request.path.id")))),
                  ("Justify" = (operation_id = "justify", parameters(("id" = "$request.path.id")))))),
              (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn close_procurement(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<StatusView>> {
    coordinator_step(
        &state,
        &caller,
        id.into_inner(),
        |c, id, who, actor, now| lifecycle::close(c, id, Some(who), actor, now),
    )
    .await
}

/// What `publish_procurement` answers besides success (see `problem_docs`).
pub const PUBLISH_PROCUREMENT_ERRORS: &[ErrorCode] =
    codes![CALLER, VISIBLE, lifecycle::PUBLISH_ERRORS];

/// The coordinator publishes: the participant list is frozen.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/publish", tag = "procurements", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = StatusView, links(
                  ("Award" = (operation_id = "award", parameters(("id" = "$request.path.id")))),
                  ("LotDivision" = (operation_id = "lot_division", parameters(("id" = "$request.path.id")))),
                  ("Ocds" = (operation_id = "ocds_package", parameters(("id" = "$request.path.id")))),
                  ("Volumes" = (operation_id = "volumes_csv", parameters(("id" = "$request.path.id")))),
                  ("VerifyEvents" = (operation_id = "verify_events", parameters(("id" = "$request.path.id")))))),
              (status = 409, body = Problem, description = "for compliance_missing, errors[] names each missing check; see GET …/compliance"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn publish_procurement(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<StatusView>> {
    let config = state.config.clone();
    coordinator_step(
        &state,
        &caller,
        id.into_inner(),
        move |c, id, who, actor, now| {
            let alerts = crate::flows::consultation::Alerts::from_config(&config);
            lifecycle::publish(
                c,
                id,
                who,
                actor,
                &config.thresholds,
                &config.clauses,
                &alerts,
                now,
            )
        },
    )
    .await
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub reason: Option<String>,
}

/// What `cancel_procurement` answers besides success (see `problem_docs`).
pub const CANCEL_PROCUREMENT_ERRORS: &[ErrorCode] =
    codes![CALLER, JSON_BODY, VISIBLE, lifecycle::CANCEL_ERRORS];

/// The coordinator cancels the procurement (any time before the award).
#[utoipa::path(post, path = "/api/v1/procurements/{id}/cancel", tag = "procurements", params(("id" = String, Path)),
    request_body = CancelRequest, security(("bearer" = [])),
    responses((status = 200, body = StatusView), (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn cancel_procurement(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<CancelRequest>,
) -> AppResult<Json<StatusView>> {
    let reason = body.0.reason;
    coordinator_step(
        &state,
        &caller,
        id.into_inner(),
        move |c, id, who, actor, now| lifecycle::cancel(c, id, who, actor, reason, now),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRequest {
    /// Two or more groups of municipality numbers that together make up
    /// the lot's area, each municipality in one group.
    #[schema(value_type = Vec<SplitGroup>, min_items = 2, example = json!([["4601"], ["4631", "4632"]]))]
    pub groups: Vec<Vec<String>>,
}

/// What `split_lot` answers besides success (see `problem_docs`).
pub const SPLIT_LOT_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    VISIBLE,
    PARTICIPANT_ERRORS,
    lifecycle::SPLIT_ERRORS
];

/// After closing, the coordinator splits a lot by groups of municipalities;
/// volumes follow their municipality and totals are kept.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/lots/{lot_id}/split", tag = "procurements",
    params(("id" = String, Path), ("lot_id" = String, Path)), request_body = SplitRequest, security(("bearer" = [])),
    responses((status = 201, body = Vec<LotView>), (status = 422, body = Problem),
              (status = 409, body = Problem, description = "only while closed"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn split_lot(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Json<SplitRequest>,
) -> AppResult<HttpResponse> {
    let (id, lot_id) = path.into_inner();
    let groups = body
        .0
        .groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|m| ParticipantNumber::parse(m))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::from(e).on_field("groups"))?;
    let clock = state.clock.clone();
    let lots = state
        .db
        .write(move |c| {
            lifecycle::split(
                c,
                &id,
                &lot_id,
                &groups,
                caller.who(),
                &caller.actor(),
                clock.now(),
            )
        })
        .await?;
    Ok(created(lots.iter().map(LotView::from).collect::<Vec<_>>()))
}

/// `?on=` on the summary.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// The day whose thresholds decide (a planned announcement date, as
    /// YYYY-MM-DD). Default: the announcement date, or today before it.
    pub on: Option<NaiveDate>,
}

/// What `summary` answers besides success (see `problem_docs`).
pub const SUMMARY_ERRORS: &[ErrorCode] = codes![
    CALLER,
    VISIBLE,
    &[ErrorCode::ValueOverflow, ErrorCode::NoThresholdsInForce]
];

/// Combined volumes and values per lot, the totals, the threshold regime
/// (with the FOA parts, the notice duty, special services and warnings), the
/// small-lots exemption and the quorum, as of now or of the day `on`. The
/// warnings are in Norwegian bokmål, or English with `Accept-Language: en`.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/summary", tag = "procurements", params(("id" = String, Path), SummaryQuery, Language),
    security(("bearer" = [])),
    responses((status = 200, body = schemas::Summary, headers(("Content-Language" = String, description = "`nb` or `en`: the language of the warnings"))),
              (status = 422, body = Problem, description = "no threshold row is in force on the day (before the first row of the table)"),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn summary(
    state: State,
    req: actix_web::HttpRequest,
    caller: Caller,
    Language(lang): Language,
    id: web::Path<String>,
    query: web::Query<SummaryQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (head, _) = visible_procurement(&state, &caller, id.clone()).await?;
    let (version, body) = summary_json(
        &state,
        &id,
        head.event_seq,
        state.clock.now(),
        query.into_inner().on,
        lang,
    )
    .await?;
    let mut res = crate::http_cache::answer(
        req.headers(),
        &version,
        &body,
        "application/json",
        crate::http_cache::Caching::Private,
    );
    mark(res.headers_mut(), lang);
    Ok(res)
}
