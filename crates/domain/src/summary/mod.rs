//! The combined volumes of a joint procurement, the value that decides its
//! regime, and whether the quorum is met (api.md "Summary";
//! procurement-rules.md §2 and §6).
//!
//! Every joining municipality's volume counts, and the regime is decided by
//! the sum over all lots: splitting a contract into lots or participants
//! never moves it into a lower regime.
//!
//! `summarize` puts together the parts, one module each: the inputs, the
//! volumes and values per lot, the regime, the small-lots exemption and the
//! quorum; `share_value` is one municipality's share.

mod inputs;
mod quorum;
mod regime;
mod share;
mod small_lots;
mod volumes;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use inputs::{
    Channel, Decision, LotInput, ParticipantInput, Terms, VolumeInput, MAX_CONTRACT_MONTHS,
    NO_FIXED_TERM_MONTHS, TERMS_ERRORS,
};
pub use quorum::{ParticipantCounts, Quorum, QuorumStatus};
pub use regime::{stale_warning, Basis, RegimeSummary, SpecialServiceMatch, Warning};
pub use share::share_value;
pub use small_lots::{SmallLot, SmallLots};
pub use volumes::LotSummary;

use crate::contract::ProcurementStatus;
use crate::thresholds::ThresholdRow;
use crate::{Invalid, Lang, Ore};
use quorum::Turnout;
use volumes::{check_price, Volumes};

// ---- output: the JSON of api.md "Summary", field for field ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub status: ProcurementStatus,
    pub participants: ParticipantCounts,
    pub quorum: QuorumStatus,
    pub lots: Vec<LotSummary>,
    pub total_contract_value_ore: Ore,
    pub total_max_contract_value_ore: Ore,
    pub regime: RegimeSummary,
    pub small_lots: SmallLots,
}

/// The regime's warnings are in `lang`; nothing else depends on it.
pub fn summarize(
    status: ProcurementStatus,
    terms: &Terms,
    lots: &[LotInput],
    participants: &[ParticipantInput],
    thresholds: &ThresholdRow,
    on: NaiveDate,
    lang: Lang,
) -> Result<Summary, Invalid> {
    let months = terms.valued_months()?;
    for lot in lots {
        check_price(lot)?;
    }
    let mut turnout = Turnout::new(participants.len());
    let mut volumes = Volumes::new(lots);
    for p in participants {
        turnout.count(p)?;
        // A declined municipality may still have lines from an earlier join;
        // they no longer count.
        if p.decision == Decision::Join {
            volumes.add(p)?;
        }
    }
    let values = volumes.values(months)?;
    let regime = regime::regime_summary(
        terms,
        &regime::RegimeInputs {
            lots: &values.lots,
            total: values.total,
            total_max: values.total_max,
            thresholds,
            on,
            lang,
        },
    );
    let small_lots = small_lots::small_lots(&values.lots, &regime, terms, thresholds)?;
    let quorum = turnout.status(terms.quorum)?;
    Ok(Summary {
        status,
        participants: turnout.counts,
        quorum,
        lots: values.lots,
        total_contract_value_ore: values.total,
        total_max_contract_value_ore: values.total_max,
        regime,
        small_lots,
    })
}

#[cfg(test)]
mod tests;
