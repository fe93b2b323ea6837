//! Whether a clause is mandatory for a procurement, with the figures that
//! decided it, so that a coordinator can see why (and check the amounts).

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use super::{Amount, Clause, ThresholdRef};
use crate::contract::ContractType;
use crate::lang::count;
use crate::thresholds::ThresholdRow;
use crate::{Cpv, ErrorCode, Invalid, Lang, Ore};

/// What the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct ContractFacts<'a> {
    pub contract_type: ContractType,
    /// The main CPV first, then the lots' CPVs: a cleaning lot inside a
    /// broader procurement still brings the cleaning rules with it.
    pub cpvs: &'a [Cpv],
    /// The regime value (the combined maximum for a framework agreement).
    pub value: Ore,
    pub start: NaiveDate,
    /// The end of the period with every option taken.
    pub end: NaiveDate,
}

/// `start + months`, the end of a contract period. Options count: a rule on
/// duration is about how long the supplier may be bound to work.
pub fn contract_end(start: NaiveDate, months: i64) -> Result<NaiveDate, Invalid> {
    u32::try_from(months)
        .ok()
        .and_then(|m| start.checked_add_months(Months::new(m)))
        .ok_or_else(|| {
            Invalid::new(
                ErrorCode::InvalidDuration,
                format!("a contract of {months} months from {start} has no end date"),
            )
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    AtOrAbove,
    Above,
}

/// The figures a decision was made on; shown with every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub contract_type: ContractType,
    /// The CPV under one of the rule's prefixes, or else the main CPV.
    pub cpv: Option<String>,
    pub value_ore: Ore,
    /// The amount the value was compared with, when the rule has one.
    pub threshold_ore: Option<Ore>,
    /// Which row of the threshold table the amount came from, if any.
    pub threshold: Option<String>,
    pub comparison: Option<Comparison>,
    pub contract_start: NaiveDate,
    /// With options.
    pub contract_end: NaiveDate,
    /// A rule on duration: the contract must end after this date.
    pub must_end_after: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub text: String,
    pub figures: Figures,
}

/// `Ok` with the conditions met when the clause is mandatory, `Err` with the
/// first condition that fails when it is not, the reason in `lang`. Every
/// figure is filled in either way.
pub fn mandatory(
    clause: &Clause,
    facts: &ContractFacts<'_>,
    thresholds: &ThresholdRow,
    lang: Lang,
) -> Result<Reason, Reason> {
    let mut figures = Figures {
        contract_type: facts.contract_type,
        cpv: facts.cpvs.first().map(|c| c.as_str().to_string()),
        value_ore: facts.value,
        threshold_ore: None,
        threshold: None,
        comparison: None,
        contract_start: facts.start,
        contract_end: facts.end,
        must_end_after: None,
    };
    let Some(rule) = &clause.mandatory_when else {
        return Err(Reason {
            text: lang
                .pick(
                    "ingen regel gjør klausulen obligatorisk; den anbefales",
                    "no rule makes this clause mandatory; it is recommended",
                )
                .into(),
            figures,
        });
    };
    let mut met = Vec::new();
    let mut failed: Option<String> = None;
    let mut fail = |why: String| {
        failed.get_or_insert(why);
    };

    if !rule.contract_types.is_empty() {
        let names: Vec<&str> = rule.contract_types.iter().map(|t| t.words(lang)).collect();
        let this = facts.contract_type.words(lang);
        if rule.contract_types.contains(&facts.contract_type) {
            met.push(match lang {
                Lang::Nb => format!("en kontrakt om {this}"),
                Lang::En => format!("a {this} contract"),
            });
        } else {
            fail(match lang {
                Lang::Nb => format!(
                    "den gjelder kontrakter om {}, ikke om {this}",
                    names.join(" eller ")
                ),
                Lang::En => format!(
                    "it applies to {} contracts, not {this}",
                    names.join(" and ")
                ),
            });
        }
    }

    if !rule.cpv_prefixes.is_empty() {
        let hit = facts.cpvs.iter().find_map(|cpv| {
            rule.cpv_prefixes
                .iter()
                .find(|p| cpv.is_under(p))
                .map(|p| (cpv, p))
        });
        let prefixes: Vec<&str> = rule.cpv_prefixes.iter().map(|p| p.as_str()).collect();
        match hit {
            Some((cpv, prefix)) => {
                figures.cpv = Some(cpv.as_str().to_string());
                let prefix = prefix.as_str();
                met.push(match lang {
                    Lang::Nb => format!("CPV {cpv} ligger under {prefix}"),
                    Lang::En => format!("CPV {cpv} is under {prefix}"),
                });
            }
            None => {
                let cpvs: Vec<&str> = facts.cpvs.iter().map(Cpv::as_str).collect();
                let cpvs = cpvs.join(", ");
                fail(match lang {
                    Lang::Nb => format!(
                        "ingen CPV-kode i anskaffelsen ({cpvs}) ligger under {}",
                        prefixes.join(" eller ")
                    ),
                    Lang::En => format!(
                        "no CPV of the procurement ({cpvs}) is under {}",
                        prefixes.join(" or ")
                    ),
                });
            }
        }
    }

    let value_rule = rule
        .value_at_least
        .map(|a| (a, Comparison::AtOrAbove))
        .or(rule.value_above.map(|a| (a, Comparison::Above)));
    if let Some((amount, comparison)) = value_rule {
        let limit = amount.resolve(thresholds, facts.contract_type);
        figures.threshold_ore = Some(limit);
        figures.comparison = Some(comparison);
        let named = match amount {
            Amount::Threshold(t) => {
                figures.threshold = Some(t.code().to_string());
                let from = lang.date(thresholds.valid_from);
                match lang {
                    Lang::Nb => format!(" ({}, gjeldende fra {from})", threshold_nb(t)),
                    Lang::En => format!(" ({t} threshold from {from})"),
                }
            }
            Amount::Ore(_) => String::new(),
        };
        let holds = match comparison {
            Comparison::AtOrAbove => facts.value >= limit,
            Comparison::Above => facts.value > limit,
        };
        let (value, limit) = (facts.value.written(lang), limit.written(lang));
        let compared = match (lang, comparison, holds) {
            (Lang::Nb, Comparison::AtOrAbove, true) => "er på eller over",
            (Lang::Nb, Comparison::AtOrAbove, false) => "er under",
            (Lang::Nb, Comparison::Above, true) => "er over",
            (Lang::Nb, Comparison::Above, false) => "er ikke over",
            (Lang::En, Comparison::AtOrAbove, true) => "is at or above",
            (Lang::En, Comparison::AtOrAbove, false) => "is below",
            (Lang::En, Comparison::Above, true) => "is above",
            (Lang::En, Comparison::Above, false) => "is not above",
        };
        let sentence = match lang {
            Lang::Nb => format!("verdien {value} ekskl. mva. {compared} {limit}{named}"),
            Lang::En => format!("the value {value} excl. VAT {compared} {limit}{named}"),
        };
        if holds {
            met.push(sentence);
        } else {
            fail(sentence);
        }
    }

    if rule.longer_than_months.is_some() || rule.longer_than_days.is_some() {
        let (months, days) = (
            rule.longer_than_months.unwrap_or(0),
            rule.longer_than_days.unwrap_or(0),
        );
        let limit = facts
            .start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.checked_add_days(Days::new(u64::from(days))));
        let (months, days) = (months as usize, days as usize);
        let wanted = match lang {
            Lang::Nb => match (months, days) {
                (m, 0) => count(m, "måned", "måneder"),
                (0, d) => count(d, "dag", "dager"),
                (m, d) => format!(
                    "{} og {}",
                    count(m, "måned", "måneder"),
                    count(d, "dag", "dager")
                ),
            },
            Lang::En => match (months, days) {
                (m, 0) => count(m, "month", "months"),
                (0, d) => count(d, "day", "days"),
                (m, d) => format!(
                    "{} and {}",
                    count(m, "month", "months"),
                    count(d, "day", "days")
                ),
            },
        };
        let end = lang.date(facts.end);
        match limit {
            Some(limit) => {
                figures.must_end_after = Some(limit);
                let after = lang.date(limit);
                if facts.end > limit {
                    met.push(match lang {
                        Lang::Nb => format!("den varer til {end}, lenger enn {wanted}"),
                        Lang::En => format!("it runs until {end}, longer than {wanted}"),
                    });
                } else {
                    fail(match lang {
                        Lang::Nb => format!(
                            "den varer til {end}, ikke lenger enn {wanted} (den måtte ha sluttet etter {after})"
                        ),
                        Lang::En => format!(
                            "it runs until {end}, not longer than {wanted} (it would have to end after {after})"
                        ),
                    });
                }
            }
            // A limit past the calendar's end: no contract is that long.
            None => fail(match lang {
                Lang::Nb => format!("ingen kontrakt varer lenger enn {wanted}"),
                Lang::En => format!("no contract runs longer than {wanted}"),
            }),
        }
    }

    match failed {
        Some(why) => Err(Reason {
            text: match lang {
                Lang::Nb => format!("ikke obligatorisk: {why}"),
                Lang::En => format!("not mandatory: {why}"),
            },
            figures,
        }),
        None if met.is_empty() => Ok(Reason {
            text: lang
                .pick(
                    "obligatorisk for alle anskaffelser",
                    "mandatory for every procurement",
                )
                .into(),
            figures,
        }),
        None => Ok(Reason {
            text: match lang {
                Lang::Nb => format!("obligatorisk: {}", met.join("; ")),
                Lang::En => format!("mandatory: {}", met.join("; ")),
            },
            figures,
        }),
    }
}

