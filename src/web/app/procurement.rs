//! `GET /app/procurements/{id}`: a procurement as its coordinator follows
//! it: the facts, the lots, who has answered, the summary (combined volumes
//! per lot, the regime with its parts and notice, the quorum) from
//! `read::summary`, the analysis's flags in plain language from
//! `read::analysis`, and the next steps as buttons (open, close, publish),
//! each a form posted to the flow the API calls for it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::{answer, app_page, explain, failed, field, not_found, status_words, FormErrors};
use crate::auth::Keys;
use crate::db::procurements::{self, Aggregate};
use crate::db::AnyConnection;
use crate::domain::access::{Standing, Who};
use crate::domain::analysis::{Analysis, Severity};
use crate::domain::calendar::oslo_display;
use crate::domain::contract::ProcurementStatus;
use crate::domain::summary::{Basis, Summary};
use crate::domain::thresholds::Notice;
use crate::domain::{Lang, Ore};
use crate::error::{AppError, AppResult};
use crate::flows::invitations::{leader_name, municipality_name, Links};
use crate::flows::lifecycle::{self, standing_of};
use crate::letters::words;
use crate::read::summary::summary_json;
use crate::state::State;
use crate::web::csrf;
use crate::web::session::{see_other, Posted, Session};

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    /// What was just done, to say so (see `done_words`).
    #[serde(default)]
    ok: Option<String>,
}

/// What the add-lot form holds when shown again after a refusal.
#[derive(Debug, Default, Clone)]
pub struct LotValues {
    pub title: String,
    pub cpv: String,
    pub unit: String,
    pub price: String,
    /// Municipality numbers ticked; none ticked shows all ticked.
    pub area: Vec<String>,
}

/// What the page shows besides the procurement itself.
#[derive(Default)]
pub struct Extras {
    pub done: Option<String>,
    /// A step refused, in words.
    pub step_error: Option<String>,
    pub lot: LotValues,
    pub lot_errors: FormErrors,
}

pub async fn show(
    state: State,
    session: Session,
    id: web::Path<String>,
    query: Result<web::Query<ShowQuery>, actix_web::Error>,
) -> HttpResponse {
    let extras = Extras {
        done: query.ok().and_then(|q| q.into_inner().ok),
        ..Extras::default()
    };
    render(&state, &session, &id, StatusCode::OK, extras).await
}

/// The page with `extras`, answered with `status`.
pub async fn render(
    state: &State,
    session: &Session,
    id: &str,
    status: StatusCode,
    extras: Extras,
) -> HttpResponse {
    let load = id.to_string();
    let loaded = state
        .db
        .read(move |c| {
            let Some(aggregate) = procurements::load(c, &load)? else {
                return Ok(None);
            };
            let leader = leader_name(c, &aggregate.procurement)?;
            Ok::<_, AppError>(Some((aggregate, leader)))
        })
        .await;
    let (aggregate, leader) = match loaded {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(session),
        Err(e) => return failed(session, &e),
    };
    let standing = standing_of(&aggregate, session.person.who());
    if !standing.may_read() {
        return not_found(session);
    }
    let now = state.clock.now();
    let p = &aggregate.procurement;
    let summary = summary_json(state, &p.id, p.event_seq, now, None, Lang::Nb)
        .await
        .and_then(|body| {
            serde_json::from_slice::<Summary>(&body.1.plain).map_err(AppError::internal)
        });
    let analysis = if matches!(
        p.status,
        ProcurementStatus::Open | ProcurementStatus::Closed | ProcurementStatus::Published
    ) {
        crate::read::analysis::analysis(state, &aggregate, Lang::Nb)
            .await
            .ok()
    } else {
        None
    };
    let view = View {
        aggregate: &aggregate,
        leader: &leader,
        standing,
        summary: summary.as_ref().map_err(|e| e.code),
        analysis: analysis.as_ref(),
        now,
    };
    answer(status, procurement_page(session, &view, &extras))
}

