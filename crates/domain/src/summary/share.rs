//! One municipality's share of a procurement.

use super::volumes::{check_price, check_quantities};
use super::{LotInput, Terms, VolumeInput};
use crate::money::{div_round_half_up, overflow};
use crate::{ErrorCode, Invalid, Ore};

/// One municipality's share (api.md): the sum over its lots of
/// `max(annual, maximum) * unit price * months / 12`, over the months the
/// contract is valued (`Terms::valued_months`), summed exactly and rounded
/// once, so the share does not depend on how its need is spread over lots.
/// This is what its mandate's ceiling is compared with.
pub fn share_value(
    lots: &[LotInput],
    volumes: &[VolumeInput],
    terms: &Terms,
) -> Result<Ore, Invalid> {
    let months = terms.valued_months()?;
    let mut sum: i128 = 0;
    for v in volumes {
        let lot = lots.iter().find(|l| l.id == v.lot_id).ok_or_else(|| {
            Invalid::new(
                ErrorCode::LotNotFound,
                format!("there is no lot '{}' in this procurement", v.lot_id),
            )
        })?;
        check_price(lot)?;
        check_quantities(v, lot)?;
        let part = i128::from(v.effective_max())
            .checked_mul(i128::from(lot.unit_price.get()))
            .and_then(|x| x.checked_mul(months))
            .ok_or_else(overflow)?;
        sum = sum.checked_add(part).ok_or_else(overflow)?;
    }
    Ore::from_i128(div_round_half_up(sum, 12))
}
