//! The market dialogue on a draft lot division (api.md "Market dialogue"):
//! a supplier's alert subscription, the coordinator's consultation, the
//! suppliers' answers per lot, the report and the published summary.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::created;
use super::problem_docs::{CALLER, JSON_BODY};
use super::schemas::{CpvPrefix, ServiceAreaEntry};
use super::{rfc3339, Json, State};
use crate::auth::Caller;
use crate::db::consultations::{AnswerRow, Consultation};
use crate::domain::consultation::{KindCounts, LotReport};
use crate::domain::{codes, ErrorCode, Role};
use crate::error::{AppError, AppResult, Problem};
use crate::flows::consultation::{self as flow, Alerts, RawAnswer, SubscriptionState};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/suppliers/me/subscriptions",
        web::get().to(get_subscriptions),
    )
    .route(
        "/suppliers/me/subscriptions",
        web::put().to(put_subscriptions),
    )
    .route(
        "/procurements/{id}/consultation",
        web::post().to(open_consultation),
    )
    .route(
        "/procurements/{id}/consultation/answers/{lot_id}",
        web::put().to(answer_consultation),
    )
    .route(
        "/procurements/{id}/consultation/report",
        web::get().to(consultation_report),
    )
    .route(
        "/procurements/{id}/consultation/report.csv",
        web::get().to(consultation_report_csv),
    )
    .route(
        "/procurements/{id}/consultation/summary",
        web::put().to(publish_consultation_summary),
    )
    .route(
        "/public/consultations/{id}",
        web::get().to(public_consultation),
    );
}

fn own_supplier_id(caller: &Caller) -> AppResult<String> {
    caller.require(Role::Supplier)?;
    caller
        .supplier()
        .map(String::from)
        .ok_or_else(|| AppError::forbidden("this account is not linked to a supplier"))
}

// ---- subscriptions ----

#[derive(Serialize, ToSchema)]
pub struct SubscriptionView {
    #[schema(value_type = Vec<CpvPrefix>, example = json!(["5552"]))]
    pub cpv_prefixes: Vec<String>,
    /// County numbers (2 digits) and municipality numbers (4 digits).
    #[schema(value_type = Vec<ServiceAreaEntry>, example = json!(["46"]))]
    pub areas: Vec<String>,
    /// False: not saved yet; what is shown is proposed from the profile
    /// (its trades and service area), and nothing is sent until it is saved.
    pub saved: bool,
    /// Alerts are sent: saved, and not stopped by the unsubscribe link.
    pub active: bool,
}

