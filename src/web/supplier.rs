//! `GET /procurements/{id}`: a published procurement's lot division as a
//! page for people, in Norwegian. Each lot shows its area as names and as a
//! map, its combined quantities and values, and a bar chart of what each
//! municipality buys a year. Rendered once per state of the procurement and
//! cached like the JSON answer (see `read::cache`).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{Datelike, Months, NaiveDate};
use maud::{html, Markup, PreEscaped};

use super::lot_table;
use super::map::{context_of, outline_defs, Atlas};
use super::{notice, page, page_headers, respond};
use crate::db::procurements::Aggregate;
use crate::domain::calendar::oslo_date;
use crate::domain::{Cpv, Ore};
use crate::error::AppError;
use crate::http_cache::{answer, Caching, Encoded};
use crate::letters::words;
use crate::read::cache::{RenderCache, CACHED_PROCUREMENTS};
use crate::read::public::{rendered, LotDivision, NamedMunicipality, PublicLot};
use crate::reference::reference;
use crate::state::State;

fn html_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(CACHED_PROCUREMENTS))
}

/// A chart shows this many municipalities by name; the rest share one bar.
const CHART_ROWS: usize = 20;

pub async fn show(
    state: State,
    req: HttpRequest,
    id: web::Path<String>,
    filter: web::Query<lot_table::Filter>,
) -> HttpResponse {
    let id = id.into_inner();
    // The page as most see it (no filter, no session) is the same bytes for
    // everyone until the procurement changes: served from the render cache,
    // compressed once, with its ETag. A filtered table or a logged-in
    // supplier's "matches my subscription" is assembled for the request.
    let personal = !filter.fylke.is_empty()
        || !filter.cpv.is_empty()
        || super::session::cookie_value(&req, super::session::COOKIE).is_some();
    match render(&state, &id).await {
        Ok((seq, body)) if !personal => {
            let mut res = answer(
                req.headers(),
                &format!("s{seq}"),
                &body,
                "text/html; charset=utf-8",
                Caching::Public,
            );
            page_headers(res.headers_mut());
            res
        }
        Ok((_, body)) => match with_table_for(&state, &req, &id, &filter, &body.plain).await {
            Ok(text) => respond(StatusCode::OK, PreEscaped(text)),
            Err(_) => failed(),
        },
        Err(e) if e.status() == StatusCode::NOT_FOUND => notice(
            StatusCode::NOT_FOUND,
            "Fant ikke anskaffelsen",
            "Det finnes ingen kunngjort anskaffelse på denne adressen. Anskaffelser vises her først når de er kunngjort.",
        ),
        Err(e) => {
            tracing::error!(procurement = %id, error = %e.detail, "the supplier page failed");
            failed()
        }
    }
}

fn rows_cache() -> &'static RenderCache {
    static CACHE: OnceLock<RenderCache> = OnceLock::new();
    CACHE.get_or_init(|| RenderCache::new(CACHED_PROCUREMENTS))
}

/// The table of lots for this request: its filters, and for a logged-in
/// supplier whether each lot matches its subscription.
async fn lot_table_of(
    state: &State,
    req: &actix_web::HttpRequest,
    id: &str,
    filter: &lot_table::Filter,
) -> Result<Markup, AppError> {
    let (_, rows) = rendered(state, rows_cache(), id, |_, division| {
        serde_json::to_vec(&lot_table::rows_of(&division))
            .map(Bytes::from)
            .map_err(AppError::internal)
    })
    .await?;
    let rows: Vec<lot_table::Row> =
        serde_json::from_slice(&rows.plain).map_err(AppError::internal)?;
    let supplier = super::session::current(req)
        .await
        .ok()
        .flatten()
        .and_then(|s| s.person.supplier);
    let subscription = match supplier {
        Some(supplier) => {
            let id = supplier.clone();
            let s = state
                .db
                .read(move |c| crate::flows::consultation::subscription_of(c, &id))
                .await?;
            crate::flows::consultation::matching(&supplier, &s.cpv_prefixes, &s.areas)
        }
        None => None,
    };
    Ok(lot_table::table(&rows, filter, subscription.as_ref()))
}

/// The cached page with its table of lots replaced by this request's.
async fn with_table_for(
    state: &State,
    req: &HttpRequest,
    id: &str,
    filter: &lot_table::Filter,
    page: &[u8],
) -> Result<String, AppError> {
    let text = std::str::from_utf8(page).map_err(AppError::internal)?;
    let table = lot_table_of(state, req, id, filter).await?;
    let (Some(start), Some(end)) = (text.find(lot_table::MARKER), text.find(lot_table::END)) else {
        return Err(AppError::internal("the cached page has no table of lots"));
    };
    Ok(format!(
        "{}{}{}",
        &text[..start],
        table.into_string(),
        &text[end..]
    ))
}

fn failed() -> HttpResponse {
    notice(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Noe gikk galt",
        "Vi kunne ikke vise anskaffelsen. Prøv igjen om litt.",
    )
}

