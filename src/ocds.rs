//! A published joint procurement as an OCDS 1.1.5 release package, with the
//! lots extension (procurement-rules.md §9). Built from what is already
//! loaded (the aggregate, its summary, the leading office), without the
//! database or the clock, so the same facts always give the same document.
//!
//! Choices a data user should know about (docs/operations.md repeats them):
//!
//! - Every joined municipality is a party with the role `buyer`: each stays
//!   a contracting authority and party to its own contract. The shared data
//!   holds no organisation numbers for municipalities, so a municipality is
//!   identified by its kommunenummer under our own scheme
//!   `NO-KOMMUNENUMMER` in `additionalIdentifiers` (OCDS guidance: a
//!   register without an org-id.guide code may be used when the publisher
//!   describes it and its code does not collide with one there).
//! - The coordinating procurement office is the `procuringEntity`,
//!   identified in `NO-BRC` by its organisation number. Release-level
//!   `buyer` names a *lead* buyer only where one exists: the host
//!   municipality that leads a procurement itself. An office-led
//!   procurement has no lead buyer, and OCDS asks to leave `buyer` out then
//!   rather than name one of many.
//! - Values are the estimates over the whole period including options (the
//!   summary's `contract_value_ore`), in NOK; maxima of framework agreements
//!   are written out in the lot descriptions, since core OCDS 1.1 has no
//!   field for them.
//! - Items carry the combined **yearly** quantity of their lot (the unit
//!   price is per unit), as the descriptions say.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use serde_json::{json, Map, Number, Value};

use crate::db::organizations::Organization;
use crate::db::procurements::Aggregate;
use crate::domain::contract::{ContractType, ProcurementStatus};
use crate::domain::summary::{Basis, Decision, LotSummary, Summary};
use crate::domain::{Cpv, Ore, SizeClass};
use crate::error::{AppError, AppResult};
use crate::reference::reference;

pub const LOTS_EXTENSION: &str =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";
pub const SCALE_EXTENSION: &str =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json";
/// Organisation numbers of Enhetsregisteret (Brønnøysundregistrene) in org-id.guide.
pub const SCHEME_ORG_NUMBER: &str = "NO-BRC";
/// Our own scheme for municipality numbers (see the module documentation).
pub const SCHEME_KOMMUNENUMMER: &str = "NO-KOMMUNENUMMER";
pub const CURRENCY: &str = "NOK";

/// A supplier named in the release (an award's supplier), with its EU size class.
#[derive(Debug, Clone)]
pub struct SupplierParty {
    pub org_number: String,
    pub name: String,
    pub size_class: SizeClass,
}

/// A lot awarded to a supplier.
#[derive(Debug, Clone)]
pub struct LotAward {
    pub lot_id: String,
    pub supplier: SupplierParty,
    pub awarded_at: DateTime<Utc>,
}

pub struct ReleaseInput<'a> {
    /// `ocds_prefix` of the configuration.
    pub prefix: &'a str,
    /// Where this package is served: its `uri`.
    pub package_uri: String,
    pub aggregate: &'a Aggregate,
    pub summary: &'a Summary,
    /// The leading procurement office; None when a host municipality leads.
    pub office: Option<&'a Organization>,
    /// The awarded lots, once the procurement is awarded.
    pub awards: &'a [LotAward],
}

pub fn ocid(prefix: &str, procurement_id: &str) -> String {
    format!("{prefix}-{procurement_id}")
}

