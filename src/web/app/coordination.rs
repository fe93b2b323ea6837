//! The coordinator's pages beyond the draft form: change or remove a lot of
//! a draft, apply a split the analysis suggests, the compliance checklist
//! with its justifications, the award, the follow-up checkpoints and the
//! volume table. Each form is the form of an API operation
//! (`PATCH`/`DELETE …/lots/{lot_id}`, `POST …/lots/{lot_id}/split`,
//! `POST …/compliance/justifications`, `POST …/award`,
//! `POST …/follow-up/{checkpoint_id}`) and calls the same flow with the
//! logged-in person; a refusal is shown next to the field it concerns.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::draft::{editable, lot_field};
use super::procurement::{step, LotValues};
use super::{answer, app_page, explain, failed, field, message, not_found, FormErrors};
use crate::db::compliance::{self as db_compliance, Award, Checkpoint, Justification};
use crate::db::procurements::{self as db_procurements, Aggregate, Lot};
use crate::db::suppliers;
use crate::domain::access::Standing;
use crate::domain::calendar::oslo_date;
use crate::domain::clauses::compliance::CheckStatus;
use crate::domain::clauses::Check;
use crate::domain::contract::ProcurementStatus;
use crate::domain::follow_up::{state as checkpoint_state, CheckpointResult, CheckpointState};
use crate::domain::procurement::check_lot;
use crate::domain::{ErrorCode, Lang, ParticipantNumber};
use crate::error::AppError;
use crate::flows::follow_up::{self, AwardLine};
use crate::flows::invitations::municipality_name;
use crate::flows::{compliance, lifecycle};
use crate::letters::words;
use crate::state::State;
use crate::web::csrf;
use crate::web::session::{see_other, Posted, Session};

/// Øre as a person types kroner: "45", "45,50".
fn kroner_text(ore: i64) -> String {
    if ore % 100 == 0 {
        (ore / 100).to_string()
    } else {
        format!("{},{:02}", ore / 100, (ore % 100).abs())
    }
}

/// The procurement with its volumes, when the person is its coordinator.
async fn coordinated(
    state: &State,
    session: &Session,
    id: &str,
) -> Result<Aggregate, HttpResponse> {
    let load = id.to_string();
    let aggregate = match state
        .db
        .read(move |c| db_procurements::load(c, &load))
        .await
    {
        Ok(Some(a)) => a,
        Ok(None) => return Err(not_found(session)),
        Err(e) => return Err(failed(session, &AppError::from(e))),
    };
    match lifecycle::standing_of(&aggregate, session.person.who()) {
        Standing::Coordinator => Ok(aggregate),
        Standing::Outsider => Err(not_found(session)),
        _ => Err(message(
            StatusCode::FORBIDDEN,
            session,
            "Bare for koordinatoren",
            &explain(ErrorCode::Forbidden),
        )),
    }
}

fn back(id: &str) -> Markup {
    html! { p { a href=(format!("/app/procurements/{id}")) { "← Tilbake til anskaffelsen" } } }
}

/// A text area with its label, hint and error, `id` and `name` given apart.
fn text_area(
    id: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let described: Vec<String> = [
        hint.map(|_| format!("{id}-hint")),
        error.map(|_| format!("{id}-feil")),
    ]
    .into_iter()
    .flatten()
    .collect();
    html! {
        div.field {
            label for=(id) { (label) }
            @if let Some(h) = hint { span.hint id=(format!("{id}-hint")) { (h) } }
            @if let Some(e) = error { span.field-error id=(format!("{id}-feil")) { "Feil: " (e) } }
            textarea id=(id) name=(name) rows="3"
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))]
                aria-invalid=[error.map(|_| "true")] { (value) }
        }
    }
}

// ---- change and remove a lot of a draft ----

pub async fn lot_form(
    state: State,
    session: Session,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, lot_id) = path.into_inner();
    let draft = match editable(&state, &session, &id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let Some(lot) = draft.lot(&lot_id) else {
        return not_found(&session);
    };
    let values = LotValues {
        title: lot.title.clone(),
        cpv: lot.cpv.clone(),
        unit: lot.unit.clone(),
        price: kroner_text(lot.unit_price_ore),
        area: lot.area.clone(),
    };
    answer(
        StatusCode::OK,
        lot_page(&session, &draft, lot, &values, &FormErrors::default()),
    )
}

