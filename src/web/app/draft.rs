//! A coordinator proposes a joint procurement, changes the draft (and whom
//! it invites, picked on a county list), and adds its lots: the forms of
//! `POST /api/v1/procurements`, `PATCH …/{id}` and `POST …/{id}/lots`, checked by the
//! same domain checks and stored by the same flows (`flows::lifecycle`).
//! A refusal is shown next to the field it concerns, with what was typed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use maud::{html, Markup};

use super::procurement::{self, Extras, LotValues};
use super::{answer, app_page, explain, failed, field, message, not_found, FormErrors};
use crate::db::procurements::{self as db_procurements, Aggregate};
use crate::domain::access::Standing;
use crate::domain::contract::{ContractType, ProcurementStatus};
use crate::domain::procurement::{check_lot, check_proposal, Proposal, ProposalInput};
use crate::domain::summary::Quorum;
use crate::domain::{Lang, Role};
use crate::error::AppError;
use crate::flows::lifecycle::{self, standing_of, Leader};
use crate::reference::reference;
use crate::state::State;
use crate::web::csrf;
use crate::web::session::{see_other, Fields, Posted, Session};

/// The proposal form as typed.
#[derive(Debug, Default, Clone)]
struct DraftValues {
    title: String,
    description: String,
    case_number: String,
    contract_type: String,
    cpv: String,
    framework_agreement: bool,
    contract_start: String,
    duration_months: String,
    option_months: String,
    no_fixed_term: bool,
    participation_deadline: String,
    quorum_min_participants: String,
    quorum_min_population_share_percent: String,
    /// Municipality numbers, with those of every ticked county added.
    invited: Vec<String>,
}

impl DraftValues {
    fn from_fields(f: &Fields) -> DraftValues {
        let mut invited = f.all("invited");
        for county in f.all("county") {
            invited.extend(
                reference()
                    .municipalities_in_county(&county)
                    .map(|m| m.number.clone()),
            );
        }
        invited.sort();
        invited.dedup();
        DraftValues {
            title: f.get("title").to_string(),
            description: f.get("description").to_string(),
            case_number: f.get("case_number").to_string(),
            contract_type: f.get("contract_type").to_string(),
            cpv: f.get("cpv").trim().to_string(),
            framework_agreement: !f.get("framework_agreement").is_empty(),
            contract_start: f.get("contract_start").trim().to_string(),
            duration_months: f.get("duration_months").trim().to_string(),
            option_months: f.get("option_months").trim().to_string(),
            no_fixed_term: !f.get("no_fixed_term").is_empty(),
            participation_deadline: f.get("participation_deadline").trim().to_string(),
            quorum_min_participants: f.get("quorum_min_participants").trim().to_string(),
            quorum_min_population_share_percent: f
                .get("quorum_min_population_share_percent")
                .trim()
                .to_string(),
            invited,
        }
    }

    fn of(a: &Aggregate) -> DraftValues {
        let p = &a.procurement;
        let deadline = p.deadline().with_timezone(&Oslo);
        DraftValues {
            title: p.title.clone(),
            description: p.description.clone(),
            case_number: p.case_number.clone().unwrap_or_default(),
            contract_type: p.contract_type.code().to_string(),
            cpv: p.cpv.clone(),
            framework_agreement: p.framework_agreement,
            contract_start: p.contract_start.to_string(),
            duration_months: p.duration_months.to_string(),
            option_months: p.option_months.to_string(),
            no_fixed_term: p.no_fixed_term,
            participation_deadline: deadline.format("%Y-%m-%dT%H:%M").to_string(),
            quorum_min_participants: p
                .quorum_min_participants
                .map(|n| n.to_string())
                .unwrap_or_default(),
            quorum_min_population_share_percent: p
                .quorum_min_population_share_percent
                .map(|n| n.to_string())
                .unwrap_or_default(),
            invited: a.invited(),
        }
    }

