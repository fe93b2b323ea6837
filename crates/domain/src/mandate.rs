//! Mandates (fullmakter) and the checks on a municipality's decision to join
//! (api.md "Participation errors"; procurement-rules.md §6). Each
//! participant stays a contracting authority, so it may only be bound
//! within what its council or delegation rules authorised.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::summary::{LotInput, VolumeInput};
use super::{Cpv, CpvPrefix, ErrorCode, Invalid, Ore, ParticipantNumber};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateTerms {
    pub id: String,
    /// The council decision, e.g. "PS 45/2026".
    pub reference: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// Empty: every CPV.
    pub cpv_scope: Vec<CpvPrefix>,
    pub max_value: Ore,
    /// Revoked mandates stay on record for the decisions made under them,
    /// but cover no new one.
    pub revoked: bool,
}

/// What `validate_mandate_terms` refuses with.
pub const MANDATE_TERMS_ERRORS: &[ErrorCode] = &[ErrorCode::InvalidMandate];
/// What `check_coverage` refuses with.
pub const COVERAGE_ERRORS: &[ErrorCode] = &[
    ErrorCode::MandateRevoked,
    ErrorCode::MandateNotValid,
    ErrorCode::MandateScope,
    ErrorCode::MandateValueExceeded,
];
/// What `validate_volumes` refuses with.
pub const VOLUME_ERRORS: &[ErrorCode] = &[
    ErrorCode::LotNotFound,
    ErrorCode::InvalidQuantity,
    ErrorCode::LotNotInArea,
];

/// For recording a mandate.
pub fn validate_mandate_terms(
    reference: &str,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    max_value: Ore,
) -> Result<(), Invalid> {
    if reference.trim().is_empty() {
        return Err(Invalid::new(
            ErrorCode::InvalidMandate,
            "the reference to the decision (such as PS 45/2026) must not be empty",
        ));
    }
    if valid_from > valid_until {
        return Err(Invalid::new(
            ErrorCode::InvalidMandate,
            format!("valid_from {valid_from} is after valid_until {valid_until}"),
        ));
    }
    if max_value.get() < 0 {
        return Err(Invalid::new(
            ErrorCode::InvalidMandate,
            "the mandate's ceiling max_value_ore must not be negative",
        ));
    }
    Ok(())
}

/// The CPVs of the lots a municipality takes part in: those with a
/// non-zero volume line, as `summarize` counts participants.
pub fn joined_lot_cpvs<'a>(lots: &'a [LotInput], volumes: &[VolumeInput]) -> Vec<&'a Cpv> {
    lots.iter()
        .filter(|lot| volumes.iter().any(|v| v.lot_id == lot.id && !v.is_zero()))
        .map(|lot| &lot.cpv)
        .collect()
}

