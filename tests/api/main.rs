//! The API as clients see it, over HTTP, against SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL.

mod accounts;
mod browser;
mod concurrency;
mod deadlines;
mod email;
mod helpers;
mod municipalities;
mod operations;
mod participation;
mod procurements;
mod smtp_server;
mod suppliers;
mod voting;
