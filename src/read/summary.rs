//! A procurement's summary (combined volumes and values, regime, quorum) as
//! JSON, rendered once per state of the procurement and day.

use std::sync::OnceLock;

use actix_web::web::Bytes;
use chrono::{DateTime, NaiveDate, Utc};

use super::cache::RenderCache;
use crate::db::procurements;
use crate::domain::calendar::oslo_date;
use crate::domain::Lang;
use crate::error::{AppError, AppResult};
use crate::flows::lifecycle;
use crate::state::AppState;

fn summary_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(super::cache::CACHED_PROCUREMENTS))
}

/// The summary of procurement `id`, whose head was read at `event_seq`, as
/// of `now`, or with the thresholds of the day `on` when the caller asks
/// what a given announcement date would mean, its warnings in `lang`.
/// Access is the caller's to check first.
pub async fn summary_json(
    state: &AppState,
    id: &str,
    event_seq: i64,
    now: DateTime<Utc>,
    on: Option<NaiveDate>,
    lang: Lang,
) -> AppResult<Bytes> {
    // The summary changes with the procurement (every change moves event_seq)
    // and, before it is announced, with the date that picks the thresholds;
    // its warnings are worded in the language asked for.
    let key = match on {
        Some(day) => format!("{id}@on:{day}@{}", lang.code()),
        None => format!("{id}@{}@{}", oslo_date(now), lang.code()),
    };
    if let Some(body) = summary_cache().get(&key, event_seq) {
        return Ok(body);
    }
    let load_id = id.to_string();
    let (aggregate, plan) = state
        .db
        .read(move |c| {
            let aggregate = procurements::load(c, &load_id)?;
            let plan = crate::db::tender_plans::find(c, &load_id)?;
            Ok::<_, crate::db::DbError>((aggregate, plan))
        })
        .await?;
    let aggregate = aggregate.ok_or_else(|| AppError::not_found("the procurement"))?;
    let day = on.unwrap_or_else(|| lifecycle::announcement_day(&aggregate, now));
    let summary = lifecycle::summary_on(&aggregate, &state.config.thresholds, day, lang)?;
    let mut json = serde_json::to_value(&summary).map_err(AppError::internal)?;
    // The tender plan rides along: setting it appends an event, which
    // moves event_seq and so renews the cached body.
    json["tender_plan"] = serde_json::to_value(&plan).map_err(AppError::internal)?;
    let body = Bytes::from(serde_json::to_vec(&json).map_err(AppError::internal)?);
    summary_cache().put(&key, aggregate.procurement.event_seq, body.clone());
    Ok(body)
}