pub async fn change_lot(
    state: State,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let Posted { session, fields } = posted;
    let (id, lot_id) = path.into_inner();
    let draft = match editable(&state, &session, &id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let Some(lot) = draft.lot(&lot_id).cloned() else {
        return not_found(&session);
    };
    let values = LotValues {
        title: fields.get("lot_title").to_string(),
        cpv: fields.get("lot_cpv").trim().to_string(),
        unit: fields.get("lot_unit").to_string(),
        price: fields.get("lot_price").to_string(),
        area: fields.all("lot_area"),
    };
    let mut errors = FormErrors::default();
    let Some(price) = super::parse_kroner(&values.price) else {
        errors.add("lot_price", explain(ErrorCode::InvalidAmount));
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            lot_page(&session, &draft, &lot, &values, &errors),
        );
    };
    let person = session.person.clone();
    let clock = state.clock.clone();
    let typed = values.clone();
    let (target, target_lot) = (id.clone(), lot_id.clone());
    let outcome = state
        .db
        .write(move |c| {
            lifecycle::change_lot(
                c,
                &target,
                &target_lot,
                |_, invited| {
                    // No municipality ticked is a refusal, not "all of them".
                    check_lot(
                        &typed.title,
                        &typed.cpv,
                        &typed.unit,
                        price,
                        Some(&typed.area),
                        invited,
                    )
                    .map_err(|(field, e)| AppError::from(e).on_field(field))
                },
                person.who(),
                &person.actor(),
                clock.now(),
            )
        })
        .await;
    match outcome {
        Ok(_) => see_other(&format!("/app/procurements/{id}?ok=delkontrakt-endret")),
        Err(e) if e.status().is_client_error() => {
            errors.refusal(&e, lot_field, "lot_title");
            answer(
                e.status(),
                lot_page(&session, &draft, &lot, &values, &errors),
            )
        }
        Err(e) => failed(&session, &e),
    }
}

fn lot_page(
    session: &Session,
    draft: &Aggregate,
    lot: &Lot,
    values: &LotValues,
    errors: &FormErrors,
) -> Markup {
    let id = &draft.procurement.id;
    let area_error = errors.of("lot_area");
    let heading = format!("Endre delkontrakten «{}»", lot.title);
    app_page(
        &heading,
        Some(session),
        html! {
            (back(id))
            h1 { (heading) }
            (errors.summary())
            form method="post" action=(format!("/app/procurements/{id}/lots/{}", lot.id)) novalidate {
                (csrf::hidden(&session.csrf_token))
                (field("text", "lot_title", "Navn på delkontrakten", &values.title, None, errors))
                (field("text", "lot_cpv", "CPV-kode", &values.cpv, Some("Åtte siffer, bindestrek og kontrollsiffer, for eksempel 55524000-9."), errors))
                div.row {
                    (field("text", "lot_unit", "Enhet", &values.unit, Some("Det kommunene bestiller i, for eksempel «porsjon»."), errors))
                    (field("text", "lot_price", "Anslått pris per enhet i kroner, ekskl. mva.", &values.price, Some("For eksempel 45 eller 45,50."), errors))
                }
                fieldset aria-describedby=[area_error.map(|_| "lot_area-feil")] {
                    legend { "Kommunene delkontrakten gjelder" }
                    @if let Some(e) = area_error { span.field-error id="lot_area-feil" { "Feil: " (e) } }
                    @for (n, number) in draft.invited().iter().enumerate() {
                        label {
                            input type="checkbox" name="lot_area" value=(number) checked[values.area.contains(number)]
                                id=[(n == 0).then_some("lot_area")];
                            " " (municipality_name(number))
                        }
                    }
                }
                p { button type="submit" { "Lagre delkontrakten" } }
            }
            h2 { "Fjerne delkontrakten" }
            form method="post" action=(format!("/app/procurements/{id}/lots/{}/remove", lot.id)) {
                (csrf::hidden(&session.csrf_token))
                p { button.secondary type="submit" { "Fjern «" (lot.title) "» fra utkastet" } }
            }
        },
    )
}