struct View<'a> {
    aggregate: &'a Aggregate,
    leader: &'a str,
    standing: Standing,
    summary: Result<&'a Summary, crate::domain::ErrorCode>,
    analysis: Option<&'a Analysis>,
    now: DateTime<Utc>,
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "opprettet" => {
            "Utkastet er lagret. Legg til delkontraktene, og åpne for påmelding når alt er klart."
        }
        "endret" => "Endringene er lagret.",
        "delkontrakt" => "Delkontrakten er lagt til.",
        "delkontrakt-endret" => "Delkontrakten er endret.",
        "delkontrakt-fjernet" => "Delkontrakten er fjernet.",
        "delt" => "Delkontrakten er delt opp etter forslaget. Volumene følger kommunene.",
        "apnet" => "Anskaffelsen er åpnet for påmelding, og kommunene er invitert på e-post.",
        "stengt" => "Påmeldingen er stengt.",
        "kunngjort" => "Anskaffelsen er kunngjort, og deltakerlisten er låst.",
        _ => return None,
    })
}

fn procurement_page(session: &Session, v: &View<'_>, extras: &Extras) -> Markup {
    let p = &v.aggregate.procurement;
    let coordinator = v.standing == Standing::Coordinator;
    app_page(
        &p.title,
        Some(session),
        html! {
            p { a href="/app/" { "← Oversikten" } }
            h1 { (p.title) }
            @if let Some(text) = extras.done.as_deref().and_then(done_words) {
                p.ok role="status" { (text) }
            }
            @if let Some(e) = &extras.step_error {
                div.error-summary role="alert" {
                    h2 { "Det ble ikke gjort" }
                    p { (e) }
                }
            }
            (facts(v))
            @if coordinator { (actions(session, v)) }
            (lots(session, v, extras, coordinator))
            (answers(v))
            (summary(v))
            @if let Some(a) = v.analysis { (analysis(session, v, a, coordinator)) }
            @if coordinator { (further(v)) }
        },
    )
}

fn facts(v: &View<'_>) -> Markup {
    let p = &v.aggregate.procurement;
    html! {
        table.facts {
            caption.muted { "Fakta om anskaffelsen" }
            tr { th scope="row" { "Status" } td { strong { (status_words(p.status)) } } }
            tr { th scope="row" { "Ledes av" } td { (v.leader) } }
            tr { th scope="row" { "Svarfrist" } td { (oslo_display(p.deadline())) @if p.deadline() <= v.now && p.status == ProcurementStatus::Open { " (passert)" } } }
            tr { th scope="row" { "Kontraktstype" } td { (words::contract_type(p.contract_type)) } }
            tr { th scope="row" { "CPV" } td { (p.cpv) } }
            tr { th scope="row" { "Avtaleperiode" } td {
                @if p.no_fixed_term { "Uten fast varighet (verdien regnes som 48 måneder)" }
                @else { (words::period(p.duration_months, p.option_months, &p.contract_start.format("%d.%m.%Y").to_string())) }
            } }
            tr { th scope="row" { "Rammeavtale" } td { (words::yes_no(p.framework_agreement)) } }
            @if let Some(n) = &p.case_number { tr { th scope="row" { "Saksnummer" } td { (n) } } }
            @if !p.description.is_empty() { tr { th scope="row" { "Beskrivelse" } td { (p.description) } } }
        }
    }
}

fn actions(session: &Session, v: &View<'_>) -> Markup {
    let p = &v.aggregate.procurement;
    let button = |path: &str, label: &str| {
        html! {
            form method="post" action=(format!("/app/procurements/{}/{path}", p.id)) {
                (csrf::hidden(&session.csrf_token))
                button type="submit" { (label) }
            }
        }
    };
    html! {
        h2 { "Neste steg" }
        div.actions {
            @match p.status {
                ProcurementStatus::Draft => {
                    p { a href=(format!("/app/procurements/{}/edit", p.id)) { "Endre utkastet og hvilke kommuner som inviteres" } }
                    (button("open", "Åpne for påmelding og send invitasjonene"))
                }
                ProcurementStatus::Open => {
                    (button("close", "Steng påmeldingen"))
                }
                ProcurementStatus::Closed => {
                    (button("publish", "Kunngjør anskaffelsen"))
                }
                _ => { p.muted { "Ingen steg gjenstår på disse sidene." } }
            }
        }
    }
}

