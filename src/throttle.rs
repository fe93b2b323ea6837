//! Slows down password guessing and mass registration, per client address
//! (`crate::client_address` says which address that is).
//!
//! Login (`POST /api/v1/auth/token`) has two budgets. Every attempt is
//! charged to its address first; an address that has spent its budget is
//! refused before anything else is looked at, so a client that hammers one
//! account spends its own budget, not the account's. Then a wrong password
//! is charged to the account *as tried from that address*: guessing one
//! account from one address is slower still, and nobody can lock an account
//! for the other addresses its owner logs in from. Registration
//! (`POST /api/v1/suppliers`) is charged per address, since each one costs
//! an Argon2 hash and a stored account.
//!
//! The budgets run on the monotonic clock (they are about wall time spent,
//! not about the time the application decides by) and live in this
//! process: each instance behind a load balancer counts on its own.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

use crate::client_address::{throttle_key, TrustedProxies};
use crate::domain::ErrorCode;
use crate::error::AppError;

/// The client's address as the throttles count it (see `crate::client_address`).
pub fn client_address(req: &HttpRequest, proxies: &TrustedProxies) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let values = req
        .headers()
        .get_all(proxies.header.name())
        .filter_map(|v| v.to_str().ok());
    Some(proxies.client(peer, values))
}

/// `n` actions a `period`, all of which may come at once; after that one
/// more every `period / n`.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub n: u32,
    pub period: Duration,
}

impl Budget {
    pub fn per_minute(n: u32) -> Budget {
        Budget {
            n,
            period: Duration::from_secs(60),
        }
    }

    pub fn per_hour(n: u32) -> Budget {
        Budget {
            n,
            period: Duration::from_secs(3600),
        }
    }
}

/// A keyed budget (the generic cell rate algorithm): per key, the time at
/// which its budget would be whole again. Keys whose budget is whole are
/// forgotten now and then, so the map holds only recently active keys.
struct Limiter<K> {
    step: Duration,
    period: Duration,
    whole_at: Mutex<HashMap<K, Instant>>,
    calls: AtomicU64,
}

impl<K: Hash + Eq> Limiter<K> {
    fn new(budget: Budget) -> Limiter<K> {
        let n = budget.n.max(1);
        Limiter {
            step: budget.period / n,
            period: budget.period,
            whole_at: Mutex::new(HashMap::new()),
            calls: AtomicU64::new(0),
        }
    }

    /// Charges one action to `key`, or says how long until it could be.
    fn take(&self, key: K, now: Instant) -> Result<(), Duration> {
        let mut map = self.whole_at.lock().unwrap_or_else(|e| e.into_inner());
        if self.calls.fetch_add(1, Ordering::Relaxed) % 1024 == 0 {
            map.retain(|_, whole_at| *whole_at > now);
        }
        let whole_at = map.get(&key).copied().filter(|t| *t > now).unwrap_or(now);
        let after = whole_at + self.step;
        let spent_for = after.saturating_duration_since(now);
        if spent_for > self.period {
            return Err(spent_for - self.period);
        }
        map.insert(key, after);
        Ok(())
    }

    /// Gives back an action charged by `take`.
    fn give_back(&self, key: &K) {
        let mut map = self.whole_at.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(whole_at) = map.get_mut(key) {
            *whole_at = whole_at.checked_sub(self.step).unwrap_or(*whole_at);
        }
    }
}

/// 429 `too_many_requests`, telling the client when to try again.
fn too_many(detail: &str, wait: Duration) -> AppError {
    AppError::new(ErrorCode::TooManyRequests, detail).retry_after(wait)
}

pub struct LoginThrottle {
    by_address: Limiter<IpAddr>,
    /// Keyed by the address and a hash of the account name, so that a long
    /// made-up name costs no memory.
    by_account: Limiter<(Option<IpAddr>, u64)>,
    names: RandomState,
}

/// A login attempt let through; a correct password gives back the
/// account's share (`succeeded`).
#[must_use]
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    key: (Option<IpAddr>, u64),
}

impl Attempt<'_> {
    /// Only wrong passwords count against an account.
    pub fn succeeded(self) {
        self.throttle.by_account.give_back(&self.key);
    }
}

impl LoginThrottle {
    /// `per_address` attempts a minute from one address, and `per_account`
    /// wrong passwords a minute for one account from one address.
    pub fn new(per_address: u32, per_account: u32) -> LoginThrottle {
        LoginThrottle {
            by_address: Limiter::new(Budget::per_minute(per_address)),
            by_account: Limiter::new(Budget::per_minute(per_account)),
            names: RandomState::new(),
        }
    }

    /// 429 `too_many_requests` when the address's budget is spent, or the
    /// account's from this address.
    pub fn admit(
        &self,
        address: Option<IpAddr>,
        account: &str,
        now: Instant,
    ) -> Result<Attempt<'_>, AppError> {
        let address = address.map(throttle_key);
        if let Some(a) = address {
            self.by_address.take(a, now).map_err(|wait| {
                too_many(
                    "too many login attempts from this address; wait and try again",
                    wait,
                )
            })?;
        }
        let key = (
            address,
            self.names.hash_one(account.trim().to_lowercase().as_str()),
        );
        self.by_account.take(key, now).map_err(|wait| {
            too_many(
                "too many wrong passwords for this account; wait and try again",
                wait,
            )
        })?;
        Ok(Attempt {
            throttle: self,
            key,
        })
    }
}