/// A row of the threshold table by name, in bokmål (the English names it by
/// its code, as the `threshold` figure does).
fn threshold_nb(t: ThresholdRef) -> &'static str {
    match t {
        ThresholdRef::LowerLimit => "nedre grense for regelverket",
        ThresholdRef::National => "nasjonal terskelverdi",
        ThresholdRef::EeaGoodsServices => "EØS-terskelverdien for varer og tjenester",
        ThresholdRef::EeaWorks => "EØS-terskelverdien for bygg og anlegg",
        ThresholdRef::EeaSocialServices => "EØS-terskelverdien for særlige tjenester",
        ThresholdRef::EeaOfContractType => "EØS-terskelverdien for kontraktstypen",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clauses::shipped;
    use crate::thresholds::test_row_2024;

    fn cpv(code: &str) -> Cpv {
        Cpv::parse(code).unwrap()
    }

    fn nok(kroner: i64) -> Ore {
        Ore::from_nok(kroner).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const START: (i32, u32, u32) = (2027, 1, 15);
    /// Exactly three months, and a day more.
    const THREE_MONTHS: NaiveDate = match NaiveDate::from_ymd_opt(2027, 4, 15) {
        Some(d) => d,
        None => panic!(),
    };
    const A_DAY_MORE: NaiveDate = match NaiveDate::from_ymd_opt(2027, 4, 16) {
        Some(d) => d,
        None => panic!(),
    };

    /// In English, as most of these tests read the reasons.
    fn decide(
        code: &str,
        contract_type: ContractType,
        cpvs: &[Cpv],
        value: Ore,
        end: NaiveDate,
    ) -> Result<Reason, Reason> {
        decide_in(Lang::En, code, contract_type, cpvs, value, end)
    }

    fn decide_in(
        lang: Lang,
        code: &str,
        contract_type: ContractType,
        cpvs: &[Cpv],
        value: Ore,
        end: NaiveDate,
    ) -> Result<Reason, Reason> {
        let library = shipped();
        let clause = library.clause(code).unwrap();
        let facts = ContractFacts {
            contract_type,
            cpvs,
            value,
            start: date(START.0, START.1, START.2),
            end,
        };
        mandatory(clause, &facts, &test_row_2024(), lang)
    }

    /// What procurement-rules.md §7 says, written out independently of the
    /// TOML: which types, which CPV prefixes, which value (and whether a
    /// value equal to it counts), and whether it must last over 3 months.
    struct Expected {
        types: &'static [ContractType],
        prefixes: &'static [&'static str],
        value: Option<(i64, bool)>,
        longer_than_three_months: bool,
    }

    const SERVICES_WORKS: &[ContractType] = &[ContractType::Services, ContractType::Works];
    const EEA_GOODS_SERVICES_NOK: i64 = 2_300_000;

    fn expected(code: &str) -> Option<Expected> {
        let seriousness = |prefixes| Expected {
            types: SERVICES_WORKS,
            prefixes,
            value: Some((EEA_GOODS_SERVICES_NOK, true)),
            longer_than_three_months: false,
        };
        match code {
            "lonns_og_arbeidsvilkar" | "sanksjoner" => Some(seriousness(&[])),
            // Cleaning is CPV 9091xxxx: 909 would take in sanitation too.
            "hms_kort" | "lonn_via_bank" | "tjenestepensjon" | "underleverandorledd" => {
                Some(seriousness(&["45", "9091"]))
            }
            // Building and construction only, from 2024.
            "informasjonsplikt" | "sprakkrav" => Some(seriousness(&["45"])),
            // "lovlige_ansettelsesformer" is recommended, never mandatory.
            "laerlinger" => Some(Expected {
                types: SERVICES_WORKS,
                prefixes: &["45", "9091"],
                value: Some((EEA_GOODS_SERVICES_NOK, true)),
                longer_than_three_months: true,
            }),
            "skatteattest" => Some(Expected {
                types: &[
                    ContractType::Goods,
                    ContractType::Services,
                    ContractType::Works,
                    ContractType::SocialServices,
                ],
                prefixes: &[],
                value: Some((500_000, false)),
                longer_than_three_months: false,
            }),
            _ => None,
        }
    }

    #[test]
    fn each_clause_against_types_cpvs_values_and_durations() {
        let library = shipped();
        let types = [
            ContractType::Goods,
            ContractType::Services,
            ContractType::Works,
            ContractType::SocialServices,
        ];
        let cpv_sets: Vec<Vec<Cpv>> = vec![
            vec![cpv("55524000-9")],                    // school catering
            vec![cpv("45210000-2")],                    // building construction
            vec![cpv("90910000-9")],                    // cleaning
            vec![cpv("79710000-4"), cpv("90911200-8")], // security with a cleaning lot
            vec![cpv("90920000-2")],                    // sanitation: under 909, not cleaning
        ];
        // Both sides of every amount in the rules, in øre.
        let mut values = vec![Ore::ZERO];
        for kroner in [500_000, 2_000_000, EEA_GOODS_SERVICES_NOK] {
            let at = nok(kroner).get();
            values.extend([Ore::new(at - 1), Ore::new(at), Ore::new(at + 1)]);
        }
        let mut rows = 0;
        for clause in &library.clauses {
            let want = expected(&clause.code);
            for t in types {
                for cpvs in &cpv_sets {
                    for &value in &values {
                        for end in [THREE_MONTHS, A_DAY_MORE] {
                            let got = decide(&clause.code, t, cpvs, value, end);
                            let should = want.as_ref().is_some_and(|w| {
                                w.types.contains(&t)
                                    && (w.prefixes.is_empty()
                                        || cpvs.iter().any(|c| {
                                            w.prefixes.iter().any(|p| c.digits().starts_with(p))
                                        }))
                                    && w.value.is_none_or(|(kroner, inclusive)| {
                                        let limit = nok(kroner);
                                        if inclusive {
                                            value >= limit
                                        } else {
                                            value > limit
                                        }
                                    })
                                    && (!w.longer_than_three_months || end == A_DAY_MORE)
                            });
                            assert_eq!(
                                got.is_ok(),
                                should,
                                "{} for {t} {:?} {value} until {end}: {:?}",
                                clause.code,
                                cpvs,
                                got
                            );
                            rows += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(rows, library.clauses.len() * 4 * 5 * 10 * 2);
    }

    #[test]
    fn pay_and_conditions_start_at_the_eea_threshold_in_force() {
        let services = ContractType::Services;
        let catering = [cpv("55524000-9")];
        let below = decide(
            "lonns_og_arbeidsvilkar",
            services,
            &catering,
            Ore::new(229_999_999),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert_eq!(
            below.text,
            "not mandatory: the value NOK 2,299,999.99 excl. VAT is below NOK 2,300,000 (eea_goods_services threshold from 2024-03-14)"
        );
        assert_eq!(
            decide_in(
                Lang::Nb,
                "lonns_og_arbeidsvilkar",
                services,
                &catering,
                Ore::new(229_999_999),
                A_DAY_MORE,
            )
            .unwrap_err()
            .text,
            "ikke obligatorisk: verdien kr 2 299 999,99 ekskl. mva. er under kr 2 300 000 \
             (EØS-terskelverdien for varer og tjenester, gjeldende fra 14.03.2024)"
        );
        assert_eq!(below.figures.threshold_ore, Some(nok(2_300_000)));
        assert_eq!(below.figures.comparison, Some(Comparison::AtOrAbove));
        let at = decide(
            "lonns_og_arbeidsvilkar",
            services,
            &catering,
            nok(2_300_000),
            A_DAY_MORE,
        )
        .unwrap();
        assert_eq!(
            at.text,
            "mandatory: a services contract; the value NOK 2,300,000 excl. VAT is at or above NOK 2,300,000 (eea_goods_services threshold from 2024-03-14)"
        );
        // Works follow the goods/services amount, not the works threshold.
        assert!(decide(
            "lonns_og_arbeidsvilkar",
            ContractType::Works,
            &[cpv("45210000-2")],
            nok(2_300_000),
            A_DAY_MORE
        )
        .is_ok());
        let goods = decide(
            "lonns_og_arbeidsvilkar",
            ContractType::Goods,
            &catering,
            nok(50_000_000),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert_eq!(
            goods.text,
            "not mandatory: it applies to services and works contracts, not goods"
        );
        let goods = decide_in(
            Lang::Nb,
            "lonns_og_arbeidsvilkar",
            ContractType::Goods,
            &catering,
            nok(50_000_000),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert_eq!(
            goods.text,
            "ikke obligatorisk: den gjelder kontrakter om tjenester eller bygg og anlegg, ikke om varer"
        );
    }

    #[test]
    fn a_cleaning_lot_brings_the_cleaning_rules_and_names_its_cpv() {
        let cpvs = [cpv("79710000-4"), cpv("90911200-8")];
        let r = decide(
            "hms_kort",
            ContractType::Services,
            &cpvs,
            nok(3_000_000),
            A_DAY_MORE,
        )
        .unwrap();
        assert_eq!(r.figures.cpv.as_deref(), Some("90911200-8"));
        assert!(
            r.text.contains("CPV 90911200-8 is under 9091"),
            "{}",
            r.text
        );
        let nb = decide_in(
            Lang::Nb,
            "hms_kort",
            ContractType::Services,
            &cpvs,
            nok(3_000_000),
            A_DAY_MORE,
        )
        .unwrap();
        assert_eq!(
            nb.text,
            "obligatorisk: en kontrakt om tjenester; CPV 90911200-8 ligger under 9091; verdien \
             kr 3 000 000 ekskl. mva. er på eller over kr 2 300 000 (EØS-terskelverdien for varer \
             og tjenester, gjeldende fra 14.03.2024)"
        );
        let catering = decide(
            "hms_kort",
            ContractType::Services,
            &[cpv("55524000-9")],
            nok(3_000_000),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert_eq!(
            catering.text,
            "not mandatory: no CPV of the procurement (55524000-9) is under 45 or 9091"
        );
        assert_eq!(catering.figures.cpv.as_deref(), Some("55524000-9"));
    }

    #[test]
    fn apprentices_need_more_than_three_months() {
        let building = [cpv("45210000-2")];
        let three = decide(
            "laerlinger",
            ContractType::Works,
            &building,
            nok(2_300_000),
            THREE_MONTHS,
        )
        .unwrap_err();
        assert_eq!(
            three.text,
            "not mandatory: it runs until 2027-04-15, not longer than 3 months (it would have to end after 2027-04-15)"
        );
        assert_eq!(three.figures.must_end_after, Some(THREE_MONTHS));
        assert!(decide_in(
            Lang::Nb,
            "laerlinger",
            ContractType::Works,
            &building,
            nok(2_300_000),
            THREE_MONTHS,
        )
        .unwrap_err()
        .text
        .ends_with(
            "den varer til 15.04.2027, ikke lenger enn 3 måneder (den måtte ha sluttet etter 15.04.2027)"
        ));
        let more = decide(
            "laerlinger",
            ContractType::Works,
            &building,
            nok(2_300_000),
            A_DAY_MORE,
        )
        .unwrap();
        assert!(
            more.text
                .ends_with("it runs until 2027-04-16, longer than 3 months"),
            "{}",
            more.text
        );
    }

    #[test]
    fn information_duty_and_language_skills_are_for_building_and_construction() {
        let building = [cpv("45210000-2")];
        let cleaning = [cpv("90910000-9")];
        for code in ["informasjonsplikt", "sprakkrav"] {
            assert!(decide(
                code,
                ContractType::Works,
                &building,
                nok(2_300_000),
                A_DAY_MORE
            )
            .is_ok());
            assert!(decide(
                code,
                ContractType::Works,
                &building,
                nok(2_299_999),
                A_DAY_MORE
            )
            .is_err());
            assert!(decide(
                code,
                ContractType::Services,
                &cleaning,
                nok(2_300_000),
                A_DAY_MORE
            )
            .is_err());
        }
    }

    #[test]
    fn lawful_employment_forms_are_recommended_not_mandatory() {
        let building = [cpv("45210000-2")];
        let r = decide(
            "lovlige_ansettelsesformer",
            ContractType::Works,
            &building,
            nok(100_000_000),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert!(
            r.text.contains("recommended") || r.text.starts_with("not mandatory"),
            "{}",
            r.text
        );
    }

    #[test]
    fn sanitation_under_909_is_not_cleaning() {
        let sanitation = [cpv("90920000-2")];
        for code in [
            "hms_kort",
            "tjenestepensjon",
            "underleverandorledd",
            "lonn_via_bank",
        ] {
            assert!(
                decide(
                    code,
                    ContractType::Services,
                    &sanitation,
                    nok(5_000_000),
                    A_DAY_MORE
                )
                .is_err(),
                "{code}"
            );
        }
    }

    #[test]
    fn the_tax_certificate_is_for_contracts_over_500_000() {
        let goods = ContractType::Goods;
        let any = [cpv("55524000-9")];
        let at = decide("skatteattest", goods, &any, nok(500_000), THREE_MONTHS).unwrap_err();
        assert_eq!(
            at.text,
            "not mandatory: the value NOK 500,000 excl. VAT is not above NOK 500,000"
        );
        assert_eq!(at.figures.comparison, Some(Comparison::Above));
        let over = decide(
            "skatteattest",
            goods,
            &any,
            Ore::new(50_000_001),
            THREE_MONTHS,
        )
        .unwrap();
        assert_eq!(
            over.text,
            "mandatory: the value NOK 500,000.01 excl. VAT is above NOK 500,000"
        );
    }

    #[test]
    fn a_clause_without_rules_is_recommended() {
        let r = decide(
            "innsyn_og_revisjon",
            ContractType::Works,
            &[cpv("45210000-2")],
            nok(100_000_000),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert_eq!(
            r.text,
            "no rule makes this clause mandatory; it is recommended"
        );
        let nb = decide_in(
            Lang::Nb,
            "innsyn_og_revisjon",
            ContractType::Works,
            &[cpv("45210000-2")],
            nok(100_000_000),
            A_DAY_MORE,
        )
        .unwrap_err();
        assert_eq!(
            nb.text,
            "ingen regel gjør klausulen obligatorisk; den anbefales"
        );
    }

    #[test]
    fn contract_ends_count_calendar_months() {
        assert_eq!(contract_end(date(2027, 1, 31), 1), Ok(date(2027, 2, 28)));
        assert_eq!(contract_end(date(2027, 1, 15), 48), Ok(date(2031, 1, 15)));
        assert_eq!(
            contract_end(date(2027, 1, 15), -1).unwrap_err().code,
            ErrorCode::InvalidDuration
        );
        assert!(contract_end(date(2027, 1, 15), i64::MAX).is_err());
    }
}