fn lots(session: &Session, v: &View<'_>, extras: &Extras, coordinator: bool) -> Markup {
    let a = v.aggregate;
    let draft = a.procurement.status == ProcurementStatus::Draft;
    html! {
        h2 { "Delkontrakter" }
        @if a.lots.is_empty() {
            p.muted { "Ingen delkontrakter ennå." }
        } @else {
            table.list {
                thead { tr {
                    th scope="col" { "Delkontrakt" } th scope="col" { "CPV" } th scope="col" { "Enhet" }
                    th scope="col" { "Anslått pris per enhet" } th scope="col" { "Kommuner" }
                    @if coordinator && draft { th scope="col" { "Endre eller fjerne" } }
                } }
                tbody {
                    @for lot in &a.lots {
                        tr {
                            td { (lot.title) } td { (lot.cpv) } td { (lot.unit) }
                            td.num { (words::amount(Ore::new(lot.unit_price_ore))) }
                            td { (names(&lot.area)) }
                            @if coordinator && draft {
                                td { div.actions {
                                    a href=(format!("/app/procurements/{}/lots/{}", a.procurement.id, lot.id)) { "Endre «" (lot.title) "»" }
                                    form method="post" action=(format!("/app/procurements/{}/lots/{}/remove", a.procurement.id, lot.id)) {
                                        (csrf::hidden(&session.csrf_token))
                                        button.secondary type="submit" { "Fjern «" (lot.title) "»" }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
        @if coordinator && draft { (lot_form(session, v, extras)) }
    }
}

fn names(numbers: &[String]) -> String {
    numbers
        .iter()
        .map(|n| municipality_name(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lot_form(session: &Session, v: &View<'_>, extras: &Extras) -> Markup {
    let a = v.aggregate;
    let (values, errors) = (&extras.lot, &extras.lot_errors);
    let invited = a.invited();
    let area_error = errors.of("lot_area");
    html! {
        h3 { "Legg til en delkontrakt" }
        (errors.summary())
        form method="post" action=(format!("/app/procurements/{}/lots", a.procurement.id)) novalidate {
            (csrf::hidden(&session.csrf_token))
            (field("text", "lot_title", "Navn på delkontrakten", &values.title, Some("For eksempel «Skolemat Bergen»."), errors))
            (field("text", "lot_cpv", "CPV-kode", &values.cpv, Some("Åtte siffer, bindestrek og kontrollsiffer, for eksempel 55524000-9."), errors))
            div.row {
                (field("text", "lot_unit", "Enhet", &values.unit, Some("Det kommunene bestiller i, for eksempel «porsjon»."), errors))
                (field("text", "lot_price", "Anslått pris per enhet i kroner, ekskl. mva.", &values.price, Some("For eksempel 45 eller 45,50."), errors))
            }
            fieldset aria-describedby=[area_error.map(|_| "lot_area-feil")] {
                legend { "Kommunene delkontrakten gjelder" }
                @if let Some(e) = area_error { span.field-error id="lot_area-feil" { "Feil: " (e) } }
                @for (n, number) in invited.iter().enumerate() {
                    @let ticked = values.area.is_empty() || values.area.contains(number);
                    label {
                        input type="checkbox" name="lot_area" value=(number) checked[ticked]
                            id=[(n == 0).then_some("lot_area")];
                        " " (municipality_name(number))
                    }
                }
            }
            p { button type="submit" { "Legg til delkontrakten" } }
        }
    }
}

fn answers(v: &View<'_>) -> Markup {
    let a = v.aggregate;
    html! {
        h2 { "Inviterte kommuner og svarene deres" }
        @if a.participations.is_empty() {
            p.muted { "Ingen kommuner er invitert." }
        } @else {
            table.list {
                thead { tr { th scope="col" { "Kommune" } th scope="col" { "Svar" } } }
                tbody {
                    @for part in &a.participations {
                        tr { td { (municipality_name(&part.municipality)) } td { (words::decision(part.decision)) } }
                    }
                }
            }
        }
    }
}

fn notice_words(n: Notice) -> &'static str {
    match n {
        Notice::None => "ingen kunngjøringsplikt",
        Notice::Doffin => "kunngjøres i Doffin",
        Notice::DoffinAndTed => "kunngjøres i Doffin og TED",
    }
}

fn summary(v: &View<'_>) -> Markup {
    let s = match v.summary {
        Ok(s) => s,
        Err(code) => return html! { h2 { "Sammendrag" } p { (explain(code)) } },
    };
    let q = &s.quorum;
    let r = &s.regime;
    let parts: Vec<&str> = r.parts.iter().map(|p| p.code()).collect();
    html! {
        h2 { "Sammendrag" }
        p { (s.participants.joined) " av " (s.participants.invited) " inviterte kommuner deltar, "
            (s.participants.declined) " deltar ikke, og "
            (s.participants.pending + s.participants.no_response) " har ikke svart." }
        h3 { "Samlede volumer per delkontrakt" }
        table.list {
            caption.muted { "Alle beløp ekskl. mva. Verdien for avtaleperioden tar med opsjonene." }
            thead { tr {
                th scope="col" { "Delkontrakt" } th scope="col" { "Deltakere" }
                th scope="col" { "Antall per år" } th scope="col" { "Maks per år" }
                th scope="col" { "Verdi per år" } th scope="col" { "Verdi for perioden" } th scope="col" { "Maks verdi" }
            } }
            tbody {
                @for l in &s.lots {
                    tr {
                        td { (l.title) } td.num { (l.participants) }
                        td.num { (words::number(l.annual_quantity)) " " (l.unit) }
                        td.num { (words::number(l.max_annual_quantity)) " " (l.unit) }
                        td.num { (words::amount(l.annual_value_ore)) }
                        td.num { (words::amount(l.contract_value_ore)) }
                        td.num { (words::amount(l.max_contract_value_ore)) }
                    }
                }
            }
        }
        p { "Samlet anslått verdi: " strong { (words::amount(s.total_contract_value_ore)) } " Høyst: " (words::amount(s.total_max_contract_value_ore)) }
        h3 { "Regelverk" }
        p { "Anskaffelsen er " strong { (words::regime(r.regime, r.special_services)) } ", og " (notice_words(r.notice)) "." }
        p { "Verdien som avgjør, " @match r.basis { Basis::Maximum => "den høyeste", Basis::Estimate => "den anslåtte" }
            ": " (words::amount(r.value_ore)) " Terskelverdiene gjelder fra " (r.thresholds_valid_from.format("%d.%m.%Y").to_string())
            " (nasjonal " (words::amount(r.national_threshold_ore)) ", EØS " (words::amount(r.eea_threshold_ore)) ")."
            @if !parts.is_empty() { " Anskaffelsesforskriften del " (parts.join(", ")) " gjelder." } }
        @if !r.warnings.is_empty() {
            ul { @for w in &r.warnings { li.flag { (w.message) } } }
        }
        h3 { "Krav til deltakelse" }
        @if q.min_participants.is_none() && q.min_population_share_percent.is_none() {
            p { "Anskaffelsen har ikke satt noe krav til deltakelse." }
        } @else {
            p {
                @if q.met { strong { "Kravet er oppfylt." } } @else { strong { "Kravet er ikke oppfylt ennå." } }
                @if let Some(n) = q.min_participants { " Minst " (n) " kommuner må delta." }
                @if let Some(n) = q.min_population_share_percent { " Kommunene som deltar må ha minst " (n) " prosent av innbyggerne i de inviterte kommunene." }
            }
        }
        @if let Some(share) = q.joined_population_share_percent {
            p { "Kommunene som deltar, har " (share) " prosent av innbyggerne i de inviterte kommunene." }
        }
    }
}

fn analysis(session: &Session, v: &View<'_>, a: &Analysis, coordinator: bool) -> Markup {
    let p = &v.aggregate.procurement;
    // A split is made after closing, before publishing (as `POST …/split`).
    let may_split = coordinator && p.status == ProcurementStatus::Closed;
    html! {
        h2 { "Analyse: stenger delkontraktene lokale små og mellomstore bedrifter ute?" }
        @for lot in &a.lots {
            h3 { (lot.title) }
            p { (lot.local_relevant_smes) " lokale små og mellomstore bedrifter i bransjen. "
                (lot.excluded_by_size) " er for små for verdien, "
                (lot.excluded_by_area) " leverer ikke i hele området, og "
                (lot.eligible_local_smes) " kan gi tilbud." }
            @if lot.flags.is_empty() {
                p { "Ingen funn." }
            }
            @for f in &lot.flags {
                p.flag { span.badge { @match f.severity { Severity::High => "Alvorlig: ", Severity::Medium => "Merk: ", Severity::Info => "" } } (f.message) }
            }
            @for n in &lot.notes { p.muted { (n.message) } }
            @if !lot.suggestions.is_empty() {
                p { "Forslag:" }
                ul { @for s in &lot.suggestions { li {
                    (s.message)
                    @if may_split && s.sub_lots.len() > 1 && v.aggregate.lot(&lot.lot_id).is_some() {
                        form method="post" action=(format!("/app/procurements/{}/lots/{}/split", p.id, lot.lot_id)) {
                            (csrf::hidden(&session.csrf_token))
                            @for sub in &s.sub_lots {
                                input type="hidden" name="group" value=(sub.area.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" "));
                            }
                            button type="submit" { "Del opp «" (lot.title) "» slik" }
                        }
                    }
                } } }
            }
        }
    }
}

/// The pages beyond this one: the checklist, the award, the follow-up and
/// the downloads, as far as the procurement has come.
fn further(v: &View<'_>) -> Markup {
    let p = &v.aggregate.procurement;
    let base = format!("/app/procurements/{}", p.id);
    html! {
        h2 { "Sjekkliste, tildeling og nedlastinger" }
        ul {
            @if !matches!(p.status, ProcurementStatus::Cancelled) {
                li { a href=(format!("{base}/compliance")) { "Sjekklisten for seriøsitetskrav" } }
            }
            @if p.status == ProcurementStatus::Published {
                li { a href=(format!("{base}/award")) { "Tildel kontraktene" } }
            }
            @if p.status == ProcurementStatus::Awarded {
                li { a href=(format!("{base}/follow-up")) { "Oppfølgingen av kontraktene" } }
            }
            @if p.status != ProcurementStatus::Draft {
                li { a href=(format!("{base}/volumes.csv")) download { "Last ned volumtabellen (CSV for regneark)" } }
            }
            @if p.published_at.is_some() {
                li { a href=(format!("/api/v1/procurements/{}/ocds", p.id)) { "Åpne data om anskaffelsen (OCDS, JSON)" } }
            }
        }
    }
}

// ---- the steps ----

pub async fn open(
    state: State,
    keys: web::Data<Keys>,
    posted: Posted,
    id: web::Path<String>,
) -> HttpResponse {
    let links = Links {
        keys: keys.get_ref().clone(),
        public_url: state.config.public_url.clone(),
    };
    step(
        &state,
        posted,
        id.into_inner(),
        "apnet",
        move |c, id, who, actor, now| lifecycle::open(c, id, who, actor, &links, now).map(|_| ()),
    )
    .await
}

pub async fn close(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    step(
        &state,
        posted,
        id.into_inner(),
        "stengt",
        |c, id, who, actor, now| lifecycle::close(c, id, Some(who), actor, now),
    )
    .await
}

pub async fn publish(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let config = state.config.clone();
    step(
        &state,
        posted,
        id.into_inner(),
        "kunngjort",
        move |c, id, who, actor, now| {
            let alerts = crate::flows::consultation::Alerts::from_config(&config);
            lifecycle::publish(
                c,
                id,
                who,
                actor,
                &config.thresholds,
                &config.clauses,
                &alerts,
                now,
            )
        },
    )
    .await
}

/// Runs one of the coordinator's steps as the API does (in one transaction,
/// judged by the time it reaches the database), then shows the page again:
/// after a redirect when it was done, at once with the refusal otherwise.
pub(super) async fn step<F>(
    state: &State,
    posted: Posted,
    id: String,
    done: &str,
    f: F,
) -> HttpResponse
where
    F: for<'a> FnOnce(&mut AnyConnection, &str, Who<'a>, &str, DateTime<Utc>) -> AppResult<()>
        + Send
        + 'static,
{
    let session = posted.session;
    let target = id.clone();
    let outcome = super::write_as(state, &session.person, move |c, who, actor, now| {
        f(c, &target, who, actor, now)
    })
    .await;
    match outcome {
        Ok(()) => see_other(&format!("/app/procurements/{id}?ok={done}")),
        Err(e) if e.status().is_client_error() => {
            let extras = Extras {
                step_error: Some(explain(e.code)),
                ..Extras::default()
            };
            render(state, &session, &id, e.status(), extras).await
        }
        Err(e) => failed(&session, &e),
    }
}