/// Whether `mandate` authorises joining with this share. `decided_on` is the
/// day the municipality decides, in Norwegian time; `share` comes from
/// `summary::share_value`.
pub fn check_coverage(
    mandate: &MandateTerms,
    decided_on: NaiveDate,
    procurement_cpv: &Cpv,
    lot_cpvs: &[&Cpv],
    share: Ore,
) -> Result<(), Invalid> {
    if mandate.revoked {
        return Err(Invalid::new(
            ErrorCode::MandateRevoked,
            format!(
                "mandate {} has been revoked and covers no new decision",
                mandate.reference
            ),
        ));
    }
    if decided_on < mandate.valid_from || decided_on > mandate.valid_until {
        return Err(Invalid::new(
            ErrorCode::MandateNotValid,
            format!(
                "mandate {} is valid from {} to {}; the decision on {decided_on} is outside that period",
                mandate.reference, mandate.valid_from, mandate.valid_until
            ),
        ));
    }
    if !mandate.cpv_scope.is_empty() {
        let covered = |cpv: &Cpv| mandate.cpv_scope.iter().any(|p| cpv.is_under(p));
        let scope = || {
            mandate
                .cpv_scope
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !covered(procurement_cpv) {
            return Err(Invalid::new(
                ErrorCode::MandateScope,
                format!(
                    "the procurement's CPV {procurement_cpv} is outside the scope of mandate {} ({})",
                    mandate.reference,
                    scope()
                ),
            ));
        }
        if let Some(cpv) = lot_cpvs.iter().find(|c| !covered(c)) {
            return Err(Invalid::new(
                ErrorCode::MandateScope,
                format!(
                    "a joined lot's CPV {cpv} is outside the scope of mandate {} ({})",
                    mandate.reference,
                    scope()
                ),
            ));
        }
    }
    if share > mandate.max_value {
        return Err(Invalid::new(
            ErrorCode::MandateValueExceeded,
            format!(
                "share {share} is above the mandate's ceiling of {}",
                mandate.max_value
            ),
        ));
    }
    Ok(())
}

/// Whether `mandate` could cover joining a procurement of `procurement_cpv`
/// on `today`, before any volumes are known: not revoked, valid that day,
/// and the procurement's CPV in its scope. The ceiling and the lots are
/// judged when the municipality answers (`check_coverage`).
pub fn may_cover(mandate: &MandateTerms, today: NaiveDate, procurement_cpv: &Cpv) -> bool {
    !mandate.revoked
        && mandate.valid_from <= today
        && today <= mandate.valid_until
        && (mandate.cpv_scope.is_empty()
            || mandate
                .cpv_scope
                .iter()
                .any(|p| procurement_cpv.is_under(p)))
}

/// The volume lines of a municipality that joins. `in_area(lot_id,
/// municipality)` says whether a lot serves the municipality.
pub fn validate_volumes(
    lots: &[LotInput],
    in_area: impl Fn(&str, &ParticipantNumber) -> bool,
    municipality: &ParticipantNumber,
    volumes: &[VolumeInput],
) -> Result<(), Invalid> {
    let mut seen = HashSet::new();
    for v in volumes {
        let lot = lots.iter().find(|l| l.id == v.lot_id).ok_or_else(|| {
            Invalid::new(
                ErrorCode::LotNotFound,
                format!("there is no lot '{}' in this procurement", v.lot_id),
            )
        })?;
        if !seen.insert(lot.id.as_str()) {
            return Err(Invalid::new(
                ErrorCode::InvalidQuantity,
                format!(
                    "lot '{}' has more than one volume line; give one per lot",
                    lot.title
                ),
            ));
        }
        if v.annual_quantity < 0 {
            return Err(Invalid::new(
                ErrorCode::InvalidQuantity,
                format!(
                    "the annual quantity {} for lot '{}' is negative",
                    v.annual_quantity, lot.title
                ),
            ));
        }
        if let Some(max) = v.max_annual_quantity {
            if max < 0 {
                return Err(Invalid::new(
                    ErrorCode::InvalidQuantity,
                    format!(
                        "the maximum annual quantity {max} for lot '{}' is negative",
                        lot.title
                    ),
                ));
            }
            // `summarize` would read it as the estimate; refused here so the
            // municipality sees what it declared is not what counts.
            if max < v.annual_quantity {
                return Err(Invalid::new(
                    ErrorCode::InvalidQuantity,
                    format!(
                        "the maximum annual quantity {max} is below the estimate {} for lot '{}'",
                        v.annual_quantity, lot.title
                    ),
                ));
            }
        }
        if !in_area(&lot.id, municipality) {
            return Err(Invalid::new(
                ErrorCode::LotNotInArea,
                format!(
                    "{municipality} {} is not in the area of lot '{}'",
                    municipality.name(),
                    lot.title
                ),
            ));
        }
    }
    if volumes.iter().all(VolumeInput::is_zero) {
        return Err(Invalid::new(
            ErrorCode::InvalidQuantity,
            "to join, give a volume above zero for at least one lot",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cpv(code: &str) -> Cpv {
        Cpv::parse(code).unwrap()
    }

    fn mandate(scope: &[&str], max_nok: i64) -> MandateTerms {
        MandateTerms {
            id: "m1".into(),
            reference: "PS 45/2026".into(),
            valid_from: date(2026, 1, 1),
            valid_until: date(2026, 12, 31),
            cpv_scope: scope.iter().map(|p| CpvPrefix::parse(p).unwrap()).collect(),
            max_value: Ore::from_nok(max_nok).unwrap(),
            revoked: false,
        }
    }

    #[test]
    fn a_revoked_mandate_covers_no_new_decision() {
        let mut m = mandate(&[], 5_000_000);
        let lunch = cpv("55524000-9");
        assert!(may_cover(&m, date(2026, 6, 1), &lunch));
        m.revoked = true;
        let e = check_coverage(&m, date(2026, 6, 1), &lunch, &[&lunch], Ore::ZERO).unwrap_err();
        assert_eq!(e.code, ErrorCode::MandateRevoked);
        assert!(e.message.contains("PS 45/2026"), "{e}");
        assert!(!may_cover(&m, date(2026, 6, 1), &lunch));
    }

    #[test]
    fn a_mandate_may_cover_a_procurement_in_its_period_and_scope() {
        let m = mandate(&["5552"], 5_000_000);
        let lunch = cpv("55524000-9");
        let fruit = cpv("03222000-3");
        assert!(may_cover(&m, date(2026, 1, 1), &lunch));
        assert!(may_cover(&m, date(2026, 12, 31), &lunch));
        assert!(!may_cover(&m, date(2027, 1, 1), &lunch));
        assert!(!may_cover(&m, date(2026, 6, 1), &fruit));
    }

    fn lots() -> Vec<LotInput> {
        vec![
            LotInput {
                id: "lunch".into(),
                title: "Skolelunsj".into(),
                cpv: cpv("55524000-9"),
                unit: "meal".into(),
                unit_price: Ore::new(4_549),
            },
            LotInput {
                id: "fruit".into(),
                title: "Frukt i skolen".into(),
                cpv: cpv("03222000-3"),
                unit: "kg".into(),
                unit_price: Ore::new(2_999),
            },
        ]
    }

    fn vol(lot_id: &str, annual: i64, max: Option<i64>) -> VolumeInput {
        VolumeInput {
            lot_id: lot_id.into(),
            annual_quantity: annual,
            max_annual_quantity: max,
        }
    }

    #[test]
    fn a_mandate_covers_its_period_scope_and_ceiling() {
        let m = mandate(&["5552", "03"], 5_000_000);
        let lunch = cpv("55524000-9");
        let fruit = cpv("03222000-3");
        let share = Ore::from_nok(5_000_000).unwrap();
        assert!(check_coverage(&m, date(2026, 1, 1), &lunch, &[&lunch, &fruit], share).is_ok());
        assert!(check_coverage(&m, date(2026, 12, 31), &lunch, &[&lunch], share).is_ok());
    }

    #[test]
    fn a_decision_outside_the_validity_is_refused_with_the_dates() {
        let m = mandate(&[], 5_000_000);
        let lunch = cpv("55524000-9");
        let e = check_coverage(&m, date(2027, 1, 1), &lunch, &[], Ore::ZERO).unwrap_err();
        assert_eq!(e.code, ErrorCode::MandateNotValid);
        assert_eq!(
            e.message,
            "mandate PS 45/2026 is valid from 2026-01-01 to 2026-12-31; the decision on 2027-01-01 is outside that period"
        );
        let e = check_coverage(&m, date(2025, 12, 31), &lunch, &[], Ore::ZERO).unwrap_err();
        assert_eq!(e.code, ErrorCode::MandateNotValid);
    }

    #[test]
    fn a_cpv_outside_the_scope_is_named() {
        let m = mandate(&["5552"], 5_000_000);
        let lunch = cpv("55524000-9");
        let fruit = cpv("03222000-3");
        let e =
            check_coverage(&m, date(2026, 6, 1), &lunch, &[&lunch, &fruit], Ore::ZERO).unwrap_err();
        assert_eq!(e.code, ErrorCode::MandateScope);
        assert!(e.message.contains("03222000-3"), "{e}");
        assert!(e.message.contains("5552"), "{e}");
        let e = check_coverage(&m, date(2026, 6, 1), &fruit, &[], Ore::ZERO).unwrap_err();
        assert_eq!(e.code, ErrorCode::MandateScope);
        assert!(e.message.contains("procurement's CPV 03222000-3"), "{e}");
        // An empty scope covers every CPV.
        let all = mandate(&[], 5_000_000);
        assert!(check_coverage(&all, date(2026, 6, 1), &fruit, &[&lunch], Ore::ZERO).is_ok());
    }

    #[test]
    fn a_share_above_the_ceiling_is_refused_in_kroner() {
        let m = mandate(&[], 5_000_000);
        let lunch = cpv("55524000-9");
        let share = Ore::from_nok(5_400_000).unwrap();
        let e = check_coverage(&m, date(2026, 6, 1), &lunch, &[&lunch], share).unwrap_err();
        assert_eq!(e.code, ErrorCode::MandateValueExceeded);
        assert_eq!(
            e.message,
            "share NOK 5 400 000 is above the mandate's ceiling of NOK 5 000 000"
        );
        let one_ore_over = Ore::new(500_000_001);
        assert!(check_coverage(&m, date(2026, 6, 1), &lunch, &[], one_ore_over).is_err());
    }

    #[test]
    fn mandate_terms_are_checked_when_recorded() {
        let nok = Ore::from_nok(1).unwrap();
        assert!(
            validate_mandate_terms("PS 45/2026", date(2026, 1, 1), date(2026, 1, 1), nok).is_ok()
        );
        for e in [
            validate_mandate_terms(" ", date(2026, 1, 1), date(2026, 2, 1), nok),
            validate_mandate_terms("PS 1/2026", date(2026, 2, 1), date(2026, 1, 1), nok),
            validate_mandate_terms(
                "PS 1/2026",
                date(2026, 1, 1),
                date(2026, 2, 1),
                Ore::new(-1),
            ),
        ] {
            assert_eq!(e.unwrap_err().code, ErrorCode::InvalidMandate);
        }
    }

    #[test]
    fn only_lots_with_volume_count_as_joined() {
        let lots = lots();
        let cpvs = joined_lot_cpvs(&lots, &[vol("lunch", 10, None), vol("fruit", 0, None)]);
        assert_eq!(cpvs, vec![&lots[0].cpv]);
        let cpvs = joined_lot_cpvs(&lots, &[vol("fruit", 0, Some(5))]);
        assert_eq!(cpvs, vec![&lots[1].cpv]);
    }

    #[test]
    fn volumes_are_checked_line_by_line() {
        let lots = lots();
        let bergen = ParticipantNumber::parse("4601").unwrap();
        let austrheim = ParticipantNumber::parse("4632").unwrap();
        // The fruit lot serves Bergen only.
        let in_area = |lot: &str, m: &ParticipantNumber| lot == "lunch" || m.as_str() == "4601";
        let check =
            |m: &ParticipantNumber, v: &[VolumeInput]| validate_volumes(&lots, in_area, m, v);

        assert!(check(
            &bergen,
            &[vol("lunch", 100, Some(120)), vol("fruit", 5, None)]
        )
        .is_ok());
        assert!(check(&austrheim, &[vol("lunch", 100, None)]).is_ok());
        assert!(check(&bergen, &[vol("lunch", 0, Some(10))]).is_ok());

        let code = |r: Result<(), Invalid>| r.unwrap_err().code;
        assert_eq!(
            code(check(&bergen, &[vol("soup", 1, None)])),
            ErrorCode::LotNotFound
        );
        assert_eq!(
            code(check(
                &bergen,
                &[vol("lunch", 1, None), vol("lunch", 2, None)]
            )),
            ErrorCode::InvalidQuantity
        );
        assert_eq!(
            code(check(&bergen, &[vol("lunch", -1, None)])),
            ErrorCode::InvalidQuantity
        );
        assert_eq!(
            code(check(&bergen, &[vol("lunch", 1, Some(-1))])),
            ErrorCode::InvalidQuantity
        );
        assert_eq!(code(check(&bergen, &[])), ErrorCode::InvalidQuantity);
        assert_eq!(
            code(check(
                &bergen,
                &[vol("lunch", 0, None), vol("fruit", 0, Some(0))]
            )),
            ErrorCode::InvalidQuantity
        );

        let e = check(&bergen, &[vol("lunch", 100, Some(80))]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidQuantity);
        assert_eq!(
            e.message,
            "the maximum annual quantity 80 is below the estimate 100 for lot 'Skolelunsj'"
        );
        let e = check(&austrheim, &[vol("lunch", 1, None), vol("fruit", 1, None)]).unwrap_err();
        assert_eq!(e.code, ErrorCode::LotNotInArea);
        assert_eq!(
            e.message,
            "4632 Austrheim is not in the area of lot 'Frukt i skolen'"
        );
    }
}