/// The release package; 404 for a procurement that was never published.
pub fn release_package(input: &ReleaseInput<'_>) -> AppResult<Value> {
    let p = &input.aggregate.procurement;
    let status = p.status;
    let (tag, tender_status) = match (status, p.published_at) {
        (ProcurementStatus::Published, Some(_)) => (vec!["tender"], "active"),
        (ProcurementStatus::Awarded, Some(_)) if input.awards.is_empty() => {
            (vec!["tender"], "complete")
        }
        (ProcurementStatus::Awarded, Some(_)) => (vec!["tender", "award"], "complete"),
        (ProcurementStatus::Cancelled, Some(_)) => (vec!["tenderCancellation"], "cancelled"),
        _ => return Err(AppError::not_found("the procurement")),
    };
    let awarded = |lot_id: &str| input.awards.iter().find(|a| a.lot_id == lot_id);
    // Once awarded, a lot nobody won had no acceptable tender.
    let lot_status = |lot_id: &str| match (status, awarded(lot_id)) {
        (ProcurementStatus::Awarded, Some(_)) => "complete",
        (ProcurementStatus::Awarded, None) => "unsuccessful",
        _ => tender_status,
    };
    let ocid = ocid(input.prefix, &p.id);
    // Every change to the procurement appends an audit event, so the
    // sequence number changes exactly when the released facts do.
    let release_id = format!("{ocid}-{}", p.event_seq);
    let date = utc(p.updated_at.and_utc());

    let mut parties = Vec::new();
    let procuring = leader_party(input)?;
    let procuring_ref = reference_to(&procuring);
    parties.push(procuring);
    let host = p.host_municipality.as_deref();
    for m in input
        .aggregate
        .participations
        .iter()
        .filter(|m| m.decision == Decision::Join)
    {
        if Some(m.municipality.as_str()) != host {
            parties.push(municipality_party(&m.municipality, &["buyer"]));
        }
    }
    let mut supplier_ids: Vec<String> = Vec::new();
    for a in input.awards {
        let party = supplier_party(&a.supplier);
        let id = party["id"].as_str().unwrap_or_default().to_string();
        // One party per firm, however many lots it won.
        if !supplier_ids.contains(&id) {
            supplier_ids.push(id);
            parties.push(party);
        }
    }

    let lots_by_id = |id: &str| input.summary.lots.iter().find(|l| l.lot_id == id);
    let period = contract_period(p.contract_start, p.duration_months, p.option_months);
    let mut lots = Vec::new();
    let mut items = Vec::new();
    for (n, lot) in input.aggregate.lots.iter().enumerate() {
        let figures = lots_by_id(&lot.id).ok_or_else(|| {
            AppError::internal(format!("the summary has no figures for lot {}", lot.id))
        })?;
        let area: Vec<String> = lot
            .area
            .iter()
            .map(|m| {
                reference()
                    .participant_name(m)
                    .unwrap_or_else(|| "?".to_string())
            })
            .collect();
        lots.push(json!({
            "id": lot.id,
            "title": lot.title,
            "description": lot_description(figures, &area.iter().map(String::as_str).collect::<Vec<_>>()),
            "status": lot_status(&lot.id),
            "value": value(figures.contract_value_ore),
            "contractPeriod": period,
        }));
        let cpv = Cpv::parse(&lot.cpv).map_err(AppError::internal)?;
        let mut item = json!({
            "id": (n + 1).to_string(),
            "description": item_description(figures),
            "classification": classification(&cpv),
            "quantity": figures.annual_quantity,
            "unit": {"name": lot.unit, "value": value(Ore::new(lot.unit_price_ore))},
            "relatedLot": lot.id,
        });
        if lot.cpv != p.cpv {
            let main = Cpv::parse(&p.cpv).map_err(AppError::internal)?;
            item["additionalClassifications"] = json!([classification(&main)]);
        }
        items.push(item);
    }

    let mut tender = Map::new();
    tender.insert("id".into(), json!(p.id));
    tender.insert("title".into(), json!(p.title));
    if !p.description.trim().is_empty() {
        tender.insert("description".into(), json!(p.description));
    }
    tender.insert("status".into(), json!(tender_status));
    tender.insert("procuringEntity".into(), procuring_ref.clone());
    tender.insert("items".into(), json!(items));
    tender.insert(
        "value".into(),
        value(input.summary.total_contract_value_ore),
    );
    // Joint procurements are announced to every supplier (the public
    // supplier view); the platform does not model other procedures.
    tender.insert("procurementMethod".into(), json!("open"));
    tender.insert(
        "procurementMethodDetails".into(),
        json!(method_details(p.framework_agreement, input.summary)),
    );
    tender.insert(
        "mainProcurementCategory".into(),
        json!(main_category(p.contract_type)),
    );
    tender.insert("contractPeriod".into(), period);
    tender.insert("lots".into(), json!(lots));

    let mut release = Map::new();
    release.insert("ocid".into(), json!(ocid));
    release.insert("id".into(), json!(release_id));
    release.insert("date".into(), json!(date));
    release.insert("tag".into(), json!(tag));
    release.insert("initiationType".into(), json!("tender"));
    release.insert("language".into(), json!("nb"));
    release.insert("parties".into(), json!(parties));
    if host.is_some() {
        release.insert("buyer".into(), procuring_ref);
    }
    release.insert("tender".into(), Value::Object(tender));
    if !input.awards.is_empty() {
        release.insert("awards".into(), awards(input)?);
    }

    let mut extensions = vec![LOTS_EXTENSION];
    if !input.awards.is_empty() {
        extensions.push(SCALE_EXTENSION);
    }
    let publisher = match input.office {
        Some(o) => json!({"name": o.name, "scheme": SCHEME_ORG_NUMBER, "uid": o.org_number}),
        None => json!({"name": host.map(municipality_name).unwrap_or_default()}),
    };
    Ok(json!({
        "uri": input.package_uri,
        "version": "1.1",
        "extensions": extensions,
        // Generated on demand: the date of the last change to what it holds.
        "publishedDate": date,
        "publisher": publisher,
        "releases": [Value::Object(release)],
    }))
}

