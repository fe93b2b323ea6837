//! The read model: shapes that both doors show, the API to systems and the
//! pages to people, with their loaders and caches. Both `api` and `web`
//! read through here; neither imports the other.

pub mod analysis;
pub mod cache;
pub mod notice;
pub mod public;
pub mod strategy;
pub mod summary;
pub mod versions;
pub mod volumes;