pub async fn remove_lot(
    state: State,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, lot_id) = path.into_inner();
    step(
        &state,
        posted,
        id,
        "delkontrakt-fjernet",
        move |c, id, who, actor, now| lifecycle::remove_lot(c, id, &lot_id, who, actor, now),
    )
    .await
}

// ---- a suggested split ----

/// The groups as the analysis suggested them: one `group` field per
/// sub-lot, its municipality numbers separated by spaces.
pub async fn split(
    state: State,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, lot_id) = path.into_inner();
    let groups: Result<Vec<Vec<ParticipantNumber>>, _> = posted
        .fields
        .all("group")
        .iter()
        .map(|g| g.split_whitespace().map(ParticipantNumber::parse).collect())
        .collect();
    let groups = match groups {
        Ok(g) => g,
        Err(e) => {
            let e = AppError::from(e);
            return message(
                e.status(),
                &posted.session,
                "Forslaget kunne ikke brukes",
                &explain(e.code),
            );
        }
    };
    step(&state, posted, id, "delt", move |c, id, who, actor, now| {
        lifecycle::split(c, id, &lot_id, &groups, who, actor, now).map(|_| ())
    })
    .await
}

// ---- the compliance checklist ----

fn check_words(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Ok => "Oppfylt",
        CheckStatus::Missing => "Mangler",
        CheckStatus::Justified => "Begrunnet",
        CheckStatus::NotApplicable => "Gjelder ikke",
    }
}

/// A justification refused, with what was typed.
#[derive(Default)]
struct Typed {
    check: String,
    text: String,
    errors: FormErrors,
}

pub async fn compliance_page(
    state: State,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    render_compliance(&state, &session, &id, StatusCode::OK, Typed::default()).await
}

async fn render_compliance(
    state: &State,
    session: &Session,
    id: &str,
    status: StatusCode,
    typed: Typed,
) -> HttpResponse {
    let aggregate = match coordinated(state, session, id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let config = state.config.clone();
    let now = state.clock.now();
    let p = aggregate.procurement.clone();
    let report = state
        .db
        .read(move |c| {
            compliance::report(
                c,
                &aggregate,
                &config.thresholds,
                &config.clauses,
                Lang::Nb,
                now,
            )
        })
        .await;
    let report = match report {
        Ok(r) => r,
        Err(e) if e.status().is_client_error() => {
            return message(e.status(), session, "Sjekklisten", &explain(e.code))
        }
        Err(e) => return failed(session, &e),
    };
    let open_for_justification = matches!(
        p.status,
        ProcurementStatus::Draft | ProcurementStatus::Open | ProcurementStatus::Closed
    );
    let missing = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Missing)
        .count();
    let heading = "Sjekkliste for seriøsitetskrav";
    answer(
        status,
        app_page(
            heading,
            Some(session),
            html! {
                (back(id))
                h1 { (heading) ": " (p.title) }
                p { "Hvert krav er vurdert ut fra anskaffelsens verdi, kontraktstype, CPV-kode og varighet. "
                    "Et krav som er påkrevd, men ikke valgt, må begrunnes før anskaffelsen kan kunngjøres." }
                @if missing == 0 {
                    p role="status" { strong { "Ingen krav mangler." } }
                } @else {
                    p role="status" { strong { (missing) " krav mangler valg eller begrunnelse." } }
                }
                (typed.errors.summary())
                @for check in &report.checks {
                    (check_section(session, id, check, &report.justifications, open_for_justification, &typed))
                }
                @if p.status == ProcurementStatus::Closed {
                    form method="post" action=(format!("/app/procurements/{id}/publish")) {
                        (csrf::hidden(&session.csrf_token))
                        button type="submit" { "Kunngjør anskaffelsen" }
                    }
                }
            },
        ),
    )
}

