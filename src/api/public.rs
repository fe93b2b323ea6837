//! What suppliers see without an account: published procurements and their
//! lot division (api.md "Supplier view"); and, with one, marking interest
//! in a lot. A draft, open, closed or cancelled procurement is a 404 on
//! every path here; an awarded one stays readable.
//!
//! The lot division of a national procurement sums some 35 700 volume
//! lines, and suppliers ask for it far more often than it changes; after
//! publishing it changes only when the procurement is cancelled or awarded.
//! So the answer is rendered once and kept in `RenderCache`, keyed by the
//! procurement's id and its `event_seq`, which every change of the
//! procurement increments (each change appends to its audit trail). A
//! request costs one primary-key read of (status, event_seq); a changed
//! procurement simply misses the cache. The key is the database's own
//! counter, so several instances behind one load balancer never serve a
//! stale answer, each keeping its own copy.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, RwLock};

use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::{rfc3339, Page, State};
use crate::auth::Caller;
use crate::db::interest::{self, Interest};
use crate::db::procurements::{self, Aggregate};
use crate::domain::contract::ProcurementStatus;
use crate::domain::summary::{Decision, Summary};
use crate::domain::Role;
use crate::error::{AppError, AppResult, Problem};
use crate::flows::lifecycle;
use crate::reference::reference;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/public/procurements", web::get().to(list_published))
        .route("/public/procurements/{id}", web::get().to(lot_division))
        .route(
            "/public/procurements/{id}/lots/{lot_id}/interest",
            web::post().to(mark_interest),
        );
}

// ---- the cache ----

/// Rendered answers of published procurements, valid for one `event_seq`.
/// Bounded: when full, the entry stored longest ago makes room.
pub struct RenderCache {
    entries: RwLock<HashMap<String, Entry>>,
    stored: AtomicU64,
    capacity: usize,
}

struct Entry {
    seq: i64,
    body: Bytes,
    stored: u64,
}

impl RenderCache {
    pub fn new(capacity: usize) -> RenderCache {
        RenderCache {
            entries: RwLock::new(HashMap::new()),
            stored: AtomicU64::new(0),
            capacity: capacity.max(1),
        }
    }

    pub fn get(&self, id: &str, seq: i64) -> Option<Bytes> {
        // A poisoned lock only means a writer panicked: the map is still whole.
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .filter(|e| e.seq == seq)
            .map(|e| e.body.clone())
    }

    pub fn put(&self, id: &str, seq: i64, body: Bytes) {
        let stored = self.stored.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(id) {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.stored)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                entries.remove(&k);
            }
        }
        // Two requests that missed together may both store; keep the newer state.
        match entries.get(id) {
            Some(e) if e.seq > seq => {}
            _ => {
                entries.insert(id.to_string(), Entry { seq, body, stored });
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Per answer: a lot division is some kilobytes of JSON per lot, so a few
/// hundred procurements stay within a few tens of megabytes.
pub const CACHED_PROCUREMENTS: usize = 256;

fn json_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(CACHED_PROCUREMENTS))
}

// ---- loading ----

/// Published procurements stay public once awarded: the notice and its lot
/// division do not disappear with the award (only the list leaves them out).
fn is_public(status: &str) -> bool {
    status == ProcurementStatus::Published.as_str() || status == ProcurementStatus::Awarded.as_str()
}

/// The `event_seq` of a published (or awarded) procurement; 404 for any other.
pub async fn published_version(state: &State, id: &str) -> AppResult<i64> {
    let key = id.to_string();
    match state
        .db
        .read(move |c| procurements::version(c, &key))
        .await?
    {
        Some((status, seq)) if is_public(&status) => Ok(seq),
        _ => Err(AppError::not_found("the procurement")),
    }
}

/// A published (or awarded) procurement with its summary; 404 for any other.
pub async fn load_published(state: &State, id: &str) -> AppResult<(Aggregate, Summary)> {
    let key = id.to_string();
    let aggregate = state
        .db
        .read(move |c| procurements::load(c, &key))
        .await?
        .filter(|a| is_public(&a.procurement.status))
        .ok_or_else(|| AppError::not_found("the procurement"))?;
    // Published procurements are summed with the thresholds of their
    // publication day, so the answer depends on the stored data only.
    let summary = lifecycle::summary_of(&aggregate, &state.config.thresholds, state.clock.now())?;
    Ok((aggregate, summary))
}

// ---- the lot division ----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedMunicipality {
    #[schema(example = "4601")]
    pub number: String,
    #[schema(example = "Bergen")]
    pub name: String,
}

