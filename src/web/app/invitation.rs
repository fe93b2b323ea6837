//! `/app/invitations/{id}`: a logged-in municipality user answers an
//! invitation with the same form the voting link opens (`web::vote`), and
//! the answer is recorded by the flow of
//! `PUT /api/v1/procurements/{id}/participation/{number}`, as an API answer
//! of that user.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::{answer, app_page, failed, message, not_found};
use crate::db::{mandates, procurements};
use crate::domain::summary::Channel;
use crate::domain::{ErrorCode, ParticipantNumber, Role};
use crate::error::AppError;
use crate::flows::invitations::leader_name;
use crate::flows::participation::decide;
use crate::state::State;
use crate::web::session::{Posted, Session};
use crate::web::vote::{closed_for_answers, explain, form_body, receipt_body, Context, FormValues};

/// The invitation of the person's municipality, open for answers.
async fn context(state: &State, session: &Session, id: &str) -> Result<Context, HttpResponse> {
    let number = match (&session.person.role, &session.person.municipality) {
        (Role::Municipality, Some(n)) => n.clone(),
        _ => {
            return Err(message(
                StatusCode::FORBIDDEN,
                session,
                "Bare for kommuner",
                "Det er kommunenes egne brukere som svarer på invitasjoner.",
            ))
        }
    };
    let (load, of) = (id.to_string(), number.clone());
    let loaded = state
        .db
        .read(move |c| {
            let Some(aggregate) = procurements::load_head(c, &load)? else {
                return Ok(None);
            };
            let leader = leader_name(c, &aggregate.procurement)?;
            Ok::<_, AppError>(Some((aggregate, mandates::list_for(c, &of)?, leader)))
        })
        .await;
    let (aggregate, mandates, leader) = match loaded {
        Ok(Some(found)) => found,
        Ok(None) => return Err(not_found(session)),
        Err(e) => return Err(failed(session, &e)),
    };
    if aggregate.participation(&number).is_none() {
        return Err(not_found(session));
    }
    if let Some(page) = closed_for_answers(&aggregate) {
        return Err(page);
    }
    Ok(Context {
        municipality: number,
        aggregate,
        mandates,
        leader,
        now: state.clock.now(),
        // The workspace loads the procurement without its volumes; the fit
        // is on the voting page and in the invitation email.
        fit: None,
    })
}

/// Where to register a mandate, when none covers the procurement.
fn no_mandate(ctx: &Context) -> Option<Markup> {
    (!ctx.has_covering_mandate()).then(|| {
        html! {
            p {
                "Kommunen har ikke et vedtak som dekker denne anskaffelsen i dag. "
                a href="/app/mandates/new" { "Registrer vedtaket" }
                " og kom tilbake hit for å svare."
            }
        }
    })
}

pub async fn show(state: State, session: Session, id: web::Path<String>) -> HttpResponse {
    match context(&state, &session, &id).await {
        Ok(ctx) => answer(
            StatusCode::OK,
            app_page(
                &ctx.aggregate.procurement.title,
                Some(&session),
                form_body(
                    &ctx,
                    &FormValues::on_record(&ctx),
                    None,
                    Some(&session.csrf_token),
                    no_mandate(&ctx),
                    None,
                ),
            ),
        ),
        Err(page) => page,
    }
}

pub async fn submit(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, fields } = posted;
    let ctx = match context(&state, &session, &id).await {
        Ok(ctx) => ctx,
        Err(page) => return page,
    };
    let values = FormValues::from_form(&fields.0);
    let form = |status: StatusCode, error: (String, Option<String>)| {
        answer(
            status,
            app_page(
                &ctx.aggregate.procurement.title,
                Some(&session),
                form_body(
                    &ctx,
                    &values,
                    Some(&error),
                    Some(&session.csrf_token),
                    no_mandate(&ctx),
                    None,
                ),
            ),
        )
    };
    let request = match values.request(&ctx.lots()) {
        Ok(r) => r,
        Err(text) => return form(StatusCode::UNPROCESSABLE_ENTITY, (text, None)),
    };
    let Ok(municipality) = ParticipantNumber::parse(&ctx.municipality) else {
        return not_found(&session);
    };
    let actor = session.person.actor();
    let clock = state.clock.clone();
    let procurement = id.into_inner();
    let outcome = state
        .db
        .write(move |c| {
            decide(
                c,
                &procurement,
                &municipality,
                request,
                Channel::Api,
                &actor,
                clock.now(),
            )
        })
        .await;
    match outcome {
        Ok(receipt) => answer(
            StatusCode::OK,
            app_page(
                "Svaret er registrert",
                Some(&session),
                receipt_body(&ctx, &receipt, None),
            ),
        ),
        Err(e) if e.code == ErrorCode::ParticipationClosed => message(
            StatusCode::CONFLICT,
            &session,
            "Påmeldingen er stengt",
            "Svarfristen er ute, og svaret ble ikke registrert.",
        ),
        Err(e) if e.status().is_client_error() => form(e.status(), (explain(&e), None)),
        Err(e) => failed(&session, &e),
    }
}
