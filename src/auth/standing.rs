//! Whether a token still holds: its account exists, is not disabled, and
//! has the token version the token was issued with. Asked of the database
//! at most once per `token_check_seconds` for each account and instance;
//! the answer is kept in memory that long, by the application's clock.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use super::Claims;
use crate::db::users::{self, TokenStanding};
use crate::domain::ErrorCode;
use crate::error::AppError;
use crate::state::AppState;

/// Beyond this many accounts the stale answers are dropped, so that the map
/// stays as small as the accounts active within one TTL.
const TIDY_ABOVE: usize = 10_000;

/// The last answer of the database per account, with when it was read.
#[derive(Default)]
pub struct StandingCache {
    entries: Mutex<HashMap<String, (TokenStanding, DateTime<Utc>)>>,
}

impl StandingCache {
    fn fresh(&self, user_id: &str, now: DateTime<Utc>, ttl: Duration) -> Option<TokenStanding> {
        let entries = self.entries.lock().ok()?;
        let (standing, read_at) = entries.get(user_id)?;
        // A clock moved back (tests) makes an entry from the future: stale.
        (*read_at <= now && now - *read_at < ttl).then_some(*standing)
    }

    fn keep(&self, user_id: &str, standing: TokenStanding, now: DateTime<Utc>, ttl: Duration) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= TIDY_ABOVE {
                entries.retain(|_, (_, at)| *at <= now && now - *at < ttl);
            }
            entries.insert(user_id.to_string(), (standing, now));
        }
    }

    /// After a change of this instance's own making, the next call asks the
    /// database again at once (other instances wait out their TTL).
    pub fn forget(&self, user_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(user_id);
        }
    }
}

/// 401 `account_disabled` for a disabled account, 401 `token_revoked` when
/// the account is gone or its token version moved on since `claims` were
/// issued.
pub async fn check(state: &AppState, claims: &Claims) -> Result<(), AppError> {
    let now = state.clock.now();
    let ttl = Duration::seconds(state.config.token_check_seconds);
    let cache = &state.standings;
    let standing = match cache.fresh(&claims.sub, now, ttl) {
        Some(s) => Some(s),
        None => {
            let id = claims.sub.clone();
            let read = state.db.read(move |c| users::standing(c, &id)).await?;
            if let Some(s) = read {
                cache.keep(&claims.sub, s, now, ttl);
            }
            read
        }
    };
    match standing {
        None => Err(AppError::new(
            ErrorCode::TokenRevoked,
            "the account of this token no longer exists",
        )),
        Some(s) if s.disabled => Err(AppError::new(
            ErrorCode::AccountDisabled,
            "this account is disabled; an admin can enable it again",
        )),
        Some(s) if s.token_version != claims.ver => Err(AppError::new(
            ErrorCode::TokenRevoked,
            "the token was revoked: the password was changed or the account disabled since it was issued; log in again",
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_kept_for_the_ttl_only() {
        let cache = StandingCache::default();
        let t0 = Utc::now();
        let ttl = Duration::seconds(5);
        let s = TokenStanding {
            token_version: 3,
            disabled: false,
        };
        cache.keep("u", s, t0, ttl);
        assert_eq!(cache.fresh("u", t0 + Duration::seconds(4), ttl), Some(s));
        assert_eq!(cache.fresh("u", t0 + Duration::seconds(5), ttl), None);
        assert_eq!(
            cache.fresh("u", t0 - Duration::seconds(1), ttl),
            None,
            "read in the future of the clock"
        );
        assert_eq!(cache.fresh("u", t0, Duration::zero()), None, "TTL 0");
        cache.forget("u");
        assert_eq!(cache.fresh("u", t0, ttl), None);
    }
}
