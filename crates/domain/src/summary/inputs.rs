//! What a summary is computed from: the terms of the contract, its lots and
//! the invited municipalities with their answers and volumes.

use serde::{Deserialize, Serialize};

use super::Quorum;
use crate::contract::ContractType;
use crate::{Cpv, ErrorCode, Invalid, Ore, ParticipantNumber};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    pub contract_type: ContractType,
    /// The procurement's own CPV code; its lots have theirs.
    pub cpv: Cpv,
    pub framework_agreement: bool,
    pub duration_months: i64,
    pub option_months: i64,
    /// No fixed term, or one that cannot be defined: valued at the monthly
    /// value times 48 (Directive Art. 5(14)(b)), whatever `duration_months`
    /// says; `duration_months` then only bounds the follow-up plan.
    pub no_fixed_term: bool,
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
        if self.no_fixed_term && self.option_months != 0 {
            return Err(Invalid::new(
                ErrorCode::InvalidDuration,
                "a contract without a fixed term has no options to extend it: option_months must be 0",
            ));
        }
        if let Some(q) = &self.quorum {
            q.validate()?;
        }
        Ok(())
    }

    /// The months the value is counted over: the term with its options, or
    /// 48 for a contract without a fixed term.
    /// The months the contract is valued over: 48 without a fixed term,
    /// otherwise the duration and the options (neither negative).
    pub fn valued_months(&self) -> Result<i128, Invalid> {
        if self.no_fixed_term {
            Ok(i128::from(NO_FIXED_TERM_MONTHS))
        } else {
            super::volumes::contract_months(self.duration_months, self.option_months)
        }
    }
}

/// Directive Art. 5(14)(b): a contract without a fixed term is valued at its
/// monthly value times 48 (procurement-rules.md §2).
pub const NO_FIXED_TERM_MONTHS: i64 = 48;

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

crate::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Decision {
        /// Invited, the window is open, no answer yet.
        Pending = "pending",
        Join = "join",
        Decline = "decline",
        /// No answer when the window closed.
        NoResponse = "no_response",
    }
    invalid = InvalidDecision, "a decision: use join or decline";
}

crate::code_enum! {
    /// How a municipality gave its decision: by the API or by the link of
    /// its invitation email.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Channel {
        Api = "api",
        Email = "email",
    }
    invalid = InvalidChannel, "a channel: use api or email";
}

/// One invited municipality. `population` is 0 when unknown; volumes count
/// only when the decision is `Join`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantInput {
    pub municipality: ParticipantNumber,
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