fn named(number: &str) -> NamedMunicipality {
    NamedMunicipality {
        number: number.to_string(),
        name: reference()
            .municipality(number)
            .map_or_else(String::new, |m| m.name.clone()),
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicLot {
    pub id: String,
    pub title: String,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    #[schema(example = "porsjon")]
    pub unit: String,
    /// The participants the lot serves: its area less the municipalities
    /// that did not join, which buy nothing under it.
    pub area: Vec<NamedMunicipality>,
    pub annual_quantity: i64,
    pub max_annual_quantity: i64,
    pub annual_value_ore: i64,
    pub contract_value_ore: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotDivision {
    pub id: String,
    pub title: String,
    pub description: String,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    /// `goods`, `services`, `works` or `social_services`.
    pub contract_type: String,
    pub framework_agreement: bool,
    pub contract_start: NaiveDate,
    pub duration_months: i64,
    pub option_months: i64,
    /// The municipalities that joined, frozen at publication.
    pub participants: Vec<NamedMunicipality>,
    pub lots: Vec<PublicLot>,
}

/// The municipalities that joined, in number order.
pub fn participants_of(aggregate: &Aggregate) -> Vec<&str> {
    aggregate
        .participations
        .iter()
        .filter(|p| p.decision == Decision::Join.as_str())
        .map(|p| p.municipality.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

pub fn division_of(aggregate: &Aggregate, summary: &Summary) -> AppResult<LotDivision> {
    let p = &aggregate.procurement;
    let participants = participants_of(aggregate);
    let joined: BTreeSet<&str> = participants.iter().copied().collect();
    let totals: HashMap<&str, _> = summary
        .lots
        .iter()
        .map(|l| (l.lot_id.as_str(), l))
        .collect();
    let lots = aggregate
        .lots
        .iter()
        .map(|lot| {
            let total = totals.get(lot.id.as_str()).ok_or_else(|| {
                AppError::internal(format!("lot {} is missing from its summary", lot.id))
            })?;
            Ok(PublicLot {
                id: lot.id.clone(),
                title: lot.title.clone(),
                cpv: lot.cpv.clone(),
                unit: lot.unit.clone(),
                area: lot
                    .area_list()
                    .iter()
                    .filter(|m| joined.contains(m.as_str()))
                    .map(|m| named(m))
                    .collect(),
                annual_quantity: total.annual_quantity,
                max_annual_quantity: total.max_annual_quantity,
                annual_value_ore: total.annual_value_ore.get(),
                contract_value_ore: total.contract_value_ore.get(),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(LotDivision {
        id: p.id.clone(),
        title: p.title.clone(),
        description: p.description.clone(),
        cpv: p.cpv.clone(),
        contract_type: p.contract_type.clone(),
        framework_agreement: p.framework_agreement,
        contract_start: p.contract_start,
        duration_months: p.duration_months,
        option_months: p.option_months,
        participants: participants.into_iter().map(named).collect(),
        lots,
    })
}

fn json_answer(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// The lot division of a published procurement: lots, their areas,
/// combined yearly quantities and values. Anyone may read it, also after
/// the award.
#[utoipa::path(get, path = "/api/v1/public/procurements/{id}", tag = "public", params(("id" = String, Path)),
    responses((status = 200, body = LotDivision),
              (status = 404, body = Problem, description = "no such procurement, or not published")))]
pub async fn lot_division(state: State, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let seq = published_version(&state, &id).await?;
    if let Some(body) = json_cache().get(&id, seq) {
        return Ok(json_answer(body));
    }
    let (aggregate, summary) = load_published(&state, &id).await?;
    let division = division_of(&aggregate, &summary)?;
    let body = Bytes::from(serde_json::to_vec(&division).map_err(AppError::internal)?);
    // Keyed by the seq the data was loaded with, which is never older than
    // the data: a change in between only costs the next request a miss.
    json_cache().put(&id, aggregate.procurement.event_seq, body.clone());
    Ok(json_answer(body))
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
                contract_type: p.contract_type,
                framework_agreement: p.framework_agreement,
                contract_start: p.contract_start,
                duration_months: p.duration_months,
                option_months: p.option_months,
                published_at: p.published_at.map(rfc3339),
            })
            .collect(),
    ))
}

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
    state
        .db
        .write(move |c| {
            let published = procurements::find(c, &id)?
                .is_some_and(|p| p.status == ProcurementStatus::Published.as_str());
            if !published {
                return Err(AppError::not_found("the procurement"));
            }
            if !interest::is_active_lot(c, &id, &lot_id)? {
                return Err(AppError::not_found("the lot"));
            }
            interest::mark(
                c,
                &Interest {
                    supplier_id,
                    procurement_id: id,
                    lot_id,
                    created_at: crate::db::now(),
                },
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_answers_only_for_the_seq_it_holds_and_stays_bounded() {
        let cache = RenderCache::new(2);
        cache.put("a", 3, Bytes::from_static(b"a3"));
        assert_eq!(cache.get("a", 3).as_deref(), Some(&b"a3"[..]));
        assert_eq!(cache.get("a", 4), None, "a changed procurement misses");
        cache.put("a", 4, Bytes::from_static(b"a4"));
        cache.put("a", 3, Bytes::from_static(b"late"));
        assert_eq!(
            cache.get("a", 4).as_deref(),
            Some(&b"a4"[..]),
            "an older state never replaces a newer one"
        );
        cache.put("b", 1, Bytes::from_static(b"b1"));
        cache.put("c", 1, Bytes::from_static(b"c1"));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get("a", 4), None, "the oldest entry made room");
        assert!(cache.get("c", 1).is_some());
    }
}
