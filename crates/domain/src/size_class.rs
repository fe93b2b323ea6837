//! SME size classes of EU Recommendation 2003/361 (procurement-rules.md §5).
//! The staff limit must hold, and either the turnover or the balance-sheet
//! limit: a supplier that gives its balance-sheet total is classed on
//! whichever of the two puts it lower; without it, on turnover alone.

use super::Ore;

crate::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum SizeClass {
        Micro = "micro",
        Small = "small",
        Medium = "medium",
        Large = "large",
    }
    invalid = InvalidSizeClass, "a size class";
}

/// Øre per euro, e.g. 1150 for NOK 11.50. An integer so that thresholds stay
/// exact; it lives in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EurNokRate(pub i64);

impl SizeClass {
    pub fn classify(employees: i64, annual_turnover: Ore, rate: EurNokRate) -> SizeClass {
        SizeClass::classify_with_balance_sheet(employees, annual_turnover, None, rate)
    }

    /// Staff below the limit, and turnover or balance-sheet total at most
    /// its limit ("turnover or balance sheet", Recommendation 2003/361
    /// Art. 2).
    pub fn classify_with_balance_sheet(
        employees: i64,
        annual_turnover: Ore,
        balance_sheet_total: Option<Ore>,
        rate: EurNokRate,
    ) -> SizeClass {
        // (staff below, turnover at most EUR, balance sheet at most EUR) per
        // class, smallest first.
        const LIMITS: [(i64, i64, i64, SizeClass); 3] = [
            (10, 2_000_000, 2_000_000, SizeClass::Micro),
            (50, 10_000_000, 10_000_000, SizeClass::Small),
            (250, 50_000_000, 43_000_000, SizeClass::Medium),
        ];
        let turnover = i128::from(annual_turnover.get());
        let balance = balance_sheet_total.map(|b| i128::from(b.get()));
        let in_ore = |eur: i64| i128::from(eur) * i128::from(rate.0);
        for (staff, turnover_eur, balance_eur, class) in LIMITS {
            let money = turnover <= in_ore(turnover_eur)
                || balance.is_some_and(|b| b <= in_ore(balance_eur));
            if employees < staff && money {
                return class;
            }
        }
        SizeClass::Large
    }

    pub fn is_sme(self) -> bool {
        self != SizeClass::Large
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
    fn turnover_or_balance_sheet_decides_within_the_staff_limit() {
        let classify = SizeClass::classify_with_balance_sheet;
        // Medium: turnover at most EUR 50 M, or balance sheet at most
        // EUR 43 M (NOK 494 500 000 at 11.50).
        let turnover = nok(600_000_000);
        assert_eq!(classify(200, turnover, None, RATE), SizeClass::Large);
        assert_eq!(
            classify(200, turnover, Some(nok(494_500_000)), RATE),
            SizeClass::Medium
        );
        assert_eq!(
            classify(200, turnover, Some(nok(494_500_001)), RATE),
            SizeClass::Large
        );
        // The staff limit must hold whatever the money says.
        assert_eq!(classify(250, nok(1), Some(nok(1)), RATE), SizeClass::Large);
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
