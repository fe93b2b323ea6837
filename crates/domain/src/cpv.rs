//! CPV codes (Common Procurement Vocabulary, Regulation 213/2008). The check
//! digit's algorithm is not published, so a code is valid when it is in the
//! official list.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, Invalid};
use crate::reference::reference;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cpv(String);

impl Cpv {
    /// Accepts `NNNNNNNN-C`, and the eight digits alone (the check digit is
    /// then filled in from the list).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        let (digits, check) = match s.split_once('-') {
            Some((d, c)) => (d, Some(c)),
            None => (s, None),
        };
        let unknown = || {
            Invalid::new(
                ErrorCode::UnknownCpv,
                format!("'{input}' is not a code of the CPV 2008 list"),
            )
        };
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unknown());
        }
        let record = reference().cpv_by_digits(digits).ok_or_else(unknown)?;
        if let Some(c) = check {
            if record.code[9..] != *c {
                return Err(Invalid::new(
                    ErrorCode::UnknownCpv,
                    format!(
                        "'{input}': the check digit of {digits} is {}",
                        &record.code[9..]
                    ),
                ));
            }
        }
        Ok(Cpv(record.code.clone()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The eight digits without the check digit, what prefixes match against.
    pub fn digits(&self) -> &str {
        &self.0[..8]
    }

    pub fn is_under(&self, prefix: &CpvPrefix) -> bool {
        self.digits().starts_with(prefix.as_str())
    }

    pub fn name_nb(&self) -> &'static str {
        reference()
            .cpv_by_digits(self.digits())
            .map(|r| r.name_nb.as_str())
            .unwrap_or("")
    }

    pub fn name_en(&self) -> &'static str {
        reference()
            .cpv_by_digits(self.digits())
            .map(|r| r.name_en.as_str())
            .unwrap_or("")
    }
}

impl TryFrom<String> for Cpv {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Cpv::parse(&value)
    }
}

impl From<Cpv> for String {
    fn from(value: Cpv) -> Self {
        value.0
    }
}

impl fmt::Display for Cpv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The leading 2 to 8 digits of a CPV code: a division, group, class or
/// category. Used for mandate scopes and suppliers' trades.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CpvPrefix(String);

impl CpvPrefix {
    /// Trailing zeros are dropped: `55520000` and `5552` name the same class.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        let digits = s.split_once('-').map_or(s, |(d, _)| d);
        let invalid = || {
            Invalid::new(
                ErrorCode::InvalidCpvPrefix,
                format!(
                    "'{input}' is not a CPV prefix: give 2 to 8 digits, such as 5552 or 90910000"
                ),
            )
        };
        if !(2..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let trimmed = digits.trim_end_matches('0');
        let significant = if trimmed.len() < 2 {
            &digits[..2]
        } else {
            trimmed
        };
        Ok(CpvPrefix(significant.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CpvPrefix {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CpvPrefix::parse(&value)
    }
}

impl From<CpvPrefix> for String {
    fn from(value: CpvPrefix) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_codes_of_the_list_with_or_without_check_digit() {
        assert_eq!(Cpv::parse("90910000-9").unwrap().as_str(), "90910000-9");
        assert_eq!(Cpv::parse("90910000").unwrap().as_str(), "90910000-9");
        assert_eq!(
            Cpv::parse("55524000-9").unwrap().name_nb(),
            "Catering til skoler"
        );
    }

    #[test]
    fn refuses_codes_outside_the_list_and_wrong_check_digits() {
        assert_eq!(
            Cpv::parse("90910000-8").unwrap_err().code,
            ErrorCode::UnknownCpv
        );
        assert_eq!(
            Cpv::parse("12345678-1").unwrap_err().code,
            ErrorCode::UnknownCpv
        );
        assert_eq!(Cpv::parse("9091").unwrap_err().code, ErrorCode::UnknownCpv);
        assert_eq!(Cpv::parse("").unwrap_err().code, ErrorCode::UnknownCpv);
    }

    #[test]
    fn prefixes_match_the_hierarchy() {
        let cleaning = Cpv::parse("90910000-9").unwrap();
        assert!(cleaning.is_under(&CpvPrefix::parse("909").unwrap()));
        assert!(cleaning.is_under(&CpvPrefix::parse("90910000").unwrap()));
        assert!(cleaning.is_under(&CpvPrefix::parse("90").unwrap()));
        assert!(!cleaning.is_under(&CpvPrefix::parse("45").unwrap()));
        assert_eq!(CpvPrefix::parse("45000000").unwrap().as_str(), "45");
        assert_eq!(CpvPrefix::parse("03").unwrap().as_str(), "03");
        assert_eq!(CpvPrefix::parse("00").unwrap().as_str(), "00");
        assert!(CpvPrefix::parse("9").is_err());
        assert!(CpvPrefix::parse("909100001").is_err());
        assert!(CpvPrefix::parse("9a").is_err());
    }
}
