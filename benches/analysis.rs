//! The SME analysis at national scale: the 357 municipalities, 100 lots (10
//! national, 90 per county: each county buys six trades), and 20 000 or
//! 200 000 suppliers. Target: under 50 ms for 20 000 on one core.
//!
//! `cargo bench --bench analysis`
//!
//! The scenario is generated from a fixed seed, so every run measures the
//! same work.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use samkjop::domain::analysis::{analyse, CapacityFactor, FindingCode, LotFacts, SupplierFacts};
use samkjop::domain::{
    Cpv, CpvPrefix, Fylkesnummer, Kommunenummer, Lang, Ore, ServiceArea, SizeClass,
};
use samkjop::reference::reference;

/// SplitMix64: small, and the same numbers on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Log-uniform in [low, high): firm sizes spread over orders of magnitude.
    fn log_range(&mut self, low: f64, high: f64) -> i64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (low * (high / low).powf(u)) as i64
    }
}

/// A trade: the lot's CPV, what a municipality buys per inhabitant a year
/// (øre), and the prefixes suppliers of the trade register.
struct Trade {
    cpv: &'static str,
    ore_per_inhabitant: i64,
    prefixes: &'static [&'static str],
}

const TRADES: [Trade; 6] = [
    Trade {
        cpv: "55524000-9",
        ore_per_inhabitant: 40_000,
        prefixes: &["55", "555", "5552", "55524"],
    },
    Trade {
        cpv: "60130000-8",
        ore_per_inhabitant: 30_000,
        prefixes: &["60", "601", "6013"],
    },
    Trade {
        cpv: "90910000-9",
        ore_per_inhabitant: 25_000,
        prefixes: &["90", "909", "9091"],
    },
    Trade {
        cpv: "90919200-4",
        ore_per_inhabitant: 8_000,
        prefixes: &["909", "9091", "90919"],
    },
    Trade {
        cpv: "15800000-6",
        ore_per_inhabitant: 15_000,
        prefixes: &["15", "158"],
    },
    Trade {
        cpv: "34110000-1",
        ore_per_inhabitant: 10_000,
        prefixes: &["34", "341", "3411"],
    },
];

struct Country {
    municipalities: Vec<Kommunenummer>,
    populations: Vec<i64>,
    counties: Vec<Fylkesnummer>,
}

fn country() -> Country {
    let r = reference();
    Country {
        municipalities: r
            .municipalities
            .iter()
            .map(|m| Kommunenummer::parse(&m.number).expect("the reference's own numbers"))
            .collect(),
        populations: r.municipalities.iter().map(|m| m.population).collect(),
        counties: r
            .counties
            .iter()
            .map(|c| Fylkesnummer::parse(&c.number).expect("the reference's own numbers"))
            .collect(),
    }
}

fn lot(id: usize, country: &Country, trade: &Trade, area: &[usize], rng: &mut Rng) -> LotFacts {
    let municipality_values: Vec<(Kommunenummer, Ore)> = area
        .iter()
        .map(|&i| {
            let value = country.populations[i] * trade.ore_per_inhabitant;
            (country.municipalities[i].clone(), Ore::new(value))
        })
        .collect();
    LotFacts {
        lot_id: format!("lot-{id}"),
        title: format!("Lot {id}"),
        cpv: Cpv::parse(trade.cpv).expect("a code of the CPV list"),
        area: area
            .iter()
            .map(|&i| country.municipalities[i].clone())
            .collect(),
        annual_value: Ore::new(municipality_values.iter().map(|(_, v)| v.get()).sum()),
        municipality_values,
        interested_suppliers: rng.below(20) as usize,
        split_requests: Vec::new(),
    }
}

fn lots(country: &Country, rng: &mut Rng) -> Vec<LotFacts> {
    let everywhere: Vec<usize> = (0..country.municipalities.len()).collect();
    let mut lots: Vec<LotFacts> = (0..10)
        .map(|i| lot(i, country, &TRADES[i % TRADES.len()], &everywhere, rng))
        .collect();
    for county in &country.counties {
        let area: Vec<usize> = everywhere
            .iter()
            .copied()
            .filter(|&i| country.municipalities[i].county() == *county)
            .collect();
        for trade in &TRADES {
            lots.push(lot(lots.len(), country, trade, &area, rng));
        }
    }
    lots
}

fn suppliers(n: usize, country: &Country, rng: &mut Rng) -> Vec<SupplierFacts> {
    // Firms are where people are.
    let cumulative: Vec<i64> = country
        .populations
        .iter()
        .scan(0, |sum, p| {
            *sum += p;
            Some(*sum)
        })
        .collect();
    let total = cumulative.last().copied().unwrap_or(1);
    (0..n)
        .map(|i| {
            let pick = rng.below(total as u64) as i64;
            let home_index = cumulative.partition_point(|&c| c <= pick);
            let home = country.municipalities[home_index.min(cumulative.len() - 1)].clone();
            let (size_class, low, high) = match rng.below(100) {
                0..60 => (SizeClass::Micro, 3e5, 2.3e7),
                60..85 => (SizeClass::Small, 1e7, 1.15e8),
                85..97 => (SizeClass::Medium, 5e7, 5.75e8),
                _ => (SizeClass::Large, 5.75e8, 2e10),
            };
            let annual_turnover = Ore::from_nok(rng.log_range(low, high)).unwrap_or_default();
            let mut service_area = ServiceArea::default();
            service_area.municipalities.insert(home.clone());
            match rng.below(100) {
                0..50 => {}
                50..83 => {
                    service_area.counties.insert(home.county());
                }
                83..93 => {
                    service_area.counties.insert(home.county());
                    for _ in 0..=rng.below(2) {
                        let c = rng.below(country.counties.len() as u64) as usize;
                        service_area.counties.insert(country.counties[c].clone());
                    }
                }
                93..98 => {
                    service_area.counties = country.counties.iter().cloned().collect();
                }
                _ => {
                    // A few neighbours by number, mostly in the same county.
                    for k in 1..=rng.below(5) as usize {
                        if let Some(m) = country.municipalities.get(home_index + k) {
                            service_area.municipalities.insert(m.clone());
                        }
                    }
                }
            }
            let mut cpv = BTreeSet::new();
            for _ in 0..=rng.below(3) {
                let trade = &TRADES[rng.below(TRADES.len() as u64) as usize];
                let p = trade.prefixes[rng.below(trade.prefixes.len() as u64) as usize];
                cpv.insert(CpvPrefix::parse(p).expect("a valid prefix"));
            }
            SupplierFacts {
                id: format!("supplier-{i}"),
                size_class,
                annual_turnover,
                home,
                service_area,
                cpv: cpv.into_iter().collect(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let country = country();
    let mut rng = Rng(2024);
    let lots = lots(&country, &mut rng);
    let mut group = c.benchmark_group("analyse");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for n in [20_000, 200_000] {
        let suppliers = suppliers(n, &country, &mut rng);
        let answer = analyse(&lots, &suppliers, CapacityFactor::ONE, Lang::Nb);
        let flagged = |code| {
            answer
                .lots
                .iter()
                .filter(|l| l.flags.iter().any(|f| f.code == code))
                .count()
        };
        eprintln!(
            "{n} suppliers, {} lots: {} shut local SMEs out, {} let few bid",
            lots.len(),
            flagged(FindingCode::ShutsOutLocalSmes),
            flagged(FindingCode::FewLocalSmesCanBid),
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &suppliers, |b, s| {
            b.iter(|| {
                analyse(
                    black_box(&lots),
                    black_box(s),
                    CapacityFactor::ONE,
                    Lang::Nb,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
