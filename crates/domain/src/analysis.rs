//! Who a procurement's lots shut out (api.md "Analysis: who is shut out";
//! procurement-rules.md §3-4). Per lot: the local SMEs of its trade, how
//! many its yearly value (size) and its area (geography) exclude, a flag
//! when none or too few can bid, and splits that would let them in.
//!
//! Pure and deterministic: the same facts give the same answer in the same
//! order, whatever the order of the suppliers. A supplier excluded both by
//! size and by area is counted in both `excluded_by_size` and
//! `excluded_by_area`, so the two may add up to more than the SMEs not
//! eligible; `eligible_local_smes` counts those excluded by neither.
//!
//! Cost: the suppliers are indexed once (by CPV prefix, sorted by home);
//! a lot then visits only the suppliers of its trade whose home lies in the
//! span of municipality numbers its area covers, and "local" and "covers the
//! area" are bitset operations. Splits are computed only for flagged lots.

mod area;
mod factor;
mod grouping;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use self::area::{Area, Geo};
use self::grouping::{fewest_groups, Carrier, Fewest};
use super::{Cpv, CpvPrefix, Kommunenummer, Lang, Ore, ServiceArea, SizeClass};
use crate::lang::count;

pub use self::factor::CapacityFactor;

// ---- input ----

/// A registered supplier as the analysis needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierFacts {
    pub id: String,
    pub size_class: SizeClass,
    pub annual_turnover: Ore,
    pub home: Kommunenummer,
    /// Taken as given: `SupplierProfile` always adds the home, and a firm
    /// whose area lacked it would not cover a lot that includes its home.
    pub service_area: ServiceArea,
    pub cpv: Vec<CpvPrefix>,
}

/// One lot of a procurement, with its combined and per-municipality values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotFacts {
    pub lot_id: String,
    pub title: String,
    pub cpv: Cpv,
    pub area: Vec<Kommunenummer>,
    /// The lot's combined `annual_value_ore`: what "big enough" compares with.
    pub annual_value: Ore,
    /// Per joined municipality, for the value of a sub-lot (the sum over its
    /// municipalities). A municipality of the area missing here counts 0; one
    /// outside the area is ignored; one given twice counts twice.
    pub municipality_values: Vec<(Kommunenummer, Ore)>,
    pub interested_suppliers: usize,
    /// From the market dialogue: per local SME that answered
    /// `could_bid_if_split`, the area it proposed (maybe empty).
    pub split_requests: Vec<Vec<Kommunenummer>>,
}

