//! Municipality and county numbers. Both must exist in the 2024 structure:
//! a number that is well-formed but unknown is still refused.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, Invalid};
use crate::reference::reference;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kommunenummer(String);

/// What `Kommunenummer::parse` refuses with.
pub const MUNICIPALITY_ERRORS: &[ErrorCode] = &[
    ErrorCode::InvalidMunicipality,
    ErrorCode::UnknownMunicipality,
];
/// What `Fylkesnummer::parse` refuses with.
pub const COUNTY_ERRORS: &[ErrorCode] = &[ErrorCode::InvalidCounty, ErrorCode::UnknownCounty];
/// What `ServiceArea::parse` refuses with.
pub const SERVICE_AREA_ERRORS: &[ErrorCode] = crate::codes![
    MUNICIPALITY_ERRORS,
    COUNTY_ERRORS,
    &[ErrorCode::InvalidServiceArea],
];

impl Kommunenummer {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                ErrorCode::InvalidMunicipality,
                format!(
                    "'{input}' is not a municipality number: it must be four digits, such as 0301"
                ),
            ));
        }
        if reference().municipality(s).is_none() {
            return Err(Invalid::new(
                ErrorCode::UnknownMunicipality,
                format!("{s} is not a municipality in the 2024 structure"),
            ));
        }
        Ok(Kommunenummer(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first two digits.
    pub fn county(&self) -> Fylkesnummer {
        Fylkesnummer(self.0[..2].to_string())
    }

    pub fn name(&self) -> &'static str {
        reference()
            .municipality(&self.0)
            .map(|m| m.name.as_str())
            .unwrap_or("")
    }
}

impl TryFrom<String> for Kommunenummer {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Kommunenummer::parse(&value)
    }
}

impl From<Kommunenummer> for String {
    fn from(value: Kommunenummer) -> Self {
        value.0
    }
}

impl fmt::Display for Kommunenummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fylkesnummer(String);

impl Fylkesnummer {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                ErrorCode::InvalidCounty,
                format!("'{input}' is not a county number: it must be two digits, such as 46"),
            ));
        }
        if reference().county(s).is_none() {
            return Err(Invalid::new(
                ErrorCode::UnknownCounty,
                format!("{s} is not a county in the 2024 structure"),
            ));
        }
        Ok(Fylkesnummer(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn municipalities(&self) -> impl Iterator<Item = Kommunenummer> + '_ {
        reference()
            .municipalities_in_county(&self.0)
            .map(|m| Kommunenummer(m.number.clone()))
    }
}

impl TryFrom<String> for Fylkesnummer {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Fylkesnummer::parse(&value)
    }
}

impl From<Fylkesnummer> for String {
    fn from(value: Fylkesnummer) -> Self {
        value.0
    }
}

/// Where a supplier delivers: whole counties and single municipalities, as
/// the supplier wrote them. A county covers every municipality in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceArea {
    pub counties: BTreeSet<Fylkesnummer>,
    pub municipalities: BTreeSet<Kommunenummer>,
}

impl ServiceArea {
    /// Each entry is a county number (2 digits) or a municipality number (4).
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, Invalid> {
        let mut area = ServiceArea::default();
        for entry in entries {
            let e = entry.as_ref().trim();
            match e.len() {
                2 => {
                    area.counties.insert(Fylkesnummer::parse(e)?);
                }
                4 => {
                    area.municipalities.insert(Kommunenummer::parse(e)?);
                }
                _ => {
                    return Err(Invalid::new(
                        ErrorCode::InvalidServiceArea,
                        format!("'{e}' is neither a county number (2 digits) nor a municipality number (4 digits)"),
                    ))
                }
            }
        }
        Ok(area)
    }

    pub fn covers(&self, municipality: &Kommunenummer) -> bool {
        self.municipalities.contains(municipality) || self.counties.contains(&municipality.county())
    }

    /// The entries as stored and shown: counties first, then municipalities.
    pub fn entries(&self) -> Vec<String> {
        self.counties
            .iter()
            .map(|c| c.as_str().to_string())
            .chain(self.municipalities.iter().map(|m| m.as_str().to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_leading_zero_and_knows_the_county() {
        let oslo = Kommunenummer::parse("0301").unwrap();
        assert_eq!(oslo.as_str(), "0301");
        assert_eq!(oslo.county().as_str(), "03");
        assert_eq!(oslo.name(), "Oslo");
    }

    #[test]
    fn refuses_malformed_and_unknown_numbers() {
        assert_eq!(
            Kommunenummer::parse("301").unwrap_err().code,
            ErrorCode::InvalidMunicipality
        );
        assert_eq!(
            Kommunenummer::parse("03a1").unwrap_err().code,
            ErrorCode::InvalidMunicipality
        );
        // 1201 was Bergen before the 2020 reform.
        assert_eq!(
            Kommunenummer::parse("1201").unwrap_err().code,
            ErrorCode::UnknownMunicipality
        );
        assert_eq!(
            Fylkesnummer::parse("12").unwrap_err().code,
            ErrorCode::UnknownCounty
        );
        assert_eq!(
            Fylkesnummer::parse("4").unwrap_err().code,
            ErrorCode::InvalidCounty
        );
    }

    #[test]
    fn a_county_in_the_service_area_covers_its_municipalities() {
        let area = ServiceArea::parse(&["46", "0301"]).unwrap();
        assert!(area.covers(&Kommunenummer::parse("4601").unwrap()));
        assert!(area.covers(&Kommunenummer::parse("0301").unwrap()));
        assert!(!area.covers(&Kommunenummer::parse("1103").unwrap()));
        assert_eq!(area.entries(), vec!["46", "0301"]);
        assert_eq!(
            ServiceArea::parse(&["463"]).unwrap_err().code,
            ErrorCode::InvalidServiceArea
        );
    }
}
