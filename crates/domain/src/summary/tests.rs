use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::contract::ContractType;
use crate::thresholds::{test_row_2024, Notice, Part, Regime};
use crate::ErrorCode;
use crate::{Cpv, Fylkesnummer, ParticipantNumber};

fn kn(n: &str) -> ParticipantNumber {
    ParticipantNumber::parse(n).unwrap()
}

fn lot(id: &str, title: &str, cpv: &str, unit: &str, price_ore: i64) -> LotInput {
    LotInput {
        id: id.into(),
        title: title.into(),
        cpv: Cpv::parse(cpv).unwrap(),
        unit: unit.into(),
        unit_price: Ore::new(price_ore),
    }
}

fn vol(lot_id: &str, annual: i64, max: Option<i64>) -> VolumeInput {
    VolumeInput {
        lot_id: lot_id.into(),
        annual_quantity: annual,
        max_annual_quantity: max,
    }
}

fn participant(
    number: &str,
    population: i64,
    decision: Decision,
    volumes: Vec<VolumeInput>,
) -> ParticipantInput {
    ParticipantInput {
        municipality: kn(number),
        population,
        decision,
        volumes,
    }
}

/// A day inside the EU period of the 2024 amounts.
fn on_2025() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

fn terms(framework: bool, quorum: Option<Quorum>) -> Terms {
    Terms {
        contract_type: ContractType::Services,
        cpv: Cpv::parse("55524000-9").unwrap(),
        framework_agreement: framework,
        duration_months: 24,
        option_months: 6,
        no_fixed_term: false,
        quorum,
    }
}

/// `terms` with another duration and options, for a municipality's share.
fn months(duration_months: i64, option_months: i64) -> Terms {
    Terms {
        duration_months,
        option_months,
        ..terms(false, None)
    }
}

/// School meals for six Vestland municipalities, two lots, 24 months
/// plus 6 months of options = 30 months = 2.5 years. Populations are the
/// 2024 figures of data/reference/kommuner_2024.csv.
fn vestland_school_meals() -> (Vec<LotInput>, Vec<ParticipantInput>) {
    let lots = vec![
        // NOK 45,49 per lunch.
        lot("lunch", "Skolelunsj", "55524000-9", "meal", 4_549),
        // NOK 29,99 per kg.
        lot("fruit", "Frukt i skolen", "03222000-3", "kg", 2_999),
    ];
    let participants = vec![
        participant(
            "4601",
            291_940,
            Decision::Join,
            vec![
                vol("lunch", 1_000_000, Some(1_200_000)),
                vol("fruit", 8_000, None),
            ],
        ),
        participant(
            "4624",
            26_080,
            Decision::Join,
            vec![vol("lunch", 90_001, None)],
        ),
        // Declined after first joining: the old lines must not count.
        participant(
            "4626",
            39_768,
            Decision::Decline,
            vec![vol("lunch", 500_000, None)],
        ),
        participant(
            "4627",
            30_145,
            Decision::Join,
            vec![
                // A maximum below the estimate counts as the estimate.
                vol("lunch", 100_000, Some(90_000)),
                vol("fruit", 1_001, Some(1_500)),
            ],
        ),
        participant("4631", 29_986, Decision::Pending, vec![]),
        participant("4632", 2_881, Decision::NoResponse, vec![]),
    ];
    (lots, participants)
}

