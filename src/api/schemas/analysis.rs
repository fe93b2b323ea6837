//! The shapes of the SME analysis (`domain::analysis`).

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[schema(as = Analysis)]
pub struct Analysis {
    #[schema(example = 1.0)]
    pub capacity_factor: f64,
    pub lots: Vec<LotAnalysis>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = LotAnalysis)]
pub struct LotAnalysis {
    pub lot_id: String,
    pub title: String,
    pub annual_value_ore: i64,
    /// SMEs whose home is in the lot's area and whose trade matches its CPV.
    pub local_relevant_smes: usize,
    /// Of those, the ones whose turnover is below `capacity_factor` x the
    /// lot's yearly value.
    pub excluded_by_size: usize,
    /// Of those, the ones that do not deliver in every municipality of the
    /// area (also counted here when too small as well).
    pub excluded_by_area: usize,
    /// Of those, the ones excluded by neither.
    pub eligible_local_smes: usize,
    pub interested_suppliers: usize,
    pub flags: Vec<Finding>,
    /// Facts worth knowing that are not a problem, such as a lot with no
    /// local SME to shut out. Kept apart so that no flag means no problem.
    pub notes: Vec<Finding>,
    /// Only on a flagged lot, and only splits into at least two sub-lots
    /// that each have volume.
    pub suggestions: Vec<Suggestion>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Finding)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    /// On `smes_ask_for_split` only: the area most of them proposed, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["4624", "4626"]))]
    pub proposed_area: Option<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = FindingCode)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// There are local relevant SMEs and none is eligible.
    ShutsOutLocalSmes,
    /// Some are eligible, but fewer than half.
    FewLocalSmesCanBid,
    /// No local relevant SME at all: nobody to shut out (a note).
    NoLocalSmes,
    /// In the market dialogue, local SMEs answered that they could bid if
    /// the lot were split.
    SmesAskForSplit,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Severity)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Info,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Suggestion)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub message: String,
    /// Empty only when no split of the kind exists (`fewest_sub_lots` when
    /// no split gives every sub-lot an eligible local SME); `message` says why.
    pub sub_lots: Vec<SubLotFigures>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = SuggestionKind)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// The area the local SMEs proposed in the market dialogue, and the
    /// rest of the lot: offered first when there is one.
    SplitAsProposed,
    /// One sub-lot per county present in the area, in county order.
    SplitByCounty,
    /// One sub-lot per municipality, in number order.
    SplitByMunicipality,
    /// Few sub-lots, each with at least one eligible local SME, ordered by
    /// their lowest municipality number. Only on lots that shut all local
    /// SMEs out: where some can bid, the lot itself already is such a split.
    FewestSubLots,
}

#[derive(Serialize, ToSchema)]
#[schema(as = SubLotFigures)]
pub struct SubLotFigures {
    /// Sorted by number.
    #[schema(example = json!(["4601", "4602"]))]
    pub area: Vec<String>,
    /// The sum of the municipalities' yearly values.
    pub annual_value_ore: i64,
    /// Local to the sub-lot, big enough for its value and covering its area.
    pub eligible_local_smes: usize,
}
