//! Business dates are Norwegian: a decision made at 00:30 on 1 March Oslo
//! time was made on 1 March, even though it is still 28 February in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;

pub fn oslo_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Oslo).date_naive()
}

/// How people read an instant: `14.03.2027 kl. 12:00`.
pub fn oslo_display(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&Oslo)
        .format("%d.%m.%Y kl. %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_date_is_the_oslo_date() {
        let late_evening_utc = Utc.with_ymd_and_hms(2027, 2, 28, 23, 30, 0).unwrap();
        assert_eq!(
            oslo_date(late_evening_utc),
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
        );
        let summer = Utc.with_ymd_and_hms(2027, 6, 30, 22, 30, 0).unwrap();
        assert_eq!(
            oslo_date(summer),
            NaiveDate::from_ymd_opt(2027, 7, 1).unwrap(),
            "UTC+2 in summer"
        );
        assert_eq!(oslo_display(summer), "01.07.2027 kl. 00:30");
    }
}
