//! The market dialogue on a draft lot division (Directive 2014/24/EU Art. 40,
//! FOA § 8-1): who is alerted, how a supplier answers per lot, and what the
//! answers add up to. Pure: the shell loads subscriptions, lots and answers
//! and stores what comes out.
//!
//! Matching: a lot matches a subscription when its CPV starts with one of
//! the subscribed prefixes and its area shares a municipality with the
//! subscribed areas (a county covers its municipalities). The recipients of
//! one procurement are found through an index of the lots by every prefix
//! of their CPV, so a subscription costs a few hash look-ups, not a pass
//! over every lot.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{Cpv, CpvPrefix, ErrorCode, Invalid, Kommunenummer, ServiceArea, SizeClass};

// ---- alerts ----

/// What a supplier wants to hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub supplier_id: String,
    pub cpv_prefixes: Vec<CpvPrefix>,
    /// Counties and municipalities.
    pub areas: ServiceArea,
}

/// A lot as the matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotScope {
    pub cpv: Cpv,
    pub area: Vec<Kommunenummer>,
}

impl Subscription {
    /// Whether `lot` is of the subscribed trade and in the subscribed area.
    pub fn matches(&self, lot: &LotScope) -> bool {
        self.cpv_prefixes.iter().any(|p| lot.cpv.is_under(p))
            && lot.area.iter().any(|m| self.areas.covers(m))
    }
}

/// The suppliers whose subscription matches at least one of `lots`, each
/// once, in the order of `subscriptions`.
pub fn recipients<'a>(lots: &[LotScope], subscriptions: &'a [Subscription]) -> Vec<&'a str> {
    // Lot positions by each prefix (2 to 8 digits) of their CPV.
    let mut by_prefix: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut municipalities: Vec<HashSet<&str>> = Vec::with_capacity(lots.len());
    let mut counties: Vec<HashSet<&str>> = Vec::with_capacity(lots.len());
    for (i, lot) in lots.iter().enumerate() {
        let digits = lot.cpv.digits();
        for len in 2..=digits.len().min(8) {
            if let Some(p) = digits.get(..len) {
                by_prefix.entry(p).or_default().push(i);
            }
        }
        municipalities.push(lot.area.iter().map(Kommunenummer::as_str).collect());
        counties.push(
            lot.area
                .iter()
                .filter_map(|m| m.as_str().get(..2))
                .collect(),
        );
    }
    let in_area = |s: &Subscription, i: usize| {
        s.areas
            .municipalities
            .iter()
            .any(|m| municipalities[i].contains(m.as_str()))
            || s.areas
                .counties
                .iter()
                .any(|c| counties[i].contains(c.as_str()))
    };
    subscriptions
        .iter()
        .filter(|s| {
            s.cpv_prefixes.iter().any(|p| {
                by_prefix
                    .get(p.as_str())
                    .is_some_and(|lots| lots.iter().any(|&i| in_area(s, i)))
            })
        })
        .map(|s| s.supplier_id.as_str())
        .collect()
}

// ---- answers ----

crate::code_enum! {
    /// A supplier's answer on one lot of the draft division.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum AnswerKind {
        CanBid = "can_bid",
        CouldBidIfSplit = "could_bid_if_split",
        CannotBid = "cannot_bid",
    }
    invalid = InvalidAnswer, "an answer: use can_bid, could_bid_if_split or cannot_bid";
}

crate::code_enum! {
    /// Why the lot as drafted is hard to bid for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Reason {
        TooLarge = "too_large",
        AreaTooWide = "area_too_wide",
        Requirements = "requirements",
        Other = "other",
    }
    invalid = InvalidReason, "a reason: use too_large, area_too_wide, requirements or other";
}

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// One answer as checked, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub kind: AnswerKind,
    pub reason: Option<Reason>,
    /// Sorted, no repeats; within the lot's area.
    pub proposed_area: Vec<Kommunenummer>,
    pub comment: String,
}

/// What `check_answer` refuses with.
pub const ANSWER_ERRORS: &[ErrorCode] = &[
    ErrorCode::InvalidAnswer,
    ErrorCode::InvalidReason,
    ErrorCode::InvalidMunicipality,
    ErrorCode::UnknownMunicipality,
    ErrorCode::LotNotInArea,
    ErrorCode::InvalidNote,
];

