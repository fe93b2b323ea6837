//! The HTTP shell: one module per resource. A handler parses the request into
//! domain types, loads through `db`, decides through `domain`, stores through
//! `db`, and maps the answer.

pub mod accounts;
pub mod admin;
pub mod events;
pub mod health;
mod json;
pub mod mandates;
pub mod municipalities;
pub mod openapi;
pub mod organizations;
pub mod participation;
pub mod procurements;
pub mod suppliers;
pub mod users;

use std::sync::Arc;

use actix_web::web;
use serde::Deserialize;
use utoipa::IntoParams;

pub use json::Json;

use crate::config::Config;
use crate::db::Db;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

pub type State = web::Data<AppState>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .configure(accounts::routes)
            .configure(admin::routes)
            .configure(organizations::routes)
            .configure(users::routes)
            .configure(suppliers::routes)
            .configure(municipalities::routes)
            .configure(mandates::routes)
            .configure(procurements::routes)
            .configure(participation::routes)
            .configure(events::routes),
    )
    .configure(health::routes);
}

pub const DEFAULT_PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 1000;

/// `?limit=&offset=` on list calls.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// How many items, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// How many to skip (default 0).
    pub offset: Option<i64>,
}

impl Page {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
    }

    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}

/// Timestamps in answers: RFC 3339 in UTC.
pub fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
