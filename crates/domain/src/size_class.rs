//! SME size classes of EU Recommendation 2003/361 (procurement-rules.md §5).
//! Samkjøp asks suppliers for headcount and turnover, not balance sheet, so
//! the class is decided by staff and turnover; a firm above a turnover limit
//! but within its balance-sheet limit can ask for a correction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, Invalid, Ore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Micro,
    Small,
    Medium,
    Large,
}

/// Øre per euro, e.g. 1150 for NOK 11.50. An integer so that thresholds stay
/// exact; it lives in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EurNokRate(pub i64);

impl SizeClass {
    pub fn classify(employees: i64, annual_turnover: Ore, rate: EurNokRate) -> SizeClass {
        // (staff below, turnover at most EUR) per class, smallest first.
        const LIMITS: [(i64, i64, SizeClass); 3] = [
            (10, 2_000_000, SizeClass::Micro),
            (50, 10_000_000, SizeClass::Small),
            (250, 50_000_000, SizeClass::Medium),
        ];
        let turnover = i128::from(annual_turnover.get());
        for (staff, eur, class) in LIMITS {
            let limit_ore = i128::from(eur) * i128::from(rate.0);
            if employees < staff && turnover <= limit_ore {
                return class;
            }
        }
        SizeClass::Large
    }

    pub fn is_sme(self) -> bool {
        self != SizeClass::Large
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SizeClass::Micro => "micro",
            SizeClass::Small => "small",
            SizeClass::Medium => "medium",
            SizeClass::Large => "large",
        }
    }
}

impl FromStr for SizeClass {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "micro" => Ok(SizeClass::Micro),
            "small" => Ok(SizeClass::Small),
            "medium" => Ok(SizeClass::Medium),
            "large" => Ok(SizeClass::Large),
            other => Err(Invalid::new(
                ErrorCode::InvalidSizeClass,
                format!("'{other}' is not a size class"),
            )),
        }
    }
}

impl fmt::Display for SizeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: EurNokRate = EurNokRate(1150);

    fn nok(n: i64) -> Ore {
        Ore::new(n * 100)
    }

    #[test]
    fn classifies_on_staff_and_turnover() {
        assert_eq!(
            SizeClass::classify(9, nok(23_000_000), RATE),
            SizeClass::Micro
        );
        // EUR 2 M at 11.50 is NOK 23 M: one krone more is no longer micro.
        assert_eq!(
            SizeClass::classify(9, nok(23_000_001), RATE),
            SizeClass::Small
        );
        assert_eq!(
            SizeClass::classify(10, nok(1_000_000), RATE),
            SizeClass::Small
        );
        assert_eq!(
            SizeClass::classify(49, nok(115_000_000), RATE),
            SizeClass::Small
        );
        assert_eq!(
            SizeClass::classify(50, nok(1_000_000), RATE),
            SizeClass::Medium
        );
        assert_eq!(
            SizeClass::classify(249, nok(575_000_000), RATE),
            SizeClass::Medium
        );
        assert_eq!(
            SizeClass::classify(249, nok(575_000_001), RATE),
            SizeClass::Large
        );
        assert_eq!(SizeClass::classify(250, nok(1), RATE), SizeClass::Large);
        assert!(SizeClass::Medium.is_sme() && !SizeClass::Large.is_sme());
    }

    #[test]
    fn the_rate_moves_the_limits() {
        assert_eq!(
            SizeClass::classify(5, nok(23_000_000), EurNokRate(1100)),
            SizeClass::Small
        );
    }
}
