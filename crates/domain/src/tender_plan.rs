//! How the competition will run: the procedure, the tender deadline, where
//! the procurement documents are, and the award criteria. What the eForms
//! contract notice needs beyond the procurement itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, FieldInvalid, Invalid};

crate::code_enum! {
    /// The procedure, by its eForms code (`procurement-procedure-type`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Procedure {
        Open = "open",
        Restricted = "restricted",
        /// Competitive procedure with negotiation (negotiated with a call).
        NegotiatedWithCall = "neg-w-call",
        CompetitiveDialogue = "comp-dial",
        InnovationPartnership = "innovation",
    }
    invalid = InvalidProcedure, "a procedure";
}

crate::code_enum! {
    /// The kind of an award criterion, by its eForms code (`award-criterion-type`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum CriterionType {
        Price = "price",
        Quality = "quality",
        Cost = "cost",
    }
    invalid = InvalidAwardCriteria, "an award criterion type";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardCriterion {
    #[serde(rename = "type")]
    pub kind: CriterionType,
    pub name: String,
    pub weight_percent: i64,
    /// The climate and environment criterion (FOA § 7-9): its weight is the
    /// climate weight of the sustainability settings.
    #[serde(default)]
    pub climate: bool,
}

/// The plan as asked for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct TenderPlanInput {
    pub procedure: String,
    pub tender_deadline: Option<DateTime<Utc>>,
    pub documents_url: String,
    pub award_criteria: Vec<AwardCriterion>,
    pub max_lots_per_tenderer: Option<i64>,
}

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderPlan {
    pub procedure: Procedure,
    pub tender_deadline: DateTime<Utc>,
    pub documents_url: String,
    pub award_criteria: Vec<AwardCriterion>,
    pub max_lots_per_tenderer: Option<i64>,
}

impl TenderPlan {
    /// The weight of the climate criterion, if one is used.
    pub fn climate_weight(&self) -> Option<i64> {
        self.award_criteria
            .iter()
            .find(|c| c.climate)
            .map(|c| c.weight_percent)
    }
}

/// What `check_tender_plan` refuses with.
pub const TENDER_PLAN_ERRORS: &[ErrorCode] = &[
    ErrorCode::InvalidProcedure,
    ErrorCode::InvalidTenderDeadline,
    ErrorCode::InvalidDocumentsUrl,
    ErrorCode::InvalidAwardCriteria,
    ErrorCode::ClimateWeightMismatch,
    ErrorCode::InvalidMaxLots,
];

pub const MAX_CRITERION_NAME_CHARS: usize = 200;
pub const MAX_URL_CHARS: usize = 400;
pub const MAX_CRITERIA: usize = 20;

/// Checks a plan against the procurement: `climate_weight` is the weight of
/// its sustainability settings, `lots` how many active lots it has, `now`
/// the time of the request (the deadline must lie after it).
pub fn check_tender_plan(
    input: &TenderPlanInput,
    climate_weight: Option<i64>,
    lots: usize,
    now: DateTime<Utc>,
) -> Result<TenderPlan, FieldInvalid> {
    let procedure: Procedure = input
        .procedure
        .parse()
        .map_err(|e: Invalid| e.on("procedure"))?;
    let deadline = input.tender_deadline.ok_or_else(|| {
        Invalid::new(
            ErrorCode::InvalidTenderDeadline,
            "tender_deadline is required (RFC 3339)",
        )
        .on("tender_deadline")
    })?;
    if deadline <= now {
        return Err(Invalid::new(
            ErrorCode::InvalidTenderDeadline,
            format!("tender_deadline {deadline} has passed; give a time in the future"),
        )
        .on("tender_deadline"));
    }
    let url = input.documents_url.trim();
    if !is_web_address(url) {
        return Err(Invalid::new(
            ErrorCode::InvalidDocumentsUrl,
            "documents_url must be an https:// (or http://) address of at most 400 characters, without spaces",
        )
        .on("documents_url"));
    }
    let criteria = check_criteria(&input.award_criteria, climate_weight)?;
    if let Some(max) = input.max_lots_per_tenderer {
        if max < 1 || max as usize > lots.max(1) {
            return Err(Invalid::new(
                ErrorCode::InvalidMaxLots,
                format!("max_lots_per_tenderer must be between 1 and the number of lots ({lots}), not {max}"),
            )
            .on("max_lots_per_tenderer"));
        }
    }
    Ok(TenderPlan {
        procedure,
        tender_deadline: deadline,
        documents_url: url.to_string(),
        award_criteria: criteria,
        max_lots_per_tenderer: input.max_lots_per_tenderer,
    })
}

