//! The `fewest_sub_lots` suggestion: divide a lot's area into as few
//! sub-lots as this search finds such that each keeps at least one eligible
//! local SME (local in the sub-lot, big enough for its value, delivering in
//! all of it). Such a firm is a "carrier" of its sub-lot.
//!
//! Finding the true minimum is a set-partitioning problem, so this is a
//! search with two deterministic heuristics:
//!
//! A. County by county, repeatedly let the carrier that can take the most
//!    still unplaced municipalities form a group: its home, then the
//!    unplaced municipalities it delivers in while its capacity lasts,
//!    cheapest first (to take many), those where no carrier is at home
//!    before other carriers' homes (to keep those carriers for groups of
//!    their own). A municipality no carrier of its own county took then
//!    joins a group whose carrier delivers there and has room, preferring
//!    its own county.
//! B. Every home of a carrier starts a group with one carrier of that home
//!    (the largest; in a second try the widest-reaching), and every other
//!    municipality, the hardest to place first, joins the group with the
//!    most room among those whose carrier delivers there. B finds splits
//!    where A's choices block each other.
//!
//! Each result's groups then merge pairwise while one carrier of either can
//! take both, and the result with the fewest groups is the answer.
//!
//! What it guarantees: every group it returns has an eligible local SME (by
//! construction, and the caller counts them again); it never returns more
//! groups than the county split when each county part has an eligible local
//! SME (A then takes each part whole), nor more than the municipality split
//! when each municipality has one (A places one or more per step). It may
//! miss a split that only a cleverer assignment would find (against an
//! exhaustive search on random six-municipality lots: the fewest in about
//! nine cases of ten, one more in most others, none found in about 2 %
//! where one exists). Where a municipality can be ruled out outright (no
//! local SME that delivers there can carry it), the caller says so.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::ops::Range;

use super::area::{Area, Geo};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Carrier {
    pub home: usize,
    /// The largest yearly value it is big enough for (`CapacityFactor::capacity`).
    pub capacity: i128,
    pub service: Area,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fewest {
    /// Ordered by their lowest municipality number.
    Groups(Vec<Area>),
    /// `unplaced` could not be put in any group; `impossible` (a subset) are
    /// those no local SME could carry in any split.
    Unplaced {
        unplaced: Vec<usize>,
        impossible: Vec<usize>,
    },
}

struct Group {
    area: Area,
    value: i128,
    county: u8,
    /// The carriers eligible for the group as it stands; never empty.
    carriers: Vec<usize>,
}

/// `values[m]` is municipality `m`'s yearly value on the lot (0 for one
/// without volumes); `candidates` are the lot's local relevant SMEs.
pub(super) fn fewest_groups(
    area: &Area,
    values: &[i128],
    candidates: impl Iterator<Item = Carrier>,
    geo: &Geo,
) -> Fewest {
    let search = Search::new(area, values, candidates, geo);
    let largest = |a: &Carrier, b: &Carrier| {
        (a.capacity, a.service.len()).cmp(&(b.capacity, b.service.len()))
    };
    let widest = |a: &Carrier, b: &Carrier| {
        (a.service.len(), a.capacity).cmp(&(b.service.len(), b.capacity))
    };
    let (by_county, unplaced) = match search.county_by_county() {
        Ok(groups) => (Some(search.merge(groups)), Area::default()),
        Err(unplaced) => (None, unplaced),
    };
    let fewest = [
        by_county,
        search.assign(largest).map(|g| search.merge(g)),
        search.assign(widest).map(|g| search.merge(g)),
    ]
    .into_iter()
    .flatten()
    // The first of equals: A's county-shaped groups when they tie.
    .min_by_key(Vec::len);
    match fewest {
        Some(groups) => Fewest::Groups(groups),
        None => Fewest::Unplaced {
            impossible: search.impossible(&unplaced),
            unplaced: unplaced.iter().collect(),
        },
    }
}

struct Search<'a> {
    area: Area,
    values: &'a [i128],
    geo: &'a Geo,
    /// Sorted by home; `at_home[m]..at_home[m + 1]` are those of home `m`.
    carriers: Vec<Carrier>,
    at_home: Vec<usize>,
}

