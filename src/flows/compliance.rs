//! The coordinator's compliance work before publishing: choosing clauses,
//! setting the climate weight and SDGs, justifying what is not done, and the
//! gate that keeps a procurement with missing checks from being published.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::lifecycle::{require_coordinator, summary_of};
use super::locked;
use crate::db::compliance::{self, Justification, Settings};
use crate::db::procurements::Aggregate;
use crate::db::{events, AnyConnection};
use crate::domain::access::Who;
use crate::domain::clauses::compliance::missing;
use crate::domain::clauses::mandatory::contract_end;
use crate::domain::clauses::{
    check_choice, check_climate_weight, check_justification, check_sdgs, evaluate, Check, Choices,
    ClauseLibrary, ContractFacts,
};
use crate::domain::contract::ProcurementStatus;
use crate::domain::summary::Summary;
use crate::domain::thresholds::ThresholdTable;
use crate::domain::{Cpv, ErrorCode, Lang};
use crate::error::{AppError, AppResult};

/// Everything `GET …/compliance` shows.
pub struct Report {
    pub settings: Settings,
    pub justifications: Vec<Justification>,
    pub checks: Vec<Check>,
}

/// What is chosen may change until the notice is out; after that the
/// tender documents are fixed.
fn before_publication(aggregate: &Aggregate) -> AppResult<()> {
    let status = aggregate.procurement.status;
    match status {
        ProcurementStatus::Draft | ProcurementStatus::Open | ProcurementStatus::Closed => Ok(()),
        other => Err(AppError::new(
            ErrorCode::InvalidState,
            format!(
                "the procurement is {other}; clauses, the climate weight, SDGs and justifications can only be changed before it is published"
            ),
        )),
    }
}

fn current_settings(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    now: DateTime<Utc>,
) -> AppResult<Settings> {
    let id = &aggregate.procurement.id;
    Ok(compliance::settings(conn, id)?
        .unwrap_or_else(|| Settings::empty(id, crate::db::stamp(now))))
}

pub fn set_clauses(
    conn: &mut AnyConnection,
    id: &str,
    codes: &[String],
    library: &ClauseLibrary,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Settings> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    before_publication(&aggregate)?;
    let chosen = check_choice(library, codes).map_err(|e| AppError::from(e).on_field("clauses"))?;
    let at = crate::db::stamp(now);
    let mut settings = current_settings(conn, &aggregate, now)?;
    settings.clauses = chosen.clone();
    settings.updated_at = at;
    compliance::save_settings(conn, &settings)?;
    events::append(
        conn,
        id,
        "clauses_chosen",
        actor,
        at,
        &json!({ "clauses": chosen }),
    )?;
    Ok(settings)
}

pub fn set_sustainability(
    conn: &mut AnyConnection,
    id: &str,
    climate_weight_percent: Option<i64>,
    sdgs: &[i64],
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Settings> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    before_publication(&aggregate)?;
    let weight = check_climate_weight(climate_weight_percent)
        .map_err(|e| AppError::from(e).on_field("climate_weight_percent"))?;
    let goals = check_sdgs(sdgs).map_err(|e| AppError::from(e).on_field("sdgs"))?;
    let at = crate::db::stamp(now);
    let mut settings = current_settings(conn, &aggregate, now)?;
    settings.climate_weight_percent = weight;
    settings.sdgs = goals.clone();
    settings.updated_at = at;
    compliance::save_settings(conn, &settings)?;
    events::append(
        conn,
        id,
        "sustainability_set",
        actor,
        at,
        &json!({ "climate_weight_percent": weight, "sdgs": goals }),
    )?;
    Ok(settings)
}