async fn render(state: &State, id: &str) -> Result<(i64, Arc<Encoded>), AppError> {
    rendered(state, html_cache(), id, |aggregate, division| {
        let published = aggregate
            .procurement
            .published_at
            .map(|t| oslo_date(t.and_utc()));
        let markup = procurement_page(&division, &volumes_by_lot(aggregate), published);
        let table = lot_table::table(
            &lot_table::rows_of(&division),
            &lot_table::Filter::default(),
            None,
        );
        let page = markup.into_string().replacen(
            lot_table::MARKER,
            &format!(
                "{}{}{}",
                lot_table::MARKER,
                table.into_string(),
                lot_table::END
            ),
            1,
        );
        Ok(Bytes::from(page))
    })
    .await
}

/// Lot id → (municipality, yearly quantity) of the joined municipalities
/// that buy something under it.
fn volumes_by_lot(aggregate: &Aggregate) -> HashMap<&str, Vec<(&str, i64)>> {
    let joined: BTreeSet<&str> = aggregate.joined().collect();
    let mut out: HashMap<&str, Vec<(&str, i64)>> = HashMap::new();
    for v in &aggregate.volumes {
        if joined.contains(v.municipality.as_str()) && v.annual_quantity > 0 {
            out.entry(v.lot_id.as_str())
                .or_default()
                .push((v.municipality.as_str(), v.annual_quantity));
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// "1. august 2027".
fn date_nb(d: NaiveDate) -> String {
    let month = MONTHS.get(d.month0() as usize).copied().unwrap_or("");
    format!("{}. {month} {}", d.day(), d.year())
}

/// "1. august 2027 – 31. juli 2029": the day before the same date
/// `months` later is the last day of the contract.
fn period_nb(start: NaiveDate, months: i64) -> String {
    let end = u32::try_from(months)
        .ok()
        .and_then(|m| start.checked_add_months(Months::new(m)))
        .and_then(|d| d.pred_opt());
    match end {
        Some(end) => format!("{} – {}", date_nb(start), date_nb(end)),
        None => format!("fra {}", date_nb(start)),
    }
}

fn municipality_name(number: &str) -> &str {
    reference()
        .municipality(number)
        .map_or(number, |m| m.name.as_str())
}

fn cpv_line(code: &str) -> String {
    match Cpv::parse(code) {
        Ok(cpv) if !cpv.name_nb().is_empty() => format!("{code} {}", cpv.name_nb()),
        _ => code.to_string(),
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "1 kommune", "3 kommuner".
fn kommuner(n: usize) -> String {
    if n == 1 {
        "1 kommune".to_string()
    } else {
        format!("{n} kommuner")
    }
}

fn names(list: &[NamedMunicipality]) -> String {
    list.iter()
        .map(|m| m.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn procurement_page(
    d: &LotDivision,
    volumes: &HashMap<&str, Vec<(&str, i64)>>,
    published: Option<NaiveDate>,
) -> Markup {
    let annual_total: i64 = d.lots.iter().map(|l| l.annual_value_ore).sum();
    let contract_total: i64 = d.lots.iter().map(|l| l.contract_value_ore).sum();
    let drawn: BTreeSet<&str> = d
        .lots
        .iter()
        .flat_map(|l| {
            let area: Vec<String> = l.area.iter().map(|m| m.number.clone()).collect();
            context_of(&area)
        })
        .map(|m| m.number.as_str())
        .collect();
    let mut atlas = Atlas::default();
    let body = html! {
        p.muted {
            "Felles anskaffelse"
            @if let Some(day) = published { " · kunngjort " (date_nb(day)) }
        }
        h1 { (d.title) }
        @if !d.description.trim().is_empty() { p { (d.description) } }
        table.facts {
            tr { th { "Kontraktstype" } td { (capitalised(words::contract_type(d.contract_type))) } }
            tr { th { "CPV" } td { (cpv_line(&d.cpv)) } }
            tr { th { "Rammeavtale" } td { (capitalised(words::yes_no(d.framework_agreement))) } }
            tr { th { "Kontraktsperiode" } td { (period_nb(d.contract_start, d.duration_months)) " (" (d.duration_months) " måneder)" } }
            @if d.option_months > 0 {
                tr { th { "Opsjoner" } td { "Forlengelse med inntil " (d.option_months) " måneder" } }
            }
            tr { th { "Verdi per år" } td.num { (Ore::new(annual_total)) } }
            tr { th { "Verdi for hele perioden" } td { span.num { (Ore::new(contract_total)) } " (med opsjoner)" } }
        }
        (PreEscaped(lot_table::MARKER))
        h2 { "Deltakere (" (kommuner(d.participants.len())) ")" }
        p { (names(&d.participants)) }
        h2 { "Delkontrakter (" (d.lots.len()) ")" }
        (outline_defs(drawn.iter().copied()))
        @for (n, lot) in d.lots.iter().enumerate() {
            (lot_section(n + 1, lot, volumes.get(lot.id.as_str()).map_or(&[][..], Vec::as_slice), d, &mut atlas))
        }
        p.muted {
            "Beløp er i norske kroner uten merverdiavgift. Verdien for hele perioden regnes med opsjonene. "
            "Kart: kommunegrenser fra Kartverket (CC BY 4.0), forenklet."
        }
    };
    page(&d.title, body)
}

fn lot_section(
    n: usize,
    lot: &PublicLot,
    volumes: &[(&str, i64)],
    d: &LotDivision,
    atlas: &mut Atlas,
) -> Markup {
    let area: Vec<String> = lot.area.iter().map(|m| m.number.clone()).collect();
    let label = format!("Kart over området til delkontrakt {n}: {}", lot.title);
    let counties = area
        .iter()
        .filter_map(|m| m.get(..2))
        .collect::<BTreeSet<_>>()
        .len();
    html! {
        section.lot id=(format!("delkontrakt-{n}")) {
            h3 { "Delkontrakt " (n) ": " (lot.title) }
            p.muted { (cpv_line(&lot.cpv)) }
            table.facts {
                tr { th { "Mengde per år" } td { span.num { (words::number(lot.annual_quantity)) } " " (lot.unit) } }
                @if lot.max_annual_quantity > lot.annual_quantity {
                    tr { th { "Inntil per år" } td { span.num { (words::number(lot.max_annual_quantity)) } " " (lot.unit) } }
                }
                tr { th { "Verdi per år" } td.num { (Ore::new(lot.annual_value_ore)) } }
                tr { th { "Verdi for hele perioden" } td.num { (Ore::new(lot.contract_value_ore)) } }
            }
            p {
                strong { "Område (" (kommuner(lot.area.len())) "): " }
                @if lot.area.is_empty() {
                    "ingen av deltakerne"
                } @else if lot.area.len() == d.participants.len() && lot.area.len() > 1 {
                    // The area is a subset of the participants: the same size is all of them.
                    "alle deltakerne"
                } @else {
                    (names(&lot.area))
                }
            }
            @if !area.is_empty() {
                figure.map {
                    (atlas.map(&area, &label))
                    figcaption.muted {
                        @if context_of(&area).len() == area.len() {
                            "Kommunene i delkontrakten."
                        } @else {
                            "Mørk: kommunene i delkontrakten. Lys: resten av "
                            (if counties > 1 { "fylkene" } else { "fylket" }) "."
                        }
                    }
                }
            }
            @if !volumes.is_empty() {
                details open[d.lots.len() <= 6] {
                    summary { "Mengde per år for hver kommune (" (lot.unit) ")" }
                    (volume_chart(volumes))
                }
            }
        }
    }
}

/// Horizontal bars, the largest buyer first; names and figures are HTML
/// beside the bars, so that they stay readable on a narrow phone.
fn volume_chart(volumes: &[(&str, i64)]) -> Markup {
    let mut rows: Vec<(String, i64)> = volumes
        .iter()
        .map(|(m, q)| (municipality_name(m).to_string(), *q))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if rows.len() > CHART_ROWS + 1 {
        let rest = rows.split_off(CHART_ROWS);
        let sum = rest.iter().map(|(_, q)| *q).sum();
        rows.push((format!("{} andre kommuner til sammen", rest.len()), sum));
    }
    let largest = rows.iter().map(|(_, q)| *q).max().unwrap_or(0).max(1);
    html! {
        table.chart {
            @for (name, quantity) in &rows {
                @let width = (*quantity as f64 / largest as f64 * 100.0).clamp(0.5, 100.0);
                tr {
                    th scope="row" { (name) }
                    // A bar in CSS, not an SVG per row: a hundred charts of 21 rows
                    // made a fifth of the page's weight.
                    td.bar { span style=(format!("width:{width:.1}%")) {} }
                    td.num { (words::number(*quantity)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_periods_are_norwegian() {
        let start = NaiveDate::from_ymd_opt(2027, 8, 1).expect("a date");
        assert_eq!(date_nb(start), "1. august 2027");
        assert_eq!(period_nb(start, 24), "1. august 2027 – 31. juli 2029");
    }

    #[test]
    fn a_long_chart_names_the_largest_and_sums_the_rest() {
        let numbers: Vec<String> = reference()
            .municipalities
            .iter()
            .take(30)
            .map(|m| m.number.clone())
            .collect();
        let volumes: Vec<(&str, i64)> = numbers
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), 1000 + i as i64))
            .collect();
        let chart = volume_chart(&volumes).into_string();
        assert_eq!(chart.matches("<tr>").count(), CHART_ROWS + 1);
        // The ten smallest: 1000..=1009.
        assert!(chart.contains("10 andre kommuner til sammen"), "{chart}");
        assert!(chart.contains(&words::number((1000..1010).sum())));
    }
}
