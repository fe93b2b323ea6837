use super::*;
use crate::Fylkesnummer;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

fn kn(n: &str) -> Kommunenummer {
    Kommunenummer::parse(n).unwrap()
}

fn nok(n: i64) -> Ore {
    Ore::new(n * 100)
}

/// An SME of class `small` that delivers at home and in `service`.
fn sme(id: &str, turnover_nok: i64, home: &str, service: &[&str], cpv: &[&str]) -> SupplierFacts {
    let mut service_area = ServiceArea::parse(service).unwrap();
    service_area.municipalities.insert(kn(home));
    SupplierFacts {
        id: id.into(),
        size_class: SizeClass::Small,
        annual_turnover: nok(turnover_nok),
        home: kn(home),
        service_area,
        cpv: cpv.iter().map(|c| CpvPrefix::parse(c).unwrap()).collect(),
    }
}

/// A lot whose value is the sum of its municipalities' values (NOK).
fn lot(title: &str, cpv: &str, values: &[(&str, i64)]) -> LotFacts {
    LotFacts {
        lot_id: format!("lot-{title}"),
        title: title.into(),
        cpv: Cpv::parse(cpv).unwrap(),
        area: values.iter().map(|(m, _)| kn(m)).collect(),
        annual_value: nok(values.iter().map(|(_, v)| v).sum()),
        municipality_values: values.iter().map(|(m, v)| (kn(m), nok(*v))).collect(),
        interested_suppliers: 0,
        split_requests: Vec::new(),
    }
}

/// In English, as most of these tests read the messages.
fn one(lot: LotFacts, suppliers: &[SupplierFacts]) -> LotAnalysis {
    one_in(Lang::En, lot, suppliers)
}

fn one_in(lang: Lang, lot: LotFacts, suppliers: &[SupplierFacts]) -> LotAnalysis {
    analyse(&[lot], suppliers, CapacityFactor::ONE, lang)
        .lots
        .remove(0)
}

/// Written out here, not taken from the code, so that a change to either is seen.
const ALONE_IS_NOT_ALL: &str = "This is not a bar to bidding: twice the contract value is the \
    most a buyer may demand in yearly turnover (Directive Art. 58(3)), a ceiling, not a minimum, \
    and small firms can bid together (Art. 19(2)) or rely on the capacity of others (Art. 63).";
const ALONE_IS_NOT_ALL_NB: &str = "Dette er ingen hindring for å gi tilbud: to ganger \
    kontraktsverdien er det meste en oppdragsgiver kan kreve i årlig omsetning (direktivet \
    art. 58(3)), et tak og ikke et minstekrav, og små leverandører kan gi tilbud sammen \
    (art. 19(2)) eller støtte seg på andres kapasitet (art. 63).";

fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

fn suggestion(l: &LotAnalysis, kind: SuggestionKind) -> &Suggestion {
    l.suggestions.iter().find(|s| s.kind == kind).unwrap()
}

fn offered(l: &LotAnalysis, kind: SuggestionKind) -> Option<&Suggestion> {
    l.suggestions.iter().find(|s| s.kind == kind)
}

fn areas(s: &Suggestion) -> Vec<Vec<&str>> {
    s.sub_lots
        .iter()
        .map(|sub| sub.area.iter().map(Kommunenummer::as_str).collect())
        .collect()
}

fn eligible(s: &Suggestion) -> Vec<usize> {
    s.sub_lots
        .iter()
        .map(|sub| sub.eligible_local_smes)
        .collect()
}

const MEALS: &str = "55524000-9";
const CLEANING: &str = "90910000-9";

/// School meals for Bergen and three neighbours: NOK 14.2 M a year, and nine
/// local caterers delivering in the whole county, the largest NOK 6.1 M.
fn school_meals() -> (LotFacts, Vec<SupplierFacts>) {
    let meals = lot(
        "School meals",
        MEALS,
        &[
            ("4601", 10_000_000),
            ("4624", 1_400_000),
            ("4626", 1_400_000),
            ("4627", 1_400_000),
        ],
    );
    let homes = [
        "4601", "4601", "4601", "4624", "4624", "4626", "4626", "4627", "4627",
    ];
    let turnovers = [
        6_100_000, 900_000, 2_000_000, 1_400_000, 300_000, 1_500_000, 800_000, 5_000_000, 1_000,
    ];
    let suppliers = homes
        .iter()
        .zip(turnovers)
        .enumerate()
        .map(|(i, (home, t))| sme(&format!("s{i}"), t, home, &["46"], &["5552"]))
        .collect();
    (meals, suppliers)
}