// ---- output: the JSON of api.md, field for field, plus title, notes and messages ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub capacity_factor: CapacityFactor,
    pub lots: Vec<LotAnalysis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotAnalysis {
    pub lot_id: String,
    pub title: String,
    pub annual_value_ore: Ore,
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
    /// Only on a flagged lot.
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    /// On `smes_ask_for_split`: the area most of them proposed, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_area: Option<Vec<Kommunenummer>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub message: String,
    /// Empty only when no split of the kind exists (`fewest_sub_lots` when
    /// no split gives every sub-lot an eligible local SME); `message` says why.
    pub sub_lots: Vec<SubLotFigures>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubLotFigures {
    /// Sorted by number.
    pub area: Vec<Kommunenummer>,
    /// The sum of the municipalities' yearly values.
    pub annual_value_ore: Ore,
    /// Local to the sub-lot, big enough for its value and covering its area.
    pub eligible_local_smes: usize,
}

// ---- the analysis ----

/// The messages are in `lang`; the figures do not depend on it.
pub fn analyse(
    lots: &[LotFacts],
    suppliers: &[SupplierFacts],
    factor: CapacityFactor,
    lang: Lang,
) -> Analysis {
    let geo = Geo::get();
    let index = SupplierIndex::build(suppliers, factor, geo);
    Analysis {
        capacity_factor: factor,
        lots: lots
            .iter()
            .map(|lot| analyse_lot(lot, &index, factor, geo, lang))
            .collect(),
    }
}

/// An SME reduced to what the comparisons need.
struct Sme {
    home: usize,
    capacity: i128,
    turnover: Ore,
    service: Area,
}

struct SupplierIndex {
    smes: Vec<Sme>,
    /// Keyed by `prefix_key`; each list sorted by home, then position.
    by_prefix: HashMap<u64, Vec<usize>>,
}

/// A prefix as (length, digits as a number): "05" and "5" must differ.
fn prefix_key(digits: &[u8]) -> Option<u64> {
    if !(2..=8).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    Some(((digits.len() as u64) << 32) | n)
}

impl SupplierIndex {
    fn build(suppliers: &[SupplierFacts], factor: CapacityFactor, geo: &Geo) -> SupplierIndex {
        let mut smes = Vec::new();
        let mut by_prefix: HashMap<u64, Vec<usize>> = HashMap::new();
        let mut prefixes: Vec<&str> = Vec::new();
        for s in suppliers {
            // Large firms count nowhere in the analysis; a home outside the
            // reference cannot be local to any lot.
            let Some(home) = geo.index(&s.home).filter(|_| s.size_class.is_sme()) else {
                continue;
            };
            // A prefix under another of the same firm's adds nothing, and
            // without it a firm matches a lot through one prefix at most, so
            // it is visited once per lot.
            prefixes.clear();
            prefixes.extend(s.cpv.iter().map(CpvPrefix::as_str));
            prefixes.sort_by_key(|p| (p.len(), *p));
            prefixes.dedup();
            let mut kept: Vec<u64> = Vec::with_capacity(prefixes.len());
            for (i, p) in prefixes.iter().enumerate() {
                if prefixes[..i].iter().any(|q| p.starts_with(q)) {
                    continue;
                }
                if let Some(key) = prefix_key(p.as_bytes()) {
                    kept.push(key);
                }
            }
            if kept.is_empty() {
                continue;
            }
            let mut service = Area::default();
            for c in &s.service_area.counties {
                service = service.union(&geo.county_area(c));
            }
            for m in &s.service_area.municipalities {
                if let Some(i) = geo.index(m) {
                    service.insert(i);
                }
            }
            let position = smes.len();
            smes.push(Sme {
                home,
                capacity: factor.capacity(s.annual_turnover),
                turnover: s.annual_turnover,
                service,
            });
            for key in kept {
                by_prefix.entry(key).or_default().push(position);
            }
        }
        for list in by_prefix.values_mut() {
            list.sort_by_key(|&i| (smes[i].home, i));
        }
        SupplierIndex { smes, by_prefix }
    }

    /// The local relevant SMEs of a lot, as positions in `smes`.
    fn local_relevant(&self, cpv: &Cpv, area: &Area) -> Vec<usize> {
        let mut out = Vec::new();
        let (Some(low), Some(high)) = (area.first(), area.last()) else {
            return out;
        };
        let digits = cpv.digits().as_bytes();
        for len in 2..=digits.len().min(8) {
            let Some(list) = prefix_key(&digits[..len]).and_then(|k| self.by_prefix.get(&k)) else {
                continue;
            };
            let start = list.partition_point(|&i| self.smes[i].home < low);
            for &i in &list[start..] {
                let home = self.smes[i].home;
                if home > high {
                    break;
                }
                if area.contains(home) {
                    out.push(i);
                }
            }
        }
        out
    }
}

/// The counts of one lot or sub-lot, with what the messages need.
#[derive(Default)]
struct Counts {
    local_relevant: usize,
    too_small: usize,
    outside: usize,
    eligible: usize,
    largest_too_small: Option<Ore>,
}

fn analyse_lot(
    lot: &LotFacts,
    index: &SupplierIndex,
    factor: CapacityFactor,
    geo: &Geo,
    lang: Lang,
) -> LotAnalysis {
    // Each area bit remembers the caller's number, to give it back in sub-lots.
    let mut numbers: Vec<Option<&Kommunenummer>> = vec![None; geo.len()];
    let mut area = Area::default();
    for m in &lot.area {
        if let Some(i) = geo.index(m) {
            area.insert(i);
            numbers[i] = Some(m);
        }
    }
    let candidates = index.local_relevant(&lot.cpv, &area);
    let value = i128::from(lot.annual_value.get());
    let mut counts = Counts {
        local_relevant: candidates.len(),
        ..Counts::default()
    };
    for &i in &candidates {
        let s = &index.smes[i];
        let big_enough = value <= s.capacity;
        let covers = area.is_subset(&s.service);
        if !big_enough {
            counts.too_small += 1;
            counts.largest_too_small = counts.largest_too_small.max(Some(s.turnover));
        }
        if !covers {
            counts.outside += 1;
        }
        if big_enough && covers {
            counts.eligible += 1;
        }
    }

    let text = Text {
        lang,
        lot,
        factor,
        trade: trade(&lot.cpv, lang),
        municipalities: area.len(),
    };
    let mut flags = Vec::new();
    let mut notes = Vec::new();
    if counts.local_relevant == 0 {
        notes.push(Finding {
            code: FindingCode::NoLocalSmes,
            severity: Severity::Info,
            message: text.no_local_smes(),
            proposed_area: None,
        });
    } else if counts.eligible == 0 {
        flags.push(Finding {
            code: FindingCode::ShutsOutLocalSmes,
            severity: Severity::High,
            message: text.shut_out(&counts),
            proposed_area: None,
        });
    } else if 2 * counts.eligible < counts.local_relevant {
        flags.push(Finding {
            code: FindingCode::FewLocalSmesCanBid,
            severity: Severity::Medium,
            message: text.shut_out(&counts),
            proposed_area: None,
        });
    }

    let asked = !lot.split_requests.is_empty();
    let proposed = crate::consultation::most_proposed(&lot.split_requests);
    if asked {
        flags.push(Finding {
            code: FindingCode::SmesAskForSplit,
            severity: Severity::Medium,
            message: text.asked_for_split(lot.split_requests.len(), proposed.as_deref()),
            proposed_area: proposed.clone(),
        });
    }

    let suggestions = if flags.is_empty() {
        Vec::new()
    } else {
        let splitter = Splitter::new(lot, &area, &numbers, &candidates, index, geo);
        let mut out = Vec::new();
        if let Some(proposed) = &proposed {
            out.extend(splitter.as_proposed(proposed, lang));
        }
        out.extend(splitter.by_county(lang));
        out.extend(splitter.by_municipality(lang));
        if counts.eligible == 0 {
            out.extend(splitter.fewest(&text));
        }
        out
    };

    LotAnalysis {
        lot_id: lot.lot_id.clone(),
        title: lot.title.clone(),
        annual_value_ore: lot.annual_value,
        local_relevant_smes: counts.local_relevant,
        excluded_by_size: counts.too_small,
        excluded_by_area: counts.outside,
        eligible_local_smes: counts.eligible,
        interested_suppliers: lot.interested_suppliers,
        flags,
        notes,
        suggestions,
    }
}

/// Sub-lots of one lot: their values and eligible counts.
struct Splitter<'a> {
    area: &'a Area,
    numbers: &'a [Option<&'a Kommunenummer>],
    values: Vec<i128>,
    candidates: &'a [usize],
    index: &'a SupplierIndex,
    geo: &'a Geo,
}

