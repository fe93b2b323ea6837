//! The secret in a confirmation link: 256 random bits, sent once by email
//! and stored only as its SHA-256, so that a copy of the database confirms
//! nothing.

use sha2::{Digest, Sha256};

pub struct LinkSecret {
    /// For the link; never stored.
    pub token: String,
    /// For the database.
    pub hash: String,
}

impl LinkSecret {
    pub fn fresh() -> LinkSecret {
        let bytes: [u8; 32] = rand::random();
        let token = hex(&bytes);
        LinkSecret {
            hash: hash(&token),
            token,
        }
    }
}

/// What a link's token is stored as.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_random_and_stored_only_as_its_hash() {
        let (a, b) = (LinkSecret::fresh(), LinkSecret::fresh());
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 64);
        assert_eq!(hash(&a.token), a.hash);
        assert_ne!(a.hash, a.token);
    }
}
