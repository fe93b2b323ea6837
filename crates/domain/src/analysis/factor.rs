//! How many times a lot's yearly value a bidder's yearly turnover must be
//! (procurement-rules.md §4: at most 2 as a rule). It is configuration and
//! decides who is "big enough", so it is an exact decimal in thousandths:
//! a float would make a turnover exactly at the limit fall either side.

use std::fmt;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::{ErrorCode, Invalid, Lang, Ore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CapacityFactor {
    /// Always > 0.
    thousandths: i64,
}

fn invalid(input: &str, why: &str) -> Invalid {
    Invalid::new(
        ErrorCode::InvalidCapacityFactor,
        format!("'{input}' is not a capacity factor: {why}"),
    )
}

impl CapacityFactor {
    pub const ONE: CapacityFactor = CapacityFactor { thousandths: 1000 };

    /// A decimal such as `1`, `1.0`, `1.5` or `2.125`; at most three
    /// significant decimals, and greater than zero.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        let form = "give a positive decimal number such as 1.0, 1.5 or 2";
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (s.contains('.') && fraction.is_empty())
        {
            return Err(invalid(input, form));
        }
        let (kept, rest) = fraction.split_at(fraction.len().min(3));
        if rest.bytes().any(|b| b != b'0') {
            return Err(invalid(input, "it is exact to a thousandth at most"));
        }
        let too_large = || invalid(input, "it is too large");
        // Only digits are left, so a parse failure can only be an overflow.
        let whole: i64 = whole.parse().map_err(|_| too_large())?;
        let part = kept
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(3)
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        let thousandths = whole
            .checked_mul(1000)
            .and_then(|t| t.checked_add(part))
            .ok_or_else(too_large)?;
        if thousandths == 0 {
            return Err(invalid(input, "it must be greater than 0"));
        }
        Ok(CapacityFactor { thousandths })
    }

    pub fn thousandths(self) -> i64 {
        self.thousandths
    }

    /// `turnover >= factor x value`, compared exactly.
    pub fn is_big_enough(self, turnover: Ore, value: Ore) -> bool {
        i128::from(value.get()) <= self.capacity(turnover)
    }

    /// The largest yearly value a firm of this turnover is big enough for:
    /// `floor(turnover / factor)`, so that `value <= capacity` is exactly
    /// `turnover >= factor x value` for whole øre.
    pub(crate) fn capacity(self, turnover: Ore) -> i128 {
        (i128::from(turnover.get()) * 1000).div_euclid(i128::from(self.thousandths))
    }

    /// The least turnover that is big enough for `value`, in whole øre
    /// (rounded up, as a turnover one øre short is not enough).
    pub fn required_turnover(self, value: Ore) -> Ore {
        let exact = i128::from(value.get()) * i128::from(self.thousandths);
        let required = -((-exact).div_euclid(1000));
        Ore::from_i128(required).unwrap_or(Ore::new(i64::MAX))
    }
}

impl CapacityFactor {
    /// As a sentence in `lang` writes it: `1,5` in bokmål, `1.5` in English.
    pub fn written(self, lang: Lang) -> String {
        match lang {
            Lang::Nb => self.to_string().replace('.', ","),
            Lang::En => self.to_string(),
        }
    }
}

impl Default for CapacityFactor {
    fn default() -> Self {
        CapacityFactor::ONE
    }
}

impl FromStr for CapacityFactor {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CapacityFactor::parse(s)
    }
}

impl fmt::Display for CapacityFactor {
    /// `1.5`, `2`, `0.125`: as a person would write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.thousandths / 1000;
        let part = self.thousandths % 1000;
        if part == 0 {
            write!(f, "{whole}")
        } else {
            let decimals = format!("{part:03}");
            write!(f, "{whole}.{}", decimals.trim_end_matches('0'))
        }
    }
}

impl Serialize for CapacityFactor {
    /// A JSON number, as api.md shows it. The value is only echoed there; the
    /// comparisons never see the float.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.thousandths as f64 / 1000.0)
    }
}

impl<'de> Deserialize<'de> for CapacityFactor {
    /// A number (`1.5` in TOML or JSON) or a string (`"1.5"`, from the
    /// environment). A float is read through its shortest decimal form, so
    /// `1.5` is exactly 1500 thousandths.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = CapacityFactor;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a positive decimal number such as 1.0, 1.5 or 2")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                CapacityFactor::parse(v).map_err(|e| E::custom(e.message))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // Rust prints floats without an exponent: 1e-3 is "0.001".
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> CapacityFactor {
        CapacityFactor::parse(s).unwrap()
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(f("1.0").thousandths(), 1000);
        assert_eq!(f("1").thousandths(), 1000);
        assert_eq!(f(" 1.5 ").thousandths(), 1500);
        assert_eq!(f("2").thousandths(), 2000);
        assert_eq!(f("0.125").thousandths(), 125);
        assert_eq!(f("0.1").thousandths(), 100);
        assert_eq!(f("1.2500").thousandths(), 1250);
        assert_eq!(f("00.5").thousandths(), 500);
        assert_eq!(CapacityFactor::default(), f("1.0"));
    }

    #[test]
    fn refuses_what_is_not_a_positive_decimal() {
        for bad in [
            "",
            "0",
            "0.0",
            "0.0004",
            "-1",
            "+1",
            "1.",
            ".5",
            "1,5",
            "1e3",
            "abc",
            "1.2345",
            "NaN",
            "99999999999999999999",
        ] {
            assert_eq!(
                CapacityFactor::parse(bad).unwrap_err().code,
                ErrorCode::InvalidCapacityFactor,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn compares_turnover_exactly() {
        let two = f("2");
        assert!(two.is_big_enough(Ore::new(200), Ore::new(100)));
        assert!(!two.is_big_enough(Ore::new(199), Ore::new(100)));
        let third = f("0.333");
        // 0.333 x 1000 = 333 exactly.
        assert!(third.is_big_enough(Ore::new(333), Ore::new(1000)));
        assert!(!third.is_big_enough(Ore::new(332), Ore::new(1000)));
        assert_eq!(third.required_turnover(Ore::new(1000)), Ore::new(333));
        // 1.5 x 3 = 4.5 øre: 5 øre is needed.
        assert_eq!(f("1.5").required_turnover(Ore::new(3)), Ore::new(5));
        assert!(!f("1.5").is_big_enough(Ore::new(4), Ore::new(3)));
        assert!(f("1.5").is_big_enough(Ore::new(5), Ore::new(3)));
        assert!(f("1").is_big_enough(Ore::new(i64::MAX), Ore::new(i64::MAX)));
    }

    #[test]
    fn is_a_json_number_and_reads_numbers_and_strings() {
        assert_eq!(serde_json::to_string(&CapacityFactor::ONE).unwrap(), "1.0");
        assert_eq!(serde_json::to_string(&f("1.5")).unwrap(), "1.5");
        assert_eq!(serde_json::to_string(&f("0.1")).unwrap(), "0.1");
        let read = |j: &str| serde_json::from_str::<CapacityFactor>(j);
        assert_eq!(read("1.5").unwrap(), f("1.5"));
        assert_eq!(read("2").unwrap(), f("2"));
        assert_eq!(read("\"1.25\"").unwrap(), f("1.25"));
        assert_eq!(read("0.001").unwrap().thousandths(), 1);
        assert!(read("0").is_err());
        assert!(read("-1.5").is_err());
        assert!(read("1.0001").is_err());
        assert_eq!(f("1.5").to_string(), "1.5");
        assert_eq!(f("2.000").to_string(), "2");
        assert_eq!(f("0.125").to_string(), "0.125");
    }
}