/// Checks an answer against the lot's area: a proposed area lies inside it
/// (a smaller area is the point of proposing one).
pub fn check_answer(
    answer: &str,
    reason: Option<&str>,
    proposed_area: &[String],
    comment: &str,
    lot_area: &[Kommunenummer],
) -> Result<Answer, (&'static str, Invalid)> {
    let kind: AnswerKind = answer.parse().map_err(|e| ("answer", e))?;
    let reason = reason
        .map(str::parse::<Reason>)
        .transpose()
        .map_err(|e| ("reason", e))?;
    let mut area = BTreeSet::new();
    for m in proposed_area {
        let m = Kommunenummer::parse(m).map_err(|e| ("proposed_area", e))?;
        if !lot_area.contains(&m) {
            return Err((
                "proposed_area",
                Invalid::new(
                    ErrorCode::LotNotInArea,
                    format!("municipality {m} is not in the lot's area"),
                ),
            ));
        }
        area.insert(m);
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS
        || comment
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err((
            "comment",
            Invalid::new(
                ErrorCode::InvalidNote,
                format!("a comment is at most {MAX_COMMENT_CHARS} characters, without control characters"),
            ),
        ));
    }
    Ok(Answer {
        kind,
        reason,
        proposed_area: area.into_iter().collect(),
        comment: comment.to_string(),
    })
}

// ---- the report ----

/// A stored answer with what the report needs of its supplier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerFacts {
    pub lot_id: String,
    pub answer: Answer,
    pub size_class: SizeClass,
    pub home: Kommunenummer,
}

/// A lot of the draft: its id, title and area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLot {
    pub lot_id: String,
    pub title: String,
    pub area: Vec<Kommunenummer>,
}

/// Counts by kind of answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts {
    pub can_bid: usize,
    pub could_bid_if_split: usize,
    pub cannot_bid: usize,
}

