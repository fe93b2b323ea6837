//! The market dialogue's pages for people: the public draft lot division
//! under consultation (`/consultations/{id}`), and the unsubscribe link of
//! the alerts (`/unsubscribe/{token}`: a page with a button, and the
//! one-click POST of RFC 8058 that mail clients send).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use super::map::{context_of, outline_defs, Atlas};
use super::{notice, page, respond};
use crate::domain::calendar::oslo_display;
use crate::domain::Cpv;
use crate::flows::consultation as flow;
use crate::reference::reference;
use crate::state::State;

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

/// `GET /consultations/{id}`: the draft lot division, marked as a draft for
/// market dialogue, with its deadline, the coordinator's message and, once
/// published, the summary of the dialogue. The same for every reader.
pub async fn consultation(state: State, id: web::Path<String>) -> HttpResponse {
    let id = id.into_inner();
    let found = state.db.read(move |c| flow::public(c, &id)).await;
    let (aggregate, c) = match found {
        Ok(found) => found,
        Err(e) if e.status() == StatusCode::NOT_FOUND => {
            return notice(
                StatusCode::NOT_FOUND,
                "Fant ingen markedsdialog",
                "Det er ingen markedsdialog på denne adressen.",
            )
        }
        Err(e) => {
            tracing::error!(error = %e.detail, "the consultation page failed");
            return notice(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Noe gikk galt",
                "Vi kunne ikke vise markedsdialogen. Prøv igjen om litt.",
            );
        }
    };
    let open = crate::db::stamp(state.clock.now()) < c.deadline;
    let deadline = oslo_display(c.deadline.and_utc());
    let p = &aggregate.procurement;
    let drawn: std::collections::BTreeSet<&str> = aggregate
        .lots
        .iter()
        .flat_map(|l| context_of(&l.area))
        .map(|m| m.number.as_str())
        .collect();
    let mut atlas = Atlas::default();
    let body = html! {
        p.ok role="note" {
            strong { "Utkast til markedsdialog. " }
            "Inndelingen i delkontrakter er ikke endelig og er ikke en kunngjøring. "
            "Alle leverandører får den samme informasjonen her."
        }
        h1 { (p.title) }
        @if !p.description.trim().is_empty() { p { (p.description) } }
        table.facts {
            tr { th { "CPV" } td { (cpv_line(&p.cpv)) } }
            tr { th { "Frist for innspill" } td { (deadline) @if !open { " (utløpt)" } } }
        }
        @if !c.message.is_empty() {
            h2 { "Fra oppdragsgiver" }
            p { (c.message) }
        }
        @if let Some(summary) = &c.summary {
            h2 { "Oppsummering av markedsdialogen" }
            p { (summary) }
        }
        h2 { "Utkast til delkontrakter (" (aggregate.lots.len()) ")" }
        (outline_defs(drawn.iter().copied()))
        @for (n, lot) in aggregate.lots.iter().enumerate() {
            @let label = format!("Kart over området til delkontrakt {}: {}", n + 1, lot.title);
            section.lot id=(format!("delkontrakt-{}", n + 1)) {
                h3 { "Delkontrakt " (n + 1) ": " (lot.title) }
                p.muted { (cpv_line(&lot.cpv)) }
                p {
                    strong { "Område: " }
                    (lot.area.iter().map(|m| municipality_name(m)).collect::<Vec<_>>().join(", "))
                }
                @if !lot.area.is_empty() {
                    figure.map { (atlas.map(&lot.area, &label)) }
                }
            }
        }
        h2 { "Slik gir du innspill" }
        @if open {
            p {
                "Registrerte leverandører svarer per delkontrakt innen fristen: kan gi tilbud, "
                "kunne gitt tilbud om delkontrakten ble delt, eller kan ikke gi tilbud, "
                "gjerne med et forslag til område. Svaret kan endres til fristen er ute."
            }
        } @else {
            p { "Fristen for innspill er ute; svarene er låst." }
        }
        p.muted { "Kart: kommunegrenser fra Kartverket (CC BY 4.0), forenklet." }
    };
    respond(
        StatusCode::OK,
        page(&format!("Markedsdialog: {}", p.title), body),
    )
}

/// `GET /unsubscribe/{token}`: a page with one button, so that a link
/// scanner following the link stops nothing.
pub async fn unsubscribe_page(token: web::Path<String>) -> HttpResponse {
    let action = format!("/unsubscribe/{}", token.into_inner());
    respond(
        StatusCode::OK,
        page(
            "Meld av varsler",
            html! {
                h1 { "Meld av varsler" }
                p { "Vil du slutte å få e-post om markedsdialoger og kunngjøringer som passer virksomheten?" }
                form method="post" action=(action) {
                    button type="submit" name="List-Unsubscribe" value="One-Click" { "Meld av" }
                }
                p.muted { "Du kan melde deg på igjen når du vil, ved å lagre abonnementet på nytt." }
            },
        ),
    )
}

/// `POST /unsubscribe/{token}`: the button, or a mail client's one-click
/// POST (`List-Unsubscribe=One-Click`). No login: the token is the key.
pub async fn unsubscribe(state: State, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    let now = state.clock.now();
    match state
        .db
        .write(move |c| flow::unsubscribe(c, &token, now))
        .await
    {
        Ok(true) => notice(
            StatusCode::OK,
            "Du er meldt av",
            "Du får ikke flere varsler fra Samkjøp om markedsdialoger og kunngjøringer.",
        ),
        Ok(false) => notice(
            StatusCode::NOT_FOUND,
            "Fant ikke abonnementet",
            "Lenken hører ikke til noe abonnement. Den kan være skrevet av feil.",
        ),
        Err(e) => {
            tracing::error!(error = %e.detail, "unsubscribing failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// The route table's entries for these pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/consultations/{id}", web::get().to(consultation))
        .route("/consultations/{id}", web::head().to(consultation))
        .route("/unsubscribe/{token}", web::get().to(unsubscribe_page))
        .route("/unsubscribe/{token}", web::post().to(unsubscribe));
}