#[test]
fn a_lot_no_local_sme_is_big_enough_for_is_flagged_with_the_figures() {
    let (meals, suppliers) = school_meals();
    let nb = one_in(Lang::Nb, meals.clone(), &suppliers);
    let l = one(meals, &suppliers);
    assert_eq!(
        (
            l.local_relevant_smes,
            l.excluded_by_size,
            l.excluded_by_area,
            l.eligible_local_smes
        ),
        (9, 9, 0, 0)
    );
    assert_eq!(codes(&l.flags), vec![FindingCode::ShutsOutLocalSmes]);
    assert_eq!(l.flags[0].severity, Severity::High);
    assert_eq!(
        l.flags[0].message,
        "Lot 'School meals' is worth NOK 14,200,000 excl. VAT a year; the largest of the 9 local SMEs in \
         school catering services has a turnover of NOK 6,100,000; none can carry it alone. \
         This is not a bar to bidding: twice the contract value is the most a buyer may demand \
         in yearly turnover (Directive Art. 58(3)), a ceiling, not a minimum, and small firms \
         can bid together (Art. 19(2)) or rely on the capacity of others (Art. 63)."
    );
    assert_eq!(
        nb.flags[0].message,
        format!(
            "Delkontrakt «School meals» er verdt kr 14 200 000 ekskl. mva. i året; den største av \
             de 9 lokale SMB-ene innen catering til skoler har en omsetning på kr 6 100 000; ingen \
             kan påta seg den alene. {ALONE_IS_NOT_ALL_NB}"
        )
    );
    assert!(l.notes.is_empty());

    let kinds: Vec<SuggestionKind> = l.suggestions.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SuggestionKind::SplitByMunicipality,
            SuggestionKind::FewestSubLots
        ]
    );
    // The area lies in one county: a split by county would be the lot as
    // it stands, so it is not offered.
    assert!(offered(&l, SuggestionKind::SplitByCounty).is_none());
    assert!(offered(&nb, SuggestionKind::SplitByCounty).is_none());

    // Bergen's NOK 10 M is beyond everyone; NOK 1.4 M each for the others:
    // 4624 has 1 400 000 (exactly enough), 4626 1 500 000, 4627 5 000 000.
    let by_m = suggestion(&l, SuggestionKind::SplitByMunicipality);
    assert_eq!(
        areas(by_m),
        vec![vec!["4601"], vec!["4624"], vec!["4626"], vec!["4627"]]
    );
    assert_eq!(eligible(by_m), vec![0, 1, 1, 1]);
    assert_eq!(
        by_m.sub_lots
            .iter()
            .map(|s| s.annual_value_ore)
            .collect::<Vec<_>>(),
        vec![
            nok(10_000_000),
            nok(1_400_000),
            nok(1_400_000),
            nok(1_400_000)
        ]
    );
    assert_eq!(
        by_m.message,
        "One sub-lot per municipality: 4 sub-lots, 3 of them with a local SME that can bid."
    );
    assert_eq!(
        suggestion(&nb, SuggestionKind::SplitByMunicipality).message,
        "Én delkontrakt per kommune: 4 delkontrakter, 3 av dem med en lokal SMB som kan gi tilbud."
    );

    // Bergen needs NOK 10 M on top of a carrier's home: nobody can.
    let fewest = suggestion(&l, SuggestionKind::FewestSubLots);
    assert!(fewest.sub_lots.is_empty());
    assert!(fewest.message.contains("4601 Bergen"), "{}", fewest.message);
    assert!(
        fewest.message.starts_with("No split lets"),
        "{}",
        fewest.message
    );
    let fewest = suggestion(&nb, SuggestionKind::FewestSubLots);
    assert!(
        fewest.message.starts_with(
            "Ingen deling lar hver delkontrakt beholde en lokal SMB som kan gi tilbud: ingen \
             lokal SMB innen catering til skoler som leverer i 4601 Bergen"
        ),
        "{}",
        fewest.message
    );
}

#[test]
fn a_lot_only_its_area_shuts_is_flagged_for_the_area() {
    // Big enough, but each cleaner works in its own county only.
    let cleaning = lot(
        "Cleaning",
        CLEANING,
        &[
            ("4601", 2_000_000),
            ("4602", 500_000),
            ("1103", 1_500_000),
            ("1108", 800_000),
        ],
    );
    let suppliers = vec![
        sme("a", 50_000_000, "4601", &["46"], &["9091"]),
        sme("b", 9_000_000, "4602", &["46"], &["90"]),
        sme("c", 30_000_000, "1103", &["11"], &["909"]),
    ];
    let nb = one_in(Lang::Nb, cleaning.clone(), &suppliers);
    let l = one(cleaning, &suppliers);
    assert_eq!(
        (
            l.local_relevant_smes,
            l.excluded_by_size,
            l.excluded_by_area,
            l.eligible_local_smes
        ),
        (3, 0, 3, 0)
    );
    assert_eq!(codes(&l.flags), vec![FindingCode::ShutsOutLocalSmes]);
    assert_eq!(
        l.flags[0].message,
        format!("Lot 'Cleaning' is worth NOK 4,800,000 excl. VAT a year; none of the 3 local SMEs in cleaning \
         services delivers in all 4 municipalities of its area; none can carry it alone. {ALONE_IS_NOT_ALL}")
    );
    assert_eq!(
        nb.flags[0].message,
        format!(
            "Delkontrakt «Cleaning» er verdt kr 4 800 000 ekskl. mva. i året; ingen av de 3 lokale \
             SMB-ene innen rengjøring leverer i alle de 4 kommunene i området; ingen kan påta seg \
             den alene. {ALONE_IS_NOT_ALL_NB}"
        )
    );
}

