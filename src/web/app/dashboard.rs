//! `GET /app/`: where a person lands after logging in. A coordinator sees
//! the procurements of their office (or host municipality), a municipality
//! its invitations, an operator every procurement and what else exists.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup};

use super::{answer, app_page, failed, status_words};
use crate::db::procurements::{self, Aggregate, Scope};
use crate::domain::calendar::oslo_display;
use crate::domain::contract::ProcurementStatus;
use crate::domain::summary::{Decision, Summary};
use crate::domain::{Lang, Ore, Role};
use crate::error::{AppError, AppResult};
use crate::flows::invitations::municipality_name;
use crate::letters::words;
use crate::read::summary::summary_json;
use crate::state::State;
use crate::web::session::Session;

/// The newest this many; older ones are reached through the API.
const SHOWN: i64 = 200;

/// A procurement as a line of the dashboard.
struct Line {
    aggregate: Aggregate,
    /// The estimated value of the volumes given so far; none when it cannot
    /// be computed (no thresholds for the day, an overflow).
    value: Option<Ore>,
}

impl Line {
    fn count(&self, wanted: &[Decision]) -> usize {
        self.aggregate
            .participations
            .iter()
            .filter(|p| wanted.contains(&p.decision))
            .count()
    }
}

pub async fn show(state: State, session: Session) -> HttpResponse {
    let person = &session.person;
    if person.role == Role::Supplier {
        return answer(StatusCode::OK, supplier_page(&session));
    }
    let scope = (
        person.role,
        person.organization.clone(),
        person.municipality.clone(),
    );
    let lines = match lines(&state, scope, person.role != Role::Municipality).await {
        Ok(lines) => lines,
        Err(e) => return failed(&session, &e),
    };
    let body = match person.role {
        Role::Municipality => invitations(&session, &lines),
        Role::Admin => html! {
            h1 { "Oversikt for driften" }
            (operator_links())
            h2 { "Alle anskaffelser" }
            (procurement_table(&lines))
        },
        _ => html! {
            h1 { "Mine anskaffelser" }
            p { a href="/app/procurements/new" { "Foreslå en ny felles anskaffelse" } }
            (procurement_table(&lines))
        },
    };
    answer(StatusCode::OK, app_page("Oversikt", Some(&session), body))
}

/// Each procurement in `scope`, newest first, with its value so far when
/// `valued` (a municipality's list does not show it).
async fn lines(
    state: &State,
    (role, organization, municipality): (Role, Option<String>, Option<String>),
    valued: bool,
) -> AppResult<Vec<Line>> {
    let heads = state
        .db
        .read(move |c| {
            let scope = match role {
                Role::Admin => Scope::All,
                Role::Municipality => Scope::Inviting(municipality.as_deref().unwrap_or_default()),
                _ => Scope::LedBy {
                    organization: organization.as_deref(),
                    host_municipality: municipality.as_deref(),
                },
            };
            procurements::list(c, scope, SHOWN, 0)?
                .iter()
                .map(|p| {
                    procurements::load_head(c, &p.id)?
                        .ok_or_else(|| AppError::not_found("the procurement"))
                })
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
    let now = state.clock.now();
    let mut lines = Vec::with_capacity(heads.len());
    for aggregate in heads {
        let value = if valued {
            let p = &aggregate.procurement;
            summary_json(state, &p.id, p.event_seq, now, None, Lang::Nb)
                .await
                .ok()
                .and_then(|body| serde_json::from_slice::<Summary>(&body.1.plain).ok())
                .map(|s| s.total_contract_value_ore)
        } else {
            None
        };
        lines.push(Line { aggregate, value });
    }
    Ok(lines)
}

fn procurement_table(lines: &[Line]) -> Markup {
    html! {
        @if lines.is_empty() {
            p.muted { "Ingen anskaffelser ennå." }
        } @else {
            table.list {
                caption.muted { "Verdiene er anslått for hele avtaleperioden med de volumene kommunene har meldt så langt, ekskl. mva." }
                thead { tr {
                    th scope="col" { "Anskaffelse" }
                    th scope="col" { "Status" }
                    th scope="col" { "Svarfrist" }
                    th scope="col" { "Deltar" }
                    th scope="col" { "Deltar ikke" }
                    th scope="col" { "Ikke svart" }
                    th scope="col" { "Verdi så langt" }
                } }
                tbody {
                    @for line in lines {
                        @let p = &line.aggregate.procurement;
                        tr {
                            td { a href=(format!("/app/procurements/{}", p.id)) { (p.title) } }
                            td { (status_words(p.status)) }
                            td { (oslo_display(p.deadline())) }
                            td.num { (line.count(&[Decision::Join])) }
                            td.num { (line.count(&[Decision::Decline])) }
                            td.num { (line.count(&[Decision::Pending, Decision::NoResponse])) }
                            td.num { @match line.value { Some(v) => (words::amount(v)), None => "–" } }
                        }
                    }
                }
            }
        }
    }
}

fn invitations(session: &Session, lines: &[Line]) -> Markup {
    let number = session.person.municipality.clone().unwrap_or_default();
    let open: Vec<&Line> = lines
        .iter()
        .filter(|l| l.aggregate.procurement.status == ProcurementStatus::Open)
        .collect();
    let other: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            !matches!(
                l.aggregate.procurement.status,
                ProcurementStatus::Open | ProcurementStatus::Draft
            )
        })
        .collect();
    let decision = |l: &Line| {
        l.aggregate
            .participation(&number)
            .map_or(Decision::Pending, |p| p.decision)
    };
    html! {
        h1 { "Invitasjoner til " (municipality_name(&number)) }
        h2 { "Åpne for svar" }
        @if open.is_empty() {
            p.muted { "Ingen invitasjoner venter på svar." }
        } @else {
            ul {
                @for l in &open {
                    @let p = &l.aggregate.procurement;
                    li {
                        a href=(format!("/app/invitations/{}", p.id)) { (p.title) }
                        " – svarfrist " (oslo_display(p.deadline())) ". "
                        span.badge { (words::decision(decision(l))) }
                    }
                }
            }
        }
        h2 { "Besvarte og avsluttede" }
        @if other.is_empty() {
            p.muted { "Ingen ennå." }
        } @else {
            ul {
                @for l in &other {
                    @let p = &l.aggregate.procurement;
                    li {
                        a href=(format!("/app/procurements/{}", p.id)) { (p.title) }
                        " – " (status_words(p.status)) ". "
                        span.badge { (words::decision(decision(l))) }
                    }
                }
            }
        }
    }
}

fn operator_links() -> Markup {
    html! {
        nav aria-labelledby="drift" {
            h2 id="drift" { "Drift" }
            ul {
                @for (href, words) in super::OPERATOR_LINKS {
                    li { a href=(href) { (words) } }
                }
                li { a href="/docs/" { "API-dokumentasjonen (Swagger)" } }
                li { a href="/" { "De kunngjorte anskaffelsene, slik leverandørene ser dem" } }
            }
        }
    }
}

fn supplier_page(session: &Session) -> Markup {
    app_page(
        "Oversikt",
        Some(session),
        html! {
            h1 { "For leverandører" }
            p { "Kunngjorte felles anskaffelser finner du på " a href="/" { "forsiden" } ". Profilen og interessen for delkontrakter registreres gjennom API-et." }
        },
    )
}
