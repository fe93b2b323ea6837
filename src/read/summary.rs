//! A procurement's summary (combined volumes and values, regime, quorum) as
//! JSON, rendered once per state of the procurement and day.

use std::sync::{Arc, OnceLock};

use actix_web::web::Bytes;
use chrono::{DateTime, NaiveDate, Utc};

use super::cache::RenderCache;
use crate::db::procurements;
use crate::domain::calendar::oslo_date;
use crate::domain::Lang;
use crate::error::{AppError, AppResult};
use crate::flows::lifecycle;
use crate::http_cache::Encoded;
use crate::state::AppState;

fn summary_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(super::cache::CACHED_PROCUREMENTS))
}

/// The summary of procurement `id`, whose head was read at `event_seq`, as
/// of `now`, or with the thresholds of the day `on` when the caller asks
/// what a given announcement date would mean, its warnings in `lang`; with
/// the version its bytes show (their `ETag`: the `event_seq`, the day and the
/// language). Access is the caller's to check first.
pub async fn summary_json(
    state: &AppState,
    id: &str,
    event_seq: i64,
    now: DateTime<Utc>,
    on: Option<NaiveDate>,
    lang: Lang,
) -> AppResult<(String, Arc<Encoded>)> {
    // The summary changes with the procurement (every change moves event_seq)
    // and, before it is announced, with the date that picks the thresholds;
    // its warnings are worded in the language asked for.
    let (key, version) = match on {
        Some(day) => (
            format!("{id}@on:{day}@{}", lang.code()),
            format!("s{event_seq}-on{day}-{}", lang.code()),
        ),
        None => {
            let today = oslo_date(now);
            (
                format!("{id}@{today}@{}", lang.code()),
                format!("s{event_seq}-{today}-{}", lang.code()),
            )
        }
    };
    let (seq, body) = summary_cache()
        .get_or_render(&key, event_seq, || render_summary(state, id, now, on, lang))
        .await?;
    if seq == event_seq {
        return Ok((version, body));
    }
    // Rendered after a change the head did not see yet: named by its own seq.
    let version = match on {
        Some(day) => format!("s{seq}-on{day}-{}", lang.code()),
        None => format!("s{seq}-{}-{}", oslo_date(now), lang.code()),
    };
    Ok((version, body))
}

/// The summary's bytes and the `event_seq` of the data they show.
async fn render_summary(
    state: &AppState,
    id: &str,
    now: DateTime<Utc>,
    on: Option<NaiveDate>,
    lang: Lang,
) -> AppResult<(i64, Bytes)> {
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
    let plain = Bytes::from(serde_json::to_vec(&json).map_err(AppError::internal)?);
    Ok((aggregate.procurement.event_seq, plain))
}