    /// The proposal, checked as the API checks it; the first refusal is in
    /// `errors` (with every field that is not even a number or a date).
    fn check(
        &self,
        host: Option<&str>,
        now: DateTime<Utc>,
        errors: &mut FormErrors,
    ) -> Option<Proposal> {
        let whole = |id: &str, text: &str, errors: &mut FormErrors| -> Option<i64> {
            let parsed = text.replace(' ', "").parse::<i64>().ok();
            if parsed.is_none() {
                errors.add(id, "Skriv et helt tall.");
            }
            parsed
        };
        let optional = |id: &str, text: &str, errors: &mut FormErrors| {
            if text.is_empty() {
                Some(None)
            } else {
                whole(id, text, errors).map(Some)
            }
        };
        let start = NaiveDate::parse_from_str(&self.contract_start, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&self.contract_start, "%d.%m.%Y"))
            .ok();
        if start.is_none() {
            errors.add(
                "contract_start",
                "Skriv datoen kontrakten starter, for eksempel 01.08.2027.",
            );
        }
        let deadline = parse_deadline(&self.participation_deadline);
        if deadline.is_none() {
            errors.add(
                "participation_deadline",
                "Skriv dato og klokkeslett for svarfristen, for eksempel 01.03.2027 12:00.",
            );
        }
        let duration = whole("duration_months", &self.duration_months, errors);
        let options = if self.option_months.is_empty() {
            Some(0)
        } else {
            whole("option_months", &self.option_months, errors)
        };
        let min_participants = optional(
            "quorum_min_participants",
            &self.quorum_min_participants,
            errors,
        );
        let min_share = optional(
            "quorum_min_population_share_percent",
            &self.quorum_min_population_share_percent,
            errors,
        );
        let (
            Some(contract_start),
            Some(participation_deadline),
            Some(duration_months),
            Some(option_months),
            Some(min_participants),
            Some(min_population_share_percent),
        ) = (
            start,
            deadline,
            duration,
            options,
            min_participants,
            min_share,
        )
        else {
            return None;
        };
        let quorum = (min_participants.is_some() || min_population_share_percent.is_some())
            .then_some(Quorum {
                min_participants,
                min_population_share_percent,
            });
        let input = ProposalInput {
            title: &self.title,
            description: &self.description,
            contract_type: &self.contract_type,
            cpv: &self.cpv,
            framework_agreement: self.framework_agreement,
            contract_start,
            duration_months,
            option_months,
            no_fixed_term: self.no_fixed_term,
            participation_deadline,
            invited: &self.invited,
            quorum,
            host_municipality: host,
            case_number: Some(self.case_number.as_str()),
        };
        match check_proposal(&input, now) {
            Ok(proposal) => Some(proposal),
            Err((field, e)) => {
                errors.refusal(&AppError::from(e).on_field(field), form_field, "title");
                None
            }
        }
    }
}

