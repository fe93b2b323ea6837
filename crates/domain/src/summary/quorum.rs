//! Who joined, and whether that is enough: the participant counts, the
//! joined share of the population and the quorum (procurement-rules.md §6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::volumes::narrow;
use super::{Decision, ParticipantInput};
use crate::{ErrorCode, Invalid};

/// The minimum turnout a coordinator may require before publishing (the SKI
/// practice of procurement-rules.md §6). Either criterion may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quorum {
    #[serde(default)]
    pub min_participants: Option<i64>,
    #[serde(default)]
    pub min_population_share_percent: Option<i64>,
}

impl Quorum {
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(n) = self.min_participants {
            if n < 1 {
                return Err(Invalid::new(
                    ErrorCode::InvalidQuorum,
                    format!("min_participants must be at least 1, not {n}"),
                ));
            }
        }
        if let Some(p) = self.min_population_share_percent {
            if !(0..=100).contains(&p) {
                return Err(Invalid::new(
                    ErrorCode::InvalidQuorum,
                    format!("min_population_share_percent must be between 0 and 100, not {p}"),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantCounts {
    pub invited: usize,
    pub joined: usize,
    pub declined: usize,
    pub pending: usize,
    pub no_response: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumStatus {
    pub min_participants: Option<i64>,
    pub min_population_share_percent: Option<i64>,
    /// Rounded down, so that a share shown as meeting the quorum does. Shown
    /// with or without a quorum; null only when no invited municipality has
    /// a known population.
    pub joined_population_share_percent: Option<i64>,
    pub met: bool,
}

/// The invited municipalities, counted one by one.
pub(super) struct Turnout {
    pub counts: ParticipantCounts,
    /// Per county, so that an inhabitant is counted once: a county
    /// municipality serves the same people as the municipalities in it.
    counties: BTreeMap<String, CountyTally>,
}

/// One county's inhabitants among the invited and the joined.
#[derive(Default)]
struct CountyTally {
    invited_municipalities: i128,
    joined_municipalities: i128,
    /// The county municipality's population, when it is invited / joined.
    invited_county: i128,
    joined_county: i128,
}

impl CountyTally {
    /// The county municipality's inhabitants include those of each of its
    /// municipalities, so the larger figure is the union (they are equal
    /// when the county and all its municipalities take part).
    fn invited(&self) -> i128 {
        self.invited_county.max(self.invited_municipalities)
    }

    fn joined(&self) -> i128 {
        self.joined_county.max(self.joined_municipalities)
    }
}

impl Turnout {
    pub fn new(invited: usize) -> Turnout {
        Turnout {
            counts: ParticipantCounts {
                invited,
                joined: 0,
                declined: 0,
                pending: 0,
                no_response: 0,
            },
            counties: BTreeMap::new(),
        }
    }

    pub fn count(&mut self, p: &ParticipantInput) -> Result<(), Invalid> {
        if p.population < 0 {
            return Err(Invalid::new(
                ErrorCode::InvalidPopulation,
                format!("the population of {} must not be negative", p.municipality),
            ));
        }
        let tally = self
            .counties
            .entry(p.municipality.county().as_str().to_string())
            .or_default();
        let population = i128::from(p.population);
        let joined = p.decision == Decision::Join;
        if p.municipality.is_county() {
            tally.invited_county = population;
            if joined {
                tally.joined_county = population;
            }
        } else {
            tally.invited_municipalities += population;
            if joined {
                tally.joined_municipalities += population;
            }
        }
        match p.decision {
            Decision::Join => self.counts.joined += 1,
            Decision::Decline => self.counts.declined += 1,
            Decision::Pending => self.counts.pending += 1,
            Decision::NoResponse => self.counts.no_response += 1,
        }
        Ok(())
    }

    pub fn status(&self, quorum: Option<Quorum>) -> Result<QuorumStatus, Invalid> {
        let invited_population: i128 = self.counties.values().map(CountyTally::invited).sum();
        let joined_population: i128 = self.counties.values().map(CountyTally::joined).sum();
        let joined_population_share_percent = if invited_population > 0 {
            Some(narrow(joined_population * 100 / invited_population)?)
        } else {
            None
        };
        let met = quorum.is_none_or(|q| {
            let enough_participants = q.min_participants.is_none_or(|n| {
                i128::try_from(self.counts.joined).is_ok_and(|joined| joined >= i128::from(n))
            });
            // When the product does not fit, the requirement is beyond any
            // population that does: not met, rather than an error.
            let enough_population = q.min_population_share_percent.is_none_or(|p| {
                i128::from(p)
                    .checked_mul(invited_population)
                    .is_some_and(|needed| joined_population * 100 >= needed)
            });
            enough_participants && enough_population
        });
        Ok(QuorumStatus {
            min_participants: quorum.and_then(|q| q.min_participants),
            min_population_share_percent: quorum.and_then(|q| q.min_population_share_percent),
            joined_population_share_percent,
            met,
        })
    }
}
