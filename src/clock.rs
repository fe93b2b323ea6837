//! The time as the application sees it. Handlers, pages and jobs read it
//! from `AppState::clock` and hand it to the flows as `now`, so a decision
//! reads the clock once and a test can move the time instead of waiting.
//!
//! A server started from `main` always runs on `Clock::system()`: no setting
//! or environment variable makes another one. Only code that builds the
//! application itself (the tests) can give it a `TestClock`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// Cheap to clone; every clone reads the same time.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Microseconds added to the system time; `None` on the system clock.
    shift: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The real time.
    pub fn system() -> Clock {
        Clock { shift: None }
    }

    /// Whole microseconds: what PostgreSQL keeps, so that a time written
    /// reads back exactly on both backends (the audit chain hashes it).
    pub fn now(&self) -> DateTime<Utc> {
        let real = Utc::now();
        let shifted = match &self.shift {
            None => real,
            Some(shift) => real + Duration::microseconds(shift.load(Ordering::SeqCst)),
        };
        shifted.trunc_subsecs(6)
    }
}

/// A clock for tests: it runs with the real time, shifted by what the test
/// asked for. It keeps running rather than standing still so that rows
/// written one after the other keep their order and retries with a real
/// back-off still come due; a test that needs a deadline passed moves it
/// forward.
#[derive(Clone, Debug, Default)]
pub struct TestClock {
    shift: Arc<AtomicI64>,
}

impl TestClock {
    /// Starts at the real time.
    pub fn new() -> TestClock {
        TestClock::default()
    }

    /// The clock to give the application; it follows this one.
    pub fn clock(&self) -> Clock {
        Clock {
            shift: Some(self.shift.clone()),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock().now()
    }

    /// Moves the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.shift.fetch_add(micros, Ordering::SeqCst);
    }

    /// Makes it `at` now; the time runs on from there.
    pub fn set(&self, at: DateTime<Utc>) {
        // From a whole microsecond, so that the clock never reads before `at`.
        let micros = (at - Utc::now().trunc_subsecs(6))
            .num_microseconds()
            .unwrap_or(i64::MAX);
        self.shift.store(micros, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_clock_moves_every_clock_made_from_it() {
        let test = TestClock::new();
        let clock = test.clock();
        let before = clock.now();
        test.advance(Duration::days(3));
        let after = clock.now();
        assert!(after - before >= Duration::days(3));
        assert!(after - before < Duration::days(3) + Duration::minutes(1));
        let target = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_default();
        test.set(target);
        let set = clock.clone().now();
        assert!(set >= target && set - target < Duration::minutes(1));
    }

    #[test]
    fn the_system_clock_reads_whole_microseconds() {
        let now = Clock::system().now();
        assert_eq!(now.timestamp_subsec_nanos() % 1000, 0);
        assert!((Utc::now() - now).num_seconds().abs() < 60);
    }
}
