//! Checking what a coordinator writes when proposing a joint procurement and
//! its lots.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::calendar::oslo_date;
use super::contract::ContractType;
use super::summary::{Quorum, Terms};
use super::supplier::parse_name;
use super::{Cpv, ErrorCode, Invalid, Ore, ParticipantNumber};

pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_UNIT_CHARS: usize = 50;
/// Archive case numbers are short (`2026/1234`, `26/01234-3`); a bound keeps
/// pasted text out.
pub const MAX_CASE_NUMBER_CHARS: usize = 50;
pub const MAX_INVITED: usize = 357;
/// Enough for a lot per municipality and more; a bound keeps every
/// computation over a procurement small.
pub const MAX_LOTS: usize = 500;

/// A proposal as written, before checking. `Default` lets a caller name
/// only what it has, so that an optional field added here touches no caller
/// that does not use it.
#[derive(Debug, Clone, Default)]
pub struct ProposalInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub contract_type: &'a str,
    pub cpv: &'a str,
    pub framework_agreement: bool,
    pub contract_start: NaiveDate,
    pub duration_months: i64,
    pub option_months: i64,
    pub no_fixed_term: bool,
    pub participation_deadline: DateTime<Utc>,
    pub invited: &'a [String],
    pub quorum: Option<Quorum>,
    /// The host municipality leading it, which is always invited.
    pub host_municipality: Option<&'a str>,
    /// The case number in the leading body's archive (saksnummer), if given.
    pub case_number: Option<&'a str>,
}

/// A checked proposal. Its serialisation is what the audit chain records of
/// a proposal or an edit.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub title: String,
    pub description: String,
    /// The same as `terms.cpv`, which the audit records once.
    #[serde(skip)]
    pub cpv: Cpv,
    #[serde(flatten)]
    pub terms: Terms,
    pub contract_start: NaiveDate,
    pub participation_deadline: DateTime<Utc>,
    /// Sorted, without duplicates.
    pub invited: Vec<ParticipantNumber>,
    /// Trimmed; `None` when not given or blank.
    pub case_number: Option<String>,
}

/// A refusal with the request field it is about.
pub use crate::error::FieldInvalid;

/// What `check_proposal` refuses with.
pub const PROPOSAL_ERRORS: &[ErrorCode] = crate::codes![
    super::supplier::NAME_ERRORS,
    &[
        ErrorCode::InvalidDescription,
        ErrorCode::InvalidContractType
    ],
    &[ErrorCode::UnknownCpv],
    super::summary::TERMS_ERRORS,
    &[ErrorCode::InvalidDeadline, ErrorCode::InvalidContractStart],
    super::kommune::PARTICIPANT_ERRORS,
    &[ErrorCode::InvitedRequired, ErrorCode::InvalidCaseNumber],
];

pub fn check_proposal(
    input: &ProposalInput<'_>,
    now: DateTime<Utc>,
) -> Result<Proposal, FieldInvalid> {
    let title = parse_name(input.title).map_err(|e| ("title", e))?;
    let description = input.description.trim().to_string();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err((
            "description",
            Invalid::new(
                ErrorCode::InvalidDescription,
                format!("the description is longer than {MAX_DESCRIPTION_CHARS} characters"),
            ),
        ));
    }
    let contract_type: ContractType = input
        .contract_type
        .parse()
        .map_err(|e| ("contract_type", e))?;
    let cpv = Cpv::parse(input.cpv).map_err(|e| ("cpv", e))?;
    let terms = Terms {
        contract_type,
        cpv: cpv.clone(),
        framework_agreement: input.framework_agreement,
        duration_months: input.duration_months,
        option_months: input.option_months,
        no_fixed_term: input.no_fixed_term,
        quorum: input.quorum,
    };
    terms.validate().map_err(|e| e.on("duration_months"))?;
    if input.participation_deadline <= now {
        return Err((
            "participation_deadline",
            Invalid::new(
                ErrorCode::InvalidDeadline,
                "the participation deadline must be in the future",
            ),
        ));
    }
    if input.contract_start < oslo_date(input.participation_deadline) {
        return Err((
            "contract_start",
            Invalid::new(
                ErrorCode::InvalidContractStart,
                format!(
                    "the contract cannot start ({}) before the participation deadline ({})",
                    input.contract_start,
                    oslo_date(input.participation_deadline)
                ),
            ),
        ));
    }
    let mut invited = BTreeSet::new();
    for number in input
        .invited
        .iter()
        .map(String::as_str)
        .chain(input.host_municipality)
    {
        invited.insert(ParticipantNumber::parse(number).map_err(|e| ("invited", e))?);
    }
    if invited.is_empty() {
        return Err((
            "invited",
            Invalid::new(
                ErrorCode::InvitedRequired,
                "invite at least one municipality",
            ),
        ));
    }
    if invited.len() > MAX_INVITED {
        return Err((
            "invited",
            Invalid::new(
                ErrorCode::InvitedRequired,
                "there are only 357 municipalities",
            ),
        ));
    }
    let case_number = check_case_number(input.case_number).map_err(|e| ("case_number", e))?;
    Ok(Proposal {
        title,
        description,
        cpv,
        terms,
        contract_start: input.contract_start,
        participation_deadline: input.participation_deadline,
        invited: invited.into_iter().collect(),
        case_number,
    })
}

