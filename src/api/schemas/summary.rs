//! The shapes of `GET /procurements/{id}/summary` and the quorum of a
//! procurement (`domain::summary`).

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{Notice, Part, ProcurementStatus, Regime};

/// The minimum turnout a coordinator may require before publishing (the SKI
/// practice of procurement-rules.md §6). Either criterion may be left out.
#[derive(Serialize, ToSchema)]
#[schema(as = Quorum)]
pub struct Quorum {
    #[serde(default)]
    #[schema(minimum = 1)]
    pub min_participants: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub min_population_share_percent: Option<i64>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Summary)]
pub struct Summary {
    pub status: ProcurementStatus,
    pub participants: ParticipantCounts,
    pub quorum: QuorumStatus,
    pub lots: Vec<LotSummary>,
    pub total_contract_value_ore: i64,
    pub total_max_contract_value_ore: i64,
    pub regime: RegimeSummary,
    pub small_lots: SmallLots,
    /// How the competition will run (`PUT …/tender-plan`); null until set.
    pub tender_plan: Option<crate::api::notices::TenderPlanView>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ParticipantCounts)]
pub struct ParticipantCounts {
    pub invited: usize,
    pub joined: usize,
    pub declined: usize,
    pub pending: usize,
    pub no_response: usize,
}

#[derive(Serialize, ToSchema)]
#[schema(as = QuorumStatus)]
pub struct QuorumStatus {
    pub min_participants: Option<i64>,
    pub min_population_share_percent: Option<i64>,
    /// Rounded down, so that a share shown as meeting the quorum does. Shown
    /// with or without a quorum; null only when no invited municipality has
    /// a known population.
    pub joined_population_share_percent: Option<i64>,
    pub met: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = LotSummary)]
pub struct LotSummary {
    pub lot_id: String,
    pub title: String,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    pub unit: String,
    pub unit_price_ore: i64,
    /// Joined municipalities with a non-zero volume on this lot.
    pub participants: usize,
    pub annual_quantity: i64,
    pub max_annual_quantity: i64,
    pub annual_value_ore: i64,
    pub contract_value_ore: i64,
    pub max_contract_value_ore: i64,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Basis)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The estimated total, for an ordinary contract without declared maxima.
    Estimate,
    /// The maximum total, for a framework agreement, or for an ordinary
    /// contract whose declared maxima exceed the estimate (options count).
    Maximum,
}

#[derive(Serialize, ToSchema)]
#[schema(as = RegimeSummary)]
pub struct RegimeSummary {
    pub basis: Basis,
    pub value_ore: i64,
    pub thresholds_valid_from: NaiveDate,
    pub regime: Regime,
    pub national_threshold_ore: i64,
    pub eea_threshold_ore: i64,
    /// The FOA parts that apply, e.g. `["I", "II"]`; empty below the lower
    /// limit of LOA § 2.
    pub parts: Vec<Part>,
    pub notice: Notice,
    /// Health, social and other special services (FOA vedlegg 2 and 3):
    /// declared so, or recognised from the CPV codes when that part is worth
    /// more than the rest (Directive Art. 3(4)).
    pub special_services: bool,
    /// The codes of the procurement and its lots found in the list of special
    /// services, with the rows that list them.
    pub special_services_cpv: Vec<SpecialServiceMatch>,
    /// The date of the question is past the EU period of the amounts used.
    pub thresholds_stale: bool,
    pub warnings: Vec<Warning>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = SpecialServiceMatch)]
pub struct SpecialServiceMatch {
    /// The lot with the code; none for the procurement's own CPV.
    pub lot_id: Option<String>,
    #[schema(example = "55524000-9")]
    pub cpv: String,
    /// The row of the list, as the regulation prints it ("55524000-9", or
    /// "55100000-1 to 55410000-7" for an interval).
    pub listed_as: String,
    pub description_nb: String,
    pub foa_vedlegg: u8,
}

/// Something the reader of the answer must know: a stable code and a
/// sentence in Norwegian.
#[derive(Serialize, ToSchema)]
#[schema(as = Warning)]
pub struct Warning {
    #[schema(example = "thresholds_stale")]
    pub code: String,
    pub message: String,
}

/// The small-lots exemption (Directive Art. 5(10), FOA § 5-4).
#[derive(Serialize, ToSchema)]
#[schema(as = SmallLots)]
pub struct SmallLots {
    pub limit_ore: i64,
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
    pub eligible_value_ore: i64,
    /// The eligible lots together are at most 20 % of all lots' value.
    pub within_20_percent: bool,
    /// Each eligible lot with the rules it follows once exempted.
    pub eligible_lots: Vec<SmallLot>,
}

/// An eligible lot and the regime of its own value.
#[derive(Serialize, ToSchema)]
#[schema(as = SmallLot)]
pub struct SmallLot {
    pub lot_id: String,
    pub value_ore: i64,
    pub regime: Regime,
    pub parts: Vec<Part>,
    pub notice: Notice,
}