/// One award per awarded lot: the framework agreement of that lot with its
/// supplier. The award's value is unknown here (the tender prices are not
/// in Samkjøp), so it is left out.
fn awards(input: &ReleaseInput<'_>) -> AppResult<Value> {
    let mut out = Vec::new();
    for a in input.awards {
        let lot = input.aggregate.lot(&a.lot_id).ok_or_else(|| {
            AppError::internal(format!(
                "an award names lot {}, which is not active",
                a.lot_id
            ))
        })?;
        let supplier = supplier_party(&a.supplier);
        out.push(json!({
            "id": format!("{}-award", lot.id),
            "title": format!("Tildeling: {}", lot.title),
            "status": "active",
            "date": utc(a.awarded_at),
            "suppliers": [reference_to(&supplier)],
            "relatedLots": [lot.id],
        }));
    }
    Ok(Value::Array(out))
}

/// NOK as a JSON number, exactly the decimal the øre amount is.
///
/// serde_json holds a number as i64, u64 or f64 here (no arbitrary
/// precision), so whole kroner go out as integers, and an amount with øre is
/// written as its exact decimal text and read into the nearest double. Any
/// decimal of at most 15 significant digits survives that round trip, and
/// serde_json prints the shortest text that reads back to the same double,
/// which is then that decimal: exact below NOK 10 000 000 000 000 (10^15 øre),
/// far above any procurement; larger amounts with øre are the nearest double.
pub fn nok(ore: Ore) -> Number {
    let ore = ore.get();
    if ore % 100 == 0 {
        return Number::from(ore / 100);
    }
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    let text = format!("{sign}{}.{:02}", abs / 100, abs % 100);
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        // Unreachable: the text is always a finite decimal.
        .unwrap_or_else(|| Number::from(ore / 100))
}

