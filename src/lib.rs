//! Samkjøp: joint procurement for Norwegian municipalities.
//!
//! `domain` is the pure core (the `samkjop-domain` crate, re-exported here);
//! `api`, `db`, `auth` are the shell around it.

pub mod api;
pub mod auth;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod db;
pub mod throttle;
pub use samkjop_domain as domain;
pub mod eforms;
pub mod email;
pub mod error;
pub mod files;
pub mod flows;
pub mod http_cache;
pub mod import;
pub mod jobs;
pub mod letters;
pub mod ocds;
pub mod read;
pub mod security_headers;
pub use samkjop_domain::reference;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