impl<'a> Splitter<'a> {
    fn new(
        lot: &LotFacts,
        area: &'a Area,
        numbers: &'a [Option<&'a Kommunenummer>],
        candidates: &'a [usize],
        index: &'a SupplierIndex,
        geo: &'a Geo,
    ) -> Self {
        let mut values = vec![0i128; geo.len()];
        for (m, v) in &lot.municipality_values {
            if let Some(i) = geo.index(m).filter(|&i| area.contains(i)) {
                values[i] += i128::from(v.get());
            }
        }
        Splitter {
            area,
            numbers,
            values,
            candidates,
            index,
            geo,
        }
    }

    /// Each group's figures. The eligible counts are recounted here for
    /// every kind of split, so a suggestion's figures never rest on how it
    /// was found.
    fn figures(&self, groups: &[Area]) -> Vec<SubLotFigures> {
        let mut group_of = vec![usize::MAX; self.geo.len()];
        let mut totals = vec![0i128; groups.len()];
        for (g, group) in groups.iter().enumerate() {
            for m in group.iter() {
                group_of[m] = g;
                totals[g] += self.values[m];
            }
        }
        let mut eligible = vec![0usize; groups.len()];
        for &i in self.candidates {
            let s = &self.index.smes[i];
            let Some(&g) = group_of.get(s.home).filter(|&&g| g < groups.len()) else {
                continue;
            };
            if totals[g] <= s.capacity && groups[g].is_subset(&s.service) {
                eligible[g] += 1;
            }
        }
        groups
            .iter()
            .zip(totals)
            .zip(eligible)
            .map(|((group, total), eligible)| SubLotFigures {
                area: group
                    .iter()
                    .filter_map(|m| self.numbers.get(m).copied().flatten().cloned())
                    .collect(),
                // Sub-sums of non-negative i64 values that summed to an i64.
                annual_value_ore: Ore::from_i128(total).unwrap_or(Ore::new(i64::MAX)),
                eligible_local_smes: eligible,
            })
            .collect()
    }

    /// The groups with volume, when at least two: a split into one part
    /// changes nothing, and a sub-lot without volume buys nothing.
    fn with_volume(&self, groups: Vec<Area>) -> Option<Vec<Area>> {
        let groups: Vec<Area> = groups
            .into_iter()
            .filter(|g| g.iter().any(|m| self.values[m] > 0))
            .collect();
        (groups.len() >= 2).then_some(groups)
    }

    fn by_county(&self, lang: Lang) -> Option<Suggestion> {
        let groups: Vec<Area> = self
            .geo
            .county_areas()
            .map(|c| self.area.intersection(c))
            .filter(|g| !g.is_empty())
            .collect();
        let sub_lots = self.figures(&self.with_volume(groups)?);
        Some(Suggestion {
            kind: SuggestionKind::SplitByCounty,
            message: split_message(lang, Per::County, &sub_lots),
            sub_lots,
        })
    }

    /// The proposed area and the rest of the lot, each where it has volume.
    fn as_proposed(&self, proposed: &[Kommunenummer], lang: Lang) -> Option<Suggestion> {
        let mut part = Area::default();
        for m in proposed {
            if let Some(i) = self.geo.index(m).filter(|&i| self.area.contains(i)) {
                part.insert(i);
            }
        }
        let rest = self.area.difference(&part);
        let sub_lots = self.figures(&self.with_volume(vec![part, rest])?);
        let message = match lang {
            Lang::Nb => {
                "Området lokale SMB-er foreslo i markedsdialogen, og resten av delkontrakten."
            }
            Lang::En => {
                "The area local SMEs proposed in the market dialogue, and the rest of the lot."
            }
        };
        Some(Suggestion {
            kind: SuggestionKind::SplitAsProposed,
            message: message.to_string(),
            sub_lots,
        })
    }

    fn by_municipality(&self, lang: Lang) -> Option<Suggestion> {
        let groups: Vec<Area> = self
            .area
            .iter()
            .map(|m| {
                let mut g = Area::default();
                g.insert(m);
                g
            })
            .collect();
        let sub_lots = self.figures(&self.with_volume(groups)?);
        Some(Suggestion {
            kind: SuggestionKind::SplitByMunicipality,
            message: split_message(lang, Per::Municipality, &sub_lots),
            sub_lots,
        })
    }

    fn fewest(&self, text: &Text) -> Option<Suggestion> {
        let lang = text.lang;
        let carriers = self.candidates.iter().map(|&i| {
            let s = &self.index.smes[i];
            Carrier {
                home: s.home,
                capacity: s.capacity,
                service: s.service,
            }
        });
        Some(
            match fewest_groups(self.area, &self.values, carriers, self.geo) {
                Fewest::Groups(groups) => {
                    let sub_lots = self.figures(&self.with_volume(groups)?);
                    let n = sub_lots.len();
                    let message = match lang {
                        Lang::Nb => format!(
                            "{} minst én lokal SMB som kan gi tilbud: den inndelingen med færrest \
                         delkontrakter som søket fant, men det er ikke bevist at færre er umulig.",
                            if n == 1 {
                                "1 delkontrakt som har".to_string()
                            } else {
                                format!("{n} delkontrakter som hver har")
                            }
                        ),
                        Lang::En => format!(
                            "{} in which each has at least one local SME that can bid: the fewest \
                         this search found, not proven the fewest possible.",
                            count(n, "sub-lot", "sub-lots")
                        ),
                    };
                    Suggestion {
                        kind: SuggestionKind::FewestSubLots,
                        message,
                        sub_lots,
                    }
                }
                Fewest::Unplaced {
                    unplaced,
                    impossible,
                } => {
                    let message = match (impossible.is_empty(), lang) {
                    (true, Lang::Nb) => format!(
                        "Fant ingen deling der hver delkontrakt beholder en lokal SMB som kan gi \
                         tilbud: ingen gruppe kunne ta inn {}.",
                        self.list(&unplaced, lang)
                    ),
                    (true, Lang::En) => format!(
                        "No split found in which every sub-lot keeps a local SME that can bid: \
                         no group could take {}.",
                        self.list(&unplaced, lang)
                    ),
                    (false, Lang::Nb) => format!(
                        "Ingen deling lar hver delkontrakt beholde en lokal SMB som kan gi tilbud: \
                         ingen lokal SMB innen {} som leverer i {}, er stor nok til å påta seg den.",
                        text.trade,
                        self.list(&impossible, lang)
                    ),
                    (false, Lang::En) => format!(
                        "No split lets every sub-lot keep a local SME that can bid: no local SME \
                         in {} that delivers in {} is big enough to take it on.",
                        text.trade,
                        self.list(&impossible, lang)
                    ),
                };
                    Suggestion {
                        kind: SuggestionKind::FewestSubLots,
                        message,
                        sub_lots: Vec::new(),
                    }
                }
            },
        )
    }

    /// "4632 Austrheim, 4631 Alver or 3 more".
    fn list(&self, municipalities: &[usize], lang: Lang) -> String {
        const SHOWN: usize = 5;
        let names: Vec<String> = municipalities
            .iter()
            .take(SHOWN)
            .map(|&m| self.geo.label(m))
            .collect();
        let rest = municipalities.len().saturating_sub(SHOWN);
        let or = lang.pick("eller", "or");
        match (names.split_last(), rest) {
            (None, _) => String::new(),
            (Some((last, [])), 0) => last.clone(),
            (Some((last, init)), 0) => format!("{} {or} {last}", init.join(", ")),
            (Some(_), n) => match lang {
                Lang::Nb => format!("{} eller {n} andre", names.join(", ")),
                Lang::En => format!("{} or {n} more", names.join(", ")),
            },
        }
    }
}

