//! Threshold values (terskelverdier) and the regime a value falls under
//! (procurement-rules.md §1-2). The amounts change every two years, so they
//! are a dated table in configuration (`config/thresholds.toml`), never code.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::contract::ContractType;
use super::{ErrorCode, Invalid, Ore};

/// One set of amounts, in force from `valid_from` until the next row's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdRow {
    #[serde(deserialize_with = "date_or_toml_date")]
    pub valid_from: NaiveDate,
    pub lower_limit_ore: Ore,
    pub national_ore: Ore,
    pub eea_goods_services_ore: Ore,
    pub eea_works_ore: Ore,
    pub eea_social_services_ore: Ore,
    pub small_lot_goods_services_ore: Ore,
    pub small_lot_works_ore: Ore,
    pub source: String,
    /// The first and last day of the EU period whose EUR amounts this row
    /// implements (the EU sets them for two calendar years at a time). Past
    /// its end, newer amounts may apply that nobody has entered yet.
    #[serde(deserialize_with = "date_or_toml_date")]
    pub eu_period_start: NaiveDate,
    #[serde(deserialize_with = "date_or_toml_date")]
    pub eu_period_end: NaiveDate,
    /// Where the small-lot limits come from, with `(verify)` while they are
    /// not confirmed against the regulation text.
    pub small_lot_source: String,
}

impl ThresholdRow {
    /// Whether `on` is past the EU period this row implements: the amounts
    /// may be out of date (procurement-rules.md §1).
    pub fn is_stale_on(&self, on: NaiveDate) -> bool {
        on > self.eu_period_end
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdTable {
    /// `[[threshold]]` in the TOML file.
    #[serde(rename = "threshold", default)]
    pub rows: Vec<ThresholdRow>,
}

impl ThresholdTable {
    /// Parses and checks the configuration file's text; a bad table must
    /// stop the start-up rather than misclassify procurements later.
    pub fn from_toml(text: &str) -> Result<Self, Invalid> {
        let table: ThresholdTable = toml::from_str(text).map_err(|e| {
            Invalid::new(
                ErrorCode::InvalidThresholds,
                format!("the threshold table cannot be read: {e}"),
            )
        })?;
        table.validate()?;
        Ok(table)
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let bad = |row: &ThresholdRow, what: &str| {
            Err(Invalid::new(
                ErrorCode::InvalidThresholds,
                format!("the thresholds valid from {}: {what}", row.valid_from),
            ))
        };
        if self.rows.is_empty() {
            return Err(Invalid::new(
                ErrorCode::InvalidThresholds,
                "the threshold table has no rows",
            ));
        }
        for (i, row) in self.rows.iter().enumerate() {
            if self.rows[..i]
                .iter()
                .any(|r| r.valid_from == row.valid_from)
            {
                return bad(row, "there is more than one row for this date");
            }
            let amounts = [
                row.lower_limit_ore,
                row.national_ore,
                row.eea_goods_services_ore,
                row.eea_works_ore,
                row.eea_social_services_ore,
                row.small_lot_goods_services_ore,
                row.small_lot_works_ore,
            ];
            if amounts.iter().any(|a| a.get() < 0) {
                return bad(row, "an amount is negative");
            }
            // The regimes are nested; out of order, `regime` would skip one.
            if row.eu_period_start > row.eu_period_end {
                return bad(row, "eu_period_start is after eu_period_end");
            }
            if row.lower_limit_ore > row.national_ore {
                return bad(row, "the lower limit is above the national threshold");
            }
            let lowest_eea = row
                .eea_goods_services_ore
                .min(row.eea_works_ore)
                .min(row.eea_social_services_ore);
            if row.national_ore > lowest_eea {
                return bad(row, "the national threshold is above an EEA threshold");
            }
        }
        Ok(())
    }

    /// The row in force on `on`: the latest `valid_from` on or before it.
    /// `None` before the first row, which is a gap in the configuration.
    pub fn in_force(&self, on: NaiveDate) -> Option<&ThresholdRow> {
        self.rows
            .iter()
            .filter(|r| r.valid_from <= on)
            .max_by_key(|r| r.valid_from)
    }
}

impl ThresholdTable {
    /// The row in force on `on`, or a refusal a person can act on: no
    /// amounts are known for a day before the first row.
    pub fn in_force_or_invalid(&self, on: NaiveDate) -> Result<&ThresholdRow, Invalid> {
        self.in_force(on).ok_or_else(|| {
            let first = self.rows.iter().map(|r| r.valid_from).min();
            Invalid::new(
                ErrorCode::NoThresholdsInForce,
                match first {
                    Some(first) => format!(
                        "no threshold amounts are configured for {on}: the first row of the table is valid from {first}"
                    ),
                    None => format!("no threshold amounts are configured for {on}"),
                },
            )
        })
    }

    /// The row in force on `on` if it is past its EU period: what the server
    /// warns about at start.
    pub fn stale_on(&self, on: NaiveDate) -> Option<&ThresholdRow> {
        self.in_force(on).filter(|r| r.is_stale_on(on))
    }
}

pub fn eea_threshold(row: &ThresholdRow, contract_type: ContractType) -> Ore {
    match contract_type {
        ContractType::Goods | ContractType::Services => row.eea_goods_services_ore,
        ContractType::Works => row.eea_works_ore,
        ContractType::SocialServices => row.eea_social_services_ore,
    }
}

/// The limit under which a single lot may use the small-lots exemption
/// (Directive Art. 5(10)).
pub fn small_lot_limit(row: &ThresholdRow, contract_type: ContractType) -> Ore {
    match contract_type {
        ContractType::Works => row.small_lot_works_ore,
        _ => row.small_lot_goods_services_ore,
    }
}

crate::code_enum! {
    /// Ordered from the least to the most regulated, so that `<` reads as
    /// "a lower regime".
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Regime {
        /// Below the lower limit of LOA § 2: the procurement rules do not apply.
        BelowRules = "below_rules",
        /// Within the rules but below FOA part II: part I only.
        BelowNationalThreshold = "below_national_threshold",
        /// Health, social and other special services within the rules but below
        /// their EEA threshold: part I only, no notice duty.
        SpecialBelowEea = "special_below_eea",
        /// FOA part II, Doffin notice.
        National = "national",
        /// At or above the EEA threshold: FOA part III, or part IV (the light
        /// regime) for special services; TED and Doffin notice.
        Eea = "eea",
    }
    invalid = InvalidRegime, "a regime";
}

/// The parts of FOA that apply in `regime`, for the contract type that
/// picked the threshold.
pub fn parts(regime: Regime, contract_type: ContractType) -> Vec<Part> {
    match regime {
        Regime::BelowRules => vec![],
        Regime::BelowNationalThreshold | Regime::SpecialBelowEea => vec![Part::I],
        Regime::National => vec![Part::I, Part::II],
        Regime::Eea if contract_type == ContractType::SocialServices => vec![Part::I, Part::IV],
        Regime::Eea => vec![Part::I, Part::III],
    }
}

/// Where the procurement must be announced in `regime`.
pub fn notice(regime: Regime) -> Notice {
    match regime {
        Regime::BelowRules | Regime::BelowNationalThreshold | Regime::SpecialBelowEea => {
            Notice::None
        }
        Regime::National => Notice::Doffin,
        Regime::Eea => Notice::DoffinAndTed,
    }
}

crate::code_enum! {
    /// A part of anskaffelsesforskriften: I general, II national procedures,
    /// III EEA procedures, IV special services at or above the EEA threshold.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Part {
        I = "I",
        II = "II",
        III = "III",
        IV = "IV",
    }
    invalid = InvalidPart, "a part of the regulation";
}

crate::code_enum! {
    /// The notice duty: none, Doffin (part II), or Doffin and TED (EEA).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Notice {
        None = "none",
        Doffin = "doffin",
        DoffinAndTed = "doffin_and_ted",
    }
    invalid = InvalidNotice, "a notice duty";
}

