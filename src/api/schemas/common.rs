//! The enums several topics share: contract type, procurement status, regime.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[schema(as = ContractType)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    Goods,
    Services,
    Works,
    /// Health, social and other special services (Directive Annex XIV),
    /// which have their own, higher EEA threshold.
    SocialServices,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ProcurementStatus)]
#[serde(rename_all = "snake_case")]
pub enum ProcurementStatus {
    Draft,
    /// The participation window: municipalities join or decline.
    Open,
    /// The window is over and the volumes are known; lots may still be split.
    Closed,
    /// The notice is out and the participant list is frozen (KOFA 2019/389).
    Published,
    Awarded,
    Cancelled,
}

/// Ordered from the least to the most regulated, so that `<` reads as
/// "a lower regime".
#[derive(Serialize, ToSchema)]
#[schema(as = Regime)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// Below the lower limit of LOA § 2: the procurement rules do not apply.
    BelowRules,
    /// Within the rules but below FOA part II: part I only.
    BelowNationalThreshold,
    /// FOA part II, Doffin notice.
    National,
    /// FOA part III, TED notice.
    Eea,
}
