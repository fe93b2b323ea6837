//! What every handler, API and page alike, can reach.

use std::sync::Arc;

use actix_web::web;

use crate::auth::StandingCache;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;

pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The time every handler, page and job decides by.
    pub clock: Clock,
    /// Recent answers to "does this token still hold?", per account.
    pub standings: StandingCache,
    /// The supplier register as the analysis reads it, while it stands.
    pub register: crate::read::analysis::RegisterFacts,
    /// The procurement versions the public reads check, read in batches.
    pub versions: crate::read::versions::VersionReader,
}

pub type State = web::Data<AppState>;
