//! Finding the suppliers to alert for one procurement at national scale:
//! 20 000 subscriptions against 100 lots (10 national, 90 per county).
//! Target: under 50 ms on one core (issue 16).
//!
//! `cargo bench --bench matching`
//!
//! Generated from a fixed seed, so every run measures the same work.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use samkjop::domain::consultation::{recipients, LotScope, Subscription};
use samkjop::domain::{Cpv, CpvPrefix, Kommunenummer, ServiceArea};
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
}

const LOT_CPVS: [&str; 6] = [
    "55524000-9",
    "60130000-8",
    "90910000-9",
    "90919200-4",
    "15800000-6",
    "34110000-1",
];
const PREFIXES: [&str; 14] = [
    "55", "555", "5552", "60", "6013", "90", "909", "9091", "90919", "15", "158", "34", "3411",
    "45",
];

fn scenario() -> (Vec<LotScope>, Vec<Subscription>) {
    let r = reference();
    let municipalities: Vec<Kommunenummer> = r
        .municipalities
        .iter()
        .map(|m| Kommunenummer::parse(&m.number).expect("the reference's own numbers"))
        .collect();
    let counties: Vec<String> = r.counties.iter().map(|c| c.number.clone()).collect();
    let mut lots: Vec<LotScope> = (0..10)
        .map(|i| LotScope {
            cpv: Cpv::parse(LOT_CPVS[i % LOT_CPVS.len()]).expect("a code"),
            area: municipalities.clone(),
        })
        .collect();
    'counties: for county in &counties {
        for cpv in LOT_CPVS {
            if lots.len() == 100 {
                break 'counties;
            }
            lots.push(LotScope {
                cpv: Cpv::parse(cpv).expect("a code"),
                area: municipalities
                    .iter()
                    .filter(|m| m.as_str().starts_with(county.as_str()))
                    .cloned()
                    .collect(),
            });
        }
    }
    let mut rng = Rng(16);
    let subscriptions = (0..20_000)
        .map(|i| {
            let prefixes = (0..1 + rng.below(3))
                .map(|_| {
                    CpvPrefix::parse(PREFIXES[rng.below(PREFIXES.len() as u64) as usize])
                        .expect("a prefix")
                })
                .collect();
            // Most firms name their home municipality and a neighbour or two;
            // some a whole county.
            let mut areas: Vec<String> = (0..1 + rng.below(3))
                .map(|_| {
                    municipalities[rng.below(municipalities.len() as u64) as usize]
                        .as_str()
                        .to_string()
                })
                .collect();
            if rng.below(4) == 0 {
                areas.push(counties[rng.below(counties.len() as u64) as usize].clone());
            }
            Subscription {
                supplier_id: format!("supplier-{i}"),
                cpv_prefixes: prefixes,
                areas: ServiceArea::parse(&areas).expect("areas"),
            }
        })
        .collect();
    (lots, subscriptions)
}

fn bench(c: &mut Criterion) {
    let (lots, subscriptions) = scenario();
    assert_eq!(lots.len(), 100);
    let found = recipients(&lots, &subscriptions).len();
    assert!(found > 0 && found < subscriptions.len(), "{found}");
    let mut group = c.benchmark_group("matching");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("recipients_20000_suppliers_100_lots", |b| {
        b.iter(|| black_box(recipients(black_box(&lots), black_box(&subscriptions))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
