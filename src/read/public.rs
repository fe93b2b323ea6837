//! The public lot division of a published procurement: what suppliers
//! read, as JSON (`api::public`) and as a page (`web::supplier`). A draft,
//! open, closed or cancelled procurement is not found here; an awarded one
//! stays readable.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use std::sync::Arc;

use actix_web::web::Bytes;

use super::cache::RenderCache;
use crate::db::procurements::{self, Aggregate};
use crate::domain::contract::{ContractType, ProcurementStatus};
use crate::domain::summary::Summary;
use crate::error::{AppError, AppResult};
use crate::flows::lifecycle;
use crate::http_cache::Encoded;
use crate::reference::reference;
use crate::state::AppState;

/// Published procurements stay public once awarded: the notice and its lot
/// division do not disappear with the award (only the list leaves them out).
fn is_public(status: ProcurementStatus) -> bool {
    matches!(
        status,
        ProcurementStatus::Published | ProcurementStatus::Awarded
    )
}

/// The `event_seq` of a published (or awarded) procurement; 404 for any other.
pub async fn published_version(state: &AppState, id: &str) -> AppResult<i64> {
    match state.versions.version(&state.db, id).await? {
        Some((status, seq)) if is_public(status) => Ok(seq),
        _ => Err(AppError::not_found("the procurement")),
    }
}

/// A published (or awarded) procurement with its summary; 404 for any other.
pub async fn load_published(state: &AppState, id: &str) -> AppResult<(Aggregate, Summary)> {
    let key = id.to_string();
    let aggregate = state
        .db
        .read(move |c| procurements::load(c, &key))
        .await?
        .filter(|a| is_public(a.procurement.status))
        .ok_or_else(|| AppError::not_found("the procurement"))?;
    // Published procurements are summed with the thresholds of their
    // publication day, so the answer depends on the stored data only.
    let summary = lifecycle::summary_of(&aggregate, &state.config.thresholds, state.clock.now())?;
    Ok((aggregate, summary))
}

/// A published procurement rendered by `render` once per change, and
/// compressed once: served from `cache` while its `event_seq` stands,
/// rendered again after a change. Answers the `event_seq` the bytes show
/// (their `ETag`) with them.
pub async fn rendered(
    state: &AppState,
    cache: &RenderCache,
    id: &str,
    render: impl FnOnce(&Aggregate, LotDivision) -> AppResult<Bytes>,
) -> AppResult<(i64, Arc<Encoded>)> {
    let seq = published_version(state, id).await?;
    cache
        .get_or_render(id, seq, || async {
            let (aggregate, summary) = load_published(state, id).await?;
            let division = division_of(&aggregate, &summary)?;
            let plain = render(&aggregate, division)?;
            Ok((aggregate.procurement.event_seq, plain))
        })
        .await
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedMunicipality {
    #[schema(example = "4601")]
    pub number: String,
    #[schema(example = "Bergen")]
    pub name: String,
}

pub fn named(number: &str) -> NamedMunicipality {
    NamedMunicipality {
        number: number.to_string(),
        name: reference().participant_name(number).unwrap_or_default(),
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
    #[schema(value_type = String)]
    pub contract_type: ContractType,
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
        .joined()
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
                    .area
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
        contract_type: p.contract_type,
        framework_agreement: p.framework_agreement,
        contract_start: p.contract_start,
        duration_months: p.duration_months,
        option_months: p.option_months,
        participants: participants.into_iter().map(named).collect(),
        lots,
    })
}