#[test]
fn splitting_by_county_lets_the_local_smes_in() {
    let cleaning = lot(
        "Cleaning",
        CLEANING,
        &[
            ("1103", 1_500_000),
            ("1108", 800_000),
            ("4601", 2_000_000),
            ("4602", 500_000),
        ],
    );
    let suppliers = vec![
        sme("a", 3_000_000, "4601", &["46"], &["9091"]),
        sme("b", 2_600_000, "4602", &["46"], &["90"]),
        sme("c", 2_300_000, "1103", &["11"], &["909"]),
        // Too small for Rogaland's NOK 2.3 M, big enough for Sandnes alone.
        sme("d", 900_000, "1108", &["1108"], &["90910000"]),
    ];
    let nb = one_in(Lang::Nb, cleaning.clone(), &suppliers);
    let l = one(cleaning, &suppliers);
    assert_eq!(l.eligible_local_smes, 0);
    assert_eq!(l.excluded_by_size, 4);
    assert_eq!(l.excluded_by_area, 4);

    let county = suggestion(&l, SuggestionKind::SplitByCounty);
    assert_eq!(
        areas(county),
        vec![vec!["1103", "1108"], vec!["4601", "4602"]]
    );
    assert_eq!(
        county
            .sub_lots
            .iter()
            .map(|s| s.annual_value_ore)
            .collect::<Vec<_>>(),
        vec![nok(2_300_000), nok(2_500_000)]
    );
    assert_eq!(eligible(county), vec![1, 2]);
    assert!(county.sub_lots.iter().all(|s| s.eligible_local_smes > 0));
    assert_eq!(
        county.message,
        "One sub-lot per county: 2 sub-lots, each with a local SME that can bid."
    );
    assert_eq!(
        suggestion(&nb, SuggestionKind::SplitByCounty).message,
        "Én delkontrakt per fylke: 2 delkontrakter, hver med en lokal SMB som kan gi tilbud."
    );
    assert_eq!(
        suggestion(&nb, SuggestionKind::FewestSubLots).message,
        "2 delkontrakter som hver har minst én lokal SMB som kan gi tilbud: den inndelingen med \
         færrest delkontrakter som søket fant, men det er ikke bevist at færre er umulig."
    );

    let fewest = suggestion(&l, SuggestionKind::FewestSubLots);
    assert_eq!(areas(fewest), areas(county));
    assert_eq!(eligible(fewest), vec![1, 2]);
}

#[test]
fn a_county_in_the_service_area_covers_all_its_municipalities() {
    let vestland: Vec<Kommunenummer> = Fylkesnummer::parse("46")
        .unwrap()
        .municipalities()
        .collect();
    assert_eq!(vestland.len(), 43);
    let values: Vec<(&str, i64)> = vestland.iter().map(|m| (m.as_str(), 10_000)).collect();
    let whole_county = lot("Cleaning", CLEANING, &values);
    let all_but_one: Vec<&str> = vestland[..42].iter().map(Kommunenummer::as_str).collect();
    let suppliers = vec![
        sme("county", 1_000_000, "4601", &["46"], &["9091"]),
        sme("listed", 1_000_000, "4601", &all_but_one, &["9091"]),
        // Delivers in Vestland, but is not local to it.
        sme("stavanger", 1_000_000, "1103", &["46"], &["9091"]),
    ];
    let l = one(whole_county, &suppliers);
    assert_eq!(
        (
            l.local_relevant_smes,
            l.excluded_by_size,
            l.excluded_by_area,
            l.eligible_local_smes
        ),
        (2, 0, 1, 1)
    );
    // Exactly half can bid: not "fewer than half".
    assert!(l.flags.is_empty());
    assert!(l.suggestions.is_empty());
}

#[test]
fn no_local_relevant_sme_is_a_note_not_a_flag() {
    let meals = lot("Meals", MEALS, &[("4601", 1_000_000), ("4602", 100_000)]);
    let mut large = sme("large", 900_000_000, "4601", &["46"], &["55"]);
    large.size_class = SizeClass::Large;
    let suppliers = vec![
        large,
        sme("elsewhere", 5_000_000, "1103", &["46"], &["5552"]),
        sme("other-trade", 5_000_000, "4601", &["46"], &["9091"]),
        // Another class of the same group: not a prefix of 55524000.
        sme("restaurant", 5_000_000, "4602", &["46"], &["5551"]),
    ];
    let nb = one_in(Lang::Nb, meals.clone(), &suppliers);
    let l = one(meals, &suppliers);
    assert_eq!(l.local_relevant_smes, 0);
    assert_eq!(
        (
            l.excluded_by_size,
            l.excluded_by_area,
            l.eligible_local_smes
        ),
        (0, 0, 0)
    );
    assert!(l.flags.is_empty());
    assert!(l.suggestions.is_empty());
    assert_eq!(codes(&l.notes), vec![FindingCode::NoLocalSmes]);
    assert_eq!(l.notes[0].severity, Severity::Info);
    assert_eq!(
        l.notes[0].message,
        "No SME registered for school catering services has its home in the area of lot \
         'Meals' (2 municipalities), so the lot shuts no local SME out."
    );
    assert_eq!(
        nb.notes[0].message,
        "Ingen SMB registrert innen catering til skoler har hjemsted i området til delkontrakt \
         «Meals» (2 kommuner), så delkontrakten stenger ingen lokal SMB ute."
    );
}

