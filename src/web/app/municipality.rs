//! A municipality's own pages: its mandates (`/app/mandates`: the list,
//! registering a council decision, revoking one after a confirmation) and
//! its contact address (`/app/contact`). Each change is the flow of the API
//! operation (`POST …/municipalities/{number}/mandates`, `…/{id}/revoke`,
//! `PATCH …/municipalities/{number}`), with the logged-in user as actor.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use super::{answer, app_page, failed, field_with, message, FormErrors};
use crate::db::mandates::{self, Mandate};
use crate::db::municipalities;
use crate::domain::calendar::{oslo_date, oslo_display};
use crate::domain::{EmailAddress, Ore, ParticipantNumber, Role};
use crate::error::AppError;
use crate::flows::invitations::municipality_name;
use crate::flows::mandates as flow;
use crate::flows::municipalities::set_contact_email;
use crate::letters::words;
use crate::state::State;
use crate::web::csrf;
use crate::web::mandate_form::MandateValues;
use crate::web::session::{Posted, Session};

/// The person's municipality, if they are a municipality's user.
fn municipality_of(session: &Session) -> Option<ParticipantNumber> {
    match (&session.person.role, &session.person.municipality) {
        (Role::Municipality, Some(n)) => ParticipantNumber::parse(n).ok(),
        _ => None,
    }
}