/// Records why a check is not met; the text goes into the audit chain.
// Every flow ends in who acts, as whom, and when; bundling them for the
// two longest would make these two unlike the rest.
#[allow(clippy::too_many_arguments)]
pub fn justify(
    conn: &mut AnyConnection,
    id: &str,
    check: &str,
    text: &str,
    library: &ClauseLibrary,
    who: Who<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Justification> {
    let aggregate = locked(conn, id)?;
    require_coordinator(&aggregate, who)?;
    before_publication(&aggregate)?;
    let text = check_justification(library, check, text)
        .map_err(|(field, e)| AppError::from(e).on_field(field))?;
    let at = crate::db::stamp(now);
    let row = Justification {
        procurement_id: id.to_string(),
        check_code: check.to_string(),
        text,
        justified_by: actor.to_string(),
        justified_at: at,
    };
    compliance::save_justification(conn, &row)?;
    events::append(
        conn,
        id,
        "compliance_justified",
        actor,
        at,
        &json!({ "check": row.check_code, "text": row.text }),
    )?;
    Ok(row)
}

/// The report as of `now`, on the summary's regime value, its reasons in
/// `lang`.
pub fn report(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    thresholds: &ThresholdTable,
    library: &ClauseLibrary,
    lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<Report> {
    let summary = summary_of(aggregate, thresholds, now)?;
    report_on(conn, aggregate, &summary, thresholds, library, lang, now)
}

fn report_on(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    summary: &Summary,
    thresholds: &ThresholdTable,
    library: &ClauseLibrary,
    lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<Report> {
    let p = &aggregate.procurement;
    let settings = current_settings(conn, aggregate, now)?;
    let justifications = compliance::justifications(conn, &p.id)?;
    let day = summary.regime.thresholds_valid_from;
    let row = thresholds
        .in_force(day)
        .ok_or_else(|| AppError::internal(format!("no threshold row is in force on {day}")))?;
    let mut cpvs = vec![Cpv::parse(&p.cpv).map_err(AppError::internal)?];
    for lot in aggregate.lot_inputs()? {
        if !cpvs.contains(&lot.cpv) {
            cpvs.push(lot.cpv);
        }
    }
    let end = contract_end(
        p.contract_start,
        p.duration_months.saturating_add(p.option_months),
    )?;
    let facts = ContractFacts {
        contract_type: p.contract_type,
        cpvs: &cpvs,
        value: summary.regime.value_ore,
        start: p.contract_start,
        end,
    };
    let chosen = &settings.clauses;
    let justified: Vec<String> = justifications
        .iter()
        .map(|j| j.check_code.clone())
        .collect();
    let checks = evaluate(
        library,
        &facts,
        row,
        Choices {
            clauses: chosen,
            climate_weight_percent: settings.climate_weight_percent,
            justified: &justified,
        },
        lang,
    );
    Ok(Report {
        settings,
        justifications,
        checks,
    })
}

/// What `require_compliant` refuses with (its `errors` name each missing check).
pub const REQUIRE_COMPLIANT_ERRORS: &[ErrorCode] = &[ErrorCode::ComplianceMissing];

/// The gate of `lifecycle::publish`: 409 `compliance_missing`, naming each
/// missing check (also as `errors[]`, one per check), until every one is
/// fixed or justified.
pub fn require_compliant(
    conn: &mut AnyConnection,
    aggregate: &Aggregate,
    summary: &Summary,
    thresholds: &ThresholdTable,
    library: &ClauseLibrary,
    now: DateTime<Utc>,
) -> AppResult<()> {
    // In English, as the rest of a problem document (its `detail`) is.
    let report = report_on(conn, aggregate, summary, thresholds, library, Lang::En, now)?;
    let missing = missing(&report.checks);
    if missing.is_empty() {
        return Ok(());
    }
    let codes: Vec<&str> = missing.iter().map(|c| c.check.as_str()).collect();
    let mut error = AppError::new(
        ErrorCode::ComplianceMissing,
        format!(
            "compliance checks are missing: {}; choose the clauses or set the climate weight, or justify each with POST /api/v1/procurements/{}/compliance/justifications",
            codes.join(", "),
            aggregate.procurement.id
        ),
    );
    for check in missing {
        error.errors.push(crate::error::FieldError {
            field: check.check.clone(),
            message: check.reason.clone(),
        });
    }
    Err(error)
}