/// A case number as written: blank means none; control characters and
/// overlong text are refused, judged on the text as sent so that the API
/// document's `maxLength` and pattern say exactly what is accepted.
fn check_case_number(input: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(raw) = input else {
        return Ok(None);
    };
    if raw.chars().count() > MAX_CASE_NUMBER_CHARS || raw.chars().any(char::is_control) {
        return Err(Invalid::new(
            ErrorCode::InvalidCaseNumber,
            format!(
                "a case number is at most {MAX_CASE_NUMBER_CHARS} characters, without control characters"
            ),
        ));
    }
    let number = raw.trim();
    Ok((!number.is_empty()).then(|| number.to_string()))
}

#[derive(Debug, Clone)]
pub struct LotDraft {
    pub title: String,
    pub cpv: Cpv,
    pub unit: String,
    pub unit_price: Ore,
    /// Sorted, without duplicates; every one invited.
    pub area: Vec<ParticipantNumber>,
}

/// What `check_lot` refuses with.
pub const LOT_ERRORS: &[ErrorCode] = crate::codes![
    super::supplier::NAME_ERRORS,
    &[
        ErrorCode::UnknownCpv,
        ErrorCode::InvalidUnit,
        ErrorCode::InvalidAmount
    ],
    super::kommune::PARTICIPANT_ERRORS,
    &[ErrorCode::LotAreaNotInvited],
];

