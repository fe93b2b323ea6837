//! Health, social and other special services (helse- og sosialtjenester og
//! andre særlige tjenester): FOA vedlegg 2 and 3, Directive Annex XIV. They
//! have their own EEA threshold, no notice duty below it (part I only) and
//! the light regime (part IV) at or above it, whatever contract type the
//! coordinator picked (procurement-rules.md §1).
//!
//! The list is data (`data/reference/special_services.csv`, see its
//! SOURCES.md), compiled in and parsed once, like the other reference data.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Cpv;

const SPECIAL_SERVICES_CSV: &str = include_str!("../../../data/reference/special_services.csv");

/// One row of the list: a single code, or an inclusive numeric interval of
/// codes as the regulation writes it ("55100000-1 to 55410000-7").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialServiceRow {
    /// The code or interval as the regulation prints it, check digits included.
    pub cpv: String,
    pub description_nb: String,
    /// 2 ("Særlige tjenester") or 3 ("Helse- og sosialtjenester").
    pub foa_vedlegg: u8,
    #[serde(skip)]
    from: u32,
    #[serde(skip)]
    to: u32,
}

impl SpecialServiceRow {
    pub fn covers(&self, cpv: &Cpv) -> bool {
        cpv.digits()
            .parse::<u32>()
            .is_ok_and(|n| (self.from..=self.to).contains(&n))
    }
}

pub fn rows() -> &'static [SpecialServiceRow] {
    static ROWS: OnceLock<Vec<SpecialServiceRow>> = OnceLock::new();
    ROWS.get_or_init(load)
}

/// The rows of the list that cover `cpv`; empty when it is an ordinary
/// service, good or work. A single code covers only itself: the regulation
/// lists sub-codes one by one where it means them.
pub fn matching(cpv: &Cpv) -> Vec<&'static SpecialServiceRow> {
    rows().iter().filter(|r| r.covers(cpv)).collect()
}

pub fn is_special(cpv: &Cpv) -> bool {
    rows().iter().any(|r| r.covers(cpv))
}

fn load() -> Vec<SpecialServiceRow> {
    csv::Reader::from_reader(SPECIAL_SERVICES_CSV.as_bytes())
        .into_records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            // cpv, description_en, annex_group, range_from, range_to, cpv_eu,
            // foa_vedlegg, description_nb, ...
            let (from, to) = if r[0].is_empty() {
                (r[3].parse().ok()?, r[4].parse().ok()?)
            } else {
                let single = r[0].parse().ok()?;
                (single, single)
            };
            Some(SpecialServiceRow {
                cpv: r[5].to_string(),
                description_nb: r[7].to_string(),
                foa_vedlegg: r[6].parse().ok()?,
                from,
                to,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpv(code: &str) -> Cpv {
        Cpv::parse(code).unwrap()
    }

    #[test]
    fn every_row_of_the_list_is_read() {
        let text_rows = SPECIAL_SERVICES_CSV.lines().count() - 1;
        assert_eq!(rows().len(), text_rows);
        assert!(rows().iter().all(|r| r.from <= r.to));
        assert!(rows().iter().all(|r| [2, 3].contains(&r.foa_vedlegg)));
    }

    #[test]
    fn school_catering_canteens_hotels_legal_and_education_are_special() {
        for code in [
            "55524000-9", // school catering
            "55523100-3", // school-meal services
            "55510000-8", // canteen services
            "55110000-4", // hotel accommodation, in the 55100000..55410000 range
            "79110000-8", // legal advisory, in the 79100000..79140000 range
            "80100000-5", // primary education, in the 80000000..80660000 range
            "85311000-2", // social work with accommodation
            "79710000-4", // security services
        ] {
            assert!(is_special(&cpv(code)), "{code}");
        }
        let rows = matching(&cpv("55524000-9"));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].cpv, "55524000-9");
        assert_eq!(rows[0].foa_vedlegg, 2);
    }

    #[test]
    fn cleaning_fruit_and_building_are_not() {
        for code in ["90910000-9", "03222000-3", "45000000-7", "55900000-9"] {
            assert!(!is_special(&cpv(code)), "{code}");
        }
    }
}
