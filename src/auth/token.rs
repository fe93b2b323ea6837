use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::Role;

pub const API_AUDIENCE: &str = "samkjop-api";

/// What an access token says about its holder. The organisation, the
/// municipality and the supplier are there so that handlers can decide
/// access from the token; whether it still holds at all (account enabled,
/// same version) is `standing::check`, answered from a short cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// The account's `token_version` when the token was issued: a password
    /// change or (dis)abling the account moves it on, and the token no
    /// longer holds. Tokens from before the version existed read as 0, the
    /// version every account started at.
    #[serde(default)]
    pub ver: i64,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub ttl_seconds: i64,
}

impl Keys {
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Keys {
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl_seconds,
        }
    }

    /// A random key: tokens die with the process, which suits development.
    pub fn random(ttl_seconds: i64) -> Keys {
        let secret: [u8; 32] = rand::random();
        Keys::new(&secret, ttl_seconds)
    }

    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Access tokens allow a few seconds of clock skew between instances.
    pub fn verify<T: for<'de> Deserialize<'de>>(
        &self,
        token: &str,
        audience: &str,
    ) -> Result<T, ErrorKind> {
        self.verify_with_leeway(token, audience, 5)
    }

    pub fn verify_with_leeway<T: for<'de> Deserialize<'de>>(
        &self,
        token: &str,
        audience: &str,
        leeway_seconds: u64,
    ) -> Result<T, ErrorKind> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience]);
        validation.leeway = leeway_seconds;
        decode::<T>(token, &self.decoding, &validation)
            .map(|d| d.claims)
            .map_err(|e| e.into_kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "u1".into(),
            role: Role::Coordinator,
            org: Some("o1".into()),
            municipality: None,
            supplier: None,
            ver: 0,
            aud: API_AUDIENCE.into(),
            iat: 0,
            exp,
        }
    }

    #[test]
    fn a_signed_token_verifies_with_its_key_only() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef", 60);
        let far = chrono::Utc::now().timestamp() + 60;
        let token = keys.sign(&claims(far)).unwrap();
        let back: Claims = keys.verify(&token, API_AUDIENCE).unwrap();
        assert_eq!(back.role, Role::Coordinator);
        assert!(Keys::random(60)
            .verify::<Claims>(&token, API_AUDIENCE)
            .is_err());
        assert!(
            keys.verify::<Claims>(&token, "vote").is_err(),
            "another audience"
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = Keys::random(60);
        let token = keys
            .sign(&claims(chrono::Utc::now().timestamp() - 600))
            .unwrap();
        assert!(keys.verify::<Claims>(&token, API_AUDIENCE).is_err());
    }
}
