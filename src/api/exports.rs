//! Exports in open formats: a published procurement as OCDS for data users,
//! and the volume table as CSV for the coordinator's spreadsheet.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::problem_docs::CALLER;
use super::procurements::visible;
use super::procurements::VISIBLE;
use super::State;
use crate::auth::Caller;
use crate::db::procurements;
use crate::db::{compliance, organizations, suppliers, AnyConnection, DbError};
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult, Problem};
use crate::flows::lifecycle::summary_of;
use crate::http_cache::{answer, Caching, Encoded};
use crate::ocds::{self, LotAward, ReleaseInput, SupplierParty};
use crate::read::cache::{RenderCache, CACHED_PROCUREMENTS};

/// Packages rendered once per state of the procurement and of the supplier
/// register (an award names its suppliers as the register has them).
fn ocds_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(CACHED_PROCUREMENTS))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/procurements/{id}/ocds", web::get().to(ocds_package))
        .route("/procurements/{id}/volumes.csv", web::get().to(volumes_csv));
}

/// What `ocds_package` answers besides success (see `problem_docs`).
pub const OCDS_PACKAGE_ERRORS: &[ErrorCode] = &[ErrorCode::NotFound, ErrorCode::ValueOverflow];

/// A published procurement as an OCDS 1.1.5 release package with the lots
/// extension; open to anyone. Never published: 404.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/ocds", tag = "exports", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/json", body = Object,
               description = "An OCDS 1.1.5 release package (https://standard.open-contracting.org/1.1/en/schema/release_package/) with one release: the tender, its lots and items, the coordinating office as procuringEntity and every joined municipality as buyer, and once awarded the awards with each supplier's size (details.scale); amounts in NOK"),
              (status = 404, body = Problem, description = "no such procurement, or not published")))]
pub async fn ocds_package(
    state: State,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let key_id = id.clone();
    let (head, register) = state
        .db
        .read(move |c| {
            Ok::<_, DbError>((
                procurements::version(c, &key_id)?,
                suppliers::register_version(c)?,
            ))
        })
        .await?;
    let Some((_, seq)) = head else {
        return Err(AppError::not_found("the procurement"));
    };
    let key = format!("{id}@r{register}");
    // Only a published state is ever stored, and publication is never undone.
    let (seq, body) = ocds_cache()
        .get_or_render(&key, seq, || render_package(&state, id))
        .await?;
    Ok(package_answer(&req, seq, register, &body))
}

fn package_answer(req: &HttpRequest, seq: i64, register: i64, body: &Encoded) -> HttpResponse {
    answer(
        req.headers(),
        &format!("s{seq}-r{register}"),
        body,
        "application/json",
        Caching::Public,
    )
}

/// The package and the `event_seq` of the state it shows.
async fn render_package(state: &State, id: String) -> AppResult<(i64, Bytes)> {
    let (aggregate, office, awards) = state
        .db
        .read(move |c| {
            let Some(a) = procurements::load(c, &id)? else {
                return Err(AppError::not_found("the procurement"));
            };
            let office = match &a.procurement.organization_id {
                Some(org) => organizations::find(c, org)?,
                None => None,
            };
            let awards = lot_awards(c, &id)?;
            Ok((a, office, awards))
        })
        .await?;
    // Checked before the summary, so that nothing about an unpublished
    // procurement (not even an error) leaks.
    if aggregate.procurement.published_at.is_none() {
        return Err(AppError::not_found("the procurement"));
    }
    let summary = summary_of(&aggregate, &state.config.thresholds, state.clock.now())?;
    let package = ocds::release_package(&ReleaseInput {
        prefix: &state.config.ocds_prefix,
        package_uri: format!(
            "{}/api/v1/procurements/{}/ocds",
            state.config.public_url, aggregate.procurement.id
        ),
        aggregate: &aggregate,
        summary: &summary,
        office: office.as_ref(),
        awards: &awards,
    })?;
    let bytes = serde_json::to_vec(&package).map_err(AppError::internal)?;
    Ok((aggregate.procurement.event_seq, Bytes::from(bytes)))
}

/// The awarded lots with their suppliers; none before the award.
fn lot_awards(conn: &mut AnyConnection, procurement_id: &str) -> AppResult<Vec<LotAward>> {
    let mut out = Vec::new();
    for award in compliance::awards(conn, procurement_id)? {
        let supplier = suppliers::find(conn, &award.supplier_id)?.ok_or_else(|| {
            AppError::internal(format!("award of lot {} names no supplier", award.lot_id))
        })?;
        out.push(LotAward {
            lot_id: award.lot_id,
            supplier: SupplierParty {
                size_class: supplier.size_class,
                org_number: supplier.org_number,
                name: supplier.name,
            },
            awarded_at: award.awarded_at.and_utc(),
        });
    }
    Ok(out)
}

/// What `volumes_csv` answers besides success (see `problem_docs`).
pub const VOLUMES_CSV_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE, &[ErrorCode::ValueOverflow]];

/// The volume table: one row per joined municipality and lot of its area,
/// with estimated and maximum yearly quantities and values. UTF-8 with a
/// byte order mark and `;` between cells, as Excel in Norwegian expects.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/volumes.csv", tag = "exports", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String,
               description = "Header `lot_id;lot_title;cpv;unit;unit_price_ore;municipality;municipality_name;annual_quantity;max_annual_quantity;annual_value_ore;max_annual_value_ore`. Amounts are whole øre (no decimal separator to misread); a missing maximum is written as the estimate, so each column sums to the summary's figure for the lot."),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn volumes_csv(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (aggregate, _) = visible(&state, &caller, id.into_inner()).await?;
    let body = volume_table(&aggregate)?;
    let filename = format!("volumer-{}.csv", aggregate.procurement.id);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}

pub use crate::read::volumes::{volume_table, VOLUME_COLUMNS};