/// Account creation without a login, per client address.
pub struct RegistrationThrottle {
    by_address: Limiter<IpAddr>,
}

impl RegistrationThrottle {
    pub fn new(per_hour: u32) -> RegistrationThrottle {
        RegistrationThrottle {
            by_address: Limiter::new(Budget::per_hour(per_hour)),
        }
    }

    /// 429 `too_many_requests` when this address has spent its budget.
    pub fn check(&self, address: Option<IpAddr>, now: Instant) -> Result<(), AppError> {
        let Some(address) = address else {
            return Ok(());
        };
        self.by_address
            .take(throttle_key(address), now)
            .map_err(|wait| {
                too_many(
                    "too many registrations from this address; wait and try again",
                    wait,
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn spent(r: Result<Attempt<'_>, AppError>) -> AppError {
        match r {
            Ok(_) => panic!("expected a 429"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_spent_address_does_not_lock_the_account_for_other_addresses() {
        let t = LoginThrottle::new(5, 3);
        let now = Instant::now();
        let (attacker, owner) = (ip("203.0.113.66"), ip("198.51.100.7"));
        for n in 0..10 {
            // The attacker is refused, first by the account's budget from
            // its address, then by its address's.
            let r = t.admit(attacker, "ola@k.no", now);
            assert_eq!(r.is_ok(), n < 3, "attempt {n}");
        }
        assert!(
            t.admit(attacker, "kari@k.no", now).is_err(),
            "address spent"
        );
        t.admit(owner, "OLA@k.no ", now)
            .expect("the owner's address has its own budget")
            .succeeded();
    }

    #[test]
    fn only_wrong_passwords_count_against_an_account() {
        let t = LoginThrottle::new(100, 2);
        let now = Instant::now();
        let office = ip("192.0.2.1");
        for _ in 0..10 {
            t.admit(office, "ola@k.no", now).unwrap().succeeded();
        }
        let _wrong = t.admit(office, "ola@k.no", now).unwrap();
        let _wrong = t.admit(office, "ola@k.no", now).unwrap();
        let e = spent(t.admit(office, "ola@k.no", now));
        assert_eq!(e.code, ErrorCode::TooManyRequests);
        // One more wrong password is allowed every 60 s / 2.
        assert_eq!(e.retry_after, Some(Duration::from_secs(30)));
        assert!(t
            .admit(office, "ola@k.no", now + Duration::from_secs(30))
            .is_ok());
    }

    #[test]
    fn every_attempt_counts_against_the_address() {
        let t = LoginThrottle::new(3, 100);
        let now = Instant::now();
        let a = ip("192.0.2.1");
        t.admit(a, "a@k.no", now).unwrap().succeeded();
        let _ = t.admit(a, "b@k.no", now).unwrap();
        t.admit(a, "c@k.no", now).unwrap().succeeded();
        let e = spent(t.admit(a, "d@k.no", now));
        assert_eq!(e.retry_after, Some(Duration::from_secs(20)));
        assert!(t.admit(ip("192.0.2.2"), "d@k.no", now).is_ok());
        assert!(t.admit(None, "d@k.no", now).is_ok(), "no peer address");
    }

    #[test]
    fn an_ipv6_subscriber_cannot_rotate_addresses_within_its_64() {
        let t = LoginThrottle::new(2, 100);
        let now = Instant::now();
        assert!(t.admit(ip("2001:db8:0:1::1"), "a@k.no", now).is_ok());
        assert!(t.admit(ip("2001:db8:0:1::2"), "b@k.no", now).is_ok());
        assert!(t.admit(ip("2001:db8:0:1:ffff::3"), "c@k.no", now).is_err());
        assert!(t.admit(ip("2001:db8:0:2::1"), "c@k.no", now).is_ok());
    }

    #[test]
    fn registrations_are_counted_per_address_and_hour() {
        let t = RegistrationThrottle::new(2);
        let now = Instant::now();
        let a = ip("192.0.2.1");
        assert!(t.check(a, now).is_ok());
        assert!(t.check(a, now).is_ok());
        let e = t.check(a, now).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooManyRequests);
        assert_eq!(e.retry_after, Some(Duration::from_secs(1800)));
        assert!(t.check(ip("192.0.2.2"), now).is_ok());
        assert!(t.check(a, now + Duration::from_secs(1800)).is_ok());
    }

    #[test]
    fn idle_keys_are_forgotten() {
        let l: Limiter<u32> = Limiter::new(Budget::per_minute(1));
        let now = Instant::now();
        for k in 0..2000 {
            l.take(k, now).unwrap();
        }
        let later = now + Duration::from_secs(61);
        for k in 2000..3100 {
            l.take(k, later).unwrap();
        }
        let held = l.whole_at.lock().unwrap().len();
        assert!(held < 2000, "{held} keys held");
    }
}
