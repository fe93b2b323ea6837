//! The analysis of who a procurement's lots shut out, as both doors show
//! it: the API (`GET /api/v1/procurements/{id}/analysis`) and the
//! coordinator's page. The facts are gathered here; `domain::analysis::analyse`
//! decides.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock, RwLock};

use actix_web::web::{self, Bytes};

use super::cache::RenderCache;
use crate::db::procurements::{self, Aggregate, Procurement, Volume};
use crate::db::suppliers::{self, Supplier};
use crate::db::{interest, DbError};
use crate::domain::analysis::{analyse, Analysis, LotFacts, SupplierFacts};
use crate::domain::calendar::oslo_date;
use crate::domain::consultation::split_requests;
use crate::domain::summary::Summary;
use crate::domain::{
    Cpv, CpvPrefix, Invalid, Kommunenummer, Lang, Ore, ParticipantNumber, ServiceArea,
};
use crate::error::{AppError, AppResult};
use crate::flows::{consultation, lifecycle};
use crate::http_cache::Encoded;
use crate::state::AppState;

/// The supplier register parsed into facts, kept per instance for as long
/// as the register's change counter (bumped in the same transaction as every
/// supplier write) stands: a request reads the counter, one primary-key read,
/// and parses the 20 000 rows of a national register only after a change.
/// Several instances each keep their own copy and each sees every change.
#[derive(Default)]
pub struct RegisterFacts {
    kept: RwLock<Option<(i64, Arc<Vec<SupplierFacts>>)>>,
}

impl RegisterFacts {
    fn get(&self, version: i64) -> Option<Arc<Vec<SupplierFacts>>> {
        // A poisoned lock only means a writer panicked: the value is still whole.
        let kept = self.kept.read().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, f)| f.clone())
    }

    fn put(&self, version: i64, facts: Arc<Vec<SupplierFacts>>) {
        let mut kept = self.kept.write().unwrap_or_else(|e| e.into_inner());
        // Two requests that missed together may both store; keep the newer.
        if kept.as_ref().is_none_or(|(v, _)| *v <= version) {
            *kept = Some((version, facts));
        }
    }
}

/// The register's facts as of now: from memory while the counter stands.
async fn register_facts(state: &AppState) -> AppResult<Arc<Vec<SupplierFacts>>> {
    let version = state.db.read(suppliers::register_version).await?;
    if let Some(facts) = state.register.get(version) {
        return Ok(facts);
    }
    // The counter is read before the rows: facts tagged with an older
    // counter than their data only cost the next request a reload.
    let (version, register) = state
        .db
        .read(|c| Ok::<_, DbError>((suppliers::register_version(c)?, suppliers::list_all(c)?)))
        .await?;
    let facts = Arc::new(web::block(move || supplier_facts(&register)).await?);
    state.register.put(version, facts.clone());
    Ok(facts)
}

/// The analysis of `aggregate` (loaded with its volumes) as of now, its
/// messages in `lang`. Access is the caller's to check first.
pub async fn analysis(state: &AppState, aggregate: &Aggregate, lang: Lang) -> AppResult<Analysis> {
    let summary = lifecycle::summary_of(aggregate, &state.config.thresholds, state.clock.now())?;
    let id = aggregate.procurement.id.clone();
    let (interest, answers) = state
        .db
        .read(move |c| {
            Ok::<_, AppError>((
                interest::counts(c, &id)?,
                consultation::answer_facts(c, &id)?,
            ))
        })
        .await?;
    let mut lots = lot_facts(aggregate, &summary, &interest)?;
    // What local SMEs asked for in the market dialogue.
    for (lot, draft) in lots.iter_mut().zip(consultation::draft_lots(aggregate)) {
        lot.split_requests = split_requests(&draft, &answers);
    }
    let facts = register_facts(state).await?;
    let factor = state.config.capacity_factor;
    // Tens of milliseconds of CPU at national scale: off the async workers.
    let answer = web::block(move || analyse(&lots, &facts, factor, lang)).await?;
    Ok(answer)
}

