//! The value that decides the regime: the estimate of an ordinary contract,
//! the maximum of a framework agreement (procurement-rules.md §2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Terms;
use crate::thresholds::{eea_threshold, regime, Regime, ThresholdRow};
use crate::Ore;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The estimated total, for an ordinary contract.
    Estimate,
    /// The maximum total, for a framework agreement.
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
}

pub(super) fn regime_summary(
    terms: &Terms,
    total: Ore,
    total_max: Ore,
    thresholds: &ThresholdRow,
) -> RegimeSummary {
    // A framework agreement is spent when its maximum is reached, so the
    // maximum is what it may be worth (procurement-rules.md §2).
    let (basis, value) = if terms.framework_agreement {
        (Basis::Maximum, total_max)
    } else {
        (Basis::Estimate, total)
    };
    RegimeSummary {
        basis,
        value_ore: value,
        thresholds_valid_from: thresholds.valid_from,
        regime: regime(value, terms.contract_type, thresholds),
        national_threshold_ore: thresholds.national_ore,
        eea_threshold_ore: eea_threshold(thresholds, terms.contract_type),
    }
}