#[test]
fn few_local_smes_can_bid_is_fewer_than_half_exactly() {
    let meals = lot("Meals", MEALS, &[("4601", 1_000_000)]);
    let able = |id: &str| sme(id, 2_000_000, "4601", &[], &["5552"]);
    let small = |id: &str| sme(id, 500_000, "4601", &[], &["5552"]);
    // 2 of 4: exactly half, no flag.
    let four = vec![able("a"), able("b"), small("c"), small("d")];
    let l = one(meals.clone(), &four);
    assert_eq!((l.local_relevant_smes, l.eligible_local_smes), (4, 2));
    assert!(l.flags.is_empty() && l.notes.is_empty() && l.suggestions.is_empty());

    // 2 of 5: fewer than half.
    let mut five = four.clone();
    five.push(small("e"));
    let l = one(meals.clone(), &five);
    assert_eq!((l.local_relevant_smes, l.eligible_local_smes), (5, 2));
    assert_eq!(codes(&l.flags), vec![FindingCode::FewLocalSmesCanBid]);
    assert_eq!(l.flags[0].severity, Severity::Medium);
    assert_eq!(
        l.flags[0].message,
        format!(
            "Lot 'Meals' is worth NOK 1,000,000 excl. VAT a year; of the 5 local SMEs in school catering \
         services, 3 have a turnover below NOK 1,000,000 (the largest has NOK 500,000); only 2 \
         can carry it alone. {ALONE_IS_NOT_ALL}"
        )
    );
    assert_eq!(
        one_in(Lang::Nb, meals.clone(), &five).flags[0].message,
        format!(
            "Delkontrakt «Meals» er verdt kr 1 000 000 ekskl. mva. i året; av de 5 lokale SMB-ene \
             innen catering til skoler har 3 en omsetning under kr 1 000 000 (den største har \
             kr 500 000); bare 2 kan påta seg den alene. {ALONE_IS_NOT_ALL_NB}"
        )
    );
    // Where some can bid the lot itself is a split that keeps one: no
    // fewest_sub_lots; and a lot of one municipality has no split by county
    // or municipality that changes anything.
    assert!(l.suggestions.is_empty(), "{:?}", l.suggestions);

    // 1 of 2: half again.
    let l = one(meals, &[able("a"), small("c")]);
    assert!(l.flags.is_empty());
}

#[test]
fn a_supplier_excluded_by_size_and_area_counts_in_both() {
    let meals = lot("Meals", MEALS, &[("4601", 1_000_000), ("4602", 1_000_000)]);
    let suppliers = vec![
        sme("too-small", 1_000_000, "4601", &["46"], &["5552"]),
        sme("outside", 5_000_000, "4601", &[], &["5552"]),
        sme("both", 1_000_000, "4602", &[], &["5552"]),
        sme("eligible", 2_000_000, "4602", &["4601"], &["5552"]),
    ];
    let nb = one_in(Lang::Nb, meals.clone(), &suppliers);
    let l = one(meals, &suppliers);
    assert_eq!(
        (
            l.local_relevant_smes,
            l.excluded_by_size,
            l.excluded_by_area,
            l.eligible_local_smes
        ),
        (4, 2, 2, 1)
    );
    assert_eq!(codes(&l.flags), vec![FindingCode::FewLocalSmesCanBid]);
    assert_eq!(
        l.flags[0].message,
        format!("Lot 'Meals' is worth NOK 2,000,000 excl. VAT a year; of the 4 local SMEs in school catering \
         services, 2 have a turnover below NOK 2,000,000 (the largest has NOK 1,000,000) and 2 \
         do not deliver in all 2 municipalities of its area; only 1 can carry it alone. {ALONE_IS_NOT_ALL}")
    );
    assert_eq!(
        nb.flags[0].message,
        format!(
            "Delkontrakt «Meals» er verdt kr 2 000 000 ekskl. mva. i året; av de 4 lokale SMB-ene \
             innen catering til skoler har 2 en omsetning under kr 2 000 000 (den største har \
             kr 1 000 000) og 2 leverer ikke i begge kommunene i området; bare 1 kan påta seg den \
             alene. {ALONE_IS_NOT_ALL_NB}"
        )
    );
}