/// "2027-03-01T12:00" (what a date-and-time field sends) or
/// "01.03.2027 12:00" (what a person types where there is none), Oslo time.
fn parse_deadline(text: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%d.%m.%Y %H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%d.%m.%Y kl. %H:%M"))
        .ok()?;
    // The earlier of the two when the clock is turned back; none falls in the gap of spring.
    Oslo.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The form's field for a field the API names.
fn form_field(api: &str) -> &str {
    match api {
        "quorum" => "quorum_min_participants",
        other => other,
    }
}

/// Only coordinators propose.
fn coordinator_only(session: &Session) -> Option<HttpResponse> {
    (session.person.role != Role::Coordinator).then(|| {
        message(
            StatusCode::FORBIDDEN,
            session,
            "Bare for koordinatorer",
            "Det er koordinatorene i innkjøpskontorene og vertskommunene som foreslår felles anskaffelser.",
        )
    })
}

pub async fn new_form(session: Session) -> HttpResponse {
    if let Some(refused) = coordinator_only(&session) {
        return refused;
    }
    let values = DraftValues {
        contract_type: ContractType::Services.code().to_string(),
        option_months: "0".into(),
        ..DraftValues::default()
    };
    answer(
        StatusCode::OK,
        draft_page(&session, None, &values, &FormErrors::default()),
    )
}

pub async fn create(state: State, posted: Posted) -> HttpResponse {
    let Posted { session, fields } = posted;
    if let Some(refused) = coordinator_only(&session) {
        return refused;
    }
    let values = DraftValues::from_fields(&fields);
    let person = session.person.clone();
    let leader = Leader {
        organization_id: person.organization.clone(),
        host_municipality: person.municipality.clone(),
    };
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    let Some(proposal) = values.check(leader.host_municipality.as_deref(), now, &mut errors) else {
        return refused(&session, None, &values, &errors);
    };
    let actor = person.actor();
    let created = state
        .db
        .write(move |c| lifecycle::propose(c, &proposal, leader, &actor, now))
        .await;
    match created {
        Ok(id) => see_other(&format!("/app/procurements/{id}?ok=opprettet")),
        Err(e) => failed(&session, &e),
    }
}

fn refused(
    session: &Session,
    id: Option<&str>,
    values: &DraftValues,
    errors: &FormErrors,
) -> HttpResponse {
    answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        draft_page(session, id, values, errors),
    )
}

/// The draft, when the person is its coordinator and it is still a draft.
pub(super) async fn editable(
    state: &State,
    session: &Session,
    id: &str,
) -> Result<Aggregate, HttpResponse> {
    let load = id.to_string();
    let found = state
        .db
        .read(move |c| db_procurements::load_head(c, &load))
        .await;
    let aggregate = match found {
        Ok(Some(a)) => a,
        Ok(None) => return Err(not_found(session)),
        Err(e) => return Err(failed(session, &AppError::from(e))),
    };
    match standing_of(&aggregate, session.person.who()) {
        Standing::Coordinator => {}
        Standing::Outsider => return Err(not_found(session)),
        _ => {
            return Err(message(
                StatusCode::FORBIDDEN,
                session,
                "Bare for koordinatoren",
                &explain(crate::domain::ErrorCode::Forbidden),
            ))
        }
    }
    if aggregate.procurement.status != ProcurementStatus::Draft {
        return Err(message(
            StatusCode::CONFLICT,
            session,
            "Ikke lenger et utkast",
            "Anskaffelsen er åpnet, og utkastet kan ikke endres lenger.",
        ));
    }
    Ok(aggregate)
}

pub async fn edit_form(state: State, session: Session, id: web::Path<String>) -> HttpResponse {
    match editable(&state, &session, &id).await {
        Ok(a) => answer(
            StatusCode::OK,
            draft_page(
                &session,
                Some(&id),
                &DraftValues::of(&a),
                &FormErrors::default(),
            ),
        ),
        Err(page) => page,
    }
}

pub async fn edit(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, fields } = posted;
    let id = id.into_inner();
    let current = match editable(&state, &session, &id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let values = DraftValues::from_fields(&fields);
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    // Checked here as well as inside the flow: the flow's check sees the
    // draft as locked, this one keeps every typing error for the form.
    if values
        .check(
            current.procurement.host_municipality.as_deref(),
            now,
            &mut errors,
        )
        .is_none()
    {
        return refused(&session, Some(&id), &values, &errors);
    }
    let person = session.person.clone();
    let (target, typed) = (id.clone(), values.clone());
    let outcome = state
        .db
        .write(move |c| {
            lifecycle::edit(
                c,
                &target,
                |locked| {
                    let mut errors = FormErrors::default();
                    typed
                        .check(
                            locked.procurement.host_municipality.as_deref(),
                            now,
                            &mut errors,
                        )
                        .ok_or_else(|| {
                            AppError::new(
                                crate::domain::ErrorCode::InvalidState,
                                "the draft changed while it was edited",
                            )
                        })
                },
                person.who(),
                &person.actor(),
                now,
            )
        })
        .await;
    match outcome {
        Ok(()) => see_other(&format!("/app/procurements/{id}?ok=endret")),
        Err(e) if e.status().is_client_error() => {
            errors.refusal(&e, form_field, "title");
            refused(&session, Some(&id), &values, &errors)
        }
        Err(e) => failed(&session, &e),
    }
}