fn value(ore: Ore) -> Value {
    json!({"amount": nok(ore), "currency": CURRENCY})
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A date as the start of that day in Oslo, with its offset.
fn oslo_start_of(day: NaiveDate) -> String {
    let local = day.and_time(NaiveTime::MIN);
    match Oslo.from_local_datetime(&local).earliest() {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        None => utc(local.and_utc()),
    }
}

/// The last second of the day before `day`, in Oslo.
fn oslo_end_before(day: NaiveDate) -> String {
    let last = day.pred_opt().unwrap_or(day);
    let local = last
        .and_hms_opt(23, 59, 59)
        .unwrap_or(last.and_time(NaiveTime::MIN));
    match Oslo.from_local_datetime(&local).latest() {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        None => utc(local.and_utc()),
    }
}

fn plus_months(day: NaiveDate, months: i64) -> Option<NaiveDate> {
    u32::try_from(months)
        .ok()
        .and_then(|m| day.checked_add_months(Months::new(m)))
}

/// The contract runs from its start for `duration` months; the options may
/// extend it to `maxExtentDate`.
fn contract_period(start: NaiveDate, duration: i64, options: i64) -> Value {
    let mut period = Map::new();
    period.insert("startDate".into(), json!(oslo_start_of(start)));
    if let Some(end) = plus_months(start, duration) {
        period.insert("endDate".into(), json!(oslo_end_before(end)));
    }
    if let Some(max) = plus_months(start, duration.saturating_add(options)) {
        period.insert("maxExtentDate".into(), json!(oslo_end_before(max)));
    }
    Value::Object(period)
}

fn classification(cpv: &Cpv) -> Value {
    json!({"scheme": "CPV", "id": cpv.as_str(), "description": cpv.name_nb()})
}

fn main_category(t: ContractType) -> &'static str {
    match t {
        ContractType::Goods => "goods",
        ContractType::Works => "works",
        // Health and social services are services in OCDS's closed codelist.
        ContractType::Services | ContractType::SocialServices => "services",
    }
}

fn method_details(framework: bool, summary: &Summary) -> String {
    let kind = if framework {
        "Felles rammeavtale"
    } else {
        "Felles anskaffelse"
    };
    let regime =
        crate::letters::words::regime(summary.regime.regime, summary.regime.special_services);
    let basis = match summary.regime.basis {
        Basis::Maximum => "maksimal",
        Basis::Estimate => "estimert",
    };
    format!(
        "{kind} {regime}; samlet {basis} verdi {} inkl. opsjoner",
        summary.regime.value_ore
    )
}

fn lot_description(l: &LotSummary, area: &[&str]) -> String {
    let joined = match l.participants {
        1 => "1 deltakende kommune".to_string(),
        n => format!("{n} deltakende kommuner"),
    };
    format!(
        "Område: {}. Estimert verdi {} (høyst {}) over hele perioden inkl. opsjoner; {joined}.",
        area.join(", "),
        l.contract_value_ore,
        l.max_contract_value_ore,
    )
}

fn item_description(l: &LotSummary) -> String {
    format!(
        "{}: samlet estimert mengde per år, høyst {} {} per år",
        l.title,
        grouped(l.max_annual_quantity),
        l.unit
    )
}

/// `655000` → `655 000`, as Norwegian text writes numbers.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// "Bergen kommune", "Vestland fylkeskommune".
pub fn municipality_name(number: &str) -> String {
    match reference().municipality(number) {
        Some(m) => format!("{} kommune", m.name),
        None => reference()
            .participant_name(number)
            .unwrap_or_else(|| format!("kommune {number}")),
    }
}

fn municipality_party(number: &str, roles: &[&str]) -> Value {
    let name = municipality_name(number);
    let mut party = json!({
        "id": format!("{SCHEME_KOMMUNENUMMER}-{number}"),
        "name": name,
        "additionalIdentifiers": [{"scheme": SCHEME_KOMMUNENUMMER, "id": number, "legalName": name}],
        "roles": roles,
    });
    if let Some(m) = reference().municipality(number) {
        party["address"] = json!({"region": m.county_name, "countryName": "Norge"});
    } else if let Some(c) = reference().county(number) {
        party["address"] = json!({"region": c.name, "countryName": "Norge"});
    }
    party
}

fn leader_party(input: &ReleaseInput<'_>) -> AppResult<Value> {
    let p = &input.aggregate.procurement;
    if let Some(o) = input.office {
        return Ok(json!({
            "id": format!("{SCHEME_ORG_NUMBER}-{}", o.org_number),
            "name": o.name,
            "identifier": {"scheme": SCHEME_ORG_NUMBER, "id": o.org_number, "legalName": o.name},
            "roles": ["procuringEntity"],
        }));
    }
    let host = p
        .host_municipality
        .as_deref()
        .ok_or_else(|| AppError::internal("a procurement has neither an office nor a host"))?;
    let joined = input
        .aggregate
        .participation(host)
        .is_some_and(|m| m.decision == Decision::Join);
    let roles: &[&str] = if joined {
        &["procuringEntity", "buyer"]
    } else {
        &["procuringEntity"]
    };
    Ok(municipality_party(host, roles))
}