#[test]
fn all_too_small_and_some_outside_reads_as_one_sentence() {
    let meals = lot("Meals", MEALS, &[("4601", 5_000_000), ("4602", 5_000_000)]);
    let suppliers = vec![
        sme("a", 1_000_000, "4601", &["46"], &["5552"]),
        sme("b", 2_000_000, "4602", &[], &["5552"]),
    ];
    assert_eq!(
        one(meals.clone(), &suppliers).flags[0].message,
        format!("Lot 'Meals' is worth NOK 10,000,000 excl. VAT a year; the largest of the 2 local SMEs in school \
         catering services has a turnover of NOK 2,000,000, and 1 of them does not deliver in all \
         2 municipalities of its area; none can carry it alone. {ALONE_IS_NOT_ALL}")
    );
    assert_eq!(
        one_in(Lang::Nb, meals.clone(), &suppliers).flags[0].message,
        format!(
            "Delkontrakt «Meals» er verdt kr 10 000 000 ekskl. mva. i året; den største av de 2 \
             lokale SMB-ene innen catering til skoler har en omsetning på kr 2 000 000, og 1 av dem \
             leverer ikke i begge kommunene i området; ingen kan påta seg den alene. \
             {ALONE_IS_NOT_ALL_NB}"
        )
    );
    assert_eq!(
        one_in(Lang::Nb, meals.clone(), &suppliers[1..]).flags[0].message,
        format!(
            "Delkontrakt «Meals» er verdt kr 10 000 000 ekskl. mva. i året; den eneste lokale \
             SMB-en innen catering til skoler har en omsetning på kr 2 000 000, og den leverer ikke \
             i begge kommunene i området; ingen kan påta seg den alene. {ALONE_IS_NOT_ALL_NB}"
        )
    );
    assert_eq!(
        one(meals, &suppliers[1..]).flags[0].message,
        format!(
            "Lot 'Meals' is worth NOK 10,000,000 excl. VAT a year; the only local SME in school catering \
         services has a turnover of NOK 2,000,000, and it does not deliver in all 2 \
         municipalities of its area; none can carry it alone. {ALONE_IS_NOT_ALL}"
        )
    );
}

#[test]
fn a_capacity_factor_of_two_halves_who_is_big_enough() {
    let meals = lot("Meals", MEALS, &[("4601", 2_000_000)]);
    let suppliers: Vec<SupplierFacts> = [2_000_000, 3_000_000, 4_000_000, 5_000_000]
        .iter()
        .enumerate()
        .map(|(i, &t)| sme(&format!("s{i}"), t, "4601", &[], &["5552"]))
        .collect();
    let at_in = |lang: Lang, factor: &str| {
        analyse(
            std::slice::from_ref(&meals),
            &suppliers,
            CapacityFactor::parse(factor).unwrap(),
            lang,
        )
        .lots
        .remove(0)
    };
    let at = |factor: &str| at_in(Lang::En, factor);
    let l = at("1.0");
    assert_eq!((l.eligible_local_smes, l.excluded_by_size), (4, 0));
    // NOK 4 M is exactly 2 x NOK 2 M: big enough.
    let l = at("2.0");
    assert_eq!((l.eligible_local_smes, l.excluded_by_size), (2, 2));
    assert!(l.flags.is_empty());
    let l = at("2.001");
    assert_eq!(l.eligible_local_smes, 1);
    assert_eq!(
        l.flags[0].message,
        format!("Lot 'Meals' is worth NOK 2,000,000 excl. VAT a year, and with capacity factor 2.001 a bidder \
         needs a turnover of NOK 4,002,000; of the 4 local SMEs in school catering services, 3 \
         have a turnover below NOK 4,002,000 (the largest has NOK 4,000,000); only 1 can carry it alone. {ALONE_IS_NOT_ALL}")
    );
    assert_eq!(
        at_in(Lang::Nb, "2.001").flags[0].message,
        format!(
            "Delkontrakt «Meals» er verdt kr 2 000 000 ekskl. mva. i året, og med kapasitetsfaktor \
             2,001 trenger en tilbyder en omsetning på kr 4 002 000; av de 4 lokale SMB-ene innen \
             catering til skoler har 3 en omsetning under kr 4 002 000 (den største har \
             kr 4 000 000); bare 1 kan påta seg den alene. {ALONE_IS_NOT_ALL_NB}"
        )
    );
    let json = serde_json::to_value(analyse(
        &[],
        &suppliers,
        CapacityFactor::parse("2").unwrap(),
        Lang::Nb,
    ))
    .unwrap();
    assert_eq!(json["capacity_factor"], serde_json::json!(2.0));
}

#[test]
fn a_firm_matching_through_several_prefixes_counts_once() {
    let meals = lot("Meals", MEALS, &[("4601", 1_000_000)]);
    let suppliers = vec![sme(
        "a",
        2_000_000,
        "4601",
        &[],
        &["55", "5552", "55524000", "9091"],
    )];
    let l = one(meals, &suppliers);
    assert_eq!((l.local_relevant_smes, l.eligible_local_smes), (1, 1));
}

