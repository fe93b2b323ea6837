//! The table of lots at the top of the supplier page: title, CPV, area,
//! yearly value and, for a logged-in supplier with a subscription, whether
//! the lot matches it; filtered by county and CPV with a plain GET form (no
//! script). A national procurement has a hundred lots: the table is how a
//! supplier finds its own without scrolling past a hundred maps.
//!
//! The page itself is rendered once per state of the procurement and
//! cached; the table depends on the request (filters, who is logged in), so
//! the cached page holds `MARKER` where the table goes, and the rows are
//! cached beside it.

use std::collections::BTreeSet;

use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use crate::domain::consultation::{LotScope, Subscription};
use crate::domain::{Cpv, Kommunenummer, Ore};
use crate::read::public::LotDivision;
use crate::reference::reference;

/// Where the cached page takes the table.
pub const MARKER: &str = "<!--samkjop:lot-table-->";
/// Where the unfiltered table that the cached page carries ends.
pub const END: &str = "<!--/samkjop:lot-table-->";

/// A lot as the table shows it; `n` is its number on the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub n: usize,
    pub title: String,
    pub cpv: String,
    pub area: Vec<String>,
    pub annual_value_ore: i64,
}

pub fn rows_of(d: &LotDivision) -> Vec<Row> {
    d.lots
        .iter()
        .enumerate()
        .map(|(i, l)| Row {
            n: i + 1,
            title: l.title.clone(),
            cpv: l.cpv.clone(),
            area: l.area.iter().map(|m| m.number.clone()).collect(),
            annual_value_ore: l.annual_value_ore,
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    /// A county number; empty for all.
    #[serde(default)]
    pub fylke: String,
    /// A CPV code of one of the lots; empty for all.
    #[serde(default)]
    pub cpv: String,
}

fn county_name(number: &str) -> String {
    reference()
        .municipalities
        .iter()
        .find(|m| m.county == number)
        .map_or_else(|| number.to_string(), |m| m.county_name.clone())
}

/// "Bergen, Alver" or, for a wide area, "57 kommuner i Vestland, Rogaland".
fn area_text(area: &[String]) -> String {
    if area.len() <= 4 {
        return area
            .iter()
            .map(|m| {
                reference()
                    .municipality(m)
                    .map_or(m.as_str(), |r| r.name.as_str())
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    let counties: BTreeSet<&str> = area.iter().filter_map(|m| m.get(..2)).collect();
    let names: Vec<String> = counties.iter().map(|c| county_name(c)).collect();
    format!("{} kommuner i {}", area.len(), names.join(", "))
}

fn cpv_text(code: &str) -> String {
    match Cpv::parse(code) {
        Ok(cpv) if !cpv.name_nb().is_empty() => format!("{code} {}", cpv.name_nb()),
        _ => code.to_string(),
    }
}

fn matches(sub: &Subscription, row: &Row) -> bool {
    let Ok(cpv) = Cpv::parse(&row.cpv) else {
        return false;
    };
    sub.matches(&LotScope {
        cpv,
        area: row
            .area
            .iter()
            .filter_map(|m| Kommunenummer::parse(m).ok())
            .collect(),
    })
}

/// The filter form and the table of the rows it lets through.
pub fn table(rows: &[Row], filter: &Filter, subscription: Option<&Subscription>) -> Markup {
    let counties: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.area.iter().filter_map(|m| m.get(..2)))
        .collect();
    let cpvs: BTreeSet<&str> = rows.iter().map(|r| r.cpv.as_str()).collect();
    let shown: Vec<&Row> = rows
        .iter()
        .filter(|r| filter.fylke.is_empty() || r.area.iter().any(|m| m.starts_with(&filter.fylke)))
        .filter(|r| filter.cpv.is_empty() || r.cpv == filter.cpv)
        .collect();
    html! {
        section aria-labelledby="oversikt" {
            h2 #oversikt { "Oversikt over delkontraktene" }
            form method="get" action="" {
                div.row {
                    label {
                        "Fylke"
                        select name="fylke" {
                            option value="" selected[filter.fylke.is_empty()] { "Alle fylker" }
                            @for c in &counties {
                                option value=(c) selected[filter.fylke == *c] { (county_name(c)) }
                            }
                        }
                    }
                    label {
                        "CPV"
                        select name="cpv" {
                            option value="" selected[filter.cpv.is_empty()] { "Alle CPV-koder" }
                            @for c in &cpvs {
                                option value=(c) selected[filter.cpv == *c] { (cpv_text(c)) }
                            }
                        }
                    }
                }
                button type="submit" { "Vis" }
            }
            p.muted role="status" { "Viser " (shown.len()) " av " (rows.len()) " delkontrakter." }
            table {
                thead {
                    tr {
                        th scope="col" { "Delkontrakt" }
                        th scope="col" { "CPV" }
                        th scope="col" { "Område" }
                        th scope="col" { "Verdi per år" }
                        @if subscription.is_some() { th scope="col" { "Passer abonnementet" } }
                    }
                }
                tbody {
                    @for r in &shown {
                        tr {
                            td { a href=(format!("#delkontrakt-{}", r.n)) { (r.n) ". " (r.title) } }
                            td { (r.cpv) }
                            td { (area_text(&r.area)) }
                            td.num { (Ore::new(r.annual_value_ore)) }
                            @if let Some(sub) = subscription {
                                td { @if matches(sub, r) { "Ja" } @else { "Nei" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CpvPrefix, ServiceArea};

    fn rows() -> Vec<Row> {
        vec![
            Row {
                n: 1,
                title: "Skolemat Bergen".into(),
                cpv: "55524000-9".into(),
                area: vec!["4601".into()],
                annual_value_ore: 100,
            },
            Row {
                n: 2,
                title: "Skyss Oslo".into(),
                cpv: "60130000-8".into(),
                area: vec!["0301".into()],
                annual_value_ore: 200,
            },
        ]
    }

    #[test]
    fn the_filters_keep_the_lots_of_the_county_and_the_cpv() {
        let all = table(&rows(), &Filter::default(), None).into_string();
        assert!(all.contains("Skolemat Bergen") && all.contains("Skyss Oslo"));
        assert!(all.contains("href=\"#delkontrakt-2\""));
        let county = Filter {
            fylke: "46".into(),
            cpv: String::new(),
        };
        let html = table(&rows(), &county, None).into_string();
        assert!(html.contains("Skolemat Bergen") && !html.contains("Skyss Oslo"));
        let cpv = Filter {
            fylke: String::new(),
            cpv: "60130000-8".into(),
        };
        let html = table(&rows(), &cpv, None).into_string();
        assert!(!html.contains("Skolemat Bergen") && html.contains("Skyss Oslo"));
    }

    #[test]
    fn a_subscriber_sees_which_lots_match() {
        let sub = Subscription {
            supplier_id: "s".into(),
            cpv_prefixes: vec![CpvPrefix::parse("5552").expect("prefix")],
            areas: ServiceArea::parse(&["46"]).expect("area"),
        };
        let html = table(&rows(), &Filter::default(), Some(&sub)).into_string();
        assert!(html.contains("Passer abonnementet"));
        assert_eq!(html.matches("<td>Ja</td>").count(), 1);
        assert_eq!(html.matches("<td>Nei</td>").count(), 1);
    }
}