/// The lot form's field for a field the API names.
pub(super) fn lot_field(api: &str) -> &str {
    match api {
        "title" => "lot_title",
        "cpv" => "lot_cpv",
        "unit" => "lot_unit",
        "unit_price_ore" => "lot_price",
        _ => "lot_area",
    }
}

pub async fn add_lot(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, fields } = posted;
    let id = id.into_inner();
    let current = match editable(&state, &session, &id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let values = LotValues {
        title: fields.get("lot_title").to_string(),
        cpv: fields.get("lot_cpv").trim().to_string(),
        unit: fields.get("lot_unit").to_string(),
        price: fields.get("lot_price").to_string(),
        area: fields.all("lot_area"),
    };
    let mut errors = FormErrors::default();
    let price = super::parse_kroner(&values.price);
    if price.is_none() {
        errors.add(
            "lot_price",
            explain(crate::domain::ErrorCode::InvalidAmount),
        );
    }
    let draft = price.and_then(|price| {
        // No municipality ticked is a refusal, not "all of them".
        check_lot(
            &values.title,
            &values.cpv,
            &values.unit,
            price,
            Some(&values.area),
            &current.invited(),
        )
        .map_err(|(field, e)| {
            errors.refusal(&AppError::from(e).on_field(field), lot_field, "lot_title")
        })
        .ok()
    });
    let outcome = match draft {
        None => None,
        Some(draft) => {
            let target = id.clone();
            Some(
                super::write_as(&state, &session.person, move |c, who, actor, now| {
                    lifecycle::add_lot(c, &target, &draft, who, actor, now)
                })
                .await,
            )
        }
    };
    match outcome {
        Some(Ok(_)) => return see_other(&format!("/app/procurements/{id}?ok=delkontrakt")),
        Some(Err(e)) if e.status().is_client_error() => {
            errors.refusal(&e, lot_field, "lot_title");
        }
        Some(Err(e)) => return failed(&session, &e),
        None => {}
    }
    // An empty area shows every box ticked; keep the refusal's boxes as they were sent.
    let extras = Extras {
        lot: values,
        lot_errors: errors,
        ..Extras::default()
    };
    procurement::render(
        &state,
        &session,
        &id,
        StatusCode::UNPROCESSABLE_ENTITY,
        extras,
    )
    .await
}

