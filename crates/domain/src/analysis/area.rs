//! Sets of municipalities as bitsets over the compiled-in reference, so that
//! "is local" is one bit test and "covers the area" a handful of word
//! operations, whatever the size of the area.

use std::sync::OnceLock;

use crate::reference::reference;
use crate::{Fylkesnummer, Kommunenummer};

const WORDS: usize = 6;
/// 384 bits: room for the 357 municipalities of 2024 (a test holds the
/// reference to it, so a future structure that outgrows it fails the build's
/// tests rather than dropping municipalities).
pub(crate) const CAPACITY: usize = WORDS * 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Area([u64; WORDS]);

impl Area {
    pub(crate) fn insert(&mut self, i: usize) {
        if i < CAPACITY {
            self.0[i / 64] |= 1 << (i % 64);
        }
    }

    pub(crate) fn remove(&mut self, i: usize) {
        if i < CAPACITY {
            self.0[i / 64] &= !(1 << (i % 64));
        }
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        i < CAPACITY && self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub(crate) fn is_subset(&self, of: &Area) -> bool {
        self.0.iter().zip(of.0.iter()).all(|(a, b)| a & !b == 0)
    }

    pub(crate) fn union(&self, other: &Area) -> Area {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
        out
    }

    pub(crate) fn intersection(&self, other: &Area) -> Area {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a &= b;
        }
        out
    }

    pub(crate) fn difference(&self, other: &Area) -> Area {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a &= !b;
        }
        out
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(crate) fn first(&self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }

    pub(crate) fn last(&self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .rev()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + 63 - w.leading_zeros() as usize)
    }

    /// Ascending, which is ascending municipality number.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

/// The municipalities numbered in ascending order of their number, so that a
/// county (the first two digits) is a contiguous run of indices.
pub(crate) struct Geo {
    numbers: Vec<&'static str>,
    names: Vec<&'static str>,
    /// Indexed by the number's four digits read as an integer.
    by_number: Vec<Option<u16>>,
    /// Indexed by the county's two digits read as an integer.
    county_masks: Vec<Area>,
    county_of: Vec<u8>,
    /// The county numbers present, ascending.
    counties: Vec<u8>,
}

impl Geo {
    pub(crate) fn get() -> &'static Geo {
        static GEO: OnceLock<Geo> = OnceLock::new();
        GEO.get_or_init(Geo::load)
    }

    fn load() -> Geo {
        let mut records: Vec<_> = reference()
            .municipalities
            .iter()
            .filter_map(|m| Some((digits(&m.number)?, m.number.as_str(), m.name.as_str())))
            .filter(|(n, _, _)| *n < 10_000)
            .collect();
        records.sort_by_key(|r| r.0);
        records.dedup_by_key(|r| r.0);
        records.truncate(CAPACITY);
        let mut geo = Geo {
            numbers: Vec::with_capacity(records.len()),
            names: Vec::with_capacity(records.len()),
            by_number: vec![None; 10_000],
            county_masks: vec![Area::default(); 100],
            county_of: Vec::with_capacity(records.len()),
            counties: Vec::new(),
        };
        for (i, (n, number, name)) in records.into_iter().enumerate() {
            let county = (n / 100) as u8;
            geo.by_number[n as usize] = u16::try_from(i).ok();
            geo.numbers.push(number);
            geo.names.push(name);
            geo.county_of.push(county);
            geo.county_masks[usize::from(county)].insert(i);
            if geo.counties.last() != Some(&county) {
                geo.counties.push(county);
            }
        }
        geo
    }

    pub(crate) fn len(&self) -> usize {
        self.numbers.len()
    }

    pub(crate) fn index(&self, m: &Kommunenummer) -> Option<usize> {
        let n = digits(m.as_str())?;
        self.by_number
            .get(n as usize)
            .copied()
            .flatten()
            .map(usize::from)
    }

    pub(crate) fn county_area(&self, c: &Fylkesnummer) -> Area {
        digits(c.as_str())
            .and_then(|n| self.county_masks.get(n as usize))
            .copied()
            .unwrap_or_default()
    }

    pub(crate) fn county_of(&self, i: usize) -> u8 {
        self.county_of.get(i).copied().unwrap_or(0)
    }

    /// Each county's municipalities, counties in ascending order.
    pub(crate) fn county_areas(&self) -> impl Iterator<Item = &Area> + '_ {
        self.counties
            .iter()
            .map(|&c| &self.county_masks[usize::from(c)])
    }

    /// "4632 Austrheim", for messages.
    pub(crate) fn label(&self, i: usize) -> String {
        match (self.numbers.get(i), self.names.get(i)) {
            (Some(n), Some(name)) => format!("{n} {name}"),
            _ => String::new(),
        }
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_municipality_of_the_reference_has_a_bit() {
        let geo = Geo::get();
        assert!(reference().municipalities.len() <= CAPACITY);
        assert_eq!(geo.len(), reference().municipalities.len());
        for m in &reference().municipalities {
            let k = Kommunenummer::parse(&m.number).unwrap();
            let i = geo.index(&k).unwrap();
            assert_eq!(geo.numbers[i], m.number);
            assert!(geo.county_area(&k.county()).contains(i));
        }
        let vestland = geo.county_area(&Fylkesnummer::parse("46").unwrap());
        assert_eq!(vestland.len(), 43);
        // A county is a contiguous run of indices.
        let (first, last) = (vestland.first().unwrap(), vestland.last().unwrap());
        assert_eq!(last - first + 1, 43);
        assert_eq!(geo.county_areas().count(), 15);
    }

    #[test]
    fn set_operations() {
        let mut a = Area::default();
        for i in [0, 63, 64, 200, 356] {
            a.insert(i);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 63, 64, 200, 356]);
        assert_eq!((a.first(), a.last(), a.len()), (Some(0), Some(356), 5));
        let mut b = a;
        b.remove(64);
        assert!(b.is_subset(&a) && !a.is_subset(&b));
        assert_eq!(a.difference(&b).iter().collect::<Vec<_>>(), vec![64]);
        assert_eq!(a.intersection(&b), b);
        assert_eq!(b.union(&a), a);
        assert!(Area::default().is_empty() && Area::default().first().is_none());
        // Out of range is simply absent, never a panic.
        a.insert(CAPACITY);
        assert!(!a.contains(CAPACITY));
    }
}
