//! Slot functions: which run a firing belongs to. A slot should start on a
//! tick of its job's schedule and be no shorter than the gap between ticks,
//! so that instances whose clocks differ by a little still agree; a longer
//! slot makes later ticks retry a failed run (a daily job that ticks hourly
//! with `oslo_date` runs once a day, at the first tick that succeeds).

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Oslo;

/// `2026-11-26T09:15Z`: one run per UTC minute.
pub fn minute(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%dT%H:%MZ").to_string()
}

/// `2026-11-26T09Z`: one run per UTC hour.
pub fn hour(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%dT%HZ").to_string()
}

/// `2026-11-26`: one run per day as Norway counts days, whatever the UTC
/// offset of the season.
pub fn oslo_date(now: DateTime<Utc>) -> String {
    now.with_timezone(&Oslo).date_naive().to_string()
}

/// `2026-11-26T08`: one run per hour as Norway counts hours.
pub fn oslo_hour(now: DateTime<Utc>) -> String {
    now.with_timezone(&Oslo).format("%Y-%m-%dT%H").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn slots_name_the_period_of_the_firing() {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 23, 30, 5).unwrap();
        assert_eq!(minute(t), "2026-11-26T23:30Z");
        assert_eq!(hour(t), "2026-11-26T23Z");
        // 23:30 UTC is already the next day in Oslo (UTC+1 in winter).
        assert_eq!(oslo_date(t), "2026-11-27");
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 21, 59, 0).unwrap();
        assert_eq!(oslo_date(summer), "2026-06-30");
        let summer_midnight = Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap();
        assert_eq!(oslo_date(summer_midnight), "2026-07-01");
    }
}