fn draft_page(session: &Session, id: Option<&str>, v: &DraftValues, errors: &FormErrors) -> Markup {
    let (heading, action, button) = match id {
        None => (
            "Foreslå en felles anskaffelse",
            "/app/procurements/new".to_string(),
            "Lagre utkastet",
        ),
        Some(id) => (
            "Endre utkastet",
            format!("/app/procurements/{id}/edit"),
            "Lagre endringene",
        ),
    };
    let error_of = |id: &str| errors.of(id);
    html! {
        (app_page(heading, Some(session), html! {
            @if let Some(id) = id { p { a href=(format!("/app/procurements/{id}")) { "← Tilbake til anskaffelsen" } } }
            h1 { (heading) }
            p { "Anskaffelsen lagres som et utkast. Delkontraktene legger du til etterpå, og kommunene får invitasjonen først når du åpner for påmelding." }
            (errors.summary())
            form method="post" action=(action) novalidate {
                (csrf::hidden(&session.csrf_token))
                (field("text", "title", "Tittel", &v.title, Some("For eksempel «Skolemat i Nordhordland»."), errors))
                div.field {
                    label for="description" { "Beskrivelse (valgfritt)" }
                    @if let Some(e) = error_of("description") { span.field-error id="description-feil" { "Feil: " (e) } }
                    textarea id="description" name="description" rows="4"
                        aria-describedby=[error_of("description").map(|_| "description-feil")]
                        aria-invalid=[error_of("description").map(|_| "true")] { (v.description) }
                }
                (field("text", "case_number", "Saksnummer i arkivet (valgfritt)", &v.case_number, Some("For eksempel 2026/1234."), errors))
                div.field {
                    label for="contract_type" { "Kontraktstype" }
                    @if let Some(e) = error_of("contract_type") { span.field-error id="contract_type-feil" { "Feil: " (e) } }
                    select id="contract_type" name="contract_type"
                        aria-describedby=[error_of("contract_type").map(|_| "contract_type-feil")]
                        aria-invalid=[error_of("contract_type").map(|_| "true")] {
                        @for t in ContractType::ALL {
                            option value=(t.code()) selected[v.contract_type == t.code()] { (capitalized(t.words(Lang::Nb))) }
                        }
                    }
                }
                (field("text", "cpv", "CPV-kode for hele anskaffelsen", &v.cpv, Some("Åtte siffer, bindestrek og kontrollsiffer, for eksempel 55524000-9."), errors))
                label { input type="checkbox" id="framework_agreement" name="framework_agreement" value="true" checked[v.framework_agreement]; " Rammeavtale" }
                div.row {
                    (field("date", "contract_start", "Kontrakten starter", &v.contract_start, Some("Dato, for eksempel 01.08.2027."), errors))
                    (field("datetime-local", "participation_deadline", "Svarfrist for kommunene", &v.participation_deadline, Some("Dato og klokkeslett, norsk tid."), errors))
                }
                div.row {
                    (field("number", "duration_months", "Varighet i måneder", &v.duration_months, None, errors))
                    (field("number", "option_months", "Opsjoner i måneder", &v.option_months, Some("0 uten opsjoner."), errors))
                }
                label { input type="checkbox" id="no_fixed_term" name="no_fixed_term" value="true" checked[v.no_fixed_term]; " Uten fast varighet (verdien regnes da som 48 måneder)" }
                fieldset {
                    legend { "Krav til deltakelse (valgfritt)" }
                    p.hint { "Anskaffelsen kunngjøres bare hvis kravet er oppfylt når påmeldingen stenges." }
                    div.row {
                        (field("number", "quorum_min_participants", "Minste antall kommuner", &v.quorum_min_participants, None, errors))
                        (field("number", "quorum_min_population_share_percent", "Minste andel av innbyggerne, i prosent", &v.quorum_min_population_share_percent, None, errors))
                    }
                }
                (county_picker(&v.invited, errors))
                p { button type="submit" { (button) } }
            }
        }))
    }
}

fn capitalized(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// Every municipality, county by county, each with a box; a county's own
/// box invites all of its municipalities. A county is folded away unless
/// one of its municipalities is ticked.
fn county_picker(invited: &[String], errors: &FormErrors) -> Markup {
    let error = errors.of("invited");
    html! {
        fieldset id="invited" aria-describedby=[error.map(|_| "invited-feil")] {
            legend { "Kommuner som inviteres" }
            p.hint { "Åpne et fylke og kryss av for kommunene, eller kryss av for hele fylket. En vertskommune som leder anskaffelsen, inviteres alltid." }
            @if let Some(e) = error { span.field-error id="invited-feil" { "Feil: " (e) } }
            @for county in &reference().counties {
                @let members: Vec<_> = reference().municipalities_in_county(&county.number).collect();
                @let ticked = members.iter().filter(|m| invited.contains(&m.number)).count();
                details.county open[ticked > 0] {
                    summary { (county.name) @if ticked > 0 { " (" (ticked) " valgt)" } }
                    label { input type="checkbox" name="county" value=(county.number); " Hele " (county.name) " (" (members.len()) " kommuner)" }
                    ul {
                        @for m in &members {
                            li { label {
                                input type="checkbox" name="invited" value=(m.number) checked[invited.contains(&m.number)];
                                " " (m.name)
                            } }
                        }
                    }
                }
            }
        }
    }
}