impl<'a> Search<'a> {
    fn new(
        area: &Area,
        values: &'a [i128],
        candidates: impl Iterator<Item = Carrier>,
        geo: &'a Geo,
    ) -> Self {
        let value = |m: usize| values.get(m).copied().unwrap_or(0);
        let mut carriers: Vec<Carrier> = candidates
            .map(|c| Carrier {
                // Outside the lot's area nothing matters, and firms that
                // then look alike collapse into one below.
                service: c.service.intersection(area),
                ..c
            })
            .filter(|c| c.service.contains(c.home) && c.capacity >= value(c.home))
            .collect();
        // Of firms with the same home and reach only the largest can matter;
        // the full order also makes the search independent of the order the
        // suppliers came in.
        carriers.sort_by(|a, b| {
            (a.home, a.service, Reverse(a.capacity)).cmp(&(b.home, b.service, Reverse(b.capacity)))
        });
        carriers.dedup_by(|b, a| a.home == b.home && a.service == b.service);
        let mut at_home = vec![0usize; geo.len() + 1];
        for c in &carriers {
            if let Some(n) = at_home.get_mut(c.home + 1) {
                *n += 1;
            }
        }
        for i in 1..at_home.len() {
            at_home[i] += at_home[i - 1];
        }
        Search {
            area: *area,
            values,
            geo,
            carriers,
            at_home,
        }
    }

    fn value(&self, m: usize) -> i128 {
        self.values.get(m).copied().unwrap_or(0)
    }

    fn homed_in(&self, m: usize) -> Range<usize> {
        let start = self.at_home.get(m).copied().unwrap_or(0);
        start..self.at_home.get(m + 1).copied().unwrap_or(start)
    }

    fn eligible_for(&self, g: &Area, total: i128) -> Vec<usize> {
        g.iter()
            .flat_map(|m| self.homed_in(m))
            .filter(|&c| {
                let c = &self.carriers[c];
                g.is_subset(&c.service) && c.capacity >= total
            })
            .collect()
    }

    fn group(&self, area: Area, total: i128, county: u8) -> Group {
        Group {
            carriers: self.eligible_for(&area, total),
            area,
            value: total,
            county,
        }
    }

    /// Heuristic A. On failure, the municipalities it left out.
    fn county_by_county(&self) -> Result<Vec<Group>, Area> {
        let mut unplaced = self.area;
        let mut groups: Vec<Group> = Vec::new();
        for county_area in self.geo.county_areas() {
            let part = self.area.intersection(county_area);
            let Some(first) = part.first() else { continue };
            self.fill_part(&part, self.geo.county_of(first), &mut unplaced, &mut groups);
        }
        for m in unplaced.iter().collect::<Vec<_>>() {
            let county = self.geo.county_of(m);
            let fits = |g: &Group| {
                g.carriers.iter().any(|&c| {
                    let c = &self.carriers[c];
                    c.service.contains(m) && c.capacity >= g.value + self.value(m)
                })
            };
            let best = groups
                .iter()
                .enumerate()
                .filter(|(_, g)| fits(g))
                .min_by_key(|(i, g)| (g.county != county, *i))
                .map(|(i, _)| i);
            if let Some(g) = best.and_then(|i| groups.get_mut(i)) {
                g.area.insert(m);
                g.value += self.value(m);
                let (area, total) = (g.area, g.value);
                g.carriers.retain(|&c| {
                    area.is_subset(&self.carriers[c].service) && self.carriers[c].capacity >= total
                });
                unplaced.remove(m);
            }
        }
        if unplaced.is_empty() {
            Ok(groups)
        } else {
            Err(unplaced)
        }
    }

    fn fill_part(&self, part: &Area, county: u8, unplaced: &mut Area, groups: &mut Vec<Group>) {
        // Municipalities where no carrier is at home come first: only
        // someone else can place them, while taking another carrier's home
        // uses that carrier up.
        let mut order: Vec<(bool, usize)> = part
            .iter()
            .map(|m| (!self.homed_in(m).is_empty(), m))
            .collect();
        order.sort_by_key(|&(home, m)| (home, self.value(m), m));
        let take = |c: &Carrier, free: &Area| -> (Area, i128) {
            let mut group = Area::default();
            if !free.contains(c.home) {
                return (group, 0);
            }
            group.insert(c.home);
            let mut total = self.value(c.home);
            // Cheapest first takes the most; within a tier, sorted by value,
            // once one does not fit none after it does.
            let mut full = [false, false];
            for &(home, m) in &order {
                if full[usize::from(home)]
                    || m == c.home
                    || !free.contains(m)
                    || !c.service.contains(m)
                {
                    continue;
                }
                if total + self.value(m) > c.capacity {
                    full[usize::from(home)] = true;
                    continue;
                }
                total += self.value(m);
                group.insert(m);
            }
            (group, total)
        };
        // Lazy greedy: a carrier's take (almost always) shrinks as
        // municipalities are placed, so a stale count serves as an upper
        // bound, and a carrier whose fresh count matches every bound is taken
        // without recounting the others. Where the bound is off, a slightly
        // different carrier is chosen; every group stays valid.
        let mut heap: BinaryHeap<(usize, i128, Reverse<usize>)> = BinaryHeap::new();
        for m in part.iter() {
            for c in self.homed_in(m) {
                let n = take(&self.carriers[c], unplaced).0.len();
                heap.push((n, self.carriers[c].capacity, Reverse(c)));
            }
        }
        while let Some((_, capacity, Reverse(c))) = heap.pop() {
            let (group, total) = take(&self.carriers[c], unplaced);
            let n = group.len();
            if n == 0 {
                continue;
            }
            if heap.peek().is_some_and(|&(bound, ..)| bound > n) {
                heap.push((n, capacity, Reverse(c)));
                continue;
            }
            *unplaced = unplaced.difference(&group);
            groups.push(self.group(group, total, county));
        }
    }