fn analysis_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    // A national analysis is about half a megabyte of JSON, kept with its
    // gzip and brotli variants: a few dozen procurements are what
    // coordinators look at in the same hours.
    CACHE.get_or_init(|| RenderCache::new(32))
}

/// The analysis of the procurement `head`, read at its `event_seq`, as JSON in `lang`, rendered once for as long as its inputs
/// stand, with the version its bytes show (their `ETag`). Its inputs: the
/// procurement (lots, volumes, consultation answers: every change moves
/// `event_seq`), the supplier register (its change counter), the suppliers'
/// marks of interest (which are not events of the procurement, so their
/// counts are part of the version) and the day, which picks the threshold
/// row. The versions are read before the data, so an answer is never kept
/// under a version newer than what it shows. Access is the caller's to
/// check first.
pub async fn analysis_json(
    state: &AppState,
    head: &Procurement,
    lang: Lang,
) -> AppResult<(String, Arc<Encoded>)> {
    let id = head.id.clone();
    let (interest, register) = state
        .db
        .read(move |c| {
            Ok::<_, DbError>((interest::counts(c, &id)?, suppliers::register_version(c)?))
        })
        .await?;
    let mut marks: Vec<(&String, &usize)> = interest.iter().collect();
    marks.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    marks.hash(&mut hasher);
    let version = format!(
        "a{}-r{register}-i{:x}-{}-{}",
        head.event_seq,
        hasher.finish(),
        oslo_date(state.clock.now()),
        lang.code()
    );
    let key = format!("{}@{version}", head.id);
    let (_, body) = analysis_cache()
        .get_or_render(&key, head.event_seq, || async {
            let load_id = head.id.clone();
            let aggregate = state
                .db
                .read(move |c| procurements::load(c, &load_id))
                .await?
                .ok_or_else(|| AppError::not_found("the procurement"))?;
            let answer = analysis(state, &aggregate, lang).await?;
            let plain = Bytes::from(serde_json::to_vec(&answer).map_err(AppError::internal)?);
            // Kept under the versions read before the data (see above).
            Ok((head.event_seq, plain))
        })
        .await?;
    Ok((version, body))
}

/// Each active lot with its combined yearly value (from the summary) and
/// the yearly value of each joined municipality's volume on it, which the
/// sub-lots of a suggested split add up.
pub fn lot_facts(
    aggregate: &Aggregate,
    summary: &Summary,
    interest: &HashMap<String, usize>,
) -> AppResult<Vec<LotFacts>> {
    let joined: BTreeSet<&str> = aggregate.joined().collect();
    let values: HashMap<&str, Ore> = summary
        .lots
        .iter()
        .map(|l| (l.lot_id.as_str(), l.annual_value_ore))
        .collect();
    // Grouped in one pass rather than searched per lot (35 700 lines).
    let mut volumes_of: HashMap<&str, Vec<&Volume>> = HashMap::new();
    for v in &aggregate.volumes {
        volumes_of.entry(v.lot_id.as_str()).or_default().push(v);
    }
    aggregate
        .lots
        .iter()
        .map(|lot| {
            let stored = |e: Invalid| AppError::internal(format!("lot {}: {}", lot.id, e.message));
            // The analysis is geographic: a county municipality in the area
            // delivers in every municipality of its county.
            let mut area: Vec<Kommunenummer> = Vec::new();
            for number in &lot.area {
                for m in ParticipantNumber::parse(number).map_err(stored)?.serves() {
                    if !area.contains(&m) {
                        area.push(m);
                    }
                }
            }
            let mut municipality_values = Vec::new();
            for v in volumes_of.get(lot.id.as_str()).into_iter().flatten() {
                if !joined.contains(v.municipality.as_str()) {
                    continue;
                }
                let value =
                    Ore::from_i128(i128::from(v.annual_quantity) * i128::from(lot.unit_price_ore))?;
                let Some(number) = ParticipantNumber::parse(&v.municipality)
                    .map_err(stored)?
                    .municipality()
                else {
                    // A county municipality's volume has no single place
                    // to put it in a split by geography; the lot's value
                    // still counts it.
                    continue;
                };
                municipality_values.push((number, value));
            }
            Ok(LotFacts {
                lot_id: lot.id.clone(),
                title: lot.title.clone(),
                cpv: Cpv::parse(&lot.cpv).map_err(stored)?,
                area,
                annual_value: values.get(lot.id.as_str()).copied().ok_or_else(|| {
                    AppError::internal(format!("lot {} is missing from its summary", lot.id))
                })?,
                municipality_values,
                interested_suppliers: interest.get(&lot.id).copied().unwrap_or(0),
                split_requests: Vec::new(),
            })
        })
        .collect()
}