#[test]
fn six_vestland_municipalities_buy_school_meals() {
    let (lots, participants) = vestland_school_meals();
    let quorum = Quorum {
        min_participants: Some(3),
        min_population_share_percent: Some(80),
    };
    let s = summarize(
        ProcurementStatus::Closed,
        &terms(true, Some(quorum)),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();

    assert_eq!(
        s.participants,
        ParticipantCounts {
            invited: 6,
            joined: 3,
            declined: 1,
            pending: 1,
            no_response: 1
        }
    );

    // Invited: 291 940 + 26 080 + 39 768 + 30 145 + 29 986 + 2 881
    //   = 420 800. Joined: 291 940 + 26 080 + 30 145 = 348 165.
    // 348 165 * 100 / 420 800 = 82.74 -> 82 (down); 82 >= 80: met.
    assert_eq!(s.quorum.joined_population_share_percent, Some(82));
    assert!(s.quorum.met);

    // Lunch, joined only: estimate 1 000 000 + 90 001 + 100 000
    //   = 1 190 001; maximum 1 200 000 + 90 001 + 100 000 (Askøy's
    //   90 000 is below its estimate) = 1 390 001. Three participants.
    // Annual value 1 190 001 * 4 549 = 5 413 314 549.
    // Contract 5 413 314 549 * 30 / 12 = 13 533 286 372.5 -> ...373.
    // Maximum 1 390 001 * 4 549 * 30 / 12 = 6 323 114 549 * 2.5
    //   = 15 807 786 372.5 -> 15 807 786 373.
    let lunch = &s.lots[0];
    assert_eq!(lunch.participants, 3);
    assert_eq!(lunch.annual_quantity, 1_190_001);
    assert_eq!(lunch.max_annual_quantity, 1_390_001);
    assert_eq!(lunch.annual_value_ore, Ore::new(5_413_314_549));
    assert_eq!(lunch.contract_value_ore, Ore::new(13_533_286_373));
    assert_eq!(lunch.max_contract_value_ore, Ore::new(15_807_786_373));

    // Fruit: estimate 8 000 + 1 001 = 9 001; maximum 8 000 + 1 500
    //   = 9 500. Two participants.
    // Annual value 9 001 * 2 999 = 26 993 999.
    // Contract 26 993 999 * 2.5 = 67 484 997.5 -> 67 484 998.
    // Maximum 9 500 * 2 999 * 2.5 = 71 226 250.
    let fruit = &s.lots[1];
    assert_eq!(fruit.participants, 2);
    assert_eq!(fruit.annual_quantity, 9_001);
    assert_eq!(fruit.max_annual_quantity, 9_500);
    assert_eq!(fruit.annual_value_ore, Ore::new(26_993_999));
    assert_eq!(fruit.contract_value_ore, Ore::new(67_484_998));
    assert_eq!(fruit.max_contract_value_ore, Ore::new(71_226_250));

    // Totals: 13 533 286 373 + 67 484 998 = 13 600 771 371;
    // 15 807 786 373 + 71 226 250 = 15 879 012 623.
    assert_eq!(s.total_contract_value_ore, Ore::new(13_600_771_371));
    assert_eq!(s.total_max_contract_value_ore, Ore::new(15_879_012_623));

    // A framework agreement: the maximum, NOK 158.8 M. School catering
    // (55524000-9) is a special service (FOA vedlegg 2) and the lunch lot is
    // worth far more than the fruit: the whole is special services, against
    // their EEA threshold of NOK 7.8 M: part I and IV, TED.
    assert_eq!(s.regime.basis, Basis::Maximum);
    assert_eq!(s.regime.value_ore, Ore::new(15_879_012_623));
    assert_eq!(s.regime.regime, Regime::Eea);
    assert_eq!(
        s.regime.thresholds_valid_from,
        NaiveDate::from_ymd_opt(2024, 3, 14).unwrap()
    );
    assert_eq!(s.regime.national_threshold_ore, Ore::new(130_000_000));
    assert_eq!(s.regime.eea_threshold_ore, Ore::new(780_000_000));
    assert!(s.regime.special_services);
    assert_eq!(s.regime.parts, vec![Part::I, Part::IV]);
    assert_eq!(s.regime.notice, Notice::DoffinAndTed);
    assert!(!s.regime.thresholds_stale);
    let lunch_rows: Vec<_> = s
        .regime
        .special_services_cpv
        .iter()
        .filter(|m| m.lot_id.as_deref() == Some("lunch"))
        .collect();
    assert_eq!(lunch_rows.len(), 1);
    assert_eq!(lunch_rows[0].listed_as, "55524000-9");
    let codes: Vec<&str> = s.regime.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["special_services_by_cpv", "mixed_special_services"]);
    assert_eq!(
        s.regime.warnings[1].message,
        "Anskaffelsen blander særlige tjenester og andre ytelser. Verdien av de særlige \
         tjenestene er størst, så hele anskaffelsen følger reglene for særlige tjenester \
         (direktivet art. 3 nr. 4)."
    );
    let english = summarize(
        ProcurementStatus::Closed,
        &terms(true, Some(quorum)),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::En,
    )
    .unwrap();
    assert_eq!(
        english.regime.warnings[1].message,
        "The procurement mixes special services with other services or supplies. The special \
         services are worth more, so the whole procurement follows the rules for special \
         services (Directive Art. 3(4))."
    );
    assert!(english.regime.warnings[0]
        .message
        .starts_with("The CPV code shows that these are health, social or other special services"));
    assert_eq!(
        (
            english.regime.warnings[0].code.as_str(),
            english.lots.clone()
        ),
        ("special_services_by_cpv", s.lots.clone()),
        "the language changes the words, not the figures"
    );

    // Fruit's maximum, NOK 712 262,50, is under the NOK 750 000 limit;
    // 71 226 250 * 100 <= 20 * 15 879 012 623.
    assert_eq!(s.small_lots.limit_ore, Ore::new(75_000_000));
    assert!(s.small_lots.applies);
    assert_eq!(s.small_lots.eligible_lot_ids, vec!["fruit".to_string()]);
    assert_eq!(s.small_lots.eligible_value_ore, Ore::new(71_226_250));
    assert!(s.small_lots.within_20_percent);
    // Fruit on its own: NOK 712 262,50 of an ordinary service, part I.
    assert_eq!(s.small_lots.eligible_lots[0].parts, vec![Part::I]);
}

