//! The API as clients see it, over HTTP, against SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL.

mod accounts;
mod helpers;
mod municipalities;
mod operations;
mod suppliers;