/// What a suggestion splits by.
#[derive(Clone, Copy)]
enum Per {
    County,
    Municipality,
}

/// "One sub-lot per county: 3 sub-lots, each with a local SME that can bid."
fn split_message(lang: Lang, per: Per, sub_lots: &[SubLotFigures]) -> String {
    let open = sub_lots
        .iter()
        .filter(|s| s.eligible_local_smes > 0)
        .count();
    let total = sub_lots.len();
    match lang {
        Lang::Nb => {
            let per = match per {
                Per::County => "fylke",
                Per::Municipality => "kommune",
            };
            let with = if open == total {
                "hver med en lokal SMB som kan gi tilbud".to_string()
            } else if open == 0 {
                "ingen med en lokal SMB som kan gi tilbud".to_string()
            } else {
                format!("{open} av dem med en lokal SMB som kan gi tilbud")
            };
            format!(
                "Én delkontrakt per {per}: {}, {with}.",
                count(total, "delkontrakt", "delkontrakter")
            )
        }
        Lang::En => {
            let per = match per {
                Per::County => "county",
                Per::Municipality => "municipality",
            };
            let with = if open == total {
                "each with a local SME that can bid".to_string()
            } else if open == 0 {
                "none with a local SME that can bid".to_string()
            } else {
                format!("{open} of them with a local SME that can bid")
            };
            format!(
                "One sub-lot per {per}: {}, {with}.",
                count(total, "sub-lot", "sub-lots")
            )
        }
    }
}

