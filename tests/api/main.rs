//! The API as clients see it, over HTTP, against SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL.

mod accounts;
mod app_operator;
mod app_pages;
mod authorization;
mod browser;
mod compliance;
mod concurrency;
mod counties;
mod deadlines;
mod dialogue;
mod durability;
mod email;
mod exports;
mod helpers;
mod hostile;
mod http_cache;
mod lang;
mod law;
mod mandate_pages;
mod municipalities;
mod notices;
mod operations;
mod participation;
mod procurements;
mod registration;
mod revocation;
mod scenario;
mod security;
mod smtp_server;
mod supplier_view;
mod suppliers;
mod throttling;
mod tls;
mod voting;
mod wait;