fn check_section(
    session: &Session,
    id: &str,
    check: &Check,
    justifications: &[Justification],
    open: bool,
    typed: &Typed,
) -> Markup {
    let f = &check.figures;
    let field_id = format!("text-{}", check.check);
    let mine = typed.check == check.check;
    let justification = justifications.iter().find(|j| j.check_code == check.check);
    html! {
        section.check aria-labelledby=(format!("krav-{}", check.check)) {
            h2 id=(format!("krav-{}", check.check)) { (check.title) ": " (check_words(check.status)) }
            p { (check.reason) }
            dl {
                dt { "Påkrevd" } dd { (words::yes_no(check.mandatory)) }
                dt { "Valgt" } dd { (words::yes_no(check.chosen)) }
                dt { "Verdi" } dd { (words::amount(f.value_ore)) }
                @if let Some(t) = f.threshold_ore { dt { "Terskel" } dd { (words::amount(t)) @if let Some(row) = &f.threshold { " (" (row) ")" } } }
                @if let Some(cpv) = &f.cpv { dt { "CPV" } dd { (cpv) } }
                dt { "Kontraktsperiode" } dd { (f.contract_start.format("%d.%m.%Y").to_string()) "–" (f.contract_end.format("%d.%m.%Y").to_string()) }
                @if let Some(d) = f.must_end_after { dt { "Kravet gjelder kontrakter som varer til etter" } dd { (d.format("%d.%m.%Y").to_string()) } }
                @if let Some(c) = &check.climate {
                    dt { "Vekt på klima og miljø" } dd { @match c.weight_percent { Some(w) => { (w) " %" }, None => "ikke satt" } " (minst " (c.min_weight_percent) " %)" }
                }
                @if !check.legal_basis.is_empty() { dt { "Hjemmel" } dd { (check.legal_basis) } }
            }
            @if let Some(j) = justification {
                p { "Begrunnelse: " (j.text) }
            }
            @if open && check.status == CheckStatus::Missing {
                form method="post" action=(format!("/app/procurements/{id}/compliance")) novalidate {
                    (csrf::hidden(&session.csrf_token))
                    input type="hidden" name="check" value=(check.check);
                    (text_area(&field_id, "text", &format!("Begrunnelse for å ikke stille kravet «{}»", check.title),
                        if mine { &typed.text } else { "" },
                        Some("Hvorfor kravet ikke stilles i denne anskaffelsen (høyst 4000 tegn). Begrunnelsen lagres i sporingsloggen."),
                        if mine { typed.errors.of(&field_id) } else { None }))
                    p { button type="submit" { "Lagre begrunnelsen" } }
                }
            }
        }
    }
}

pub async fn justify(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, fields } = posted;
    let id = id.into_inner();
    let check = fields.get("check").to_string();
    let text = fields.get("text").to_string();
    let config = state.config.clone();
    let (target, c2, t2) = (id.clone(), check.clone(), text.clone());
    let outcome = super::write_as(&state, &session.person, move |c, who, actor, now| {
        compliance::justify(c, &target, &c2, &t2, &config.clauses, who, actor, now)
    })
    .await;
    match outcome {
        Ok(_) => see_other(&format!("/app/procurements/{id}/compliance")),
        Err(e) if e.status().is_client_error() => {
            let field_id = format!("text-{check}");
            let mut errors = FormErrors::default();
            errors.add(&field_id, justification_words(e.code));
            let typed = Typed {
                check,
                text,
                errors,
            };
            render_compliance(&state, &session, &id, e.status(), typed).await
        }
        Err(e) => failed(&session, &e),
    }
}

fn justification_words(code: ErrorCode) -> String {
    match code {
        ErrorCode::InvalidJustification => {
            "Skriv en begrunnelse (høyst 4000 tegn, uten kontrolltegn).".to_string()
        }
        ErrorCode::InvalidState => {
            "Anskaffelsen er kunngjort; sjekklisten kan ikke endres lenger.".to_string()
        }
        other => explain(other),
    }
}

// ---- the award ----

pub async fn award_form(state: State, session: Session, id: web::Path<String>) -> HttpResponse {
    match coordinated(&state, &session, &id).await {
        Ok(a) => answer(
            StatusCode::OK,
            award_page(&session, &a, &[], &FormErrors::default()),
        ),
        Err(page) => page,
    }
}

fn supplier_field(lot_id: &str) -> String {
    format!("supplier-{lot_id}")
}