fn check_criteria(
    criteria: &[AwardCriterion],
    climate_weight: Option<i64>,
) -> Result<Vec<AwardCriterion>, FieldInvalid> {
    let bad = |message: String| {
        Invalid::new(ErrorCode::InvalidAwardCriteria, message).on("award_criteria")
    };
    if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
        return Err(bad(format!(
            "give between 1 and {MAX_CRITERIA} award criteria"
        )));
    }
    let mut out = Vec::with_capacity(criteria.len());
    let mut sum: i64 = 0;
    for (i, c) in criteria.iter().enumerate() {
        let name = c.name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_CRITERION_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(bad(format!(
                "award_criteria[{i}]: a name of 1 to {MAX_CRITERION_NAME_CHARS} characters, without control characters"
            )));
        }
        if !(1..=100).contains(&c.weight_percent) {
            return Err(bad(format!(
                "award_criteria[{i}]: weight_percent must be between 1 and 100, not {}",
                c.weight_percent
            )));
        }
        if c.climate && c.kind != CriterionType::Quality {
            return Err(bad(format!(
                "award_criteria[{i}]: the climate criterion is a quality criterion"
            )));
        }
        sum += c.weight_percent;
        out.push(AwardCriterion {
            name: name.to_string(),
            ..c.clone()
        });
    }
    if sum != 100 {
        return Err(bad(format!(
            "the weights of the award criteria sum to {sum}, not 100"
        )));
    }
    let climate: Vec<&AwardCriterion> = out.iter().filter(|c| c.climate).collect();
    let mismatch = |message: String| {
        Invalid::new(ErrorCode::ClimateWeightMismatch, message).on("award_criteria")
    };
    match (climate.as_slice(), climate_weight.filter(|w| *w > 0)) {
        ([], None) => {}
        ([], Some(w)) => {
            return Err(mismatch(format!(
                "the sustainability settings weigh climate and environment at {w} %: add a quality criterion with \"climate\": true and weight_percent {w}"
            )))
        }
        ([c], Some(w)) if c.weight_percent == w => {}
        ([c], Some(w)) => {
            return Err(mismatch(format!(
                "the climate criterion weighs {} %, the sustainability settings {w} %: make them agree",
                c.weight_percent
            )))
        }
        ([_], None) => {
            return Err(mismatch(
                "a climate criterion is given, but the sustainability settings set no climate weight: set it first with PUT .../sustainability".to_string(),
            ))
        }
        _ => return Err(mismatch("at most one criterion is the climate criterion".to_string())),
    }
    Ok(out)
}

fn is_web_address(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            url.len() <= MAX_URL_CHARS
                && host.contains('.')
                && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    fn criterion(kind: CriterionType, name: &str, w: i64, climate: bool) -> AwardCriterion {
        AwardCriterion {
            kind,
            name: name.into(),
            weight_percent: w,
            climate,
        }
    }

    fn input() -> TenderPlanInput {
        TenderPlanInput {
            procedure: "open".into(),
            tender_deadline: Some(Utc.with_ymd_and_hms(2027, 1, 15, 11, 0, 0).unwrap()),
            documents_url: "https://tendsign.no/doc.aspx?id=1".into(),
            award_criteria: vec![
                criterion(CriterionType::Price, "Pris", 70, false),
                criterion(CriterionType::Quality, "Klima og miljø", 30, true),
            ],
            max_lots_per_tenderer: None,
        }
    }

    fn code(r: Result<TenderPlan, FieldInvalid>) -> (&'static str, ErrorCode) {
        let (f, e) = r.unwrap_err();
        (f, e.code)
    }

    #[test]
    fn a_plan_whose_climate_criterion_agrees_passes() {
        let plan = check_tender_plan(&input(), Some(30), 2, now()).unwrap();
        assert_eq!(plan.procedure, Procedure::Open);
        assert_eq!(plan.climate_weight(), Some(30));
    }

    #[test]
    fn procedures_are_the_eforms_codes() {
        let mut i = input();
        i.procedure = "neg-w-call".into();
        assert_eq!(
            check_tender_plan(&i, Some(30), 1, now()).unwrap().procedure,
            Procedure::NegotiatedWithCall
        );
        i.procedure = "negotiated".into();
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 1, now())),
            ("procedure", ErrorCode::InvalidProcedure)
        );
    }

    #[test]
    fn weights_must_sum_to_100() {
        let mut i = input();
        i.award_criteria[0].weight_percent = 60;
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 1, now())),
            ("award_criteria", ErrorCode::InvalidAwardCriteria)
        );
        i.award_criteria.clear();
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 1, now())).1,
            ErrorCode::InvalidAwardCriteria
        );
    }

    #[test]
    fn the_climate_criterion_must_agree_with_the_climate_weight() {
        assert_eq!(
            code(check_tender_plan(&input(), Some(20), 1, now())).1,
            ErrorCode::ClimateWeightMismatch
        );
        assert_eq!(
            code(check_tender_plan(&input(), None, 1, now())).1,
            ErrorCode::ClimateWeightMismatch
        );
        let mut i = input();
        i.award_criteria[1].climate = false;
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 1, now())).1,
            ErrorCode::ClimateWeightMismatch
        );
        assert!(check_tender_plan(&i, None, 1, now()).is_ok());
    }

    #[test]
    fn deadline_url_and_max_lots_are_checked() {
        let mut i = input();
        i.tender_deadline = Some(now());
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 1, now())).0,
            "tender_deadline"
        );
        let mut i = input();
        i.documents_url = "ftp://x.no".into();
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 1, now())).0,
            "documents_url"
        );
        let mut i = input();
        i.max_lots_per_tenderer = Some(3);
        assert_eq!(
            code(check_tender_plan(&i, Some(30), 2, now())).1,
            ErrorCode::InvalidMaxLots
        );
        i.max_lots_per_tenderer = Some(2);
        assert!(check_tender_plan(&i, Some(30), 2, now()).is_ok());
    }
}
