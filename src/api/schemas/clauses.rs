//! The shapes of the clause library and the compliance report
//! (`domain::clauses`).

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::common::ContractType;

/// A row of the threshold table, named, so that a rule follows the amounts
/// in force instead of copying them.
#[derive(Serialize, ToSchema)]
#[schema(as = ThresholdRef)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdRef {
    LowerLimit,
    National,
    EeaGoodsServices,
    EeaWorks,
    EeaSocialServices,
    /// The EEA threshold of the procurement's own contract type.
    EeaOfContractType,
}

/// An amount of a rule: fixed in the library, or a threshold of the table.
#[derive(Serialize, ToSchema)]
#[schema(as = Amount)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Amount {
    /// In øre.
    Ore(i64),
    Threshold(ThresholdRef),
}

/// When a clause is mandatory. Every condition given must hold; one left
/// out does not restrict.
#[derive(Serialize, ToSchema)]
#[schema(as = MandatoryWhen)]
#[serde(deny_unknown_fields)]
pub struct MandatoryWhen {
    /// Empty: every contract type.
    #[serde(default)]
    pub contract_types: Vec<ContractType>,
    /// Empty: every CPV. The main CPV or any lot's CPV under one matches.
    #[serde(default)]
    #[schema(example = json!(["45", "909"]))]
    pub cpv_prefixes: Vec<String>,
    /// The regime value at or above this amount.
    #[serde(default)]
    pub value_at_least: Option<Amount>,
    /// The regime value strictly above this amount ("over NOK 500 000").
    #[serde(default)]
    pub value_above: Option<Amount>,
    /// The contract period, options included, ends after start + this.
    #[serde(default)]
    pub longer_than_months: Option<u32>,
    #[serde(default)]
    pub longer_than_days: Option<u32>,
}

/// Something the follow-up plan checks after the award.
#[derive(Serialize, ToSchema)]
#[schema(as = CheckpointSpec)]
#[serde(deny_unknown_fields)]
pub struct CheckpointSpec {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// First due this long after the contract start (0 and 0: at the start).
    #[serde(default)]
    pub first_after_months: u32,
    #[serde(default)]
    pub first_after_days: u32,
    /// Then again every this many months; none: once.
    #[serde(default)]
    pub every_months: Option<u32>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Clause)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    #[schema(example = "hms_kort")]
    pub code: String,
    #[schema(example = "HMS-kort")]
    pub title: String,
    pub text: String,
    pub legal_basis: String,
    /// Where a person can look the legal basis up (a Lovdata address).
    #[schema(example = "https://lovdata.no/dokument/SF/forskrift/2008-02-08-112")]
    pub source: String,
    /// None: never mandatory, only recommended.
    #[serde(default)]
    pub mandatory_when: Option<MandatoryWhen>,
    #[serde(default, rename(deserialize = "checkpoint"))]
    pub checkpoints: Vec<CheckpointSpec>,
}

/// FOA § 7-9: the climate and environment weight in the award.
#[derive(Serialize, ToSchema)]
#[schema(as = ClimateRule)]
#[serde(deny_unknown_fields)]
pub struct ClimateRule {
    pub min_weight_percent: i64,
    /// The regime value from which the rule applies.
    pub applies_from: Amount,
    pub legal_basis: String,
}

/// When the coordinator hears about a checkpoint.
#[derive(Serialize, ToSchema)]
#[schema(as = FollowUpRules)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRules {
    /// A checkpoint is due (and announced) this many days before its date.
    pub remind_days_before: i64,
    /// It is overdue when still open this many days after its date.
    pub overdue_after_days: i64,
}

#[derive(Serialize, ToSchema)]
#[schema(as = CheckStatus)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Mandatory and fulfilled.
    Ok,
    /// Mandatory, not fulfilled, not justified: publishing is refused.
    Missing,
    /// Mandatory, not fulfilled, with a written justification.
    Justified,
    /// Not mandatory for this procurement.
    NotApplicable,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ClimateFigures)]
pub struct ClimateFigures {
    /// As set for the procurement; null when not set.
    pub weight_percent: Option<i64>,
    pub min_weight_percent: i64,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Check)]
pub struct Check {
    /// A clause code, or `climate_weight`.
    #[schema(example = "lonns_og_arbeidsvilkar")]
    pub check: String,
    pub title: String,
    pub status: CheckStatus,
    pub mandatory: bool,
    /// The clause is among those chosen; for `climate_weight`, the weight
    /// reaches the minimum.
    pub chosen: bool,
    pub reason: String,
    pub legal_basis: String,
    #[serde(flatten)]
    pub figures: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub climate: Option<ClimateFigures>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Comparison)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    AtOrAbove,
    Above,
}

/// The figures a decision was made on; shown with every check.
#[derive(Serialize, ToSchema)]
#[schema(as = Figures)]
pub struct Figures {
    pub contract_type: ContractType,
    /// The CPV under one of the rule's prefixes, or else the main CPV.
    #[schema(example = "90910000-9")]
    pub cpv: Option<String>,
    pub value_ore: i64,
    /// The amount the value was compared with, when the rule has one.
    pub threshold_ore: Option<i64>,
    /// Which row of the threshold table the amount came from, if any.
    #[schema(example = "eea_goods_services")]
    pub threshold: Option<String>,
    pub comparison: Option<Comparison>,
    pub contract_start: NaiveDate,
    /// With options.
    pub contract_end: NaiveDate,
    /// A rule on duration: the contract must end after this date.
    pub must_end_after: Option<NaiveDate>,
}
