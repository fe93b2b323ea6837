//! What suppliers see without an account: published procurements and their
//! lot division (api.md "Supplier view"); and, with one, marking interest
//! in a lot. A draft, open, closed or cancelled procurement is a 404 on
//! every path here; an awarded one stays readable.
//!
//! The lot division and its cache are the read model's (`read::public`,
//! `read::cache`), shared with the page for people.

use std::sync::OnceLock;

use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem_docs::CALLER;
use super::{rfc3339, Page, State};
use crate::auth::Caller;
use crate::db::procurements;
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::domain::Role;
use crate::error::{AppError, AppResult, Problem};
use crate::flows::interest;
use crate::http_cache::{answer, Caching};
use crate::read::cache::{RenderCache, CACHED_PROCUREMENTS};
use crate::read::public::{rendered, LotDivision};

fn json_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(CACHED_PROCUREMENTS))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/public/procurements", web::get().to(list_published))
        .route("/public/procurements/{id}", web::get().to(lot_division))
        .route(
            "/public/procurements/{id}/lots/{lot_id}/interest",
            web::post().to(mark_interest),
        );
}

/// What `lot_division` answers besides success (see `problem_docs`).
pub const LOT_DIVISION_ERRORS: &[ErrorCode] = &[ErrorCode::NotFound];

/// The lot division of a published procurement: lots, their areas,
/// combined yearly quantities and values. Anyone may read it, also after
/// the award.
#[utoipa::path(get, path = "/api/v1/public/procurements/{id}", tag = "public", params(("id" = String, Path)),
    responses((status = 200, body = LotDivision),
              (status = 404, body = Problem, description = "no such procurement, or not published")))]
pub async fn lot_division(
    state: State,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (seq, body) = rendered(&state, json_cache(), &id, |_, division| {
        Ok(Bytes::from(
            serde_json::to_vec(&division).map_err(AppError::internal)?,
        ))
    })
    .await?;
    Ok(answer(
        req.headers(),
        &format!("s{seq}"),
        &body,
        "application/json",
        Caching::Public,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PublishedProcurement {
    pub id: String,
    pub title: String,
    pub description: String,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    pub contract_type: String,
    pub framework_agreement: bool,
    pub contract_start: NaiveDate,
    pub duration_months: i64,
    pub option_months: i64,
    pub published_at: Option<String>,
}

/// What `list_published` answers besides success (see `problem_docs`).
pub const LIST_PUBLISHED_ERRORS: &[ErrorCode] = &[];

/// Published procurements that are not yet awarded, the latest first.
/// Anyone may read them.
#[utoipa::path(get, path = "/api/v1/public/procurements", tag = "public", params(Page),
    responses((status = 200, body = Vec<PublishedProcurement>)))]
pub async fn list_published(
    state: State,
    page: web::Query<Page>,
) -> AppResult<super::Json<Vec<PublishedProcurement>>> {
    let (limit, offset) = (page.limit(), page.offset());
    let rows = state
        .db
        .read(move |c| procurements::list_published(c, limit, offset))
        .await?;
    Ok(super::Json(
        rows.into_iter()
            .map(|p| PublishedProcurement {
                id: p.id,
                title: p.title,
                description: p.description,
                cpv: p.cpv,
                contract_type: p.contract_type.into(),
                framework_agreement: p.framework_agreement,
                contract_start: p.contract_start,
                duration_months: p.duration_months,
                option_months: p.option_months,
                published_at: p.published_at.map(rfc3339),
            })
            .collect(),
    ))
}

/// What `mark_interest` answers besides success (see `problem_docs`).
pub const MARK_INTEREST_ERRORS: &[ErrorCode] = codes![
    CALLER,
    &[
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict
    ]
];

/// A registered supplier marks interest in a lot of a published
/// procurement; counted in the coordinator's analysis. Marking twice is
/// the same as once.
#[utoipa::path(post, path = "/api/v1/public/procurements/{id}/lots/{lot_id}/interest", tag = "public",
    params(("id" = String, Path), ("lot_id" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "the interest is recorded"),
              (status = 401, body = Problem), (status = 403, body = Problem, description = "not a supplier"),
              (status = 404, body = Problem, description = "no such lot, or the procurement is not published")))]
pub async fn mark_interest(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Supplier)?;
    let supplier_id = caller
        .supplier()
        .ok_or_else(|| AppError::forbidden("this account is not linked to a supplier"))?
        .to_string();
    let (id, lot_id) = path.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| interest::mark(c, &supplier_id, &id, &lot_id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
