//! The OpenAPI shapes of the domain types the API serves.
//!
//! The domain crate knows nothing of OpenAPI, so each domain type that appears
//! in the document has a mirror here: the same fields, serde attributes and
//! doc comments, under the same schema name (`#[schema(as = ...)]`). Handlers
//! still serialise the domain values; the mirrors are for the document only
//! and are never built. The tests below check every mirror against what the
//! domain values serialise to, so a field added to a domain type without its
//! mirror fails them.
//!
//! Mirrors derive `Serialize` only so that their `#[serde(...)]` attributes,
//! which utoipa reads, are accepted.

pub mod analysis;
pub mod clauses;
pub mod common;
pub mod follow_up;
pub mod request;
pub mod summary;

pub use analysis::{
    Analysis, Finding, FindingCode, LotAnalysis, Severity, SubLotFigures, Suggestion,
    SuggestionKind,
};
pub use clauses::{
    Amount, Check, CheckStatus, CheckpointSpec, Clause, ClimateFigures, ClimateRule, Comparison,
    Figures, FollowUpRules, MandatoryWhen, ThresholdRef,
};
pub use common::{ContractType, Notice, Part, ProcurementStatus, Regime};
pub use follow_up::{CheckpointResult, CheckpointState, Totals};
pub use request::*;
pub use summary::{
    Basis, LotSummary, ParticipantCounts, Quorum, QuorumStatus, RegimeSummary, SmallLot, SmallLots,
    SpecialServiceMatch, Summary, Warning,
};

#[cfg(test)]
mod tests;
