//! What every handler, API and page alike, can reach.

use std::sync::Arc;

use actix_web::web;

use crate::config::Config;
use crate::db::Db;

pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

pub type State = web::Data<AppState>;