/// The page saying these pages are for municipalities.
fn not_a_municipality(session: &Session) -> HttpResponse {
    message(
        StatusCode::FORBIDDEN,
        session,
        "Bare for kommuner",
        "Det er kommunenes egne brukere som registrerer vedtak og kontaktadresse.",
    )
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A mandate's status on `today`, in words.
pub fn status(m: &Mandate, today: NaiveDate) -> String {
    match m.revoked_at {
        Some(at) => format!("Trukket tilbake {}", oslo_display(at.and_utc())),
        None if today < m.valid_from => "Gjelder ikke ennå".to_string(),
        None if today > m.valid_until => "Utløpt".to_string(),
        None => "Gjelder".to_string(),
    }
}

/// The CPV scope in words.
pub fn scope(m: &Mandate) -> String {
    if m.cpv_scope.is_empty() {
        "Alle anskaffelser".to_string()
    } else {
        format!("CPV {}", m.cpv_scope.join(", "))
    }
}

async fn load(state: &State, number: &ParticipantNumber) -> Result<Vec<Mandate>, AppError> {
    let number = number.to_string();
    Ok(state
        .db
        .read(move |c| mandates::list_for(c, &number))
        .await?)
}

pub async fn list(state: State, session: Session) -> HttpResponse {
    let Some(number) = municipality_of(&session) else {
        return not_a_municipality(&session);
    };
    list_page(&state, &session, &number, None).await
}

async fn list_page(
    state: &State,
    session: &Session,
    number: &ParticipantNumber,
    done: Option<String>,
) -> HttpResponse {
    let list = match load(state, number).await {
        Ok(list) => list,
        Err(e) => return failed(session, &e),
    };
    let today = oslo_date(state.clock.now());
    let body = html! {
        @if let Some(text) = &done {
            div.ok role="status" { p { (text) } }
        }
        h1 { "Fullmakter for " (municipality_name(number.as_str())) }
        p { "Et vedtak (en fullmakt) gir kommunen rett til å melde seg på felles anskaffelser innenfor omfanget, perioden og beløpsgrensen i vedtaket." }
        p { a href="/app/mandates/new" { "Registrer et nytt vedtak" } }
        @if list.is_empty() {
            p.muted { "Kommunen har ikke registrert noe vedtak ennå." }
        } @else {
            table.list {
                caption.muted { "Beløpsgrensen gjelder kommunens andel for hele avtaleperioden med opsjoner, ekskl. mva." }
                thead { tr {
                    th scope="col" { "Vedtak" }
                    th scope="col" { "Vedtatt av" }
                    th scope="col" { "Omfang" }
                    th scope="col" { "Beløpsgrense" }
                    th scope="col" { "Gyldig" }
                    th scope="col" { "Status" }
                    th scope="col" { span.skip { "Handling" } }
                } }
                tbody {
                    @for m in &list {
                        tr {
                            th scope="row" { (m.reference) br; span.muted { "vedtatt " (date(m.decided_on)) } }
                            td { (m.decided_by) }
                            td { (scope(m)) }
                            td.num { (words::amount(Ore::new(m.max_value_ore))) }
                            td { (date(m.valid_from)) "–" (date(m.valid_until)) }
                            td { (status(m, today)) }
                            td {
                                @if m.revoked_at.is_none() {
                                    a href=(format!("/app/mandates/{}/revoke", m.id)) {
                                        "Trekk tilbake" span.skip { " " (m.reference) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    answer(StatusCode::OK, app_page("Fullmakter", Some(session), body))
}

fn new_page(session: &Session, values: &MandateValues, errors: &FormErrors) -> Markup {
    app_page(
        "Registrer vedtak",
        Some(session),
        html! {
            h1 { "Registrer et vedtak om fullmakt" }
            (errors.summary())
            p { "Fyll inn vedtaket slik det står i møteboka. Alle feltene må fylles ut, unntatt omfanget." }
            form method="post" action="/app/mandates/new" novalidate {
                (csrf::hidden(&session.csrf_token))
                (values.fields(errors))
                p { button type="submit" { "Registrer vedtaket" } }
            }
            p { a href="/app/mandates" { "Tilbake til fullmaktene" } }
        },
    )
}

pub async fn new_form(session: Session) -> HttpResponse {
    if municipality_of(&session).is_none() {
        return not_a_municipality(&session);
    }
    answer(
        StatusCode::OK,
        new_page(&session, &MandateValues::default(), &FormErrors::default()),
    )
}

pub async fn create(state: State, posted: Posted) -> HttpResponse {
    let Posted { session, fields } = posted;
    let Some(number) = municipality_of(&session) else {
        return not_a_municipality(&session);
    };
    let values = MandateValues::from_form(&fields.0);
    let mandate = match values.check(number.clone()) {
        Ok(m) => m,
        Err(errors) => {
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                new_page(&session, &values, &errors),
            )
        }
    };
    let (actor, now) = (session.person.actor(), state.clock.now());
    match state
        .db
        .write(move |c| flow::record(c, mandate, &actor, now))
        .await
    {
        Ok(m) => {
            let done = format!("Vedtaket {} er registrert.", m.reference);
            list_page(&state, &session, &number, Some(done)).await
        }
        Err(e) => failed(&session, &e),
    }
}

/// The municipality's mandate `id`, or the page saying there is none.
async fn mandate_of(
    state: &State,
    session: &Session,
    id: &str,
) -> Result<(ParticipantNumber, Mandate), HttpResponse> {
    let number = municipality_of(session).ok_or_else(|| not_a_municipality(session))?;
    let (find, of) = (id.to_string(), number.to_string());
    let found = state
        .db
        .read(move |c| mandates::find(c, &find))
        .await
        .map_err(|e| failed(session, &AppError::from(e)))?;
    match found.filter(|m| m.municipality == of) {
        Some(m) => Ok((number, m)),
        None => Err(message(
            StatusCode::NOT_FOUND,
            session,
            "Fant ikke vedtaket",
            "Vedtaket finnes ikke for kommunen din.",
        )),
    }
}

pub async fn revoke_form(state: State, session: Session, id: web::Path<String>) -> HttpResponse {
    let (_, m) = match mandate_of(&state, &session, &id).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let today = oslo_date(state.clock.now());
    let body = html! {
        h1 { "Trekke tilbake vedtaket " (m.reference) "?" }
        table.facts {
            tr { th scope="row" { "Vedtatt av" } td { (m.decided_by) ", " (date(m.decided_on)) } }
            tr { th scope="row" { "Omfang" } td { (scope(&m)) } }
            tr { th scope="row" { "Beløpsgrense" } td { (words::amount(Ore::new(m.max_value_ore))) } }
            tr { th scope="row" { "Gyldig" } td { (date(m.valid_from)) "–" (date(m.valid_until)) } }
            tr { th scope="row" { "Status" } td { (status(&m, today)) } }
        }
        @if m.revoked_at.is_some() {
            p { "Vedtaket er allerede trukket tilbake." }
        } @else {
            p { "Et vedtak som er trukket tilbake, kan ikke brukes til nye påmeldinger. Påmeldinger som allerede er gjort under det, står ved lag, og koordinatorene ser i loggen at vedtaket er trukket tilbake. Dette kan ikke angres; registrer heller et nytt vedtak." }
            div.actions {
                form method="post" action=(format!("/app/mandates/{}/revoke", m.id)) {
                    (csrf::hidden(&session.csrf_token))
                    button type="submit" { "Ja, trekk tilbake vedtaket" }
                }
            }
        }
        p { a href="/app/mandates" { "Nei, tilbake til fullmaktene" } }
    };
    answer(
        StatusCode::OK,
        app_page("Trekke tilbake vedtak", Some(&session), body),
    )
}

pub async fn revoke(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let session = posted.session;
    let (number, m) = match mandate_of(&state, &session, &id).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let (actor, now, of) = (session.person.actor(), state.clock.now(), number.clone());
    match state
        .db
        .write(move |c| flow::revoke(c, &of, &m.id, &actor, now))
        .await
    {
        Ok(m) => {
            let done = format!("Vedtaket {} er trukket tilbake.", m.reference);
            list_page(&state, &session, &number, Some(done)).await
        }
        Err(e) => failed(&session, &e),
    }
}

fn contact_page(
    session: &Session,
    number: &ParticipantNumber,
    stored: Option<&str>,
    typed: &str,
    errors: &FormErrors,
    done: Option<&str>,
) -> Markup {
    app_page(
        "Kontaktadresse",
        Some(session),
        html! {
            @if let Some(text) = done { div.ok role="status" { p { (text) } } }
            h1 { "Kontaktadressen til " (municipality_name(number.as_str())) }
            (errors.summary())
            p { "Invitasjoner til felles anskaffelser, påminnelser og kvitteringer sendes til denne adressen. Den som leser e-posten, kan svare for kommunen med lenken i den." }
            p { "Nå: " @match stored { Some(a) => strong { (a) }, None => strong { "ingen adresse" } } }
            form method="post" action="/app/contact" novalidate {
                (csrf::hidden(&session.csrf_token))
                (field_with("email", "contact_email", "Ny kontaktadresse", typed,
                    Some("For eksempel postmottak@kommune.no. La feltet stå tomt for å fjerne adressen; da får kommunen ingen invitasjoner på e-post."),
                    errors, Some("email")))
                p { button type="submit" { "Lagre adressen" } }
            }
        },
    )
}

async fn stored_address(
    state: &State,
    number: &ParticipantNumber,
) -> Result<Option<String>, AppError> {
    let of = number.to_string();
    let found = state.db.read(move |c| municipalities::find(c, &of)).await?;
    Ok(found.and_then(|m| m.contact_email))
}

pub async fn contact(state: State, session: Session) -> HttpResponse {
    let Some(number) = municipality_of(&session) else {
        return not_a_municipality(&session);
    };
    match stored_address(&state, &number).await {
        Ok(stored) => answer(
            StatusCode::OK,
            contact_page(
                &session,
                &number,
                stored.as_deref(),
                stored.as_deref().unwrap_or_default(),
                &FormErrors::default(),
                None,
            ),
        ),
        Err(e) => failed(&session, &e),
    }
}

pub async fn change_contact(state: State, posted: Posted) -> HttpResponse {
    let Posted { session, fields } = posted;
    let Some(number) = municipality_of(&session) else {
        return not_a_municipality(&session);
    };
    let typed = fields.get("contact_email").trim().to_string();
    let email = if typed.is_empty() {
        None
    } else {
        match EmailAddress::parse(&typed) {
            Ok(e) => Some(e),
            Err(_) => {
                let mut errors = FormErrors::default();
                errors.add(
                    "contact_email",
                    "Skriv en e-postadresse, for eksempel postmottak@kommune.no.",
                );
                let stored = match stored_address(&state, &number).await {
                    Ok(s) => s,
                    Err(e) => return failed(&session, &e),
                };
                return answer(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    contact_page(&session, &number, stored.as_deref(), &typed, &errors, None),
                );
            }
        }
    };
    let of = number.clone();
    match state
        .db
        .write(move |c| set_contact_email(c, &of, email.as_ref()))
        .await
    {
        Ok(m) => {
            let done = match &m.contact_email {
                Some(_) => "Kontaktadressen er lagret.",
                None => "Kontaktadressen er fjernet.",
            };
            let stored = m.contact_email.as_deref();
            answer(
                StatusCode::OK,
                contact_page(
                    &session,
                    &number,
                    stored,
                    stored.unwrap_or_default(),
                    &FormErrors::default(),
                    Some(done),
                ),
            )
        }
        Err(e) => failed(&session, &e),
    }
}
