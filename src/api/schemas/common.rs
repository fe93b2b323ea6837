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
    /// Health, social and other special services within the rules but below
    /// their EEA threshold: part I only, no notice duty.
    SpecialBelowEea,
    /// FOA part II, Doffin notice.
    National,
    /// At or above the EEA threshold: FOA part III, or part IV (the light
    /// regime) for special services; TED and Doffin notice.
    Eea,
}

/// A part of anskaffelsesforskriften: I general, II national procedures,
/// III EEA procedures, IV special services at or above the EEA threshold.
#[derive(Serialize, ToSchema)]
#[schema(as = Part)]
pub enum Part {
    I,
    II,
    III,
    IV,
}

/// The notice duty: none, Doffin (part II), or Doffin and TED (EEA).
#[derive(Serialize, ToSchema)]
#[schema(as = Notice)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    None,
    Doffin,
    DoffinAndTed,
}
