//! Slows down password guessing: `POST /api/v1/auth/token` is limited per
//! client address and per account, so that neither one address trying many
//! accounts nor many addresses trying one account get far.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::domain::ErrorCode;
use crate::error::AppError;

pub struct LoginThrottle {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
    calls: AtomicU64,
}

impl LoginThrottle {
    /// `per_address` and `per_account` attempts a minute, each allowed as a burst.
    pub fn new(per_address: u32, per_account: u32) -> LoginThrottle {
        let quota =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        LoginThrottle {
            by_address: RateLimiter::keyed(quota(per_address)),
            by_account: RateLimiter::keyed(quota(per_account)),
            calls: AtomicU64::new(0),
        }
    }

    /// 429 `too_many_requests` when either budget is spent.
    pub fn check(&self, address: Option<IpAddr>, account: &str) -> Result<(), AppError> {
        // Forget idle keys now and then, so the maps do not grow for ever.
        if self.calls.fetch_add(1, Ordering::Relaxed) % 1024 == 0 {
            self.by_address.retain_recent();
            self.by_account.retain_recent();
        }
        let address_ok = address.is_none_or(|a| self.by_address.check_key(&a).is_ok());
        let account_ok = self
            .by_account
            .check_key(&account.trim().to_lowercase())
            .is_ok();
        if address_ok && account_ok {
            Ok(())
        } else {
            Err(AppError::new(
                ErrorCode::TooManyRequests,
                "too many login attempts; wait a minute and try again",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_and_each_account_has_its_own_budget() {
        let t = LoginThrottle::new(3, 2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(t.check(Some(a), "ola@k.no").is_ok());
        assert!(t.check(Some(a), "OLA@k.no").is_ok());
        assert_eq!(
            t.check(Some(b), "ola@k.no").unwrap_err().code,
            ErrorCode::TooManyRequests,
            "the account is spent"
        );
        assert!(t.check(Some(a), "kari@k.no").is_ok());
        assert!(
            t.check(Some(a), "per@k.no").is_err(),
            "the address is spent"
        );
        assert!(t.check(Some(b), "kari@k.no").is_ok());
    }
}
