//! The combined volumes per lot and what they are worth over the contract
//! period, options included, with the checks and exact arithmetic the values
//! rest on.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{LotInput, ParticipantInput, VolumeInput};
use crate::money::{div_round_half_up, overflow};
use crate::{Cpv, ErrorCode, Invalid, Ore, ParticipantNumber};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotSummary {
    pub lot_id: String,
    pub title: String,
    pub cpv: Cpv,
    pub unit: String,
    pub unit_price_ore: Ore,
    /// Joined municipalities with a non-zero volume on this lot.
    pub participants: usize,
    pub annual_quantity: i64,
    pub max_annual_quantity: i64,
    pub annual_value_ore: Ore,
    pub contract_value_ore: Ore,
    pub max_contract_value_ore: Ore,
}

/// The joined municipalities' lines, summed per lot.
pub(super) struct Volumes<'a> {
    lots: &'a [LotInput],
    index: HashMap<&'a str, usize>,
    annual: Vec<i128>,
    maximum: Vec<i128>,
    on_lot: Vec<BTreeSet<&'a ParticipantNumber>>,
}

/// The lots' figures and their totals over the contract period.
pub(super) struct LotValues {
    pub lots: Vec<LotSummary>,
    pub total: Ore,
    pub total_max: Ore,
}

impl<'a> Volumes<'a> {
    pub fn new(lots: &'a [LotInput]) -> Volumes<'a> {
        Volumes {
            lots,
            index: lots
                .iter()
                .enumerate()
                .map(|(i, lot)| (lot.id.as_str(), i))
                .collect(),
            annual: vec![0; lots.len()],
            maximum: vec![0; lots.len()],
            on_lot: vec![BTreeSet::new(); lots.len()],
        }
    }

    /// The lines of a municipality that joined.
    pub fn add(&mut self, p: &'a ParticipantInput) -> Result<(), Invalid> {
        for v in &p.volumes {
            // Lines for lots not passed in are not part of this summary.
            let Some(&i) = self.index.get(v.lot_id.as_str()) else {
                continue;
            };
            check_quantities(v, &self.lots[i])?;
            self.annual[i] += i128::from(v.annual_quantity);
            self.maximum[i] += i128::from(v.effective_max());
            if !v.is_zero() {
                self.on_lot[i].insert(&p.municipality);
            }
        }
        Ok(())
    }

    pub fn values(self, months: i128) -> Result<LotValues, Invalid> {
        let mut lots = Vec::with_capacity(self.lots.len());
        let mut total = Ore::ZERO;
        let mut total_max = Ore::ZERO;
        for (i, lot) in self.lots.iter().enumerate() {
            let (annual, maximum) = (self.annual[i], self.maximum[i]);
            let contract_value = value_over_months(annual, lot.unit_price, months)?;
            let max_contract_value = value_over_months(maximum, lot.unit_price, months)?;
            total = total.checked_add(contract_value)?;
            total_max = total_max.checked_add(max_contract_value)?;
            lots.push(LotSummary {
                lot_id: lot.id.clone(),
                title: lot.title.clone(),
                cpv: lot.cpv.clone(),
                unit: lot.unit.clone(),
                unit_price_ore: lot.unit_price,
                participants: self.on_lot[i].len(),
                annual_quantity: narrow(annual)?,
                max_annual_quantity: narrow(maximum)?,
                annual_value_ore: annual
                    .checked_mul(i128::from(lot.unit_price.get()))
                    .ok_or_else(overflow)
                    .and_then(Ore::from_i128)?,
                contract_value_ore: contract_value,
                max_contract_value_ore: max_contract_value,
            });
        }
        Ok(LotValues {
            lots,
            total,
            total_max,
        })
    }
}

pub(super) fn contract_months(duration_months: i64, option_months: i64) -> Result<i128, Invalid> {
    if duration_months < 0 || option_months < 0 {
        return Err(Invalid::new(
            ErrorCode::InvalidDuration,
            format!(
                "the duration ({duration_months} months) and options ({option_months} months) must not be negative"
            ),
        ));
    }
    Ok(i128::from(duration_months) + i128::from(option_months))
}

pub(super) fn check_price(lot: &LotInput) -> Result<(), Invalid> {
    if lot.unit_price.get() < 0 {
        return Err(Invalid::new(
            ErrorCode::InvalidAmount,
            format!("the unit price of lot '{}' must not be negative", lot.title),
        ));
    }
    Ok(())
}

pub(super) fn check_quantities(volume: &VolumeInput, lot: &LotInput) -> Result<(), Invalid> {
    if volume.annual_quantity < 0 || volume.max_annual_quantity.is_some_and(|m| m < 0) {
        return Err(Invalid::new(
            ErrorCode::InvalidQuantity,
            format!("quantities for lot '{}' must not be negative", lot.title),
        ));
    }
    Ok(())
}

/// `quantity * price * months / 12` as one exact product, so that rounding
/// happens once and a yearly figure times the months never drifts.
fn value_over_months(quantity: i128, price: Ore, months: i128) -> Result<Ore, Invalid> {
    let exact = quantity
        .checked_mul(i128::from(price.get()))
        .and_then(|v| v.checked_mul(months))
        .ok_or_else(overflow)?;
    Ore::from_i128(div_round_half_up(exact, 12))
}

pub(super) fn narrow(quantity: i128) -> Result<i64, Invalid> {
    i64::try_from(quantity).map_err(|_| overflow())
}
