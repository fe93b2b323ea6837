//! The page a registration's confirmation link opens. GET and HEAD only
//! show what is confirmed (mail scanners fetch links before people do);
//! the button's POST uses the link, through `flows::registration`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use super::{notice, page, respond};
use crate::db::registrations::Registration;
use crate::domain::calendar::oslo_display;
use crate::domain::registration::Confirmer;
use crate::error::AppError;
use crate::flows::registration::{self as flow, Confirmed, Link};
use crate::state::State;

fn refused(link: &Link) -> HttpResponse {
    match link {
        Link::Expired => notice(
            StatusCode::GONE,
            "Lenken er utløpt",
            "Lenken virker ikke lenger, og ingenting ble registrert. Registrer leverandøren på nytt for å få en ny lenke.",
        ),
        Link::Used => notice(
            StatusCode::GONE,
            "Lenken er allerede brukt",
            "Denne registreringen er allerede bekreftet eller avsluttet. Har den fått innlogging, kan den logge inn som vanlig.",
        ),
        Link::Unknown | Link::Open(_) => notice(
            StatusCode::NOT_FOUND,
            "Ugyldig lenke",
            "Vi fant ingen registrering med denne lenken. Bruk lenken nøyaktig slik den står i e-posten fra Samkjøp, eller registrer leverandøren på nytt.",
        ),
    }
}

fn trouble(e: &AppError) -> HttpResponse {
    notice(
        e.status(),
        "Noe gikk galt",
        "Vi kunne ikke behandle lenken nå, og ingenting ble endret. Prøv igjen om litt.",
    )
}

pub async fn show(state: State, token: web::Path<String>) -> HttpResponse {
    let now = state.clock.now();
    let token = token.into_inner();
    match state.db.read(move |c| flow::link(c, &token, now)).await {
        Ok(Link::Open(row)) => respond(StatusCode::OK, form_page(&row)),
        Ok(other) => refused(&other),
        Err(e) => trouble(&e),
    }
}

fn form_page(r: &Registration) -> maud::Markup {
    let (heading, lead) = match r.confirmer {
        Confirmer::Register => (
            "Bekreft hvem som skal logge inn for virksomheten",
            format!(
                "{} har bedt om innlogging i Samkjøp for virksomheten med organisasjonsnummeret nedenfor. Lenken ble sendt til adressen virksomheten står med i leverandørregisteret. Bekreft bare hvis {} skal representere virksomheten.",
                r.email, r.email
            ),
        ),
        Confirmer::Registrant | Confirmer::Operator => (
            "Bekreft e-postadressen din",
            "Trykk «Bekreft» for å bekrefte at e-postadressen er din og at du har registrert leverandøren nedenfor.".to_string(),
        ),
    };
    page(
        heading,
        html! {
            h1 { (heading) }
            p { (lead) }
            table.facts {
                tr { th scope="row" { "Organisasjonsnummer" } td { (r.org_number) } }
                tr { th scope="row" { "Navn oppgitt ved registreringen" } td { (r.name) } }
                tr { th scope="row" { "E-post for innlogging" } td { (r.email) } }
                tr { th scope="row" { "Lenken virker til" } td { (oslo_display(r.expires_at.and_utc())) } }
            }
            @if r.confirmer == Confirmer::Operator {
                p.muted { "Virksomheten står allerede i leverandørregisteret. Etter bekreftelsen må driftsoperatøren godkjenne at du representerer den." }
            }
            form method="post" {
                p { button type="submit" { "Bekreft" } }
            }
            p.muted { "Kjenner du ikke til registreringen, lukk siden: uten bekreftelse endres ingenting." }
        },
    )
}

pub async fn submit(state: State, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    let (rate, clock) = (state.config.eur_nok, state.clock.clone());
    let outcome = state
        .db
        .write(move |c| flow::confirm(c, &token, rate, clock.now()))
        .await;
    match outcome {
        Ok(Confirmed::Completed { email }) => respond(
            StatusCode::OK,
            page(
                "Registreringen er bekreftet",
                html! {
                    div.ok role="status" {
                        h1 { "Registreringen er bekreftet" }
                        p { "Leverandøren er registrert, og " strong { (email) } " kan nå logge inn med passordet som ble valgt ved registreringen." }
                    }
                },
            ),
        ),
        Ok(Confirmed::AwaitingOperator) => respond(
            StatusCode::OK,
            page(
                "E-postadressen er bekreftet",
                html! {
                    div.ok role="status" {
                        h1 { "E-postadressen er bekreftet" }
                        p { "Virksomheten står allerede i leverandørregisteret, så driftsoperatøren må godkjenne at du representerer den. Du får en e-post når registreringen er godkjent." }
                    }
                },
            ),
        ),
        Ok(Confirmed::Overtaken) => notice(
            StatusCode::CONFLICT,
            "Registreringen kunne ikke fullføres",
            "Organisasjonsnummeret eller e-postadressen har fått innlogging i mellomtiden, eller virksomheten er kommet inn i leverandørregisteret. Ingenting ble endret; registrer på nytt om det trengs.",
        ),
        Ok(Confirmed::Refused(link)) => refused(&link),
        Err(e) => trouble(&e),
    }
}