impl KindCounts {
    fn add(&mut self, kind: AnswerKind) {
        match kind {
            AnswerKind::CanBid => self.can_bid += 1,
            AnswerKind::CouldBidIfSplit => self.could_bid_if_split += 1,
            AnswerKind::CannotBid => self.cannot_bid += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.can_bid + self.could_bid_if_split + self.cannot_bid
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedArea {
    /// Sorted by number.
    pub area: Vec<Kommunenummer>,
    pub count: usize,
    /// Of those, local SMEs answering `could_bid_if_split`.
    pub local_smes_asking_for_split: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotReport {
    pub lot_id: String,
    pub title: String,
    pub answers: KindCounts,
    pub smes: KindCounts,
    pub large: KindCounts,
    /// Suppliers at home in the lot's area.
    pub local: KindCounts,
    pub not_local: KindCounts,
    pub local_smes: KindCounts,
    /// Most often proposed first, then by area.
    pub proposed_areas: Vec<ProposedArea>,
    /// Non-empty comments, without who wrote them: the report is read by
    /// the coordinator, and equal treatment does not need names.
    pub comments: Vec<String>,
}

/// Per lot of the draft, in its order; answers on other lots are ignored.
pub fn report(lots: &[DraftLot], answers: &[AnswerFacts]) -> Vec<LotReport> {
    lots.iter()
        .map(|lot| {
            let mut r = LotReport {
                lot_id: lot.lot_id.clone(),
                title: lot.title.clone(),
                answers: KindCounts::default(),
                smes: KindCounts::default(),
                large: KindCounts::default(),
                local: KindCounts::default(),
                not_local: KindCounts::default(),
                local_smes: KindCounts::default(),
                proposed_areas: Vec::new(),
                comments: Vec::new(),
            };
            let mut areas: BTreeMap<&[Kommunenummer], (usize, usize)> = BTreeMap::new();
            for a in answers.iter().filter(|a| a.lot_id == lot.lot_id) {
                let kind = a.answer.kind;
                let sme = a.size_class.is_sme();
                let local = lot.area.contains(&a.home);
                r.answers.add(kind);
                if sme {
                    r.smes.add(kind);
                } else {
                    r.large.add(kind);
                }
                if local {
                    r.local.add(kind);
                } else {
                    r.not_local.add(kind);
                }
                if sme && local {
                    r.local_smes.add(kind);
                }
                if !a.answer.proposed_area.is_empty() {
                    let e = areas.entry(&a.answer.proposed_area).or_default();
                    e.0 += 1;
                    if sme && local && kind == AnswerKind::CouldBidIfSplit {
                        e.1 += 1;
                    }
                }
                if !a.answer.comment.is_empty() {
                    r.comments.push(a.answer.comment.clone());
                }
            }
            r.proposed_areas = areas
                .into_iter()
                .map(|(area, (count, asking))| ProposedArea {
                    area: area.to_vec(),
                    count,
                    local_smes_asking_for_split: asking,
                })
                .collect();
            r.proposed_areas
                .sort_by(|a, b| b.count.cmp(&a.count).then(a.area.cmp(&b.area)));
            r
        })
        .collect()
}

/// The areas local SMEs proposed while answering `could_bid_if_split` on
/// `lot`, one entry per answer: what the analysis weighs.
pub fn split_requests(lot: &DraftLot, answers: &[AnswerFacts]) -> Vec<Vec<Kommunenummer>> {
    answers
        .iter()
        .filter(|a| {
            a.lot_id == lot.lot_id
                && a.answer.kind == AnswerKind::CouldBidIfSplit
                && a.size_class.is_sme()
                && lot.area.contains(&a.home)
        })
        .map(|a| a.answer.proposed_area.clone())
        .collect()
}

/// The area most of `requests` proposed (ties: the lowest numbers first);
/// requests without an area count for none. `None` when no request names one.
pub fn most_proposed(requests: &[Vec<Kommunenummer>]) -> Option<Vec<Kommunenummer>> {
    let mut counts: BTreeMap<&[Kommunenummer], usize> = BTreeMap::new();
    for r in requests.iter().filter(|r| !r.is_empty()) {
        *counts.entry(r.as_slice()).or_default() += 1;
    }
    // `max_by_key` keeps the last maximum; iterate in reverse for the first.
    counts
        .into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|(a, _)| a.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: &str) -> Kommunenummer {
        Kommunenummer::parse(n).expect("a municipality")
    }

    fn sub(id: &str, prefixes: &[&str], areas: &[&str]) -> Subscription {
        Subscription {
            supplier_id: id.into(),
            cpv_prefixes: prefixes
                .iter()
                .map(|p| CpvPrefix::parse(p).expect("a prefix"))
                .collect(),
            areas: ServiceArea::parse(areas).expect("areas"),
        }
    }

    fn lot(cpv: &str, area: &[&str]) -> LotScope {
        LotScope {
            cpv: Cpv::parse(cpv).expect("a cpv"),
            area: area.iter().map(|m| k(m)).collect(),
        }
    }

    #[test]
    fn a_lot_matches_by_trade_and_a_shared_municipality() {
        let lots = [lot("55524000-9", &["4601", "4602"])];
        let subs = [
            sub("trade-and-town", &["5552"], &["4601"]),
            sub("trade-and-county", &["55"], &["46"]),
            sub("other-trade", &["60"], &["4601"]),
            sub("other-town", &["5552"], &["0301"]),
            sub("other-county", &["5552"], &["03"]),
        ];
        assert_eq!(
            recipients(&lots, &subs),
            vec!["trade-and-town", "trade-and-county"]
        );
        assert!(subs[0].matches(&lots[0]));
        assert!(!subs[2].matches(&lots[0]));
    }

    #[test]
    fn a_supplier_matching_several_lots_is_a_recipient_once() {
        let lots = [lot("55524000-9", &["4601"]), lot("55524000-9", &["4602"])];
        let subs = [sub("a", &["55", "555"], &["46"])];
        assert_eq!(recipients(&lots, &subs), vec!["a"]);
    }

    #[test]
    fn the_index_agrees_with_the_plain_rule() {
        let lots = [
            lot("55524000-9", &["4601", "1804"]),
            lot("60130000-8", &["0301"]),
            lot("90910000-9", &["5001"]),
        ];
        let prefixes = ["55", "5552", "60", "6013", "90", "9091", "45"];
        let areas = ["46", "4601", "18", "1804", "03", "0301", "50", "5001", "11"];
        let mut subs = Vec::new();
        for (i, p) in prefixes.iter().enumerate() {
            for (j, a) in areas.iter().enumerate() {
                subs.push(sub(&format!("{i}-{j}"), &[p], &[a]));
            }
        }
        let plain: Vec<&str> = subs
            .iter()
            .filter(|s| lots.iter().any(|l| s.matches(l)))
            .map(|s| s.supplier_id.as_str())
            .collect();
        assert_eq!(recipients(&lots, &subs), plain);
        assert!(!plain.is_empty());
    }

    #[test]
    fn an_answer_proposes_an_area_inside_the_lot() {
        let area = [k("4601"), k("4602"), k("4611")];
        let a = check_answer(
            "could_bid_if_split",
            Some("area_too_wide"),
            &["4602".into(), "4601".into(), "4601".into()],
            " Vi leverer bare i Bergen og omegn ",
            &area,
        )
        .expect("valid");
        assert_eq!(a.proposed_area, vec![k("4601"), k("4602")]);
        assert_eq!(a.comment, "Vi leverer bare i Bergen og omegn");
        let outside = check_answer("can_bid", None, &["0301".into()], "", &area);
        assert_eq!(
            outside.map_err(|e| (e.0, e.1.code)),
            Err(("proposed_area", ErrorCode::LotNotInArea))
        );
        let kind = check_answer("maybe", None, &[], "", &area);
        assert_eq!(
            kind.map_err(|e| (e.0, e.1.code)),
            Err(("answer", ErrorCode::InvalidAnswer))
        );
        let reason = check_answer("can_bid", Some("price"), &[], "", &area);
        assert_eq!(
            reason.map_err(|e| (e.0, e.1.code)),
            Err(("reason", ErrorCode::InvalidReason))
        );
    }

    fn facts(
        lot: &str,
        kind: AnswerKind,
        size: SizeClass,
        home: &str,
        area: &[&str],
    ) -> AnswerFacts {
        AnswerFacts {
            lot_id: lot.into(),
            answer: Answer {
                kind,
                reason: None,
                proposed_area: area.iter().map(|m| k(m)).collect(),
                comment: String::new(),
            },
            size_class: size,
            home: k(home),
        }
    }

    #[test]
    fn the_report_counts_by_kind_size_and_locality() {
        let lots = [DraftLot {
            lot_id: "l1".into(),
            title: "Skolemat".into(),
            area: vec![k("4601"), k("4602")],
        }];
        let answers = [
            facts(
                "l1",
                AnswerKind::CouldBidIfSplit,
                SizeClass::Small,
                "4601",
                &["4601"],
            ),
            facts(
                "l1",
                AnswerKind::CouldBidIfSplit,
                SizeClass::Micro,
                "4602",
                &["4601"],
            ),
            facts("l1", AnswerKind::CanBid, SizeClass::Large, "0301", &[]),
            facts(
                "l1",
                AnswerKind::CannotBid,
                SizeClass::Small,
                "0301",
                &["4602"],
            ),
            facts("other", AnswerKind::CanBid, SizeClass::Small, "4601", &[]),
        ];
        let r = &report(&lots, &answers)[0];
        assert_eq!(
            r.answers,
            KindCounts {
                can_bid: 1,
                could_bid_if_split: 2,
                cannot_bid: 1
            }
        );
        assert_eq!(
            r.smes,
            KindCounts {
                can_bid: 0,
                could_bid_if_split: 2,
                cannot_bid: 1
            }
        );
        assert_eq!(
            r.large,
            KindCounts {
                can_bid: 1,
                could_bid_if_split: 0,
                cannot_bid: 0
            }
        );
        assert_eq!(
            r.local,
            KindCounts {
                can_bid: 0,
                could_bid_if_split: 2,
                cannot_bid: 0
            }
        );
        assert_eq!(r.not_local.total(), 2);
        assert_eq!(r.proposed_areas[0].area, vec![k("4601")]);
        assert_eq!(r.proposed_areas[0].count, 2);
        assert_eq!(r.proposed_areas[0].local_smes_asking_for_split, 2);
        assert_eq!(r.proposed_areas[1].count, 1);
        let requests = split_requests(&lots[0], &answers);
        assert_eq!(most_proposed(&requests), Some(vec![k("4601")]));
    }

    #[test]
    fn the_most_proposed_area_wins_and_ties_go_to_the_lowest() {
        let a = vec![k("4601")];
        let b = vec![k("4602")];
        assert_eq!(most_proposed(&[b.clone(), a.clone()]), Some(a.clone()));
        assert_eq!(most_proposed(&[b.clone(), a, b.clone()]), Some(b));
        assert_eq!(most_proposed(&[vec![]]), None);
    }
}