#[test]
fn the_fewest_split_groups_the_county_around_the_firms_that_can_carry_it() {
    // All 43 Vestland municipalities at NOK 1 M each; three caterers of
    // NOK 15 M that deliver in the whole county, and twenty too small to
    // carry even their home. Each caterer can carry 15 municipalities.
    let vestland: Vec<Kommunenummer> = Fylkesnummer::parse("46")
        .unwrap()
        .municipalities()
        .collect();
    let values: Vec<(&str, i64)> = vestland.iter().map(|m| (m.as_str(), 1_000_000)).collect();
    let meals = lot("Meals", MEALS, &values);
    let mut suppliers: Vec<SupplierFacts> = (0..20)
        .map(|i| {
            sme(
                &format!("micro{i}"),
                500_000,
                vestland[i].as_str(),
                &["46"],
                &["5552"],
            )
        })
        .collect();
    // Homes among the first municipalities, which a plain cheapest-first
    // grouping would hand to the first caterer.
    for (i, home) in [0, 1, 2].iter().enumerate() {
        suppliers.push(sme(
            &format!("big{i}"),
            15_000_000,
            vestland[*home].as_str(),
            &["46"],
            &["5552"],
        ));
    }
    let l = one(meals, &suppliers);
    assert_eq!(codes(&l.flags), vec![FindingCode::ShutsOutLocalSmes]);
    let fewest = suggestion(&l, SuggestionKind::FewestSubLots);
    assert_eq!(fewest.sub_lots.len(), 3, "{fewest:?}");
    assert!(fewest.sub_lots.iter().all(|s| s.eligible_local_smes == 1));
    assert!(fewest
        .sub_lots
        .iter()
        .all(|s| s.annual_value_ore <= nok(15_000_000)));
    let mut all: Vec<&str> = areas(fewest).concat();
    all.sort_unstable();
    assert_eq!(
        all,
        vestland
            .iter()
            .map(Kommunenummer::as_str)
            .collect::<Vec<_>>()
    );
    assert!(
        fewest.message.starts_with("3 sub-lots"),
        "{}",
        fewest.message
    );
    // One sub-lot per municipality would leave 40 without a bidder.
    let by_m = suggestion(&l, SuggestionKind::SplitByMunicipality);
    assert_eq!(
        by_m.sub_lots
            .iter()
            .filter(|s| s.eligible_local_smes > 0)
            .count(),
        3
    );
}

#[test]
fn a_municipality_without_a_local_firm_joins_a_neighbour_that_delivers_there() {
    // Nobody is at home in Austrheim; the Alver firm delivers there.
    let meals = lot(
        "Meals",
        MEALS,
        &[("4601", 3_000_000), ("4631", 1_000_000), ("4632", 200_000)],
    );
    let suppliers = vec![
        sme("bergen", 3_500_000, "4601", &["4631"], &["5552"]),
        sme("alver", 1_300_000, "4631", &["4632"], &["5552"]),
    ];
    let l = one(meals, &suppliers);
    assert_eq!(l.eligible_local_smes, 0);
    let fewest = suggestion(&l, SuggestionKind::FewestSubLots);
    assert_eq!(areas(fewest), vec![vec!["4601"], vec!["4631", "4632"]]);
    assert_eq!(eligible(fewest), vec![1, 1]);
}

#[test]
fn the_answer_has_the_shape_of_the_api() {
    let (meals, suppliers) = school_meals();
    let mut meals = meals;
    meals.interested_suppliers = 4;
    let json =
        serde_json::to_value(analyse(&[meals], &suppliers, CapacityFactor::ONE, Lang::Nb)).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), vec!["capacity_factor", "lots"]);
    assert_eq!(json["capacity_factor"], serde_json::json!(1.0));
    let lot = &json["lots"][0];
    assert_eq!(
        keys(lot),
        vec![
            "annual_value_ore",
            "eligible_local_smes",
            "excluded_by_area",
            "excluded_by_size",
            "flags",
            "interested_suppliers",
            "local_relevant_smes",
            "lot_id",
            "notes",
            "suggestions",
            "title"
        ]
    );
    assert_eq!(lot["annual_value_ore"], 1_420_000_000i64);
    assert_eq!(lot["interested_suppliers"], 4);
    assert_eq!(lot["flags"][0]["code"], "shuts_out_local_smes");
    assert_eq!(lot["flags"][0]["severity"], "high");
    assert_eq!(
        keys(&lot["suggestions"][0]),
        vec!["kind", "message", "sub_lots"]
    );
    assert_eq!(lot["suggestions"][0]["kind"], "split_by_municipality");
    let sub = &lot["suggestions"][0]["sub_lots"][0];
    assert_eq!(
        keys(sub),
        vec!["annual_value_ore", "area", "eligible_local_smes"]
    );
    assert_eq!(sub["area"], serde_json::json!(["4601"]));
    assert_eq!(sub["annual_value_ore"], 1_000_000_000i64);
    assert_eq!(lot["suggestions"][1]["kind"], "fewest_sub_lots");
}

// ---- generated scenarios ----

/// Raw choices for a scenario in Rogaland and Vestland: per municipality
/// (index into the 66 of the two counties) a value; per lot an area mask,
/// a trade and a value override; per supplier a home, a reach, a turnover,
/// a class and a trade.
#[derive(Debug, Clone)]
struct Raw {
    values: Vec<i64>,
    lots: Vec<(u64, u8, Option<i64>)>,
    suppliers: Vec<(usize, u8, i64, u8, u8)>,
}

fn raw() -> impl Strategy<Value = Raw> {
    (
        prop::collection::vec(0i64..1_000_000, 66),
        prop::collection::vec(
            (any::<u64>(), 0u8..2, prop::option::of(0i64..20_000_000)),
            1..4,
        ),
        prop::collection::vec(
            (0usize..66, 0u8..4, 0i64..20_000_000, 0u8..4, 0u8..2),
            0..150,
        ),
    )
        .prop_map(|(values, lots, suppliers)| Raw {
            values,
            lots,
            suppliers,
        })
}

fn two_counties() -> Vec<Kommunenummer> {
    let mut all: Vec<Kommunenummer> = Fylkesnummer::parse("11")
        .unwrap()
        .municipalities()
        .collect();
    all.extend(Fylkesnummer::parse("46").unwrap().municipalities());
    all
}

