//! The reference data compiled into the binary: municipalities and counties
//! of 2024 and the CPV 2008 vocabulary (see `data/reference/SOURCES.md`).
//!
//! The files are parsed once, on first use. They are part of the build, so a
//! parse failure is a defect in the repository, caught by the tests below,
//! not something a user can cause.

use std::collections::HashMap;
use std::sync::OnceLock;

const MUNICIPALITIES_CSV: &str = include_str!("../../../data/reference/kommuner_2024.csv");
const COUNTIES_CSV: &str = include_str!("../../../data/reference/fylker_2024.csv");
const CPV_CSV: &str = include_str!("../../../data/reference/cpv_2008_en_nb.csv");
const NUTS_CSV: &str = include_str!("../../../data/reference/nuts_no_2024.csv");

#[derive(Debug, Clone)]
pub struct MunicipalityRecord {
    pub number: String,
    pub name: String,
    pub county: String,
    pub county_name: String,
    pub population: i64,
}

#[derive(Debug, Clone)]
pub struct CountyRecord {
    pub number: String,
    pub name: String,
    pub population: i64,
}

#[derive(Debug, Clone)]
pub struct CpvRecord {
    /// The full code with check digit, `NNNNNNNN-C`.
    pub code: String,
    pub name_en: String,
    pub name_nb: String,
}

pub struct Reference {
    pub municipalities: Vec<MunicipalityRecord>,
    pub counties: Vec<CountyRecord>,
    municipality_index: HashMap<String, usize>,
    county_index: HashMap<String, usize>,
    /// Keyed by the eight digits before the check digit.
    cpv: HashMap<String, CpvRecord>,
    /// County number to its NUTS 2024 level-3 code (eForms `nuts-nor-lvl3`).
    nuts3: HashMap<String, String>,
}

impl Reference {
    pub fn municipality(&self, number: &str) -> Option<&MunicipalityRecord> {
        self.municipality_index
            .get(number)
            .map(|&i| &self.municipalities[i])
    }

    pub fn county(&self, number: &str) -> Option<&CountyRecord> {
        self.county_index.get(number).map(|&i| &self.counties[i])
    }

    pub fn cpv_by_digits(&self, eight_digits: &str) -> Option<&CpvRecord> {
        self.cpv.get(eight_digits)
    }

    /// The NUTS-3 region (NUTS 2024) of a county, as eForms writes a place
    /// of performance.
    pub fn nuts3(&self, county: &str) -> Option<&str> {
        self.nuts3.get(county).map(String::as_str)
    }

    pub fn municipalities_in_county(
        &self,
        county: &str,
    ) -> impl Iterator<Item = &MunicipalityRecord> {
        let county = county.to_string();
        self.municipalities
            .iter()
            .filter(move |m| m.county == county)
    }

    /// A participant by number: a municipality's name, or "Vestland
    /// fylkeskommune" for a county number (Oslo's, 03, has none).
    pub fn participant_name(&self, number: &str) -> Option<String> {
        match self.municipality(number) {
            Some(m) => Some(m.name.clone()),
            None => crate::kommune::county_municipality_name(number),
        }
    }

    /// The inhabitants a participant serves: a county municipality's are
    /// its county's.
    pub fn participant_population(&self, number: &str) -> Option<i64> {
        match self.municipality(number) {
            Some(m) => Some(m.population),
            None => crate::kommune::county_municipality_name(number)
                .and(self.county(number))
                .map(|c| c.population),
        }
    }

    pub fn total_population(&self) -> i64 {
        self.municipalities.iter().map(|m| m.population).sum()
    }
}

pub fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(load)
}

fn load() -> Reference {
    let municipalities: Vec<MunicipalityRecord> = rows(MUNICIPALITIES_CSV)
        .map(|r| MunicipalityRecord {
            number: r[0].to_string(),
            name: r[1].to_string(),
            county: r[2].to_string(),
            county_name: r[3].to_string(),
            population: r[5].parse().unwrap_or(0),
        })
        .collect();
    let counties: Vec<CountyRecord> = rows(COUNTIES_CSV)
        .map(|r| CountyRecord {
            number: r[0].to_string(),
            name: r[1].to_string(),
            population: r[4].parse().unwrap_or(0),
        })
        .collect();
    let cpv = rows(CPV_CSV)
        .map(|r| {
            let record = CpvRecord {
                code: r[0].to_string(),
                name_en: r[8].to_string(),
                name_nb: r[9].to_string(),
            };
            (r[1].to_string(), record)
        })
        .collect();
    let nuts3 = rows(NUTS_CSV)
        .filter(|r| !r[0].is_empty())
        .map(|r| (r[0].to_string(), r[2].to_string()))
        .collect();
    Reference {
        nuts3,
        municipality_index: municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.number.clone(), i))
            .collect(),
        county_index: counties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.number.clone(), i))
            .collect(),
        municipalities,
        counties,
        cpv,
    }
}

fn rows(text: &'static str) -> impl Iterator<Item = csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .into_records()
        .filter_map(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_county_has_its_nuts3_region() {
        let r = reference();
        for c in &r.counties {
            assert!(
                r.nuts3(&c.number).is_some_and(|n| n.starts_with("NO")),
                "{}",
                c.number
            );
        }
        assert_eq!(r.nuts3("46"), Some("NO0A2"));
    }

    #[test]
    fn has_the_357_municipalities_and_15_counties_of_2024() {
        let r = reference();
        assert_eq!(r.municipalities.len(), 357);
        assert_eq!(r.counties.len(), 15);
        assert_eq!(r.total_population(), 5_550_203);
        assert_eq!(
            r.municipality("0301").map(|m| m.name.as_str()),
            Some("Oslo")
        );
        assert_eq!(
            r.municipality("4601").map(|m| m.county_name.as_str()),
            Some("Vestland")
        );
        assert_eq!(r.municipalities_in_county("46").count(), 43);
        let sum: usize = r
            .counties
            .iter()
            .map(|c| r.municipalities_in_county(&c.number).count())
            .sum();
        assert_eq!(sum, 357, "every municipality belongs to a known county");
    }

    #[test]
    fn has_the_whole_cpv_vocabulary() {
        let r = reference();
        assert_eq!(r.cpv.len(), 9454);
        let meals = r.cpv_by_digits("55524000").expect("school catering");
        assert_eq!(meals.code, "55524000-9");
        assert!(!meals.name_nb.is_empty());
    }
}
