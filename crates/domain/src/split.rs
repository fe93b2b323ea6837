//! Splitting a lot by geography after the window has closed, so that local
//! suppliers can bid for a part (procurement-rules.md §3-4). The regime is
//! still decided by the sum of all lots, so a split never lowers it; what
//! must hold is that nothing is lost or counted twice.

use std::collections::{BTreeSet, HashMap};

use super::summary::VolumeInput;
use super::{ErrorCode, Invalid, ParticipantNumber};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubLot {
    pub area: Vec<ParticipantNumber>,
    /// Each line keeps the original lot's `lot_id`; the caller gives it the
    /// new lot's id when it stores the sub-lot.
    pub volumes: Vec<(ParticipantNumber, VolumeInput)>,
}

fn invalid(message: String) -> Invalid {
    Invalid::new(ErrorCode::InvalidSplit, message)
}

/// Divides the lot's area into `groups`, in their order, and moves each
/// municipality's volume lines to the group that holds it.
pub fn split_lot(
    lot_area: &[ParticipantNumber],
    groups: &[Vec<ParticipantNumber>],
    volumes: &[(ParticipantNumber, VolumeInput)],
) -> Result<Vec<SubLot>, Invalid> {
    if groups.len() < 2 {
        return Err(invalid(
            "a split needs at least two groups of municipalities".into(),
        ));
    }
    let area: BTreeSet<&ParticipantNumber> = lot_area.iter().collect();
    let mut group_of: HashMap<&ParticipantNumber, usize> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        if group.is_empty() {
            return Err(invalid(format!("group {} is empty", g + 1)));
        }
        for m in group {
            if !area.contains(m) {
                return Err(invalid(format!(
                    "{m} {} is not in the lot's area",
                    m.name()
                )));
            }
            if group_of.insert(m, g).is_some() {
                return Err(invalid(format!(
                    "{m} {} is in more than one group",
                    m.name()
                )));
            }
        }
    }
    if let Some(missing) = area.iter().find(|m| !group_of.contains_key(*m)) {
        return Err(invalid(format!(
            "{missing} {} is in the lot's area but in no group",
            missing.name()
        )));
    }

    let mut sub_lots: Vec<SubLot> = groups
        .iter()
        .map(|group| SubLot {
            area: group.clone(),
            volumes: Vec::new(),
        })
        .collect();
    for (m, v) in volumes {
        // Dropping such a line would make the split lose volume silently.
        let g = group_of.get(m).ok_or_else(|| {
            invalid(format!(
                "{m} {} has volumes on the lot but is not in its area",
                m.name()
            ))
        })?;
        sub_lots[*g].volumes.push((m.clone(), v.clone()));
    }
    Ok(sub_lots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fylkesnummer;
    use proptest::prelude::*;

    fn kn(n: &str) -> ParticipantNumber {
        ParticipantNumber::parse(n).unwrap()
    }

    fn kns(ns: &[&str]) -> Vec<ParticipantNumber> {
        ns.iter().map(|n| kn(n)).collect()
    }

    fn line(m: &str, annual: i64, max: Option<i64>) -> (ParticipantNumber, VolumeInput) {
        (
            kn(m),
            VolumeInput {
                lot_id: "lunch".into(),
                annual_quantity: annual,
                max_annual_quantity: max,
            },
        )
    }

    fn area() -> Vec<ParticipantNumber> {
        kns(&["4601", "4624", "4626", "4627", "4631", "4632"])
    }

    #[test]
    fn bergen_gets_its_own_lot_and_the_volumes_follow() {
        let volumes = vec![
            line("4601", 1_000_000, Some(1_200_000)),
            line("4624", 90_001, None),
            line("4627", 100_000, None),
        ];
        let groups = vec![
            kns(&["4601"]),
            kns(&["4624", "4626", "4627", "4631", "4632"]),
        ];
        let subs = split_lot(&area(), &groups, &volumes).unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].area, kns(&["4601"]));
        assert_eq!(subs[0].volumes, vec![volumes[0].clone()]);
        assert_eq!(
            subs[1].volumes,
            vec![volumes[1].clone(), volumes[2].clone()]
        );
    }

    #[test]
    fn a_bad_split_says_which_municipality_is_wrong() {
        let err =
            |groups: Vec<Vec<ParticipantNumber>>| split_lot(&area(), &groups, &[]).unwrap_err();
        let e = err(vec![area()]);
        assert_eq!(e.code, ErrorCode::InvalidSplit);
        assert!(e.message.contains("at least two"), "{e}");

        let e = err(vec![kns(&["4601"]), kns(&["4624", "4626", "4627", "4631"])]);
        assert_eq!(e.code, ErrorCode::InvalidSplit);
        assert_eq!(
            e.message,
            "4632 Austrheim is in the lot's area but in no group"
        );

        let e = err(vec![
            kns(&["4601", "4624"]),
            kns(&["4624", "4626", "4627", "4631", "4632"]),
        ]);
        assert_eq!(e.message, "4624 Bjørnafjorden is in more than one group");

        let e = err(vec![area(), kns(&["0301"])]);
        assert_eq!(e.message, "0301 Oslo is not in the lot's area");

        let e = err(vec![area(), vec![]]);
        assert_eq!(e.message, "group 2 is empty");

        let e = split_lot(
            &kns(&["4601", "4624"]),
            &[kns(&["4601"]), kns(&["4624"])],
            &[line("4632", 1, None)],
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSplit);
        assert!(e.message.starts_with("4632 Austrheim"), "{e}");
    }

    proptest! {
        #[test]
        fn a_split_moves_every_volume_exactly_once(
            n in 2usize..20,
            k in 2usize..5,
            assignment in prop::collection::vec(0usize..5, 20),
            lines in prop::collection::vec((0usize..20, 0i64..1_000_000, prop::option::of(0i64..1_000_000)), 0..30),
        ) {
            let all: Vec<ParticipantNumber> = Fylkesnummer::parse("46").unwrap().municipalities().map(ParticipantNumber::from).collect();
            let area: Vec<ParticipantNumber> = all[..n].to_vec();
            let k = k.min(n);
            // The first k municipalities open the k groups, so none is empty.
            let mut groups = vec![Vec::new(); k];
            for (i, m) in area.iter().enumerate() {
                let g = if i < k { i } else { assignment[i] % k };
                groups[g].push(m.clone());
            }
            let volumes: Vec<(ParticipantNumber, VolumeInput)> = lines.iter().map(|&(m, a, max)| {
                (area[m % n].clone(), VolumeInput { lot_id: "lot".into(), annual_quantity: a, max_annual_quantity: max })
            }).collect();

            let subs = split_lot(&area, &groups, &volumes).unwrap();

            let sum = |vs: &[(ParticipantNumber, VolumeInput)]| vs.iter().fold((0i64, 0i64), |(a, m), (_, v)| {
                (a + v.annual_quantity, m + v.effective_max())
            });
            let (mut annual, mut max) = (0, 0);
            for s in &subs {
                let (a, m) = sum(&s.volumes);
                annual += a;
                max += m;
                prop_assert!(s.volumes.iter().all(|(m, _)| s.area.contains(m)));
            }
            prop_assert_eq!((annual, max), sum(&volumes));
            prop_assert_eq!(subs.iter().map(|s| s.volumes.len()).sum::<usize>(), volumes.len());
            prop_assert_eq!(subs.iter().map(|s| s.area.len()).sum::<usize>(), n);
        }
    }
}