fn build(r: &Raw) -> (Vec<LotFacts>, Vec<SupplierFacts>) {
    let all = two_counties();
    let trades = [MEALS, CLEANING, "60130000-8"];
    let lots = r
        .lots
        .iter()
        .enumerate()
        .map(|(i, &(mask, trade, override_value))| {
            // The mask picks among the first 64; a third of the time the lot
            // covers both counties whole.
            let bits = match mask % 3 {
                0 => u64::MAX,
                1 => mask,
                // Sparser: a handful of municipalities.
                _ => mask & (mask >> 7) & (mask >> 13),
            };
            let area: Vec<&Kommunenummer> = all
                .iter()
                .enumerate()
                .filter(|(j, _)| (bits >> (j % 64)) & 1 == 1)
                .map(|(_, m)| m)
                .collect();
            let values: Vec<(Kommunenummer, Ore)> = area
                .iter()
                .map(|m| {
                    let j = all.iter().position(|a| a == *m).unwrap();
                    ((*m).clone(), nok(r.values[j]))
                })
                .collect();
            let sum: i64 = values.iter().map(|(_, v)| v.get()).sum();
            LotFacts {
                lot_id: format!("lot{i}"),
                title: format!("Lot {i}"),
                cpv: Cpv::parse(trades[usize::from(trade) % trades.len()]).unwrap(),
                area: area.into_iter().cloned().collect(),
                annual_value: override_value.map_or(Ore::new(sum), nok),
                municipality_values: values,
                interested_suppliers: i,
                split_requests: Vec::new(),
            }
        })
        .collect();
    let prefixes = [["5552"], ["90"], ["6013"]];
    let classes = [
        SizeClass::Micro,
        SizeClass::Small,
        SizeClass::Medium,
        SizeClass::Large,
    ];
    let suppliers = r
        .suppliers
        .iter()
        .enumerate()
        .map(|(i, &(home, reach, turnover, class, trade))| {
            let home = &all[home];
            let county = home.county();
            let service: Vec<&str> = match reach {
                0 => vec![],
                1 => vec![county.as_str()],
                2 => vec!["11", "46"],
                _ => vec![all[(i * 7) % all.len()].as_str()],
            };
            let mut s = sme(
                &format!("s{i}"),
                turnover,
                home.as_str(),
                &service,
                &prefixes[usize::from(trade)],
            );
            s.size_class = classes[usize::from(class)];
            s
        })
        .collect();
    (lots, suppliers)
}

#[test]
fn shuffling_the_suppliers_changes_nothing() {
    let mut rng = StdRng::seed_from_u64(7);
    let r = Raw {
        values: (0..66).map(|i| (i * 37_113) % 2_500_000).collect(),
        lots: vec![
            (0, 0, None),
            (0xdead_beef, 1, None),
            (0x0f0f_0f0f, 0, Some(40_000_000)),
            (3, 2, None),
        ],
        suppliers: (0..200)
            .map(|i| {
                (
                    i * 13 % 66,
                    (i % 4) as u8,
                    (i as i64 * 91_331) % 9_000_000,
                    (i % 4) as u8,
                    (i % 3) as u8,
                )
            })
            .collect(),
    };
    let (lots, mut suppliers) = build(&r);
    let before =
        serde_json::to_string(&analyse(&lots, &suppliers, CapacityFactor::ONE, Lang::Nb)).unwrap();
    assert!(
        before.contains("fewest_sub_lots"),
        "the scenario exercises the splits"
    );
    for _ in 0..5 {
        suppliers.shuffle(&mut rng);
        let after =
            serde_json::to_string(&analyse(&lots, &suppliers, CapacityFactor::ONE, Lang::Nb))
                .unwrap();
        assert_eq!(after, before);
    }
}

