use std::fmt;

use super::{ErrorCode, Invalid};

/// An email address as far as we can tell without sending to it: one `@`, a
/// local part, and a domain with a dot. Stored lower-cased, so that
/// `Ola@Kommune.no` and `ola@kommune.no` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().to_lowercase();
        let invalid = || {
            Invalid::new(
                ErrorCode::InvalidEmail,
                format!("'{}' is not an email address", input.trim()),
            )
        };
        if s.len() > 254
            || s.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c))
        {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(EmailAddress(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_refuses() {
        assert_eq!(
            EmailAddress::parse(" Ola.Nordmann@Bergen.Kommune.no ")
                .unwrap()
                .as_str(),
            "ola.nordmann@bergen.kommune.no"
        );
        for bad in [
            "",
            "ola",
            "ola@",
            "@kommune.no",
            "ola@kommune",
            "ola@@kommune.no",
            "o la@kommune.no",
            "ola@kommune..no",
            "<a>@b.no",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }
}
