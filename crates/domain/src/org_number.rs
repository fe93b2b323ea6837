//! Norwegian organisation numbers (organisasjonsnummer): nine digits with a
//! MOD11 check digit (procurement-rules.md §8).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, Invalid};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber(String);

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// MOD11 over eight ASCII digits; `None` where the remainder leaves no digit.
fn check_digit(first_eight: &str) -> Option<u32> {
    let sum: u32 = first_eight
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

impl OrgNumber {
    /// Accepts the nine digits, with the spaces people often write
    /// (`974 760 673`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let invalid = |why: &str| {
            Invalid::new(
                ErrorCode::InvalidOrgNumber,
                format!("'{input}' is not a valid organisation number: {why}"),
            )
        };
        if digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("it must be nine digits"));
        }
        let Some(check) = check_digit(&digits[..8]) else {
            return Err(invalid(
                "no valid check digit exists for these eight digits",
            ));
        };
        if char::from_digit(check, 10) != digits.chars().nth(8) {
            return Err(invalid("the check digit does not match"));
        }
        Ok(OrgNumber(digits))
    }

    /// The organisation number that eight digits make with their check
    /// digit; `None` when they have none (or are not eight digits).
    pub fn completing(first_eight: &str) -> Option<OrgNumber> {
        if first_eight.len() != 8 || !first_eight.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let check = check_digit(first_eight)?;
        Some(OrgNumber(format!("{first_eight}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        OrgNumber::parse(&value)
    }
}

impl From<OrgNumber> for String {
    fn from(value: OrgNumber) -> Self {
        value.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_numbers() {
        assert_eq!(OrgNumber::parse("974760673").unwrap().as_str(), "974760673");
        assert_eq!(
            OrgNumber::parse("974 760 673").unwrap().as_str(),
            "974760673"
        );
        // 3*1 + 2*4 = 11: the sum is a multiple of 11, c = 11, so the check digit is 0.
        assert_eq!(OrgNumber::parse("100000040").unwrap().as_str(), "100000040");
        assert!(OrgNumber::parse("100000041").is_err());
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        let e = OrgNumber::parse("974760674").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidOrgNumber);
        assert!(e.message.contains("check digit"));
    }

    #[test]
    fn refuses_numbers_with_no_possible_check_digit() {
        // 2*6 = 12, remainder 1, so c = 10: whatever the ninth digit, the number is invalid.
        for last in 0..=9 {
            let e = OrgNumber::parse(&format!("00000006{last}")).unwrap_err();
            assert!(e.message.contains("no valid check digit"), "{e}");
        }
    }

    #[test]
    fn refuses_letters_and_wrong_lengths() {
        assert!(OrgNumber::parse("97476067A").is_err());
        assert!(OrgNumber::parse("97476067").is_err());
        assert!(OrgNumber::parse("9747606733").is_err());
        assert!(OrgNumber::parse("").is_err());
        assert!(OrgNumber::parse("９７４７６０６７３").is_err());
    }

    #[test]
    fn eight_digits_are_completed_with_their_check_digit() {
        assert_eq!(
            OrgNumber::completing("97476067").map(|n| n.as_str().to_string()),
            Some("974760673".to_string())
        );
        assert_eq!(
            OrgNumber::completing("10000004").map(|n| n.as_str().to_string()),
            Some("100000040".to_string())
        );
        assert_eq!(OrgNumber::completing("00000006"), None, "no check digit");
        assert_eq!(OrgNumber::completing("9747606"), None);
        assert_eq!(OrgNumber::completing("9747606A"), None);
    }
}