pub async fn award(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, fields } = posted;
    let id = id.into_inner();
    let aggregate = match coordinated(&state, &session, &id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let typed: Vec<(String, String)> = aggregate
        .lots
        .iter()
        .map(|l| {
            let f = supplier_field(&l.id);
            let v = fields.get(&f).split_whitespace().collect::<String>();
            (f, v)
        })
        .collect();
    let wanted: Vec<(String, String, String)> = aggregate
        .lots
        .iter()
        .zip(&typed)
        .filter(|(_, (_, v))| !v.is_empty())
        .map(|(l, (f, v))| (l.id.clone(), f.clone(), v.clone()))
        .collect();
    let mut errors = FormErrors::default();
    let first = typed.first().map(|(f, _)| f.clone()).unwrap_or_default();
    if wanted.is_empty() {
        errors.add(
            &first,
            "Skriv organisasjonsnummeret til leverandøren for minst én delkontrakt.",
        );
    }
    let lookup = wanted.clone();
    let found = state
        .db
        .read(move |c| {
            lookup
                .iter()
                .map(|(_, _, org)| suppliers::find_by_org_number(c, org).map_err(AppError::from))
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await;
    let found = match found {
        Ok(f) => f,
        Err(e) => return failed(&session, &e),
    };
    let mut lines = Vec::new();
    for ((lot_id, f, _), supplier) in wanted.iter().zip(found) {
        match supplier {
            Some(s) => lines.push(AwardLine {
                lot_id: lot_id.clone(),
                supplier_id: s.id,
            }),
            None => errors.add(
                f,
                "Fant ingen leverandør med dette organisasjonsnummeret i leverandørregisteret.",
            ),
        }
    }
    if !errors.is_empty() {
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            award_page(&session, &aggregate, &typed, &errors),
        );
    }
    let config = state.config.clone();
    let target = id.clone();
    let outcome = super::write_as(&state, &session.person, move |c, who, actor, now| {
        follow_up::award(c, &target, &lines, &config.clauses, who, actor, now)
    })
    .await;
    match outcome {
        Ok(_) => see_other(&format!("/app/procurements/{id}/follow-up?ok=tildelt")),
        Err(e) if e.status().is_client_error() => {
            errors.add(&first, explain(e.code));
            answer(
                e.status(),
                award_page(&session, &aggregate, &typed, &errors),
            )
        }
        Err(e) => failed(&session, &e),
    }
}

fn award_page(
    session: &Session,
    a: &Aggregate,
    typed: &[(String, String)],
    errors: &FormErrors,
) -> Markup {
    let p = &a.procurement;
    let heading = "Tildel kontraktene";
    let typed_of = |f: &str| {
        typed
            .iter()
            .find(|(n, _)| n == f)
            .map_or("", |(_, v)| v.as_str())
    };
    app_page(
        heading,
        Some(session),
        html! {
            (back(&p.id))
            h1 { (heading) ": " (p.title) }
            @if p.status != ProcurementStatus::Published {
                p { (explain(ErrorCode::InvalidState)) " Bare en kunngjort anskaffelse kan tildeles." }
            } @else {
                p { "Skriv organisasjonsnummeret til leverandøren som vant hver delkontrakt. "
                    "En delkontrakt du lar stå tom, blir ikke tildelt og får ingen oppfølging. "
                    "Oppfølgingsplanen lages ut fra seriøsitetskravene som er valgt." }
                (errors.summary())
                form method="post" action=(format!("/app/procurements/{}/award", p.id)) novalidate {
                    (csrf::hidden(&session.csrf_token))
                    @for lot in &a.lots {
                        @let f = supplier_field(&lot.id);
                        (field("text", &f, &format!("Leverandøren som vant «{}»", lot.title), typed_of(&f),
                            Some("Organisasjonsnummeret, ni siffer."), errors))
                    }
                    p { button type="submit" { "Tildel" } }
                }
            }
        },
    )
}

// ---- the follow-up checkpoints ----

fn state_words(state: CheckpointState) -> &'static str {
    match state {
        CheckpointState::Upcoming => "Kommer",
        CheckpointState::Due => "Skal gjøres nå",
        CheckpointState::Overdue => "Forfalt",
        CheckpointState::Done => "Utført",
        CheckpointState::Deviation => "Avvik",
    }
}

/// A result refused, with what was typed.
#[derive(Default)]
struct TypedResult {
    checkpoint: String,
    result: String,
    note: String,
    errors: FormErrors,
}