fn supplier_party(s: &SupplierParty) -> Value {
    let scale = match s.size_class {
        SizeClass::Micro => "micro",
        SizeClass::Small | SizeClass::Medium => "sme",
        SizeClass::Large => "large",
    };
    json!({
        "id": format!("{SCHEME_ORG_NUMBER}-{}", s.org_number),
        "name": s.name,
        "identifier": {"scheme": SCHEME_ORG_NUMBER, "id": s.org_number, "legalName": s.name},
        "roles": ["supplier"],
        "details": {"scale": scale},
    })
}

fn reference_to(party: &Value) -> Value {
    json!({"id": party["id"], "name": party["name"]})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ore: i64) -> String {
        serde_json::to_string(&nok(Ore::new(ore))).unwrap()
    }

    #[test]
    fn whole_kroner_are_integers() {
        assert_eq!(text(0), "0");
        assert_eq!(text(2_430_000_000), "24300000");
        assert_eq!(text(i64::MAX - i64::MAX % 100), "92233720368547758");
        assert_eq!(text(-500), "-5");
    }

    #[test]
    fn ore_are_exact_decimals() {
        assert_eq!(text(4549), "45.49");
        assert_eq!(text(4550), "45.5");
        assert_eq!(text(1), "0.01");
        assert_eq!(text(-1), "-0.01");
        assert_eq!(text(13_533_286_373), "135332863.73");
        // 15 significant digits, the most that is exact.
        assert_eq!(text(999_999_999_999_999), "9999999999999.99");
        assert_eq!(text(100_000_000_000_001), "1000000000000.01");
    }

    #[test]
    fn every_magnitude_reads_back_exactly() {
        let mut ore: i64 = 1;
        while ore < 1_000_000_000_000_000 {
            for v in [ore, ore + 1, ore + 7, ore + 49, ore + 50, ore + 99] {
                assert_eq!(text(v), decimal(v), "{v} øre");
            }
            ore = ore * 3 + 17;
        }
    }

    /// The exact decimal of an øre amount, as a JSON number is written.
    fn decimal(v: i64) -> String {
        let (sign, abs) = (if v < 0 { "-" } else { "" }, v.unsigned_abs());
        let (whole, rest) = (abs / 100, abs % 100);
        match rest {
            0 => format!("{sign}{whole}"),
            r if r % 10 == 0 => format!("{sign}{whole}.{}", r / 10),
            r => format!("{sign}{whole}.{r:02}"),
        }
    }

    proptest::proptest! {
        #[test]
        fn any_amount_below_the_limit_reads_back_exactly(v in -999_999_999_999_999i64..=999_999_999_999_999) {
            proptest::prop_assert_eq!(text(v), decimal(v));
        }
    }

    #[test]
    fn numbers_are_grouped_like_norwegian_text() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(655_000), "655 000");
        assert_eq!(grouped(1_234_567), "1 234 567");
    }

    #[test]
    fn the_contract_period_is_in_oslo_time() {
        let start = NaiveDate::from_ymd_opt(2027, 8, 1).unwrap();
        let p = contract_period(start, 24, 24);
        assert_eq!(p["startDate"], "2027-08-01T00:00:00+02:00");
        assert_eq!(p["endDate"], "2029-07-31T23:59:59+02:00");
        assert_eq!(p["maxExtentDate"], "2031-07-31T23:59:59+02:00");
        let winter = contract_period(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), 12, 0);
        assert_eq!(winter["startDate"], "2027-01-01T00:00:00+01:00");
        assert_eq!(winter["endDate"], "2027-12-31T23:59:59+01:00");
    }
}