/// A value equal to a threshold is in the higher regime ("at or above").
/// Special services (`SocialServices`) have no part II: below their EEA
/// threshold only part I applies.
pub fn regime(value: Ore, contract_type: ContractType, row: &ThresholdRow) -> Regime {
    if value < row.lower_limit_ore {
        Regime::BelowRules
    } else if contract_type == ContractType::SocialServices {
        if value < row.eea_social_services_ore {
            Regime::SpecialBelowEea
        } else {
            Regime::Eea
        }
    } else if value < row.national_ore {
        Regime::BelowNationalThreshold
    } else if value < eea_threshold(row, contract_type) {
        Regime::National
    } else {
        Regime::Eea
    }
}

/// TOML has a date type of its own (`valid_from = 2024-03-14`) which reaches
/// serde as a one-entry map, not as a string; whoever adds a row should not
/// have to know that, so both spellings are accepted.
fn date_or_toml_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date YYYY-MM-DD")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| E::custom(format!("'{v}' is not a date YYYY-MM-DD")))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<NaiveDate, A::Error> {
            let Some((_, text)) = map.next_entry::<String, String>()? else {
                return Err(serde::de::Error::custom("expected a date YYYY-MM-DD"));
            };
            self.visit_str(&text)
        }
    }
    deserializer.deserialize_any(Visitor)
}