#[derive(serde::Deserialize)]
pub struct FollowUpQuery {
    #[serde(default)]
    ok: Option<String>,
}

pub async fn follow_up_page(
    state: State,
    session: Session,
    id: web::Path<String>,
    query: Result<web::Query<FollowUpQuery>, actix_web::Error>,
) -> HttpResponse {
    let awarded = query
        .ok()
        .and_then(|q| q.into_inner().ok)
        .is_some_and(|ok| ok == "tildelt");
    render_follow_up(
        &state,
        &session,
        &id,
        StatusCode::OK,
        TypedResult::default(),
        awarded,
    )
    .await
}

async fn render_follow_up(
    state: &State,
    session: &Session,
    id: &str,
    status: StatusCode,
    typed: TypedResult,
    awarded: bool,
) -> HttpResponse {
    let aggregate = match coordinated(state, session, id).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let load = id.to_string();
    let loaded = state
        .db
        .read(move |c| {
            let awards = db_compliance::awards(c, &load)?;
            let checkpoints = db_compliance::checkpoints(c, &load)?;
            let mut names = Vec::new();
            for a in &awards {
                let name = suppliers::find(c, &a.supplier_id)?
                    .map_or_else(|| a.supplier_id.clone(), |s| s.name);
                names.push((a.supplier_id.clone(), name));
            }
            Ok::<_, AppError>((awards, checkpoints, names))
        })
        .await;
    let (awards, checkpoints, names) = match loaded {
        Ok(l) => l,
        Err(e) => return failed(session, &e),
    };
    let today = oslo_date(state.clock.now());
    let rules = state.config.clauses.follow_up;
    let lot_title = |lot_id: &str| {
        aggregate
            .lots
            .iter()
            .find(|l| l.id == lot_id)
            .map_or_else(|| lot_id.to_string(), |l| l.title.clone())
    };
    let supplier = |sid: &str| {
        names
            .iter()
            .find(|(i, _)| i == sid)
            .map_or_else(|| sid.to_string(), |(_, n)| n.clone())
    };
    let heading = "Oppfølging av kontraktene";
    let open = aggregate.procurement.status == ProcurementStatus::Awarded;
    answer(
        status,
        app_page(
            heading,
            Some(session),
            html! {
                (back(id))
                h1 { (heading) ": " (aggregate.procurement.title) }
                @if awarded { p.ok role="status" { "Kontraktene er tildelt, og oppfølgingsplanen er laget." } }
                (awards_table(&awards, &lot_title, &supplier))
                (typed.errors.summary())
                h2 { "Kontrollpunkter" }
                @if checkpoints.is_empty() {
                    p.muted { "Ingen kontrollpunkter." }
                }
                @for c in &checkpoints {
                    (checkpoint_section(session, id, c, checkpoint_state(c.due_on, c.result, today, rules),
                        (&lot_title(&c.lot_id), &supplier(&c.supplier_id)), open, &typed))
                }
            },
        ),
    )
}

fn awards_table(
    awards: &[Award],
    lot_title: &dyn Fn(&str) -> String,
    supplier: &dyn Fn(&str) -> String,
) -> Markup {
    html! {
        h2 { "Tildelt" }
        @if awards.is_empty() {
            p.muted { "Ingen kontrakter er tildelt ennå." }
        } @else {
            table.list {
                thead { tr { th scope="col" { "Delkontrakt" } th scope="col" { "Leverandør" } } }
                tbody {
                    @for a in awards {
                        tr { td { (lot_title(&a.lot_id)) } td { (supplier(&a.supplier_id)) } }
                    }
                }
            }
        }
    }
}