    /// Heuristic B, with `better` choosing among the carriers of one home.
    fn assign(&self, better: impl Fn(&Carrier, &Carrier) -> Ordering) -> Option<Vec<Group>> {
        let mut groups: Vec<Group> = Vec::new();
        // Per group, its carrier.
        let mut chosen: Vec<usize> = Vec::new();
        let mut homes = Area::default();
        for m in self.area.iter() {
            let Some(c) = self
                .homed_in(m)
                .max_by(|&a, &b| better(&self.carriers[a], &self.carriers[b]).then(b.cmp(&a)))
            else {
                continue;
            };
            let mut area = Area::default();
            area.insert(m);
            homes.insert(m);
            chosen.push(c);
            groups.push(Group {
                area,
                value: self.value(m),
                county: self.geo.county_of(m),
                carriers: Vec::new(),
            });
        }
        let mut rest: Vec<(usize, usize)> = self
            .area
            .difference(&homes)
            .iter()
            .map(|m| {
                let options = chosen
                    .iter()
                    .filter(|&&c| self.carriers[c].service.contains(m))
                    .count();
                (options, m)
            })
            .collect();
        rest.sort_by_key(|&(options, m)| (options, Reverse(self.value(m)), m));
        for (_, m) in rest {
            let room = |g: usize| self.carriers[chosen[g]].capacity - groups[g].value;
            let best = (0..groups.len())
                .filter(|&g| {
                    self.carriers[chosen[g]].service.contains(m) && room(g) >= self.value(m)
                })
                .max_by_key(|&g| (room(g), Reverse(g)))?;
            groups[best].area.insert(m);
            groups[best].value += self.value(m);
        }
        for g in &mut groups {
            g.carriers = self.eligible_for(&g.area, g.value);
        }
        Some(groups)
    }

    /// Pairwise merges until none is possible. A merged group only grows,
    /// but its carrier may change, so another round can find more.
    fn merge(&self, mut groups: Vec<Group>) -> Vec<Area> {
        let mut alive = vec![true; groups.len()];
        loop {
            let mut merged = false;
            for i in 0..groups.len() {
                if !alive[i] {
                    continue;
                }
                for j in i + 1..groups.len() {
                    if !alive[j] {
                        continue;
                    }
                    let union = groups[i].area.union(&groups[j].area);
                    let total = groups[i].value + groups[j].value;
                    let able = |c: &usize| {
                        let c = &self.carriers[*c];
                        union.is_subset(&c.service) && c.capacity >= total
                    };
                    if !groups[i]
                        .carriers
                        .iter()
                        .chain(&groups[j].carriers)
                        .any(able)
                    {
                        continue;
                    }
                    let mut both: Vec<usize> = groups[i]
                        .carriers
                        .iter()
                        .chain(&groups[j].carriers)
                        .copied()
                        .filter(able)
                        .collect();
                    both.sort_unstable();
                    groups[i].area = union;
                    groups[i].value = total;
                    groups[i].carriers = both;
                    alive[j] = false;
                    merged = true;
                }
            }
            if !merged {
                break;
            }
        }
        let mut out: Vec<Area> = groups
            .into_iter()
            .zip(alive)
            .filter(|(_, a)| *a)
            .map(|(g, _)| g.area)
            .collect();
        out.sort_by_key(|g| g.first());
        out
    }

    /// Of `unplaced`, those no split can place: no carrier at home (else
    /// it would have a group of its own), and no carrier elsewhere that
    /// delivers there can carry it on top of its own home.
    fn impossible(&self, unplaced: &Area) -> Vec<usize> {
        unplaced
            .iter()
            .filter(|&m| {
                self.homed_in(m).is_empty()
                    && !self.carriers.iter().any(|c| {
                        c.service.contains(m) && c.capacity >= self.value(c.home) + self.value(m)
                    })
            })
            .collect()
    }
}