#[test]
fn an_ordinary_contract_with_declared_maxima_is_judged_on_the_maximum() {
    // Maxima are options and options count (FOA § 5-4): an ordinary
    // contract is judged like a framework agreement once maxima are declared.
    let (lots, participants) = vestland_school_meals();
    let s = summarize(
        ProcurementStatus::Closed,
        &terms(false, None),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.regime.basis, Basis::Maximum);
    assert_eq!(s.regime.value_ore, Ore::new(15_879_012_623));
    assert_eq!(s.small_lots.eligible_value_ore, Ore::new(71_226_250));
    // No quorum: the criteria are null and it counts as met, but the
    // share is still shown.
    assert_eq!(s.quorum.min_participants, None);
    assert_eq!(s.quorum.min_population_share_percent, None);
    assert_eq!(s.quorum.joined_population_share_percent, Some(82));
    assert!(s.quorum.met);
}

#[test]
fn an_ordinary_contract_without_maxima_is_judged_on_the_estimate() {
    let (lots, mut participants) = vestland_school_meals();
    for p in &mut participants {
        for v in &mut p.volumes {
            v.max_annual_quantity = None;
        }
    }
    let s = summarize(
        ProcurementStatus::Closed,
        &terms(false, None),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.regime.basis, Basis::Estimate);
    assert_eq!(s.regime.value_ore, Ore::new(13_600_771_371));
    assert_eq!(s.small_lots.eligible_value_ore, Ore::new(67_484_998));
}

#[test]
fn goods_under_the_national_threshold_on_the_estimate_are_national_on_the_maximum() {
    // Copying paper at NOK 1 a unit for 12 months: 1 200 000 estimated,
    // 1 300 000 declared as the maximum. The maximum, exactly the national
    // threshold, decides: part I and II.
    let mut t = terms(false, None);
    t.contract_type = ContractType::Goods;
    t.cpv = Cpv::parse("30197630-1").unwrap();
    t.duration_months = 12;
    t.option_months = 0;
    let lots = vec![lot("a", "Papir", "30197630-1", "pk", 100)];
    let participants = vec![participant(
        "4601",
        1,
        Decision::Join,
        vec![vol("a", 1_200_000, Some(1_300_000))],
    )];
    let s = summarize(
        ProcurementStatus::Closed,
        &t,
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.total_contract_value_ore, Ore::new(120_000_000));
    assert_eq!(s.regime.basis, Basis::Maximum);
    assert_eq!(s.regime.value_ore, Ore::new(130_000_000));
    assert_eq!(s.regime.regime, Regime::National);
    assert_eq!(s.regime.parts, vec![Part::I, Part::II]);
}

#[test]
fn a_contract_without_a_fixed_term_is_valued_at_48_months() {
    // Cleaning at NOK 50 000 a month, no fixed term: 50 000 x 48 =
    // NOK 2 400 000, whatever duration_months says: EEA, part I and III.
    let mut t = terms(false, None);
    t.cpv = Cpv::parse("90910000-9").unwrap();
    t.duration_months = 12;
    t.option_months = 0;
    t.no_fixed_term = true;
    t.validate().unwrap();
    let lots = vec![lot("a", "Renhold", "90910000-9", "mnd", 5_000_000)];
    let participants = vec![participant(
        "4601",
        1,
        Decision::Join,
        vec![vol("a", 12, None)],
    )];
    let s = summarize(
        ProcurementStatus::Closed,
        &t,
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.total_contract_value_ore, Ore::new(240_000_000));
    assert_eq!(s.regime.regime, Regime::Eea);
    assert_eq!(s.regime.parts, vec![Part::I, Part::III]);
    assert_eq!(
        share_value(&lots, &participants[0].volumes, &t).unwrap(),
        Ore::new(240_000_000)
    );
    // Options cannot extend what has no end.
    t.option_months = 6;
    assert_eq!(t.validate().unwrap_err().code, ErrorCode::InvalidDuration);
}