fn checkpoint_section(
    session: &Session,
    id: &str,
    c: &Checkpoint,
    state: CheckpointState,
    (lot, supplier): (&str, &str),
    open: bool,
    typed: &TypedResult,
) -> Markup {
    let mine = typed.checkpoint == c.id;
    let note_id = format!("note-{}", c.id);
    let result_id = format!("result-{}", c.id);
    let chosen = if mine { typed.result.as_str() } else { "done" };
    html! {
        section aria-labelledby=(format!("kp-{}", c.id)) {
            h3 id=(format!("kp-{}", c.id)) { (c.title) ": " (state_words(state)) }
            p { (lot) ", " (supplier) ". Frist " (c.due_on.format("%d.%m.%Y").to_string()) "." }
            p { (c.description) }
            @if let Some(n) = &c.note { p { "Merknad: " (n) } }
            @if open {
                form method="post" action=(format!("/app/procurements/{id}/follow-up/{}", c.id)) novalidate {
                    (csrf::hidden(&session.csrf_token))
                    fieldset id=(result_id) {
                        legend { "Resultat av kontrollen «" (c.title) "»" }
                        label { input type="radio" name="result" value="done" checked[chosen == "done"]; " Utført uten avvik" }
                        " "
                        label { input type="radio" name="result" value="deviation" checked[chosen == "deviation"]; " Avvik" }
                    }
                    (text_area(&note_id, "note", "Merknad", if mine { &typed.note } else { "" },
                        Some("Påkrevd ved avvik: hva som var galt."),
                        if mine { typed.errors.of(&note_id) } else { None }))
                    p { button type="submit" { "Registrer resultatet" } }
                }
            }
        }
    }
}

pub async fn record(
    state: State,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let Posted { session, fields } = posted;
    let (id, checkpoint_id) = path.into_inner();
    let result_text = fields.get("result").to_string();
    let note = fields.get("note").to_string();
    let refused = |code: ErrorCode, field: &str| TypedResult {
        checkpoint: checkpoint_id.clone(),
        result: result_text.clone(),
        note: note.clone(),
        errors: {
            let mut e = FormErrors::default();
            e.add(field, result_words(code));
            e
        },
    };
    let Ok(result) = result_text.parse::<CheckpointResult>() else {
        let typed = refused(ErrorCode::InvalidResult, &format!("result-{checkpoint_id}"));
        return render_follow_up(
            &state,
            &session,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            typed,
            false,
        )
        .await;
    };
    let (target, cp, n2) = (id.clone(), checkpoint_id.clone(), note.clone());
    let outcome = super::write_as(&state, &session.person, move |c, who, actor, now| {
        let note = (!n2.trim().is_empty()).then_some(n2.as_str());
        follow_up::record(c, &target, &cp, result, note, who, actor, now)
    })
    .await;
    match outcome {
        Ok(_) => see_other(&format!("/app/procurements/{id}/follow-up")),
        Err(e) if e.status().is_client_error() => {
            let typed = refused(e.code, &format!("note-{checkpoint_id}"));
            render_follow_up(&state, &session, &id, e.status(), typed, false).await
        }
        Err(e) => failed(&session, &e),
    }
}

fn result_words(code: ErrorCode) -> String {
    match code {
        ErrorCode::NoteRequired => "Skriv hva som var galt når kontrollen fant avvik.".to_string(),
        ErrorCode::InvalidNote => "Merknaden kan ha høyst 4000 tegn.".to_string(),
        ErrorCode::InvalidResult => "Velg «Utført uten avvik» eller «Avvik».".to_string(),
        other => explain(other),
    }
}

// ---- downloads ----

/// The volume table of `GET /api/v1/procurements/{id}/volumes.csv`, for the
/// session's person: the API takes only bearer tokens.
pub async fn volumes_csv(state: State, session: Session, id: web::Path<String>) -> HttpResponse {
    let load = id.into_inner();
    let found = state
        .db
        .read(move |c| db_procurements::load(c, &load))
        .await;
    let aggregate = match found {
        Ok(Some(a)) => a,
        Ok(None) => return not_found(&session),
        Err(e) => return failed(&session, &AppError::from(e)),
    };
    if !lifecycle::standing_of(&aggregate, session.person.who()).may_read() {
        return not_found(&session);
    }
    match crate::read::volumes::volume_table(&aggregate) {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"volumer-{}.csv\"",
                    aggregate.procurement.id
                ),
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) if e.status().is_client_error() => {
            message(e.status(), &session, "Volumtabellen", &explain(e.code))
        }
        Err(e) => failed(&session, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::kroner_text;

    #[test]
    fn a_price_is_shown_as_it_would_be_typed() {
        assert_eq!(kroner_text(4500), "45");
        assert_eq!(kroner_text(4550), "45,50");
        assert_eq!(kroner_text(5), "0,05");
    }
}
