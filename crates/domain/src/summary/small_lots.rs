//! The small-lots exemption: the lots below the limit, and whether together
//! they are at most 20 % of the value.

use serde::{Deserialize, Serialize};

use super::{Basis, LotSummary, RegimeSummary};
use crate::contract::ContractType;
use crate::thresholds::{small_lot_limit, ThresholdRow};
use crate::{Invalid, Ore};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmallLots {
    pub limit_ore: Ore,
    /// Lots whose value (on the regime's basis) is above zero and below the
    /// limit. A lot worth nothing (nobody joined it) is left out: it has
    /// nothing to tender and adds nothing to the 20 % anyway.
    pub eligible_lot_ids: Vec<String>,
    pub eligible_value_ore: Ore,
    /// The eligible lots together are at most 20 % of all lots' value.
    pub within_20_percent: bool,
}

pub(super) fn small_lots(
    lots: &[LotSummary],
    regime: &RegimeSummary,
    contract_type: ContractType,
    thresholds: &ThresholdRow,
) -> Result<SmallLots, Invalid> {
    let value_on_basis = |l: &LotSummary| match regime.basis {
        Basis::Maximum => l.max_contract_value_ore,
        Basis::Estimate => l.contract_value_ore,
    };
    let limit = small_lot_limit(thresholds, contract_type);
    let mut eligible_lot_ids = Vec::new();
    let mut eligible_value = Ore::ZERO;
    for l in lots {
        let value = value_on_basis(l);
        if value > Ore::ZERO && value < limit {
            eligible_lot_ids.push(l.lot_id.clone());
            eligible_value = eligible_value.checked_add(value)?;
        }
    }
    let within_20_percent =
        i128::from(eligible_value.get()) * 100 <= 20 * i128::from(regime.value_ore.get());
    Ok(SmallLots {
        limit_ore: limit,
        eligible_lot_ids,
        eligible_value_ore: eligible_value,
        within_20_percent,
    })
}
