//! The HTTP shell: one module per resource. A handler parses the request into
//! domain types, checks the caller's access, and either reads (through `db`
//! and the shared read model in `read`) or makes one change through a flow
//! in `flows`, in one transaction; then it maps the answer.

pub mod accounts;
pub mod admin;
pub mod analysis;
pub mod award;
pub mod clauses;
pub mod compliance;
pub mod consultations;
pub mod events;
pub mod exports;
pub mod health;
mod json;
pub mod lang;
pub mod mandates;
pub mod municipalities;
pub mod notices;
pub mod openapi;
pub mod organizations;
pub mod participation;
pub mod problem_docs;
pub mod procurements;
pub mod public;
pub mod registrations;
pub mod schemas;
pub mod strategies;
pub mod suppliers;
pub mod users;

use actix_web::web;
use serde::Deserialize;
use utoipa::IntoParams;

pub use json::Json;

pub use crate::state::{AppState, State};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        // actix tries routes in order, each a regular expression: the reads
        // suppliers poll come first (issue 14; the /public prefix is theirs
        // alone, so the order changes no answer).
        web::scope("/api/v1")
            .configure(public::routes)
            .configure(accounts::routes)
            .configure(admin::routes)
            .configure(registrations::routes)
            .configure(organizations::routes)
            .configure(users::routes)
            .configure(suppliers::routes)
            .configure(municipalities::routes)
            .configure(mandates::routes)
            .configure(strategies::routes)
            .configure(procurements::routes)
            .configure(clauses::routes)
            .configure(compliance::routes)
            .configure(award::routes)
            .configure(analysis::routes)
            .configure(consultations::routes)
            .configure(participation::routes)
            .configure(events::routes)
            .configure(exports::routes)
            .configure(notices::routes),
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
        self.limit_or(DEFAULT_PAGE)
    }

    /// For lists that are bounded by nature (357 municipalities) and whose
    /// clients expect them whole unless they ask for a page.
    pub fn limit_or(&self, default: i64) -> i64 {
        self.limit.unwrap_or(default).clamp(1, MAX_PAGE)
    }

    /// The part of an already loaded list that the page asks for.
    pub fn slice<'a, T>(&self, items: &'a [T], default_limit: i64) -> &'a [T] {
        let start = usize::try_from(self.offset())
            .unwrap_or(usize::MAX)
            .min(items.len());
        let len = usize::try_from(self.limit_or(default_limit)).unwrap_or(0);
        &items[start..items.len().min(start.saturating_add(len))]
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
