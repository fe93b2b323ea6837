//! A supplier's profile as the register and the analysis see it.

use super::{
    CpvPrefix, ErrorCode, EurNokRate, Invalid, Kommunenummer, Ore, OrgNumber, ServiceArea,
    SizeClass,
};

pub const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierProfile {
    pub org_number: OrgNumber,
    pub name: String,
    pub employees: i64,
    pub annual_turnover: Ore,
    /// Optional: the class takes "turnover or balance sheet".
    pub balance_sheet_total: Option<Ore>,
    pub home_municipality: Kommunenummer,
    /// Always holds the home municipality: a firm delivers at home.
    pub service_area: ServiceArea,
    pub cpv: Vec<CpvPrefix>,
}

/// The profile as written by a person or a register, before checking.
#[derive(Debug, Clone, Default)]
pub struct RawProfile<'a> {
    pub org_number: &'a str,
    pub name: &'a str,
    pub employees: i64,
    pub annual_turnover_ore: i64,
    pub balance_sheet_total_ore: Option<i64>,
    pub home_municipality: &'a str,
    pub service_area: Vec<&'a str>,
    pub cpv: Vec<&'a str>,
}

/// A refusal that names the field it is about.
pub use crate::error::FieldInvalid;

/// What `parse_name` refuses with.
pub const NAME_ERRORS: &[ErrorCode] = &[ErrorCode::InvalidName];
/// What `SupplierProfile::parse` refuses with.
pub const PROFILE_ERRORS: &[ErrorCode] = crate::codes![
    &[ErrorCode::InvalidOrgNumber],
    NAME_ERRORS,
    &[ErrorCode::InvalidEmployees, ErrorCode::InvalidAmount],
    crate::kommune::SERVICE_AREA_ERRORS,
    &[ErrorCode::InvalidCpvPrefix],
];

impl SupplierProfile {
    pub fn parse(raw: &RawProfile<'_>) -> Result<SupplierProfile, FieldInvalid> {
        let org_number = OrgNumber::parse(raw.org_number).map_err(|e| ("org_number", e))?;
        let name = parse_name(raw.name).map_err(|e| ("name", e))?;
        if raw.employees < 0 {
            return Err((
                "employees",
                Invalid::new(
                    ErrorCode::InvalidEmployees,
                    "employees must not be negative",
                ),
            ));
        }
        let annual_turnover = Ore::non_negative(raw.annual_turnover_ore, "annual_turnover_ore")
            .map_err(|e| ("annual_turnover_ore", e))?;
        let balance_sheet_total = raw
            .balance_sheet_total_ore
            .map(|b| Ore::non_negative(b, "balance_sheet_total_ore"))
            .transpose()
            .map_err(|e| ("balance_sheet_total_ore", e))?;
        let home_municipality =
            Kommunenummer::parse(raw.home_municipality).map_err(|e| ("home_municipality", e))?;
        let mut service_area =
            ServiceArea::parse(&raw.service_area).map_err(|e| ("service_area", e))?;
        service_area
            .municipalities
            .insert(home_municipality.clone());
        let mut cpv = Vec::with_capacity(raw.cpv.len());
        for c in &raw.cpv {
            let prefix = CpvPrefix::parse(c).map_err(|e| ("cpv", e))?;
            if !cpv.contains(&prefix) {
                cpv.push(prefix);
            }
        }
        Ok(SupplierProfile {
            org_number,
            name,
            employees: raw.employees,
            annual_turnover,
            balance_sheet_total,
            home_municipality,
            service_area,
            cpv,
        })
    }

    pub fn size_class(&self, rate: EurNokRate) -> SizeClass {
        SizeClass::classify_with_balance_sheet(
            self.employees,
            self.annual_turnover,
            self.balance_sheet_total,
            rate,
        )
    }
}

pub fn parse_name(input: &str) -> Result<String, Invalid> {
    let name = input.trim();
    if name.is_empty() {
        return Err(Invalid::new(
            ErrorCode::InvalidName,
            "the name must not be empty",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Invalid::new(
            ErrorCode::InvalidName,
            format!("the name is longer than {MAX_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::new(
            ErrorCode::InvalidName,
            "the name holds control characters",
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawProfile<'static> {
        RawProfile {
            org_number: "974760673",
            name: " Fjord Catering AS ",
            employees: 12,
            annual_turnover_ore: 610_000_000,
            balance_sheet_total_ore: None,
            home_municipality: "4601",
            service_area: vec!["4602", "46"],
            cpv: vec!["5552", "55520000", "555"],
        }
    }

    #[test]
    fn a_valid_profile_keeps_home_in_its_area() {
        let p = SupplierProfile::parse(&raw()).unwrap();
        assert_eq!(p.name, "Fjord Catering AS");
        assert!(p
            .service_area
            .municipalities
            .contains(&Kommunenummer::parse("4601").unwrap()));
        assert_eq!(p.cpv.len(), 2, "5552 and 55520000 are the same class");
        assert_eq!(p.size_class(EurNokRate(1150)), SizeClass::Small);
    }

    #[test]
    fn a_small_balance_sheet_makes_a_firm_with_a_large_turnover_smaller() {
        // NOK 6 100 000 turnover with 12 staff is small; with 8 staff, NOK
        // 30 000 000 turnover is above the micro turnover limit (EUR 2 M =
        // NOK 23 000 000 at 11.50) but a NOK 20 000 000 balance sheet is
        // within the micro balance-sheet limit: micro.
        let mut r = raw();
        r.employees = 8;
        r.annual_turnover_ore = 3_000_000_000;
        assert_eq!(
            SupplierProfile::parse(&r)
                .unwrap()
                .size_class(EurNokRate(1150)),
            SizeClass::Small
        );
        r.balance_sheet_total_ore = Some(2_000_000_000);
        assert_eq!(
            SupplierProfile::parse(&r)
                .unwrap()
                .size_class(EurNokRate(1150)),
            SizeClass::Micro
        );
        r.balance_sheet_total_ore = Some(-1);
        assert_eq!(
            SupplierProfile::parse(&r).unwrap_err().0,
            "balance_sheet_total_ore"
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut RawProfile<'static>);
        let cases: [(Spoil, &str, ErrorCode); 6] = [
            (
                |r| r.org_number = "974760674",
                "org_number",
                ErrorCode::InvalidOrgNumber,
            ),
            (|r| r.name = "  ", "name", ErrorCode::InvalidName),
            (
                |r| r.employees = -1,
                "employees",
                ErrorCode::InvalidEmployees,
            ),
            (
                |r| r.annual_turnover_ore = -5,
                "annual_turnover_ore",
                ErrorCode::InvalidAmount,
            ),
            (
                |r| r.home_municipality = "1201",
                "home_municipality",
                ErrorCode::UnknownMunicipality,
            ),
            (|r| r.cpv = vec!["9"], "cpv", ErrorCode::InvalidCpvPrefix),
        ];
        for (spoil, field, code) in cases {
            let mut r = raw();
            spoil(&mut r);
            let (f, e) = SupplierProfile::parse(&r).unwrap_err();
            assert_eq!((f, e.code), (field, code));
        }
    }
}