/// The shipped 2024 row, for the tests of the modules that use thresholds.
#[cfg(test)]
pub(crate) fn test_row_2024() -> ThresholdRow {
    let table = ThresholdTable::from_toml(include_str!("../../../config/thresholds.toml"))
        .expect("the shipped threshold table is valid");
    table
        .in_force(NaiveDate::from_ymd_opt(2025, 1, 1).expect("a real date"))
        .expect("a row is in force in 2025")
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row_2024() -> ThresholdRow {
        test_row_2024()
    }

    fn nok(kroner: i64) -> Ore {
        Ore::from_nok(kroner).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_configuration_file_loads_with_the_2024_amounts() {
        let text = include_str!("../../../config/thresholds.toml");
        let table: ThresholdTable = toml::from_str(text).unwrap();
        table.validate().unwrap();
        let row = table.in_force(date(2024, 3, 14)).unwrap();
        assert_eq!(row.valid_from, date(2024, 3, 14));
        assert_eq!(row.lower_limit_ore, nok(100_000));
        assert_eq!(row.national_ore, nok(1_300_000));
        assert_eq!(row.eea_goods_services_ore, nok(2_300_000));
        assert_eq!(row.eea_works_ore, nok(57_800_000));
        assert_eq!(row.eea_social_services_ore, nok(7_800_000));
        // The last confirmed FOA amounts (2020), marked (verify).
        assert_eq!(row.small_lot_goods_services_ore, nok(750_000));
        assert_eq!(row.small_lot_works_ore, nok(9_600_000));
        assert!(row.small_lot_source.contains("(verify"));
        assert!(!row.source.is_empty());
        assert_eq!(row.eu_period_start, date(2024, 1, 1));
        assert_eq!(row.eu_period_end, date(2025, 12, 31));
        // No NOK amounts of 2026-2027 are entered: none is invented.
        assert_eq!(table.rows.len(), 1);
        assert!(table.in_force(date(2024, 3, 13)).is_none());
    }

    #[test]
    fn dates_may_be_written_as_toml_dates_or_as_strings() {
        let row = |valid_from: &str| {
            format!(
                "[[threshold]]\nvalid_from = {valid_from}\nlower_limit_ore = 1\nnational_ore = 2\n\
                 eea_goods_services_ore = 3\neea_works_ore = 4\neea_social_services_ore = 5\n\
                 small_lot_goods_services_ore = 1\nsmall_lot_works_ore = 1\nsource = \"test\"\n\
                 eu_period_start = 2026-01-01\neu_period_end = 2027-12-31\nsmall_lot_source = \"test\"\n"
            )
        };
        for text in [row("2026-02-01"), row("\"2026-02-01\"")] {
            let table = ThresholdTable::from_toml(&text).unwrap();
            assert_eq!(table.rows[0].valid_from, date(2026, 2, 1));
        }
        assert_eq!(
            ThresholdTable::from_toml(&row("\"2026-02-30\""))
                .unwrap_err()
                .code,
            ErrorCode::InvalidThresholds
        );
    }

    #[test]
    fn the_latest_row_on_or_before_the_date_is_in_force() {
        let mut later = row_2024();
        later.valid_from = date(2026, 3, 1);
        later.eea_goods_services_ore = nok(2_500_000);
        // Out of order on purpose: the file need not be sorted.
        let table = ThresholdTable {
            rows: vec![later.clone(), row_2024()],
        };
        table.validate().unwrap();
        assert_eq!(table.in_force(date(2026, 2, 28)).unwrap(), &row_2024());
        assert_eq!(table.in_force(date(2026, 3, 1)).unwrap(), &later);
        assert_eq!(table.in_force(date(2030, 1, 1)).unwrap(), &later);
        assert_eq!(table.in_force(date(2020, 1, 1)), None);
    }

    #[test]
    fn a_table_with_nested_regimes_out_of_order_is_refused() {
        let mut bad = row_2024();
        bad.national_ore = nok(3_000_000);
        let table = ThresholdTable { rows: vec![bad] };
        assert_eq!(
            table.validate().unwrap_err().code,
            ErrorCode::InvalidThresholds
        );
        let twice = ThresholdTable {
            rows: vec![row_2024(), row_2024()],
        };
        assert_eq!(
            twice.validate().unwrap_err().code,
            ErrorCode::InvalidThresholds
        );
        assert!(ThresholdTable::default().validate().is_err());
    }

    #[test]
    fn a_value_equal_to_a_threshold_is_in_the_higher_regime() {
        let row = row_2024();
        let goods = ContractType::Goods;
        assert_eq!(regime(Ore::ZERO, goods, &row), Regime::BelowRules);
        assert_eq!(regime(Ore::new(9_999_999), goods, &row), Regime::BelowRules);
        // Exactly NOK 100 000 is within the rules.
        assert_eq!(
            regime(nok(100_000), goods, &row),
            Regime::BelowNationalThreshold
        );
        assert_eq!(
            regime(Ore::new(129_999_999), goods, &row),
            Regime::BelowNationalThreshold
        );
        assert_eq!(regime(nok(1_300_000), goods, &row), Regime::National);
        // NOK 2 299 999,99 is national, NOK 2 300 000 is EEA.
        assert_eq!(regime(Ore::new(229_999_999), goods, &row), Regime::National);
        assert_eq!(regime(nok(2_300_000), goods, &row), Regime::Eea);
        assert_eq!(
            regime(nok(2_300_000), ContractType::Services, &row),
            Regime::Eea
        );
    }

    #[test]
    fn works_stay_national_up_to_their_own_eea_threshold() {
        let row = row_2024();
        let works = ContractType::Works;
        assert_eq!(regime(nok(1_300_000), works, &row), Regime::National);
        assert_eq!(regime(nok(2_300_000), works, &row), Regime::National);
        assert_eq!(
            regime(Ore::new(5_779_999_999), works, &row),
            Regime::National
        );
        assert_eq!(regime(nok(57_800_000), works, &row), Regime::Eea);
    }

    #[test]
    fn special_services_have_no_part_two_and_their_own_eea_threshold() {
        let row = row_2024();
        let special = ContractType::SocialServices;
        assert_eq!(
            regime(Ore::new(9_999_999), special, &row),
            Regime::BelowRules
        );
        // From the lower limit to NOK 7 799 999,99: part I only, no notice.
        for value in [
            nok(100_000),
            nok(1_300_000),
            nok(5_000_000),
            Ore::new(779_999_999),
        ] {
            assert_eq!(regime(value, special, &row), Regime::SpecialBelowEea);
        }
        assert_eq!(parts(Regime::SpecialBelowEea, special), vec![Part::I]);
        assert_eq!(notice(Regime::SpecialBelowEea), Notice::None);
        // NOK 7 800 000: the light regime, part I and IV, TED.
        assert_eq!(regime(nok(7_800_000), special, &row), Regime::Eea);
        assert_eq!(parts(Regime::Eea, special), vec![Part::I, Part::IV]);
        assert_eq!(notice(Regime::Eea), Notice::DoffinAndTed);
    }

    #[test]
    fn each_regime_names_its_parts_and_notice() {
        let goods = ContractType::Goods;
        assert_eq!(parts(Regime::BelowRules, goods), vec![]);
        assert_eq!(notice(Regime::BelowRules), Notice::None);
        assert_eq!(parts(Regime::BelowNationalThreshold, goods), vec![Part::I]);
        assert_eq!(notice(Regime::BelowNationalThreshold), Notice::None);
        assert_eq!(parts(Regime::National, goods), vec![Part::I, Part::II]);
        assert_eq!(notice(Regime::National), Notice::Doffin);
        assert_eq!(parts(Regime::Eea, goods), vec![Part::I, Part::III]);
        assert_eq!(
            parts(Regime::Eea, ContractType::Works),
            vec![Part::I, Part::III]
        );
        assert_eq!(serde_json::to_string(&Part::IV).unwrap(), "\"IV\"");
        assert_eq!(
            serde_json::to_string(&Notice::DoffinAndTed).unwrap(),
            "\"doffin_and_ted\""
        );
    }

    #[test]
    fn a_row_is_stale_after_its_eu_period_and_a_day_before_the_first_row_is_refused() {
        let table = ThresholdTable {
            rows: vec![row_2024()],
        };
        assert!(table.stale_on(date(2025, 12, 31)).is_none());
        assert_eq!(table.stale_on(date(2026, 1, 1)), Some(&row_2024()));
        assert!(row_2024().is_stale_on(date(2026, 11, 29)));
        let refused = table.in_force_or_invalid(date(2024, 3, 13)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::NoThresholdsInForce);
        assert!(refused.message.contains("2024-03-14"), "{refused}");
        let mut backwards = row_2024();
        backwards.eu_period_end = date(2023, 12, 31);
        assert!(ThresholdTable {
            rows: vec![backwards]
        }
        .validate()
        .is_err());
    }

    #[test]
    fn regimes_serialise_as_the_api_names_them() {
        for r in [
            Regime::BelowRules,
            Regime::BelowNationalThreshold,
            Regime::SpecialBelowEea,
            Regime::National,
            Regime::Eea,
        ] {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.code())
            );
        }
    }

    proptest! {
        #[test]
        fn a_higher_value_is_never_in_a_lower_regime(
            a in 0i64..i64::MAX, b in 0i64..i64::MAX, ct in 0usize..4,
        ) {
            let ct = [ContractType::Goods, ContractType::Services, ContractType::Works,
                      ContractType::SocialServices][ct];
            let row = row_2024();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(regime(Ore::new(lo), ct, &row) <= regime(Ore::new(hi), ct, &row));
        }
    }
}
