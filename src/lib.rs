//! Samkjøp: joint procurement for Norwegian municipalities.
//!
//! `domain` is the pure core; `api`, `db`, `auth` are the shell around it.

pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod email;
pub mod error;
pub mod flows;
pub mod import;
pub mod jobs;
pub mod letters;
pub mod ocds;
pub mod reference;
pub mod startup;
pub mod telemetry;
pub mod web;
