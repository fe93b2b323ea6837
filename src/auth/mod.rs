//! Who is calling: password hashes, access tokens and the extractor that
//! turns a bearer token into a `Caller`.

mod caller;
pub mod link_secret;
pub mod password;
pub mod standing;
pub mod token;
pub mod vote_token;

pub use caller::Caller;
pub use standing::StandingCache;
pub use token::{Claims, Keys};