// ---- messages ----

/// What the messages of one lot say about it, and in which language.
struct Text<'a> {
    lang: Lang,
    lot: &'a LotFacts,
    factor: CapacityFactor,
    trade: String,
    municipalities: usize,
}

impl Text<'_> {
    fn asked_for_split(&self, n: usize, proposed: Option<&[Kommunenummer]>) -> String {
        let title = &self.lot.title;
        let area = proposed.map(|a| {
            a.iter()
                .map(|m| format!("{m} {}", m.name()))
                .collect::<Vec<_>>()
                .join(", ")
        });
        match (self.lang, area) {
            (Lang::Nb, Some(area)) => format!(
                "I markedsdialogen svarte {} at de kunne gi tilbud på «{title}» om den ble delt; \
                 de fleste foreslo området {area}.",
                count(n, "lokal SMB", "lokale SMB-er")
            ),
            (Lang::Nb, None) => format!(
                "I markedsdialogen svarte {} at de kunne gi tilbud på «{title}» om den ble delt.",
                count(n, "lokal SMB", "lokale SMB-er")
            ),
            (Lang::En, Some(area)) => format!(
                "In the market dialogue {} answered they could bid for '{title}' if it were split; \
                 most proposed the area {area}.",
                count(n, "local SME", "local SMEs")
            ),
            (Lang::En, None) => format!(
                "In the market dialogue {} answered they could bid for '{title}' if it were split.",
                count(n, "local SME", "local SMEs")
            ),
        }
    }

    fn no_local_smes(&self) -> String {
        let (title, trade) = (&self.lot.title, &self.trade);
        match self.lang {
            Lang::Nb => format!(
                "Ingen SMB registrert innen {trade} har hjemsted i området til delkontrakt \
                 «{title}» ({}), så delkontrakten stenger ingen lokal SMB ute.",
                count(self.municipalities, "kommune", "kommuner")
            ),
            Lang::En => format!(
                "No SME registered for {trade} has its home in the area of lot '{title}' ({}), \
                 so the lot shuts no local SME out.",
                count(self.municipalities, "municipality", "municipalities")
            ),
        }
    }

    /// "Delkontrakt «Skolemat» er verdt kr 14 200 000 ekskl. mva. i året;
    /// den største av de 9 lokale SMB-ene innen catering til skoler har en
    /// omsetning på kr 6 100 000; ingen kan påta seg den alene. Dette er
    /// ingen hindring for å gi tilbud: ..."
    fn shut_out(&self, c: &Counts) -> String {
        let (lang, lot, trade) = (self.lang, self.lot, &self.trade);
        let value = lot.annual_value.written(lang);
        let required = self
            .factor
            .required_turnover(lot.annual_value)
            .written(lang);
        let largest = c.largest_too_small.unwrap_or_default().written(lang);
        let (n, m) = (c.local_relevant, self.municipalities);

        let mut head = match lang {
            Lang::Nb => format!(
                "Delkontrakt «{}» er verdt {value} ekskl. mva. i året",
                lot.title
            ),
            Lang::En => format!("Lot '{}' is worth {value} excl. VAT a year", lot.title),
        };
        if self.factor != CapacityFactor::ONE {
            let factor = self.factor.written(lang);
            head.push_str(&match lang {
                Lang::Nb => format!(
                    ", og med kapasitetsfaktor {factor} trenger en tilbyder en omsetning på {required}"
                ),
                Lang::En => format!(
                    ", and with capacity factor {factor} a bidder needs a turnover of {required}"
                ),
            });
        }
        // The municipalities of the area, and the local SMEs as a group.
        let (within, smes) = match lang {
            Lang::Nb if m == 1 => ("kommunen i området".to_string(), String::new()),
            Lang::Nb if m == 2 => ("begge kommunene i området".to_string(), String::new()),
            Lang::Nb => (format!("alle de {m} kommunene i området"), String::new()),
            Lang::En => (
                format!(
                    "all {} of its area",
                    count(m, "municipality", "municipalities")
                ),
                count(n, "local SME", "local SMEs"),
            ),
        };
        // "de 3 lokale SMB-ene innen ...": only ever said of two or more.
        let the_smes_nb = format!("de {n} lokale SMB-ene innen {trade}");
        let outside_en = |k: usize| {
            format!(
                "{k} {} not deliver in {within}",
                if k == 1 { "does" } else { "do" }
            )
        };

        let body = if c.too_small == c.local_relevant {
            let mut body = match (lang, n) {
                (Lang::Nb, 1) => {
                    format!("den eneste lokale SMB-en innen {trade} har en omsetning på {largest}")
                }
                (Lang::Nb, _) => {
                    format!("den største av {the_smes_nb} har en omsetning på {largest}")
                }
                (Lang::En, 1) => {
                    format!("the only local SME in {trade} has a turnover of {largest}")
                }
                (Lang::En, _) => {
                    format!("the largest of the {smes} in {trade} has a turnover of {largest}")
                }
            };
            if c.outside > 0 {
                body.push_str(&match (lang, n, c.outside) {
                    (Lang::Nb, 1, _) => format!(", og den leverer ikke i {within}"),
                    (Lang::Nb, _, k) => format!(", og {k} av dem leverer ikke i {within}"),
                    (Lang::En, 1, _) => format!(", and it does not deliver in {within}"),
                    (Lang::En, _, 1) => format!(", and 1 of them does not deliver in {within}"),
                    (Lang::En, _, k) => format!(", and {k} of them do not deliver in {within}"),
                });
            }
            body
        } else if c.too_small == 0 {
            match (lang, c.outside == n, n) {
                (Lang::Nb, true, 1) => {
                    format!("den ene lokale SMB-en innen {trade} leverer ikke i {within}")
                }
                (Lang::Nb, true, _) => format!("ingen av {the_smes_nb} leverer i {within}"),
                (Lang::Nb, false, _) => {
                    format!("av {the_smes_nb} leverer {} ikke i {within}", c.outside)
                }
                (Lang::En, true, 1) => {
                    format!("the {smes} in {trade} does not deliver in {within}")
                }
                (Lang::En, true, _) => {
                    format!("none of the {smes} in {trade} delivers in {within}")
                }
                (Lang::En, false, _) => {
                    format!("of the {smes} in {trade}, {}", outside_en(c.outside))
                }
            }
        } else {
            let k = c.too_small;
            let mut body = match lang {
                Lang::Nb => format!(
                    "av {the_smes_nb} har {k} en omsetning under {required} (den største har {largest})"
                ),
                Lang::En => format!(
                    "of the {smes} in {trade}, {} a turnover below {required} (the largest has {largest})",
                    if k == 1 {
                        "1 has".to_string()
                    } else {
                        format!("{k} have")
                    },
                ),
            };
            if c.outside > 0 {
                body.push_str(&match lang {
                    Lang::Nb => format!(" og {} leverer ikke i {within}", c.outside),
                    Lang::En => format!(" and {}", outside_en(c.outside)),
                });
            }
            body
        };
        let outcome = match (lang, c.eligible) {
            (Lang::Nb, 0) => "ingen kan påta seg den alene".to_string(),
            (Lang::Nb, e) => format!("bare {e} kan påta seg den alene"),
            (Lang::En, 0) => "none can carry it alone".to_string(),
            (Lang::En, e) => format!("only {e} can carry it alone"),
        };
        format!("{head}; {body}; {outcome}. {}", alone_is_not_all(lang))
    }
}

/// What the shut-out finding must not be read as (procurement-rules.md §4):
/// the estimate is of who can carry a lot alone, not of who may bid.
pub fn alone_is_not_all(lang: Lang) -> &'static str {
    lang.pick(
        "Dette er ingen hindring for å gi tilbud: to ganger kontraktsverdien er det meste en \
         oppdragsgiver kan kreve i årlig omsetning (direktivet art. 58(3)), et tak og ikke et \
         minstekrav, og små leverandører kan gi tilbud sammen (art. 19(2)) eller støtte seg på \
         andres kapasitet (art. 63).",
        "This is not a bar to bidding: twice the contract value is the most a buyer may demand \
         in yearly turnover (Directive Art. 58(3)), a ceiling, not a minimum, and small firms \
         can bid together (Art. 19(2)) or rely on the capacity of others (Art. 63).",
    )
}

/// The lot's trade as words that fit in a sentence: "catering til skoler",
/// "school catering services". An initialism such as "IT" keeps its
/// capitals; a code without a name is "CPV" and its code.
fn trade(cpv: &Cpv, lang: Lang) -> String {
    let name = lang.pick(cpv.name_nb(), cpv.name_en());
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (None, _) => format!("CPV {cpv}"),
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests;
