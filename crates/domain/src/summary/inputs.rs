//! What a summary is computed from: the terms of the contract, its lots and
//! the invited municipalities with their answers and volumes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Quorum;
use crate::contract::ContractType;
use crate::{Cpv, ErrorCode, Invalid, Kommunenummer, Ore};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub contract_type: ContractType,
    pub framework_agreement: bool,
    pub duration_months: i64,
    pub option_months: i64,
    pub quorum: Option<Quorum>,
}

/// What `Terms::validate` refuses with.
pub const TERMS_ERRORS: &[ErrorCode] = &[ErrorCode::InvalidDuration, ErrorCode::InvalidQuorum];

impl Terms {
    /// For creating and editing a procurement. The four-year limit on
    /// framework agreements (FOA § 26-1) may be justified, so it is not
    /// enforced here.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.duration_months < 1 {
            return Err(Invalid::new(
                ErrorCode::InvalidDuration,
                format!(
                    "duration_months must be at least 1, not {}",
                    self.duration_months
                ),
            ));
        }
        if self.option_months < 0 {
            return Err(Invalid::new(
                ErrorCode::InvalidDuration,
                format!(
                    "option_months must not be negative, not {}",
                    self.option_months
                ),
            ));
        }
        // Checked before adding, so that huge values cannot overflow the sum.
        if self.duration_months > MAX_CONTRACT_MONTHS
            || self.option_months > MAX_CONTRACT_MONTHS - self.duration_months
        {
            return Err(Invalid::new(
                ErrorCode::InvalidDuration,
                format!(
                    "the contract period with options must be at most {MAX_CONTRACT_MONTHS} months ({} years)",
                    MAX_CONTRACT_MONTHS / 12
                ),
            ));
        }
        if let Some(q) = &self.quorum {
            q.validate()?;
        }
        Ok(())
    }
}

/// Longer than any public contract the rules foresee (framework agreements
/// are at most 4 years as a rule, FOA § 26-1; concessions and building
/// leases run longer), short enough to catch a mistyped number.
pub const MAX_CONTRACT_MONTHS: i64 = 600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotInput {
    pub id: String,
    pub title: String,
    pub cpv: Cpv,
    pub unit: String,
    pub unit_price: Ore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Invited, the window is open, no answer yet.
    Pending,
    Join,
    Decline,
    /// No answer when the window closed.
    NoResponse,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pending => "pending",
            Decision::Join => "join",
            Decision::Decline => "decline",
            Decision::NoResponse => "no_response",
        }
    }
}

impl FromStr for Decision {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Decision::Pending),
            "join" => Ok(Decision::Join),
            "decline" => Ok(Decision::Decline),
            "no_response" => Ok(Decision::NoResponse),
            other => Err(Invalid::new(
                ErrorCode::InvalidDecision,
                format!("'{other}' is not a decision: use join or decline"),
            )),
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invited municipality. `population` is 0 when unknown; volumes count
/// only when the decision is `Join`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantInput {
    pub municipality: Kommunenummer,
    pub population: i64,
    pub decision: Decision,
    pub volumes: Vec<VolumeInput>,
}

/// A municipality's declared need on one lot, per year, in the lot's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeInput {
    pub lot_id: String,
    pub annual_quantity: i64,
    #[serde(default)]
    pub max_annual_quantity: Option<i64>,
}

impl VolumeInput {
    /// A missing maximum, or one below the estimate, means the estimate: the
    /// agreement must hold at least what the municipality expects to buy.
    pub fn effective_max(&self) -> i64 {
        self.max_annual_quantity
            .map_or(self.annual_quantity, |m| m.max(self.annual_quantity))
    }

    /// A line of zeros buys nothing: it neither makes the municipality a
    /// participant in the lot nor brings the lot under its mandate.
    pub fn is_zero(&self) -> bool {
        self.annual_quantity == 0 && self.effective_max() == 0
    }
}