#[test]
fn the_quorum_is_compared_exactly_and_never_rounds_up_into_being_met() {
    let (lots, participants) = vestland_school_meals();
    let row = test_row_2024();
    let met = |q: Quorum| {
        summarize(
            ProcurementStatus::Closed,
            &terms(true, Some(q)),
            &lots,
            &participants,
            &row,
            on_2025(),
            Lang::Nb,
        )
        .unwrap()
        .quorum
        .met
    };
    // 348 165 / 420 800 = 82.74 %: shown as 82, and 83 is not met.
    let share = |p| Quorum {
        min_participants: None,
        min_population_share_percent: Some(p),
    };
    assert!(met(share(82)));
    assert!(!met(share(83)));
    let count = |n| Quorum {
        min_participants: Some(n),
        min_population_share_percent: None,
    };
    assert!(met(count(3)));
    assert!(!met(count(4)));
    assert!(!met(Quorum {
        min_participants: Some(3),
        min_population_share_percent: Some(90),
    }));
}

#[test]
fn the_summary_has_the_json_shape_of_the_api() {
    let (lots, participants) = vestland_school_meals();
    let s = summarize(
        ProcurementStatus::Closed,
        &terms(true, None),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    let json = serde_json::to_value(&s).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let sorted = |names: &[&str]| {
        let mut k: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        sorted(&[
            "status",
            "participants",
            "quorum",
            "lots",
            "total_contract_value_ore",
            "total_max_contract_value_ore",
            "regime",
            "small_lots"
        ])
    );
    assert_eq!(
        keys(&json["participants"]),
        sorted(&["invited", "joined", "declined", "pending", "no_response"])
    );
    assert_eq!(
        keys(&json["quorum"]),
        sorted(&[
            "min_participants",
            "min_population_share_percent",
            "joined_population_share_percent",
            "met"
        ])
    );
    assert_eq!(
        keys(&json["lots"][0]),
        sorted(&[
            "lot_id",
            "title",
            "cpv",
            "unit",
            "unit_price_ore",
            "participants",
            "annual_quantity",
            "max_annual_quantity",
            "annual_value_ore",
            "contract_value_ore",
            "max_contract_value_ore"
        ])
    );
    assert_eq!(
        keys(&json["regime"]),
        sorted(&[
            "basis",
            "value_ore",
            "thresholds_valid_from",
            "regime",
            "national_threshold_ore",
            "eea_threshold_ore",
            "parts",
            "notice",
            "special_services",
            "special_services_cpv",
            "thresholds_stale",
            "warnings"
        ])
    );
    assert_eq!(
        keys(&json["small_lots"]),
        sorted(&[
            "limit_ore",
            "limit_source",
            "applies",
            "eligible_lot_ids",
            "eligible_value_ore",
            "within_20_percent",
            "eligible_lots"
        ])
    );
    assert_eq!(json["status"], "closed");
    assert_eq!(json["quorum"]["min_participants"], serde_json::Value::Null);
    assert_eq!(json["lots"][0]["cpv"], "55524000-9");
    assert_eq!(json["lots"][0]["contract_value_ore"], 13_533_286_373i64);
    assert_eq!(json["regime"]["basis"], "maximum");
    assert_eq!(json["regime"]["regime"], "eea");
    assert_eq!(json["regime"]["parts"], serde_json::json!(["I", "IV"]));
    assert_eq!(json["regime"]["notice"], "doffin_and_ted");
    assert_eq!(json["regime"]["thresholds_valid_from"], "2024-03-14");
    assert_eq!(json["small_lots"]["eligible_lot_ids"][0], "fruit");
    let back: Summary = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
}

/// Cleaning (an ordinary service) at NOK 1 a unit for 12 months, so that a
/// lot's value in NOK is its yearly quantity.
fn cleaning_for_a_year() -> Terms {
    let mut t = terms(false, None);
    t.cpv = Cpv::parse("90910000-9").unwrap();
    t.duration_months = 12;
    t.option_months = 0;
    t
}

#[test]
fn a_lot_nobody_joined_is_worth_nothing_and_not_a_small_lot() {
    let lots = vec![
        lot("big", "Stor", "90910000-9", "t", 100),
        lot("a", "A", "90910000-9", "t", 100),
        lot("b", "B", "90910000-9", "t", 100),
    ];
    let participants = vec![participant(
        "4601",
        100,
        Decision::Join,
        vec![
            vol("big", 2_300_000, None),
            vol("a", 700_000, None),
            vol("b", 0, Some(0)),
        ],
    )];
    let s = summarize(
        ProcurementStatus::Open,
        &cleaning_for_a_year(),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.lots[2].participants, 0);
    assert_eq!(s.lots[2].contract_value_ore, Ore::ZERO);
    // NOK 3 000 000 in all, at or above the EEA threshold: the exemption
    // exists. Lot a (NOK 700 000) is under the NOK 750 000 limit; b is
    // worth nothing and left out.
    assert_eq!(s.regime.regime, Regime::Eea);
    assert!(s.small_lots.applies);
    assert_eq!(s.small_lots.eligible_lot_ids, vec!["a".to_string()]);
    assert_eq!(s.small_lots.eligible_value_ore, Ore::new(70_000_000));
    // 700 000 is more than 20 % of 3 000 000 (600 000).
    assert!(!s.small_lots.within_20_percent);
    // Exempted, lot a follows the rules of its own value: part I only.
    let a = &s.small_lots.eligible_lots[0];
    assert_eq!(a.regime, Regime::BelowNationalThreshold);
    assert_eq!(a.parts, vec![Part::I]);
    assert_eq!(a.notice, Notice::None);
}

#[test]
fn below_the_eea_threshold_there_is_no_small_lots_exemption() {
    // NOK 2 000 000 of cleaning: national, nothing to be exempted from,
    // though lot a alone is under the limit.
    let lots = vec![
        lot("big", "Stor", "90910000-9", "t", 100),
        lot("a", "A", "90910000-9", "t", 100),
    ];
    let participants = vec![participant(
        "4601",
        100,
        Decision::Join,
        vec![vol("big", 1_700_000, None), vol("a", 300_000, None)],
    )];
    let s = summarize(
        ProcurementStatus::Open,
        &cleaning_for_a_year(),
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.regime.regime, Regime::National);
    assert!(!s.small_lots.applies);
    assert!(s.small_lots.eligible_lot_ids.is_empty());
    assert!(s.small_lots.eligible_lots.is_empty());
    assert_eq!(s.small_lots.eligible_value_ore, Ore::ZERO);
    assert!(s.small_lots.limit_source.contains("(verify"));
}

/// Vestland fylkeskommune serves Bergen's inhabitants too: with both
/// invited, Bergen's people are counted once, inside the county's.
#[test]
fn a_county_municipality_and_its_municipalities_count_each_inhabitant_once() {
    let share = |people: &[ParticipantInput]| {
        summarize(
            ProcurementStatus::Open,
            &terms(false, None),
            &[],
            people,
            &test_row_2024(),
            on_2025(),
            Lang::Nb,
        )
        .unwrap()
        .quorum
        .joined_population_share_percent
    };
    // Populations of data/reference: Vestland 651 299, Bergen 291 940,
    // Stavanger 149 048.
    let county = |d| participant("46", 651_299, d, vec![]);
    let bergen = |d| participant("4601", 291_940, d, vec![]);
    let stavanger = |d| participant("1103", 149_048, d, vec![]);
    // Bergen alone joined: 291 940 of 651 299 + 149 048 = 800 347, 36 %.
    assert_eq!(
        share(&[
            county(Decision::Pending),
            bergen(Decision::Join),
            stavanger(Decision::Pending)
        ]),
        Some(36)
    );
    // The county joined: Bergen's inhabitants are already in its 651 299.
    assert_eq!(
        share(&[
            county(Decision::Join),
            bergen(Decision::Join),
            stavanger(Decision::Decline)
        ]),
        Some(81)
    );
    assert_eq!(
        share(&[county(Decision::Join), bergen(Decision::Decline)]),
        Some(100)
    );
}

#[test]
fn nobody_invited_gives_an_empty_summary_not_a_division_by_zero() {
    let s = summarize(
        ProcurementStatus::Draft,
        &terms(false, Some(Quorum::default())),
        &[],
        &[],
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.participants.invited, 0);
    assert_eq!(s.quorum.joined_population_share_percent, None);
    assert!(s.quorum.met);
    assert!(s.small_lots.within_20_percent);
    assert_eq!(s.regime.regime, Regime::BelowRules);
}

#[test]
fn works_use_the_works_limits() {
    let mut t = terms(false, None);
    t.contract_type = ContractType::Works;
    let lots = vec![lot("a", "A", "45214200-2", "m2", 1_000_000)];
    // 360 m2 * NOK 10 000 * 2.5 = NOK 9 000 000: national for works
    // (EEA works from NOK 57.8 M), and under the works small-lot limit.
    let participants = vec![participant(
        "4601",
        1,
        Decision::Join,
        vec![vol("a", 360, None)],
    )];
    let s = summarize(
        ProcurementStatus::Closed,
        &t,
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.regime.value_ore, Ore::new(900_000_000));
    assert_eq!(s.regime.regime, Regime::National);
    assert_eq!(s.regime.parts, vec![Part::I, Part::II]);
    assert_eq!(s.regime.notice, Notice::Doffin);
    assert_eq!(s.regime.eea_threshold_ore, Ore::new(5_780_000_000));
    assert_eq!(s.small_lots.limit_ore, Ore::new(960_000_000));
    // Under the works EEA threshold: no exemption to use.
    assert!(!s.small_lots.applies);
    assert!(s.small_lots.eligible_lot_ids.is_empty());

    // NOK 60 000 000 of works with a NOK 5 000 000 lot: EEA, and the lot,
    // under the NOK 9 600 000 limit, may be exempted; on its own it is
    // above the national threshold: part I and II.
    let lots = vec![
        lot("a", "A", "45214200-2", "m2", 100),
        lot("b", "B", "45214200-2", "m2", 100),
    ];
    t.duration_months = 12;
    t.option_months = 0;
    let participants = vec![participant(
        "4601",
        1,
        Decision::Join,
        vec![vol("a", 55_000_000, None), vol("b", 5_000_000, None)],
    )];
    let s = summarize(
        ProcurementStatus::Closed,
        &t,
        &lots,
        &participants,
        &test_row_2024(),
        on_2025(),
        Lang::Nb,
    )
    .unwrap();
    assert_eq!(s.regime.regime, Regime::Eea);
    assert!(s.small_lots.applies);
    assert_eq!(s.small_lots.eligible_lot_ids, vec!["b".to_string()]);
    assert!(s.small_lots.within_20_percent);
    let b = &s.small_lots.eligible_lots[0];
    assert_eq!(b.regime, Regime::National);
    assert_eq!(b.parts, vec![Part::I, Part::II]);
    assert_eq!(b.notice, Notice::Doffin);
}

#[test]
fn overflow_is_an_error_and_bad_stored_data_is_refused() {
    let lots = vec![lot("a", "A", "55524000-9", "meal", i64::MAX)];
    let big = vec![participant(
        "4601",
        1,
        Decision::Join,
        vec![vol("a", i64::MAX, None)],
    )];
    let row = test_row_2024();
    let err = summarize(
        ProcurementStatus::Open,
        &terms(false, None),
        &lots,
        &big,
        &row,
        on_2025(),
        Lang::Nb,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ValueOverflow);

    let negative = vec![participant(
        "4601",
        1,
        Decision::Join,
        vec![vol("a", -1, None)],
    )];
    let err = summarize(
        ProcurementStatus::Open,
        &terms(false, None),
        &lots,
        &negative,
        &row,
        on_2025(),
        Lang::Nb,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidQuantity);
    let mut t = terms(false, None);
    t.option_months = -1;
    assert_eq!(
        summarize(
            ProcurementStatus::Open,
            &t,
            &lots,
            &[],
            &row,
            on_2025(),
            Lang::Nb
        )
        .unwrap_err()
        .code,
        ErrorCode::InvalidDuration
    );
}

#[test]
fn a_share_is_summed_exactly_and_rounded_once() {
    let (lots, participants) = vestland_school_meals();
    // Askøy: lunch max(100 000, 90 000) * 4 549 * 30 = 13 647 000 000;
    // fruit 1 500 * 2 999 * 30 = 134 955 000; sum 13 781 955 000 / 12
    // = 1 148 496 250 exactly.
    let askoy = &participants[3];
    assert_eq!(
        share_value(&lots, &askoy.volumes, &months(24, 6)).unwrap(),
        Ore::new(1_148_496_250)
    );
    // Two lines that each round up by half an øre: 1 * 1 * 6 / 12 = 0.5
    // twice. Rounded once the share is 1 øre, not 2.
    let tiny = vec![
        lot("x", "X", "55524000-9", "u", 1),
        lot("y", "Y", "55524000-9", "u", 1),
    ];
    let halves = vec![vol("x", 1, None), vol("y", 1, None)];
    assert_eq!(
        share_value(&tiny, &halves, &months(6, 0)).unwrap(),
        Ore::new(1)
    );
    assert_eq!(
        share_value(&tiny, &[vol("z", 1, None)], &months(6, 0))
            .unwrap_err()
            .code,
        ErrorCode::LotNotFound
    );
    assert_eq!(
        share_value(&tiny, &[vol("x", i64::MAX, None)], &months(i64::MAX, 0))
            .unwrap_err()
            .code,
        ErrorCode::ValueOverflow
    );
}

#[test]
fn terms_and_quorum_are_checked_on_creation() {
    assert!(terms(true, None).validate().is_ok());
    let mut t = terms(true, None);
    t.duration_months = 0;
    assert_eq!(t.validate().unwrap_err().code, ErrorCode::InvalidDuration);
    let t = terms(
        true,
        Some(Quorum {
            min_participants: None,
            min_population_share_percent: Some(101),
        }),
    );
    assert_eq!(t.validate().unwrap_err().code, ErrorCode::InvalidQuorum);
    assert_eq!(
        Quorum {
            min_participants: Some(0),
            min_population_share_percent: None
        }
        .validate()
        .unwrap_err()
        .code,
        ErrorCode::InvalidQuorum
    );
}

// ---- properties ----

fn vestland() -> Vec<ParticipantNumber> {
    Fylkesnummer::parse("46")
        .unwrap()
        .municipalities()
        .map(ParticipantNumber::from)
        .collect()
}

const DECISIONS: [Decision; 4] = [
    Decision::Pending,
    Decision::Join,
    Decision::Decline,
    Decision::NoResponse,
];
const CONTRACT_TYPES: [ContractType; 4] = [
    ContractType::Goods,
    ContractType::Services,
    ContractType::Works,
    ContractType::SocialServices,
];

/// (lot prices, per participant: population, decision, lines of
/// (lot index, annual, max)).
type Raw = (Vec<i64>, Vec<(i64, usize, Vec<(usize, i64, Option<i64>)>)>);

fn raw(max_value: i64, max_lots: usize) -> impl Strategy<Value = Raw> {
    (
        prop::collection::vec(0..=max_value, 1..=max_lots),
        prop::collection::vec(
            (
                0..=max_value,
                0usize..4,
                prop::collection::vec(
                    (
                        0usize..max_lots,
                        0..=max_value,
                        prop::option::of(0..=max_value),
                    ),
                    0..4,
                ),
            ),
            0..8,
        ),
    )
}

fn build(raw: &Raw) -> (Vec<LotInput>, Vec<ParticipantInput>) {
    let (prices, people) = raw;
    let lots: Vec<LotInput> = prices
        .iter()
        .enumerate()
        .map(|(i, &p)| lot(&format!("lot{i}"), "L", "55524000-9", "u", p))
        .collect();
    let numbers = vestland();
    let participants = people
        .iter()
        .zip(numbers)
        .map(
            |((population, decision, lines), municipality)| ParticipantInput {
                municipality,
                population: *population,
                decision: DECISIONS[*decision],
                volumes: lines
                    .iter()
                    .map(|&(l, a, m)| vol(&format!("lot{}", l % lots.len()), a, m))
                    .collect(),
            },
        )
        .collect();
    (lots, participants)
}

fn terms_from(framework: bool, ct: usize, duration: i64, options: i64) -> Terms {
    Terms {
        contract_type: CONTRACT_TYPES[ct],
        cpv: Cpv::parse("55524000-9").unwrap(),
        framework_agreement: framework,
        duration_months: duration,
        option_months: options,
        no_fixed_term: false,
        quorum: Some(Quorum {
            min_participants: Some(2),
            min_population_share_percent: Some(50),
        }),
    }
}

proptest! {
    #[test]
    fn totals_are_the_sums_of_the_lots_and_lots_the_sums_of_the_parts(
        r in raw(1_000_000, 4), framework: bool, ct in 0usize..4,
        duration in 0i64..120, options in 0i64..120,
    ) {
        let (lots, participants) = build(&r);
        let t = terms_from(framework, ct, duration, options);
        let s = summarize(ProcurementStatus::Closed, &t, &lots, &participants, &test_row_2024(), on_2025(), Lang::Nb).unwrap();
        let total: i64 = s.lots.iter().map(|l| l.contract_value_ore.get()).sum();
        let total_max: i64 = s.lots.iter().map(|l| l.max_contract_value_ore.get()).sum();
        prop_assert_eq!(s.total_contract_value_ore.get(), total);
        prop_assert_eq!(s.total_max_contract_value_ore.get(), total_max);
        for l in &s.lots {
            let lines = participants.iter()
                .filter(|p| p.decision == Decision::Join)
                .flat_map(|p| p.volumes.iter())
                .filter(|v| v.lot_id == l.lot_id);
            let (a, m) = lines.fold((0i64, 0i64), |(a, m), v| {
                (a + v.annual_quantity, m + v.annual_quantity.max(v.max_annual_quantity.unwrap_or(0)))
            });
            prop_assert_eq!(l.annual_quantity, a);
            prop_assert_eq!(l.max_annual_quantity, m);
            prop_assert!(l.max_annual_quantity >= l.annual_quantity);
            prop_assert_eq!(l.annual_value_ore.get(), a * l.unit_price_ore.get());
        }
        let counts = &s.participants;
        prop_assert_eq!(counts.invited, counts.joined + counts.declined + counts.pending + counts.no_response);
        // Maxima count (FOA § 5-4) and are never below the estimate, so the
        // value judged is the maximum; the basis says which of the two it was.
        prop_assert_eq!(s.regime.value_ore, s.total_max_contract_value_ore);
        let on_maximum = framework || s.total_max_contract_value_ore > s.total_contract_value_ore;
        prop_assert_eq!(s.regime.basis, if on_maximum { Basis::Maximum } else { Basis::Estimate });
        prop_assert!(s.small_lots.eligible_value_ore <= s.regime.value_ore);
    }

    #[test]
    fn more_volume_never_lowers_the_regime(
        r in raw(100_000, 3), framework: bool, ct in 0usize..4,
        duration in 1i64..60, options in 0i64..60,
        who in 0usize..8, line in 0usize..4, extra in 0i64..10_000_000,
    ) {
        let (lots, participants) = build(&r);
        let t = terms_from(framework, ct, duration, options);
        let row = test_row_2024();
        let before = summarize(ProcurementStatus::Closed, &t, &lots, &participants, &row, on_2025(), Lang::Nb).unwrap();
        let mut raised = participants.clone();
        if !raised.is_empty() {
            let p = &mut raised[who % participants.len()];
            if p.volumes.is_empty() {
                p.volumes.push(vol("lot0", extra, None));
            } else {
                let i = line % p.volumes.len();
                p.volumes[i].annual_quantity += extra;
                if let Some(m) = p.volumes[i].max_annual_quantity.as_mut() {
                    *m += extra;
                }
            }
        }
        let after = summarize(ProcurementStatus::Closed, &t, &lots, &raised, &row, on_2025(), Lang::Nb).unwrap();
        prop_assert!(after.regime.regime >= before.regime.regime);
        prop_assert!(after.regime.value_ore >= before.regime.value_ore);
    }

    #[test]
    fn any_non_negative_input_gives_a_summary_or_an_overflow(
        r in raw(i64::MAX, 4), framework: bool, ct in 0usize..4,
        duration in 0..=i64::MAX, options in 0..=i64::MAX,
        min_participants in prop::option::of(0..=i64::MAX),
        min_share in prop::option::of(0..=i64::MAX),
    ) {
        let (lots, participants) = build(&r);
        let mut t = terms_from(framework, ct, duration, options);
        t.quorum = Some(Quorum { min_participants, min_population_share_percent: min_share });
        match summarize(ProcurementStatus::Open, &t, &lots, &participants, &test_row_2024(), on_2025(), Lang::Nb) {
            Ok(s) => prop_assert!(s.quorum.joined_population_share_percent.is_none_or(|p| (0..=100).contains(&p))),
            Err(e) => prop_assert_eq!(e.code, ErrorCode::ValueOverflow),
        }
        for p in &participants {
            if let Err(e) = share_value(&lots, &p.volumes, &months(duration, options)) {
                prop_assert_eq!(e.code, ErrorCode::ValueOverflow);
            }
        }
    }

    #[test]
    fn a_share_is_the_exact_sum_rounded_once(
        prices in prop::collection::vec(0i64..1_000_000, 1..4),
        lines in prop::collection::vec((0usize..4, 0i64..1_000_000, prop::option::of(0i64..1_000_000)), 0..6),
        duration in 0i64..120, options in 0i64..120,
    ) {
        let lots: Vec<LotInput> = prices.iter().enumerate()
            .map(|(i, &p)| lot(&format!("lot{i}"), "L", "55524000-9", "u", p)).collect();
        let volumes: Vec<VolumeInput> = lines.iter()
            .map(|&(l, a, m)| vol(&format!("lot{}", l % lots.len()), a, m)).collect();
        let share = share_value(&lots, &volumes, &months(duration, options)).unwrap();
        let exact: i128 = volumes.iter().map(|v| {
            let price = lots.iter().find(|l| l.id == v.lot_id).unwrap().unit_price.get();
            i128::from(v.effective_max()) * i128::from(price) * i128::from(duration + options)
        }).sum();
        // Within half an øre of the exact value, ties up.
        let s = i128::from(share.get());
        prop_assert!((s * 12 - exact).abs() * 2 <= 12);
        prop_assert!(s * 12 - exact != -6);
    }
}

#[test]
fn the_stale_warning_names_the_period_in_either_language() {
    let row = test_row_2024();
    let on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let nb = stale_warning(&row, on, Lang::Nb);
    assert_eq!(nb.code, "thresholds_stale");
    assert!(
        nb.message.contains(
            "Datoen 01.01.2026 er etter denne perioden, så nyere terskelverdier kan gjelde"
        ),
        "{}",
        nb.message
    );
    let en = stale_warning(&row, on, Lang::En);
    assert_eq!(en.code, "thresholds_stale");
    assert!(
        en.message
            .contains("The date 2026-01-01 is after that period, so newer thresholds may apply"),
        "{}",
        en.message
    );
    assert!(en
        .message
        .ends_with("add them as a new row in config/thresholds.toml."));
}
