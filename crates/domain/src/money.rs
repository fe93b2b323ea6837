//! Money in øre (1 NOK = 100 øre), excluding VAT. Exact integer arithmetic:
//! every operation is checked, and a division rounds half up to whole øre.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, Invalid};
use crate::lang::Lang;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ore(i64);

pub fn overflow() -> Invalid {
    Invalid::new(
        ErrorCode::ValueOverflow,
        "the amount is too large to compute with exactly",
    )
}

impl Ore {
    pub const ZERO: Ore = Ore(0);

    pub const fn new(ore: i64) -> Self {
        Ore(ore)
    }

    pub fn from_nok(nok: i64) -> Option<Self> {
        nok.checked_mul(100).map(Ore)
    }

    /// A non-negative amount, as every price, turnover and ceiling is.
    pub fn non_negative(ore: i64, field: &str) -> Result<Self, Invalid> {
        if ore < 0 {
            return Err(Invalid::new(
                ErrorCode::InvalidAmount,
                format!("{field} must not be negative"),
            ));
        }
        Ok(Ore(ore))
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Ore) -> Result<Ore, Invalid> {
        self.0.checked_add(other.0).map(Ore).ok_or_else(overflow)
    }

    /// Narrows an exact wide intermediate back to øre.
    pub fn from_i128(value: i128) -> Result<Ore, Invalid> {
        i64::try_from(value).map(Ore).map_err(|_| overflow())
    }
}

/// `numerator / denominator`, rounded half up (for non-negative numerators),
/// toward the nearest øre. Amounts are never negative in this domain; a
/// negative numerator rounds half away from zero to stay symmetric.
pub fn div_round_half_up(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let q = numerator / denominator;
    let r = numerator % denominator;
    if 2 * r.abs() >= denominator {
        q + numerator.signum()
    } else {
        q
    }
}

impl fmt::Display for Ore {
    /// Norwegian style: `NOK 5 400 000`, with `,50` when there are øre.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_amount(f, self.0, "NOK ", ' ', ',')
    }
}

impl Ore {
    /// The amount as a sentence in `lang` writes it: `kr 14 200 000` in
    /// bokmål, `NOK 14,200,000` in English (`,50` and `.50` for øre).
    pub fn written(self, lang: Lang) -> Written {
        Written { ore: self, lang }
    }
}

/// An amount in the words of one language; see `Ore::written`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    ore: Ore,
    lang: Lang,
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lang {
            Lang::Nb => write_amount(f, self.ore.0, "kr ", ' ', ','),
            Lang::En => write_amount(f, self.ore.0, "NOK ", ',', '.'),
        }
    }
}

fn write_amount(
    f: &mut fmt::Formatter<'_>,
    amount: i64,
    currency: &str,
    thousands: char,
    decimal: char,
) -> fmt::Result {
    let abs = amount.unsigned_abs();
    let kroner = (abs / 100).to_string();
    let ore = abs % 100;
    let mut grouped = String::with_capacity(kroner.len() + kroner.len() / 3);
    for (i, ch) in kroner.chars().enumerate() {
        if i > 0 && (kroner.len() - i) % 3 == 0 {
            grouped.push(thousands);
        }
        grouped.push(ch);
    }
    let sign = if amount < 0 { "-" } else { "" };
    if ore == 0 {
        write!(f, "{currency}{sign}{grouped}")
    } else {
        write!(f, "{currency}{sign}{grouped}{decimal}{ore:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_as_people_write_kroner() {
        assert_eq!(Ore::new(540_000_000).to_string(), "NOK 5 400 000");
        assert_eq!(Ore::new(500_000_000).to_string(), "NOK 5 000 000");
        assert_eq!(Ore::new(99).to_string(), "NOK 0,99");
        assert_eq!(Ore::new(123_456_750).to_string(), "NOK 1 234 567,50");
        assert_eq!(Ore::new(100_000).to_string(), "NOK 1 000");
    }

    #[test]
    fn written_as_each_language_writes_amounts() {
        let cases = [
            (1_420_000_000, "kr 14 200 000", "NOK 14,200,000"),
            (99, "kr 0,99", "NOK 0.99"),
            (123_456_750, "kr 1 234 567,50", "NOK 1,234,567.50"),
            (100_000, "kr 1 000", "NOK 1,000"),
            (-50_000, "kr -500", "NOK -500"),
        ];
        for (ore, nb, en) in cases {
            assert_eq!(Ore::new(ore).written(Lang::Nb).to_string(), nb);
            assert_eq!(Ore::new(ore).written(Lang::En).to_string(), en);
        }
    }

    #[test]
    fn rounds_half_up() {
        assert_eq!(div_round_half_up(5, 2), 3);
        assert_eq!(div_round_half_up(4, 2), 2);
        assert_eq!(div_round_half_up(7, 12), 1); // 0.583
        assert_eq!(div_round_half_up(6, 12), 1); // exactly half
        assert_eq!(div_round_half_up(5, 12), 0); // 0.416
        assert_eq!(div_round_half_up(-6, 12), -1);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(
            Ore::new(i64::MAX)
                .checked_add(Ore::new(1))
                .unwrap_err()
                .code,
            ErrorCode::ValueOverflow
        );
        assert!(Ore::from_i128(i128::from(i64::MAX) + 1).is_err());
        assert!(Ore::from_nok(i64::MAX / 10).is_none());
    }

    proptest! {
        #[test]
        fn rounding_is_within_half_an_ore(n in 0i128..1_000_000_000_000, d in 1i128..10_000) {
            let q = div_round_half_up(n, d);
            // |q*d - n| <= d/2, and ties go up.
            prop_assert!(2 * (q * d - n).abs() <= d);
            if 2 * (n % d) == d { prop_assert_eq!(q, n / d + 1); }
        }
    }
}