impl From<SubscriptionState> for SubscriptionView {
    fn from(s: SubscriptionState) -> Self {
        SubscriptionView {
            cpv_prefixes: s.cpv_prefixes,
            areas: s.areas,
            saved: s.saved,
            active: s.active,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionRequest {
    /// CPV prefixes, 2 to 8 digits.
    #[schema(value_type = Vec<CpvPrefix>, example = json!(["5552"]))]
    pub cpv_prefixes: Vec<String>,
    /// County numbers (2 digits) and/or municipality numbers (4 digits).
    #[schema(value_type = Vec<ServiceAreaEntry>, example = json!(["46", "1804"]))]
    pub areas: Vec<String>,
}

/// What `get_subscriptions` answers besides success (see `problem_docs`).
pub const GET_SUBSCRIPTIONS_ERRORS: &[ErrorCode] =
    codes![CALLER, &[ErrorCode::Forbidden, ErrorCode::NotFound]];

/// A supplier reads its alert subscription; before it saves one, the one
/// proposed from its profile (`saved: false`).
#[utoipa::path(get, path = "/api/v1/suppliers/me/subscriptions", tag = "suppliers", security(("bearer" = [])),
    responses((status = 200, body = SubscriptionView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_subscriptions(state: State, caller: Caller) -> AppResult<Json<SubscriptionView>> {
    let id = own_supplier_id(&caller)?;
    let s = state
        .db
        .read(move |c| flow::subscription_of(c, &id))
        .await?;
    Ok(Json(s.into()))
}

/// What `put_subscriptions` answers besides success (see `problem_docs`).
pub const PUT_SUBSCRIPTIONS_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[ErrorCode::Forbidden, ErrorCode::NotFound],
    flow::SUBSCRIPTION_ERRORS
];

/// A supplier saves its alert subscription: one email when a procurement
/// with a matching lot opens a consultation, one when it is published. A
/// lot matches when its CPV starts with a subscribed prefix and its area
/// shares a municipality with the subscribed areas. Saving again after the
/// unsubscribe link starts the alerts again.
#[utoipa::path(put, path = "/api/v1/suppliers/me/subscriptions", tag = "suppliers", request_body = SubscriptionRequest,
    security(("bearer" = [])),
    responses((status = 200, body = SubscriptionView), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn put_subscriptions(
    state: State,
    caller: Caller,
    body: Json<SubscriptionRequest>,
) -> AppResult<Json<SubscriptionView>> {
    let id = own_supplier_id(&caller)?;
    let change = flow::check_subscription(&body.0.cpv_prefixes, &body.0.areas)?;
    let now = state.clock.now();
    let s = state
        .db
        .write(move |c| flow::subscribe(c, &id, change, now))
        .await?;
    Ok(Json(s.into()))
}

// ---- the consultation ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationRequest {
    /// When answers are frozen; in the future.
    pub deadline: DateTime<FixedOffset>,
    /// What the coordinator asks the market, shown on the consultation page
    /// and in the alerts; at most 20 000 characters.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConsultationView {
    pub procurement_id: String,
    pub message: String,
    pub deadline: String,
    pub opened_at: String,
    /// Whether answers are still taken.
    pub open: bool,
    /// What the coordinator published about the dialogue, if anything yet.
    pub summary: Option<String>,
    pub summary_published_at: Option<String>,
}

fn view(c: Consultation, now: DateTime<Utc>) -> ConsultationView {
    ConsultationView {
        open: crate::db::stamp(now) < c.deadline,
        procurement_id: c.procurement_id,
        message: c.message,
        deadline: rfc3339(c.deadline),
        opened_at: rfc3339(c.opened_at),
        summary: c.summary,
        summary_published_at: c.summary_published_at.map(rfc3339),
    }
}

/// What `open_consultation` answers besides success (see `problem_docs`).
pub const OPEN_CONSULTATION_ERRORS: &[ErrorCode] = codes![CALLER, JSON_BODY, flow::OPEN_ERRORS];

/// The coordinator opens a market dialogue on the draft lot division, while
/// municipalities answer (`open`) or after closing (`closed`), before
/// publishing; once per procurement. The draft is then public at
/// `GET /api/v1/public/consultations/{id}` and `/consultations/{id}`, and
/// subscribers with a matching lot are emailed.
#[utoipa::path(post, path = "/api/v1/procurements/{id}/consultation", tag = "procurements", params(("id" = String, Path)),
    request_body = ConsultationRequest, security(("bearer" = [])),
    responses((status = 201, body = ConsultationView),
              (status = 409, body = Problem, description = "not open or closed, already consulted, or no lots"),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn open_consultation(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<ConsultationRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let alerts = Alerts::from_config(&state.config);
    let ConsultationRequest { deadline, message } = body.0;
    let deadline = deadline.with_timezone(&Utc);
    let now = state.clock.now();
    let c = state
        .db
        .write(move |c| {
            flow::open(
                c,
                &id,
                caller.who(),
                &caller.actor(),
                deadline,
                &message,
                &alerts,
                now,
            )
        })
        .await?;
    Ok(created(view(c, now)))
}

#[derive(Serialize, ToSchema)]
pub struct DraftLotView {
    pub lot_id: String,
    pub title: String,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    /// Municipality numbers.
    pub area: Vec<String>,
    pub unit: String,
    pub unit_price_ore: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PublicConsultation {
    /// Always `true`: the lot division is a draft for market dialogue, not
    /// a notice; it may change after the dialogue.
    pub draft: bool,
    pub procurement_id: String,
    pub title: String,
    pub description: String,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    pub consultation: ConsultationView,
    pub lots: Vec<DraftLotView>,
}

/// What `public_consultation` answers besides success (see `problem_docs`).
pub const PUBLIC_CONSULTATION_ERRORS: &[ErrorCode] = &[ErrorCode::NotFound];

/// The draft lot division under consultation, for everyone: the same
/// information for every supplier. The answers are never shown here.
#[utoipa::path(get, path = "/api/v1/public/consultations/{id}", tag = "public", params(("id" = String, Path)),
    responses((status = 200, body = PublicConsultation),
              (status = 404, body = Problem, description = "no consultation on this procurement")))]
pub async fn public_consultation(
    state: State,
    id: web::Path<String>,
) -> AppResult<Json<PublicConsultation>> {
    let id = id.into_inner();
    let (aggregate, c) = state.db.read(move |c| flow::public(c, &id)).await?;
    let p = aggregate.procurement;
    Ok(Json(PublicConsultation {
        draft: true,
        procurement_id: p.id,
        title: p.title,
        description: p.description,
        cpv: p.cpv,
        consultation: view(c, state.clock.now()),
        lots: aggregate
            .lots
            .into_iter()
            .map(|l| DraftLotView {
                lot_id: l.id,
                title: l.title,
                cpv: l.cpv,
                area: l.area,
                unit: l.unit,
                unit_price_ore: l.unit_price_ore,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    #[schema(value_type = AnswerKindDoc)]
    pub answer: String,
    #[serde(default)]
    #[schema(value_type = Option<AnswerReasonDoc>)]
    pub reason: Option<String>,
    /// Municipality numbers of the lot's area that the supplier could serve
    /// as a lot of its own.
    #[serde(default)]
    #[schema(example = json!(["4601"]))]
    pub proposed_area: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: String,
}

/// A supplier's answer on a lot.
#[derive(Serialize, ToSchema)]
#[schema(as = AnswerKind)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKindDoc {
    CanBid,
    CouldBidIfSplit,
    CannotBid,
}

/// Why the lot as drafted is hard to bid for.
#[derive(Serialize, ToSchema)]
#[schema(as = AnswerReason)]
#[serde(rename_all = "snake_case")]
pub enum AnswerReasonDoc {
    TooLarge,
    AreaTooWide,
    Requirements,
    Other,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerView {
    pub lot_id: String,
    #[schema(value_type = AnswerKindDoc)]
    pub answer: String,
    #[schema(value_type = Option<AnswerReasonDoc>)]
    pub reason: Option<String>,
    pub proposed_area: Vec<String>,
    pub comment: String,
    pub answered_at: String,
}

impl From<AnswerRow> for AnswerView {
    fn from(a: AnswerRow) -> Self {
        AnswerView {
            lot_id: a.lot_id,
            answer: a.answer,
            reason: a.reason,
            proposed_area: a.proposed_area,
            comment: a.comment,
            answered_at: rfc3339(a.answered_at),
        }
    }
}

/// What `answer_consultation` answers besides success (see `problem_docs`).
pub const ANSWER_CONSULTATION_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[ErrorCode::Forbidden],
    flow::ANSWER_FLOW_ERRORS
];

/// A supplier answers on one lot of the draft, and may change its answer
/// until the deadline (409 `consultation_closed` after it). A proposed area
/// lies inside the lot's area. No other supplier ever sees the answer.
#[utoipa::path(put, path = "/api/v1/procurements/{id}/consultation/answers/{lot_id}", tag = "procurements",
    params(("id" = String, Path), ("lot_id" = String, Path)),
    request_body = AnswerRequest, security(("bearer" = [])),
    responses((status = 200, body = AnswerView),
              (status = 409, body = Problem, description = "the deadline has passed"),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem, description = "no consultation on this procurement, or no such lot")))]
pub async fn answer_consultation(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Json<AnswerRequest>,
) -> AppResult<Json<AnswerView>> {
    let supplier = own_supplier_id(&caller)?;
    let (id, lot_id) = path.into_inner();
    let AnswerRequest {
        answer,
        reason,
        proposed_area,
        comment,
    } = body.0;
    let raw = RawAnswer {
        answer,
        reason,
        proposed_area,
        comment,
    };
    let now = state.clock.now();
    let actor = caller.actor();
    let row = state
        .db
        .write(move |c| flow::answer(c, &id, &lot_id, &supplier, &actor, raw, now))
        .await?;
    Ok(Json(row.into()))
}

#[derive(Serialize, ToSchema)]
#[schema(as = AnswerCounts)]
pub struct KindCountsDoc {
    pub can_bid: usize,
    pub could_bid_if_split: usize,
    pub cannot_bid: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ProposedAreaDoc {
    pub area: Vec<String>,
    pub count: usize,
    /// Of those, local SMEs answering `could_bid_if_split`.
    pub local_smes_asking_for_split: usize,
}

#[derive(Serialize, ToSchema)]
pub struct LotReportDoc {
    pub lot_id: String,
    pub title: String,
    pub answers: KindCountsDoc,
    pub smes: KindCountsDoc,
    pub large: KindCountsDoc,
    /// Suppliers whose home is in the lot's area.
    pub local: KindCountsDoc,
    pub not_local: KindCountsDoc,
    pub local_smes: KindCountsDoc,
    /// Most often proposed first.
    pub proposed_areas: Vec<ProposedAreaDoc>,
    /// Without names.
    pub comments: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsultationReport {
    pub consultation: ConsultationView,
    #[schema(value_type = Vec<LotReportDoc>)]
    pub lots: Vec<LotReport>,
}

/// What `consultation_report` answers besides success (see `problem_docs`).
pub const CONSULTATION_REPORT_ERRORS: &[ErrorCode] = codes![CALLER, flow::REPORT_ERRORS];

/// The coordinator reads the answers per lot: by kind, split into SMEs and
/// large firms and into local and not local, the proposed areas with
/// counts, and the comments. Each reading is in the audit chain.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/consultation/report", tag = "procurements", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ConsultationReport),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn consultation_report(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<ConsultationReport>> {
    let report = read_report(&state, caller, id.into_inner()).await?;
    Ok(Json(ConsultationReport {
        consultation: view(report.consultation, state.clock.now()),
        lots: report.lots,
    }))
}

async fn read_report(state: &State, caller: Caller, id: String) -> AppResult<flow::Report> {
    let now = state.clock.now();
    state
        .db
        .write(move |c| flow::report(c, &id, caller.who(), &caller.actor(), now))
        .await
}

/// What `consultation_report_csv` answers besides success (see `problem_docs`).
pub const CONSULTATION_REPORT_CSV_ERRORS: &[ErrorCode] = codes![CALLER, flow::REPORT_ERRORS];

pub const REPORT_COLUMNS: [&str; 20] = [
    "lot_id",
    "lot_title",
    "can_bid",
    "could_bid_if_split",
    "cannot_bid",
    "sme_can_bid",
    "sme_could_bid_if_split",
    "sme_cannot_bid",
    "large_can_bid",
    "large_could_bid_if_split",
    "large_cannot_bid",
    "local_can_bid",
    "local_could_bid_if_split",
    "local_cannot_bid",
    "not_local_can_bid",
    "not_local_could_bid_if_split",
    "not_local_cannot_bid",
    "local_sme_could_bid_if_split",
    "proposed_areas",
    "comments",
];

/// The report as CSV, one row per lot: UTF-8 with a byte order mark and `;`
/// between cells, as the volume table.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/consultation/report.csv", tag = "exports", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String,
               description = "Header `lot_id;lot_title;can_bid;could_bid_if_split;cannot_bid;sme_…;large_…;local_…;not_local_…;local_sme_could_bid_if_split;proposed_areas;comments`; proposed areas as `4601+4602 (3)` joined by ` | `, comments joined by ` | `."),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn consultation_report_csv(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let report = read_report(&state, caller, id.clone()).await?;
    let out = crate::read::volumes::spreadsheet(&REPORT_COLUMNS, &report_rows(&report))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"markedsdialog-{id}.csv\""),
        ))
        .body(out))
}

/// One row per lot, in the order of `REPORT_COLUMNS`.
fn report_rows(report: &flow::Report) -> Vec<Vec<String>> {
    use crate::read::volumes::spreadsheet_text;
    let three =
        |k: &KindCounts| [k.can_bid, k.could_bid_if_split, k.cannot_bid].map(|n| n.to_string());
    report
        .lots
        .iter()
        .map(|lot| {
            let mut record = vec![lot.lot_id.clone(), spreadsheet_text(&lot.title)];
            for k in [
                &lot.answers,
                &lot.smes,
                &lot.large,
                &lot.local,
                &lot.not_local,
            ] {
                record.extend(three(k));
            }
            record.push(lot.local_smes.could_bid_if_split.to_string());
            record.push(
                lot.proposed_areas
                    .iter()
                    .map(|a| {
                        let area: Vec<&str> = a.area.iter().map(|m| m.as_str()).collect();
                        format!("{} ({})", area.join("+"), a.count)
                    })
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
            record.push(spreadsheet_text(&lot.comments.join(" | ")));
            record
        })
        .collect()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryRequest {
    /// What the coordinator tells the market about the dialogue; public on
    /// the consultation page. At most 20 000 characters.
    #[schema(max_length = 20000)]
    pub summary: String,
}

/// What `publish_consultation_summary` answers besides success (see `problem_docs`).
pub const PUBLISH_CONSULTATION_SUMMARY_ERRORS: &[ErrorCode] =
    codes![CALLER, JSON_BODY, flow::SUMMARY_ERRORS];

/// The coordinator publishes a summary of the dialogue (what was heard and
/// what changes); it is public with the consultation. A new one replaces it.
#[utoipa::path(put, path = "/api/v1/procurements/{id}/consultation/summary", tag = "procurements", params(("id" = String, Path)),
    request_body = SummaryRequest, security(("bearer" = [])),
    responses((status = 200, body = ConsultationView), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn publish_consultation_summary(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<SummaryRequest>,
) -> AppResult<Json<ConsultationView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let summary = body.0.summary;
    let c = state
        .db
        .write(move |c| flow::publish_summary(c, &id, caller.who(), &caller.actor(), &summary, now))
        .await?;
    Ok(Json(view(c, now)))
}
