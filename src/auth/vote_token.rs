//! The personal link in an invitation email: a signed token for one
//! municipality and one procurement, with audience `vote`, that expires at
//! the participation deadline. Its `jti` is recorded when issued and marked
//! when used, so that a link works for one submission.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Keys;

pub const VOTE_AUDIENCE: &str = "vote";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VoteClaims {
    /// The municipality number.
    pub sub: String,
    /// The procurement id.
    pub proc: String,
    pub aud: String,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteTokenError {
    Expired,
    Invalid,
}

impl VoteClaims {
    /// A link issued at `now` that dies at `deadline`.
    pub fn new(
        procurement_id: &str,
        municipality: &str,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> VoteClaims {
        VoteClaims {
            sub: municipality.to_string(),
            proc: procurement_id.to_string(),
            aud: VOTE_AUDIENCE.to_string(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iat: now.timestamp(),
            exp: deadline.timestamp(),
        }
    }
}

pub fn sign(keys: &Keys, claims: &VoteClaims) -> Result<String, String> {
    keys.sign(claims)
}

/// No leeway: the link dies at the deadline, as participation does.
pub fn verify(keys: &Keys, token: &str) -> Result<VoteClaims, VoteTokenError> {
    keys.verify_with_leeway::<VoteClaims>(token, VOTE_AUDIENCE, 0)
        .map_err(|e| match e {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => VoteTokenError::Expired,
            _ => VoteTokenError::Invalid,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_for_its_audience_and_dies_at_the_deadline() {
        let keys = Keys::random(60);
        let claims = VoteClaims::new(
            "p1",
            "4601",
            Utc::now() + chrono::Duration::hours(1),
            Utc::now(),
        );
        let token = sign(&keys, &claims).unwrap();
        let back = verify(&keys, &token).unwrap();
        assert_eq!(
            (back.sub.as_str(), back.proc.as_str(), back.jti.as_str()),
            ("4601", "p1", claims.jti.as_str())
        );
        let past = VoteClaims::new(
            "p1",
            "4601",
            Utc::now() - chrono::Duration::seconds(1),
            Utc::now(),
        );
        assert_eq!(
            verify(&keys, &sign(&keys, &past).unwrap()).unwrap_err(),
            VoteTokenError::Expired
        );
        assert_eq!(
            verify(&Keys::random(60), &token).unwrap_err(),
            VoteTokenError::Invalid,
            "forged"
        );
        assert_eq!(
            verify(&keys, "not.a.token").unwrap_err(),
            VoteTokenError::Invalid
        );
    }

    #[test]
    fn an_api_token_is_not_a_vote_link() {
        let keys = Keys::random(60);
        let api = crate::auth::Claims {
            sub: "u".into(),
            role: crate::domain::Role::Municipality,
            org: None,
            municipality: Some("4601".into()),
            supplier: None,
            ver: 0,
            aud: crate::auth::token::API_AUDIENCE.into(),
            iat: 0,
            exp: Utc::now().timestamp() + 60,
        };
        assert_eq!(
            verify(&keys, &keys.sign(&api).unwrap()).unwrap_err(),
            VoteTokenError::Invalid
        );
    }
}
