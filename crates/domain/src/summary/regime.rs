//! The value that decides the regime and what the regime means for the
//! procurement: the FOA parts, the notice duty, whether it is a special
//! service, and whether the amounts may be out of date
//! (procurement-rules.md §1-2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{LotSummary, Terms};
use crate::contract::ContractType;
use crate::special_services;
use crate::thresholds::{eea_threshold, notice, parts, regime, Notice, Part, Regime, ThresholdRow};
use crate::{Cpv, Lang, Ore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The estimated total, for an ordinary contract without declared maxima.
    Estimate,
    /// The maximum total, for a framework agreement, or for an ordinary
    /// contract whose declared maxima exceed the estimate (options count).
    Maximum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeSummary {
    pub basis: Basis,
    pub value_ore: Ore,
    pub thresholds_valid_from: NaiveDate,
    pub regime: Regime,
    pub national_threshold_ore: Ore,
    pub eea_threshold_ore: Ore,
    /// The FOA parts that apply, e.g. `["I", "II"]`; empty below the lower
    /// limit of LOA § 2.
    pub parts: Vec<Part>,
    pub notice: Notice,
    /// Health, social and other special services (FOA vedlegg 2 and 3):
    /// declared so, or recognised from the CPV codes when that part is worth
    /// more than the rest (Directive Art. 3(4)).
    pub special_services: bool,
    /// The codes of the procurement and its lots found in the list of special
    /// services, with the rows that list them.
    pub special_services_cpv: Vec<SpecialServiceMatch>,
    /// The date of the question is past the EU period of the amounts used.
    pub thresholds_stale: bool,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialServiceMatch {
    /// The lot with the code; none for the procurement's own CPV.
    pub lot_id: Option<String>,
    pub cpv: Cpv,
    /// The row of the list, as the regulation prints it ("55524000-9", or
    /// "55100000-1 to 55410000-7" for an interval).
    pub listed_as: String,
    pub description_nb: String,
    pub foa_vedlegg: u8,
}

/// Something the reader of the answer must know: a stable code and a
/// sentence in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

impl Warning {
    pub fn new(code: &str, message: impl Into<String>) -> Warning {
        Warning {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// What the regime is computed from besides the terms.
pub(super) struct RegimeInputs<'a> {
    pub lots: &'a [LotSummary],
    pub total: Ore,
    pub total_max: Ore,
    pub thresholds: &'a ThresholdRow,
    pub on: NaiveDate,
    pub lang: Lang,
}

/// The value on `basis` of one lot.
pub(super) fn on_basis(basis: Basis, lot: &LotSummary) -> Ore {
    match basis {
        Basis::Maximum => lot.max_contract_value_ore,
        Basis::Estimate => lot.contract_value_ore,
    }
}

pub(super) fn regime_summary(terms: &Terms, i: &RegimeInputs<'_>) -> RegimeSummary {
    // A framework agreement is spent when its maximum is reached, so the
    // maximum is what it may be worth; declared maxima of an ordinary
    // contract are options, and options count (FOA § 5-4,
    // procurement-rules.md §2).
    let (basis, value) = if terms.framework_agreement || i.total_max > i.total {
        (Basis::Maximum, i.total_max)
    } else {
        (Basis::Estimate, i.total)
    };
    let mut warnings = Vec::new();
    let special = special_part(terms, i.lots, basis, i.lang, &mut warnings);
    let contract_type = if special.applies {
        ContractType::SocialServices
    } else {
        terms.contract_type
    };
    let row = i.thresholds;
    let regime = regime(value, contract_type, row);
    let thresholds_stale = row.is_stale_on(i.on);
    if thresholds_stale {
        warnings.push(stale_warning(row, i.on, i.lang));
    }
    RegimeSummary {
        basis,
        value_ore: value,
        thresholds_valid_from: row.valid_from,
        regime,
        national_threshold_ore: row.national_ore,
        eea_threshold_ore: eea_threshold(row, contract_type),
        parts: parts(regime, contract_type),
        notice: notice(regime),
        special_services: special.applies,
        special_services_cpv: special.matches,
        thresholds_stale,
        warnings,
    }
}

/// The warning for a date past the EU period of the row in force.
pub fn stale_warning(row: &ThresholdRow, on: NaiveDate, lang: Lang) -> Warning {
    let (from, start, end, on) = (
        lang.date(row.valid_from),
        lang.date(row.eu_period_start),
        lang.date(row.eu_period_end),
        lang.date(on),
    );
    Warning::new(
        "thresholds_stale",
        match lang {
            Lang::Nb => format!(
                "Terskelverdiene som er brukt, gjelder fra {from} og gjennomfører EUs beløp for \
                 perioden {start}–{end}. Datoen {on} er etter denne perioden, så nyere \
                 terskelverdier kan gjelde. Når de nye beløpene i kroner er kunngjort, legg dem \
                 inn som en ny rad i config/thresholds.toml."
            ),
            Lang::En => format!(
                "The thresholds used apply from {from} and implement the EU amounts for the \
                 period {start} to {end}. The date {on} is after that period, so newer \
                 thresholds may apply. Once the new amounts in kroner are announced, add them \
                 as a new row in config/thresholds.toml."
            ),
        },
    )
}

struct SpecialPart {
    applies: bool,
    matches: Vec<SpecialServiceMatch>,
}

/// Whether the procurement is one of special services. Declared so by its
/// contract type, it is; otherwise its lots' CPV codes decide: a mixed
/// procurement follows the part with the larger value (Directive Art. 3(4)),
/// an even split the ordinary rules, which demand more. With no value yet,
/// the procurement's own CPV decides. Works stay works: Art. 3(4) weighs
/// services against services and supplies.
fn special_part(
    terms: &Terms,
    lots: &[LotSummary],
    basis: Basis,
    lang: Lang,
    warnings: &mut Vec<Warning>,
) -> SpecialPart {
    let mut matches: Vec<SpecialServiceMatch> = special_services::matching(&terms.cpv)
        .into_iter()
        .map(|row| found(None, &terms.cpv, row))
        .collect();
    let (mut special_value, mut other_value) = (0i128, 0i128);
    for lot in lots {
        let rows = special_services::matching(&lot.cpv);
        let value = i128::from(on_basis(basis, lot).get());
        if rows.is_empty() {
            other_value += value;
        } else {
            special_value += value;
        }
        matches.extend(
            rows.into_iter()
                .map(|row| found(Some(&lot.lot_id), &lot.cpv, row)),
        );
    }
    let applies = match terms.contract_type {
        ContractType::SocialServices => true,
        ContractType::Works => false,
        ContractType::Goods | ContractType::Services => {
            if special_value + other_value == 0 {
                special_services::is_special(&terms.cpv)
            } else {
                special_value > other_value
            }
        }
    };
    if applies && terms.contract_type != ContractType::SocialServices {
        warnings.push(Warning::new(
            "special_services_by_cpv",
            lang.pick(
                "CPV-koden viser at dette er helse- og sosialtjenester eller andre særlige tjenester \
                 (anskaffelsesforskriften vedlegg 2 og 3): terskelverdien for særlige tjenester gjelder. \
                 Under den gjelder bare del I og det er ingen kunngjøringsplikt; over den gjelder del I og IV.",
                "The CPV code shows that these are health, social or other special services \
                 (FOA annexes 2 and 3): the threshold for special services applies. Below it \
                 only part I applies and no notice is required; above it parts I and IV apply.",
            ),
        ));
    }
    if special_value > 0 && other_value > 0 {
        let message = match (lang, applies) {
            (Lang::Nb, true) => {
                "Anskaffelsen blander særlige tjenester og andre ytelser. Verdien av de særlige \
                 tjenestene er størst, så hele anskaffelsen følger reglene for særlige tjenester \
                 (direktivet art. 3 nr. 4)."
            }
            (Lang::Nb, false) => {
                "Anskaffelsen blander særlige tjenester og andre ytelser. Verdien av de øvrige \
                 ytelsene er størst, så hele anskaffelsen følger de alminnelige reglene \
                 (direktivet art. 3 nr. 4)."
            }
            (Lang::En, true) => {
                "The procurement mixes special services with other services or supplies. The \
                 special services are worth more, so the whole procurement follows the rules \
                 for special services (Directive Art. 3(4))."
            }
            (Lang::En, false) => {
                "The procurement mixes special services with other services or supplies. The \
                 other services and supplies are worth more, so the whole procurement follows \
                 the ordinary rules (Directive Art. 3(4))."
            }
        };
        warnings.push(Warning::new("mixed_special_services", message));
    }
    SpecialPart { applies, matches }
}

fn found(
    lot_id: Option<&str>,
    cpv: &Cpv,
    row: &special_services::SpecialServiceRow,
) -> SpecialServiceMatch {
    SpecialServiceMatch {
        lot_id: lot_id.map(String::from),
        cpv: cpv.clone(),
        listed_as: row.cpv.clone(),
        description_nb: row.description_nb.clone(),
        foa_vedlegg: row.foa_vedlegg,
    }
}