/// A lot as written: its area defaults to every invited municipality.
pub fn check_lot(
    title: &str,
    cpv: &str,
    unit: &str,
    unit_price_ore: i64,
    area: Option<&[String]>,
    invited: &[String],
) -> Result<LotDraft, FieldInvalid> {
    let title = parse_name(title).map_err(|e| ("title", e))?;
    let cpv = Cpv::parse(cpv).map_err(|e| ("cpv", e))?;
    let unit = unit.trim();
    if unit.is_empty()
        || unit.chars().count() > MAX_UNIT_CHARS
        || unit.chars().any(char::is_control)
    {
        return Err((
            "unit",
            Invalid::new(ErrorCode::InvalidUnit, format!("the unit (such as 'porsjon' or 'bil') must be 1 to {MAX_UNIT_CHARS} characters")),
        ));
    }
    let unit_price =
        Ore::non_negative(unit_price_ore, "unit_price_ore").map_err(|e| ("unit_price_ore", e))?;
    let wanted: Vec<&str> = match area {
        Some(a) => a.iter().map(String::as_str).collect(),
        None => invited.iter().map(String::as_str).collect(),
    };
    let mut set = BTreeSet::new();
    for number in wanted {
        let k = ParticipantNumber::parse(number).map_err(|e| ("area", e))?;
        if !invited.iter().any(|i| i == k.as_str()) {
            return Err((
                "area",
                Invalid::new(
                    ErrorCode::LotAreaNotInvited,
                    format!("{} ({}) is not invited to this procurement", k, k.name()),
                ),
            ));
        }
        set.insert(k);
    }
    if set.is_empty() {
        return Err((
            "area",
            Invalid::new(
                ErrorCode::LotAreaNotInvited,
                "a lot must serve at least one municipality",
            ),
        ));
    }
    Ok(LotDraft {
        title,
        cpv,
        unit: unit.to_string(),
        unit_price,
        area: set.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 10, 9, 0, 0).unwrap()
    }

    fn input<'a>(invited: &'a [String]) -> ProposalInput<'a> {
        ProposalInput {
            title: "Skolemat Vestland",
            description: "",
            contract_type: "services",
            cpv: "55524000-9",
            framework_agreement: true,
            contract_start: NaiveDate::from_ymd_opt(2027, 8, 1).unwrap(),
            duration_months: 24,
            option_months: 24,
            no_fixed_term: false,
            participation_deadline: Utc.with_ymd_and_hms(2027, 2, 1, 11, 0, 0).unwrap(),
            invited,
            ..Default::default()
        }
    }

    #[test]
    fn a_host_municipality_is_always_invited_and_the_list_is_deduplicated() {
        let invited = vec!["4601".to_string(), "4624".to_string(), "4601".to_string()];
        let mut i = input(&invited);
        i.host_municipality = Some("4621");
        let p = check_proposal(&i, now()).unwrap();
        let numbers: Vec<&str> = p.invited.iter().map(ParticipantNumber::as_str).collect();
        assert_eq!(numbers, vec!["4601", "4621", "4624"]);
    }

    #[test]
    fn a_case_number_is_trimmed_and_a_blank_one_is_none() {
        let invited = vec!["4601".to_string()];
        let given = ProposalInput {
            case_number: Some("  2026/1234 "),
            ..input(&invited)
        };
        let blank = ProposalInput {
            case_number: Some("   "),
            ..input(&invited)
        };
        assert_eq!(
            check_proposal(&given, now())
                .unwrap()
                .case_number
                .as_deref(),
            Some("2026/1234")
        );
        assert_eq!(check_proposal(&blank, now()).unwrap().case_number, None);
    }

    #[test]
    fn refusals_name_the_field() {
        let invited = vec!["4601".to_string()];
        let none: Vec<String> = vec![];
        let past = Utc.with_ymd_and_hms(2027, 1, 10, 9, 0, 0).unwrap();
        let long_case_number = "1".repeat(MAX_CASE_NUMBER_CHARS + 1);
        let cases: Vec<(ProposalInput<'_>, &str, ErrorCode)> = vec![
            (
                ProposalInput {
                    cpv: "12345678-1",
                    ..input(&invited)
                },
                "cpv",
                ErrorCode::UnknownCpv,
            ),
            (
                ProposalInput {
                    contract_type: "leasing",
                    ..input(&invited)
                },
                "contract_type",
                ErrorCode::InvalidContractType,
            ),
            (
                ProposalInput {
                    participation_deadline: past,
                    ..input(&invited)
                },
                "participation_deadline",
                ErrorCode::InvalidDeadline,
            ),
            (
                ProposalInput {
                    contract_start: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
                    ..input(&invited)
                },
                "contract_start",
                ErrorCode::InvalidContractStart,
            ),
            (
                ProposalInput {
                    invited: &none,
                    ..input(&invited)
                },
                "invited",
                ErrorCode::InvitedRequired,
            ),
            (
                ProposalInput {
                    title: " ",
                    ..input(&invited)
                },
                "title",
                ErrorCode::InvalidName,
            ),
            (
                ProposalInput {
                    quorum: Some(Quorum {
                        min_participants: Some(0),
                        min_population_share_percent: None,
                    }),
                    ..input(&invited)
                },
                "quorum",
                ErrorCode::InvalidQuorum,
            ),
            (
                ProposalInput {
                    case_number: Some(&long_case_number),
                    ..input(&invited)
                },
                "case_number",
                ErrorCode::InvalidCaseNumber,
            ),
        ];
        for (i, field, code) in cases {
            let (f, e) = check_proposal(&i, now()).unwrap_err();
            assert_eq!((f, e.code), (field, code));
        }
    }

    #[test]
    fn a_lot_serves_invited_municipalities_only() {
        let invited = vec!["4601".to_string(), "4624".to_string()];
        let all = check_lot("Skolemat", "55524000-9", "porsjon", 4500, None, &invited).unwrap();
        assert_eq!(
            all.area.len(),
            2,
            "the default area is every invited municipality"
        );
        let e = check_lot(
            "Skolemat",
            "55524000-9",
            "porsjon",
            4500,
            Some(&["4602".into()]),
            &invited,
        )
        .unwrap_err();
        assert_eq!((e.0, e.1.code), ("area", ErrorCode::LotAreaNotInvited));
        assert!(e.1.message.contains("Kinn"));
        let e = check_lot("Skolemat", "55524000-9", "porsjon", -1, None, &invited).unwrap_err();
        assert_eq!(e.1.code, ErrorCode::InvalidAmount);
        let e = check_lot("Skolemat", "55524000-9", "", 1, None, &invited).unwrap_err();
        assert_eq!(e.1.code, ErrorCode::InvalidUnit);
    }
}