proptest! {
    #[test]
    fn counts_and_flags_agree_and_splits_are_sound(r in raw(), factor in 1i64..3000) {
        let factor = CapacityFactor::parse(&format!("{}.{:03}", factor / 1000, factor % 1000)).unwrap();
        let (lots, suppliers) = build(&r);
        let a = analyse(&lots, &suppliers, factor, Lang::En);
        prop_assert_eq!(a.lots.len(), lots.len());
        for (l, facts) in a.lots.iter().zip(&lots) {
            prop_assert_eq!(&l.lot_id, &facts.lot_id);
            let n = l.local_relevant_smes;
            prop_assert!(l.eligible_local_smes <= n);
            prop_assert!(l.excluded_by_size <= n && l.excluded_by_area <= n);
            // Every SME not eligible is excluded at least once, at most twice.
            prop_assert!(l.excluded_by_size + l.excluded_by_area >= n - l.eligible_local_smes);
            prop_assert!(l.excluded_by_size.max(l.excluded_by_area) <= n - l.eligible_local_smes);

            let shut = n > 0 && l.eligible_local_smes == 0;
            let few = l.eligible_local_smes > 0 && 2 * l.eligible_local_smes < n;
            let mut expected = Vec::new();
            if shut { expected.push(FindingCode::ShutsOutLocalSmes); }
            if few { expected.push(FindingCode::FewLocalSmesCanBid); }
            prop_assert_eq!(codes(&l.flags), expected);
            prop_assert_eq!(codes(&l.notes), if n == 0 { vec![FindingCode::NoLocalSmes] } else { vec![] });
            // Flagged lots may have no suggestion (one municipality, or no volumes).
            prop_assert!(l.suggestions.is_empty() || !l.flags.is_empty());
            let all_have_volume = facts.area.iter().all(|m| {
                facts.municipality_values.iter().any(|(n, v)| n == m && v.get() > 0)
            });

            let mut area: Vec<&str> = facts.area.iter().map(Kommunenummer::as_str).collect();
            area.sort_unstable();
            area.dedup();
            for s in &l.suggestions {
                let mut covered: Vec<&str> = areas(s).concat();
                let sum: i64 = s.sub_lots.iter().map(|x| x.annual_value_ore.get()).sum();
                if !s.sub_lots.is_empty() {
                    // Parts of the area, no municipality twice, with no
                    // volume lost; two parts at least, each with volume.
                    covered.sort_unstable();
                    prop_assert!(covered.windows(2).all(|w| w[0] < w[1]));
                    prop_assert!(covered.iter().all(|m| area.contains(m)));
                    if all_have_volume {
                        prop_assert_eq!(&covered, &area);
                    }
                    prop_assert_eq!(sum, facts.municipality_values.iter().map(|(_, v)| v.get()).sum::<i64>());
                    prop_assert!(s.sub_lots.len() >= 2);
                    for sub in &s.sub_lots {
                        prop_assert!(sub.area.windows(2).all(|w| w[0] < w[1]));
                        prop_assert!(sub.annual_value_ore.get() > 0);
                    }
                }
                if s.kind == SuggestionKind::FewestSubLots {
                    prop_assert!(shut);
                    prop_assert!(s.sub_lots.iter().all(|x| x.eligible_local_smes > 0));
                    if let Some(county) = offered(l, SuggestionKind::SplitByCounty).filter(|_| all_have_volume) {
                        if county.sub_lots.iter().all(|x| x.eligible_local_smes > 0) {
                            prop_assert!(!s.sub_lots.is_empty() && s.sub_lots.len() <= county.sub_lots.len());
                        }
                    }
                    if let Some(by_m) = offered(l, SuggestionKind::SplitByMunicipality).filter(|_| all_have_volume) {
                        if by_m.sub_lots.iter().all(|x| x.eligible_local_smes > 0) {
                            prop_assert!(!s.sub_lots.is_empty() && s.sub_lots.len() <= by_m.sub_lots.len());
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_split_that_changes_nothing_or_a_sub_lot_without_volume_is_not_offered() {
    // Bergen and three neighbours, one county; 4627 declared nothing.
    let meals = lot(
        "Meals",
        MEALS,
        &[
            ("4601", 3_000_000),
            ("4624", 1_000_000),
            ("4626", 1_000_000),
            ("4627", 0),
        ],
    );
    let suppliers = vec![
        sme("a", 1_000_000, "4624", &[], &["5552"]),
        sme("b", 1_000_000, "4626", &[], &["5552"]),
    ];
    let l = one(meals, &suppliers);
    assert_eq!(codes(&l.flags), vec![FindingCode::ShutsOutLocalSmes]);
    assert!(offered(&l, SuggestionKind::SplitByCounty).is_none());
    let by_m = suggestion(&l, SuggestionKind::SplitByMunicipality);
    assert_eq!(areas(by_m), vec![vec!["4601"], vec!["4624"], vec!["4626"]]);
    for s in &l.suggestions {
        assert!(
            s.sub_lots.iter().all(|x| x.annual_value_ore.get() > 0),
            "{s:?}"
        );
    }
}

#[test]
fn local_smes_asking_for_a_split_flag_the_lot_and_their_area_comes_first() {
    let mut meals = lot(
        "Meals",
        MEALS,
        &[
            ("4601", 3_000_000),
            ("4624", 1_000_000),
            ("4626", 1_000_000),
        ],
    );
    // Everyone delivers everywhere and is big enough: no other flag.
    let suppliers = vec![sme("a", 10_000_000, "4601", &["46"], &["5552"])];
    assert!(one(meals.clone(), &suppliers).flags.is_empty());
    meals.split_requests = vec![
        vec![kn("4624"), kn("4626")],
        vec![kn("4624"), kn("4626")],
        vec![kn("4601")],
        vec![],
    ];
    let l = one(meals, &suppliers);
    assert_eq!(codes(&l.flags), vec![FindingCode::SmesAskForSplit]);
    assert_eq!(l.flags[0].proposed_area, Some(vec![kn("4624"), kn("4626")]));
    assert!(
        l.flags[0].message.contains("4 local SMEs"),
        "{}",
        l.flags[0].message
    );
    let first = &l.suggestions[0];
    assert_eq!(first.kind, SuggestionKind::SplitAsProposed);
    // The proposed area, then the rest.
    assert_eq!(areas(first), vec![vec!["4624", "4626"], vec!["4601"]]);
    assert_eq!(
        first
            .sub_lots
            .iter()
            .map(|s| s.annual_value_ore)
            .collect::<Vec<_>>(),
        vec![nok(2_000_000), nok(3_000_000)]
    );
}
