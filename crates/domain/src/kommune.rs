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
/// What `ParticipantNumber::parse` refuses with.
pub const PARTICIPANT_ERRORS: &[ErrorCode] = &[
    ErrorCode::InvalidMunicipality,
    ErrorCode::UnknownMunicipality,
    ErrorCode::UnknownCounty,
    ErrorCode::NoCountyMunicipality,
];
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

/// A participant: a municipality (four digits) or a county municipality
/// (two digits, the county's number). Kept apart from `Kommunenummer`, which
/// stays a municipality only: geography (lot splits by county, suppliers'
/// service areas) is about municipalities, taking part is about both.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ParticipantNumber(String);

/// Oslo is a county whose municipality does the county municipality's work.
const OSLO_COUNTY: &str = "03";

impl ParticipantNumber {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
            if s == OSLO_COUNTY {
                return Err(Invalid::new(
                    ErrorCode::NoCountyMunicipality,
                    "03 has no county municipality of its own: Oslo kommune, 0301, is both municipality and county municipality",
                ));
            }
            if reference().county(s).is_none() {
                return Err(Invalid::new(
                    ErrorCode::UnknownCounty,
                    format!("{s} is not a county in the 2024 structure"),
                ));
            }
            return Ok(ParticipantNumber(s.to_string()));
        }
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                ErrorCode::InvalidMunicipality,
                format!(
                    "'{input}' is neither a municipality number (four digits, such as 0301) nor a county number (two digits, such as 46)"
                ),
            ));
        }
        Kommunenummer::parse(s).map(ParticipantNumber::from)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_county(&self) -> bool {
        self.0.len() == 2
    }

    /// The municipality, when this participant is one.
    pub fn municipality(&self) -> Option<Kommunenummer> {
        (!self.is_county()).then(|| Kommunenummer(self.0.clone()))
    }

    /// The county it lies in, or is.
    pub fn county(&self) -> Fylkesnummer {
        Fylkesnummer(self.0[..2].to_string())
    }

    /// The municipalities whose inhabitants it serves: itself, or every
    /// municipality of the county.
    pub fn serves(&self) -> Vec<Kommunenummer> {
        match self.municipality() {
            Some(m) => vec![m],
            None => self.county().municipalities().collect(),
        }
    }

    /// As people read it: "Bergen", "Vestland fylkeskommune".
    pub fn name(&self) -> String {
        county_municipality_name(&self.0).unwrap_or_else(|| {
            reference()
                .municipality(&self.0)
                .map(|m| m.name.clone())
                .unwrap_or_default()
        })
    }
}

/// "Vestland fylkeskommune" for "46"; None for anything not a county with a
/// county municipality.
pub fn county_municipality_name(number: &str) -> Option<String> {
    if number == OSLO_COUNTY {
        return None;
    }
    reference()
        .county(number)
        .map(|c| format!("{} fylkeskommune", c.name))
}

impl From<Kommunenummer> for ParticipantNumber {
    fn from(value: Kommunenummer) -> Self {
        ParticipantNumber(value.0)
    }
}

impl TryFrom<String> for ParticipantNumber {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ParticipantNumber::parse(&value)
    }
}

impl From<ParticipantNumber> for String {
    fn from(value: ParticipantNumber) -> Self {
        value.0
    }
}

impl fmt::Display for ParticipantNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
    fn a_participant_is_a_municipality_or_a_county_municipality_but_not_03() {
        let vestland = ParticipantNumber::parse("46").unwrap();
        assert!(vestland.is_county());
        assert_eq!(vestland.name(), "Vestland fylkeskommune");
        assert_eq!(vestland.serves().len(), 43);
        let bergen = ParticipantNumber::parse("4601").unwrap();
        assert_eq!(bergen.name(), "Bergen");
        assert_eq!(bergen.county().as_str(), "46");
        let oslo = ParticipantNumber::parse("03").unwrap_err();
        assert_eq!(oslo.code, ErrorCode::NoCountyMunicipality);
        assert!(oslo.message.contains("0301"), "{}", oslo.message);
        assert_eq!(
            ParticipantNumber::parse("12").unwrap_err().code,
            ErrorCode::UnknownCounty
        );
        assert_eq!(
            ParticipantNumber::parse("463").unwrap_err().code,
            ErrorCode::InvalidMunicipality
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