/// The supplier register as the analysis reads it. Every conversion goes
/// through here, so that its result can be cached (keyed by the register's
/// last change) when loading it per request becomes too slow. A row that
/// no longer parses (it was checked on the way in) is left out and logged:
/// one corrupt supplier must not take the analysis down for everyone.
pub fn supplier_facts(register: &[Supplier]) -> Vec<SupplierFacts> {
    let mut facts = Vec::with_capacity(register.len());
    let mut corrupt = 0usize;
    for row in register {
        match supplier_fact(row) {
            Ok(f) => facts.push(f),
            Err(e) => {
                corrupt += 1;
                if corrupt <= 5 {
                    tracing::warn!(supplier = %row.id, code = %e.code, reason = %e.message,
                        "a stored supplier does not parse; left out of the analysis");
                }
            }
        }
    }
    if corrupt > 5 {
        tracing::warn!(
            corrupt,
            "stored suppliers that do not parse were left out of the analysis"
        );
    }
    facts
}

fn supplier_fact(s: &Supplier) -> Result<SupplierFacts, Invalid> {
    Ok(SupplierFacts {
        id: s.id.clone(),
        size_class: s.size_class,
        annual_turnover: Ore::non_negative(s.annual_turnover_ore, "annual_turnover_ore")?,
        home: Kommunenummer::parse(&s.home_municipality)?,
        service_area: ServiceArea::parse(&s.service_area)?,
        cpv: s
            .cpv
            .iter()
            .map(|c| CpvPrefix::parse(c))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SizeClass;

    fn row(id: &str, size_class: SizeClass, home: &str, area: &[&str], cpv: &[&str]) -> Supplier {
        let at = chrono::DateTime::from_timestamp(0, 0)
            .expect("the epoch")
            .naive_utc();
        Supplier {
            id: id.into(),
            org_number: "974760673".into(),
            name: "Fjord Catering AS".into(),
            email: None,
            employees: 12,
            annual_turnover_ore: 610_000_000,
            size_class,
            home_municipality: home.into(),
            service_area: area.iter().map(|s| s.to_string()).collect(),
            cpv: cpv.iter().map(|s| s.to_string()).collect(),
            created_at: at,
            updated_at: at,
            balance_sheet_total_ore: None,
        }
    }

    // A size class that is not one fails already in `db`, as a corrupt row.
    #[test]
    fn stored_suppliers_become_facts_and_corrupt_rows_are_left_out() {
        let register = [
            row(
                "a",
                SizeClass::Small,
                "4601",
                &["46", "4601"],
                &["5552", "909"],
            ),
            row("c", SizeClass::Micro, "9999", &[], &["5552"]),
            row("d", SizeClass::Micro, "4601", &["4601"], &["5x"]),
        ];
        let facts = supplier_facts(&register);
        assert_eq!(facts.len(), 1);
        let a = &facts[0];
        assert_eq!(
            (a.id.as_str(), a.size_class, a.annual_turnover),
            ("a", SizeClass::Small, Ore::new(610_000_000))
        );
        assert_eq!(a.service_area.entries(), vec!["46", "4601"]);
        assert_eq!(a.cpv.len(), 2);
    }
}
