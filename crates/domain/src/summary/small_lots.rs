//! The small-lots exemption (Directive Art. 5(10), FOA § 5-4): where the
//! total is at or above the EEA threshold, lots each below a limit may be
//! taken out of the EEA rules as long as together they are at most 20 % of
//! the value of all lots; each such lot then follows the rules its own
//! value calls for (procurement-rules.md §2).

use serde::{Deserialize, Serialize};

use super::regime::on_basis;
use super::{LotSummary, RegimeSummary, Terms};
use crate::contract::ContractType;
use crate::special_services;
use crate::thresholds::{
    notice, parts, regime, small_lot_limit, Notice, Part, Regime, ThresholdRow,
};
use crate::{Invalid, Ore};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmallLots {
    pub limit_ore: Ore,
    /// Where the limit comes from, with `(verify)` while unconfirmed.
    pub limit_source: String,
    /// The exemption exists: the total is at or above the EEA threshold
    /// that applies. Below it there is nothing to be exempted from, and no
    /// lot is eligible.
    pub applies: bool,
    /// Lots whose value (on the regime's basis) is above zero and below the
    /// limit, when the exemption applies. A lot worth nothing (nobody joined
    /// it) is left out: it has nothing to tender and adds nothing to the
    /// 20 % anyway.
    pub eligible_lot_ids: Vec<String>,
    pub eligible_value_ore: Ore,
    /// The eligible lots together are at most 20 % of all lots' value.
    pub within_20_percent: bool,
    /// Each eligible lot with the rules it follows once exempted.
    pub eligible_lots: Vec<SmallLot>,
}

/// An eligible lot and the regime of its own value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmallLot {
    pub lot_id: String,
    pub value_ore: Ore,
    pub regime: Regime,
    pub parts: Vec<Part>,
    pub notice: Notice,
}

pub(super) fn small_lots(
    lots: &[LotSummary],
    regime_summary: &RegimeSummary,
    terms: &Terms,
    thresholds: &ThresholdRow,
) -> Result<SmallLots, Invalid> {
    let limit = small_lot_limit(thresholds, terms.contract_type);
    let applies = regime_summary.regime == Regime::Eea;
    let mut eligible_lots = Vec::new();
    let mut eligible_value = Ore::ZERO;
    if applies {
        for l in lots {
            let value = on_basis(regime_summary.basis, l);
            if value > Ore::ZERO && value < limit {
                let own_type = lot_type(terms.contract_type, l);
                let own = regime(value, own_type, thresholds);
                eligible_lots.push(SmallLot {
                    lot_id: l.lot_id.clone(),
                    value_ore: value,
                    regime: own,
                    parts: parts(own, own_type),
                    notice: notice(own),
                });
                eligible_value = eligible_value.checked_add(value)?;
            }
        }
    }
    let within_20_percent =
        i128::from(eligible_value.get()) * 100 <= 20 * i128::from(regime_summary.value_ore.get());
    Ok(SmallLots {
        limit_ore: limit,
        limit_source: thresholds.small_lot_source.clone(),
        applies,
        eligible_lot_ids: eligible_lots.iter().map(|l| l.lot_id.clone()).collect(),
        eligible_value_ore: eligible_value,
        within_20_percent,
        eligible_lots,
    })
}

/// A lot on its own is what its CPV makes it: a works lot of a works
/// contract, a special service when its code is listed, else the
/// procurement's type.
fn lot_type(declared: ContractType, lot: &LotSummary) -> ContractType {
    match declared {
        ContractType::Works | ContractType::SocialServices => declared,
        ContractType::Goods | ContractType::Services => {
            if special_services::is_special(&lot.cpv) {
                ContractType::SocialServices
            } else {
                declared
            }
        }
    }
}
