//! The page an invitation link opens. GET and HEAD only show (mail scanners
//! fetch links before people do); the form's POST hands the decision to
//! `flows::vote_link`, which records it under exactly the rules of the API,
//! uses up the link, and hands out a fresh one. A used or retired link
//! (a decision came by another door, or a newer mail replaced it) changes
//! nothing and shows the decision on record.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::{notice, page, respond};
use crate::auth::vote_token::{self, VoteClaims, VoteTokenError};
use crate::auth::Keys;
use crate::db::mandates::{self, Mandate};
use crate::db::procurements::{self, Aggregate, Lot};
use crate::db::vote_links::{self, VoteLink};
use crate::domain::calendar::{oslo_date, oslo_display};
use crate::domain::contract::ProcurementStatus;
use crate::domain::mandate::may_cover;
use crate::domain::summary::{Channel, Decision, VolumeInput};
use crate::domain::{Cpv, ErrorCode, Ore, ParticipantNumber};
use crate::error::AppError;
use crate::flows::invitations::{leader_name, municipality_name, Links};
use crate::flows::participation::{Choice, DecisionRequest, Receipt};
use crate::flows::vote_link::{self, Voted};
use crate::letters::words;
use crate::read::strategy::{own_fit, ParticipantFit};
use crate::state::State;
use crate::web::app::FormErrors;
use crate::web::mandate_form::MandateValues;

/// What the answer form shows: one municipality's invitation. The voting
/// link names the municipality; in the workspace (`app::invitation`) the
/// logged-in municipality user's row does.
pub(crate) struct Context {
    pub(crate) municipality: String,
    pub(crate) aggregate: Aggregate,
    pub(crate) mandates: Vec<Mandate>,
    pub(crate) leader: String,
    /// When the page was asked for, by the application's clock.
    pub(crate) now: DateTime<Utc>,
    /// How the procurement meets the participant's own strategy, if it has one.
    pub(crate) fit: Option<ParticipantFit>,
}

impl Context {
    fn municipality(&self) -> &str {
        &self.municipality
    }

    /// Whether one of the municipality's mandates may cover this
    /// procurement today (`mandate::may_cover`); if none does, it cannot join
    /// before it registers one.
    pub(crate) fn has_covering_mandate(&self) -> bool {
        let today = oslo_date(self.now);
        let Ok(cpv) = Cpv::parse(&self.aggregate.procurement.cpv) else {
            return false;
        };
        self.mandates
            .iter()
            .filter_map(|m| m.terms().ok())
            .any(|t| may_cover(&t, today, &cpv))
    }

    pub(crate) fn lots(&self) -> Vec<&Lot> {
        self.aggregate
            .lots
            .iter()
            .filter(|l| l.area.iter().any(|a| a == self.municipality()))
            .collect()
    }
}

/// What the form shows: the values last submitted, or the decision on record.
#[derive(Default)]
pub(crate) struct FormValues {
    /// Join or decline; anything else the form sends is no answer.
    decision: Option<Decision>,
    mandate_id: String,
    note: String,
    /// lot id → (annual, maximum) as typed
    quantities: HashMap<String, (String, String)>,
}

impl FormValues {
    pub(crate) fn on_record(ctx: &Context) -> FormValues {
        let mut v = FormValues::default();
        if let Some(p) = ctx.aggregate.participation(ctx.municipality()) {
            if matches!(p.decision, Decision::Join | Decision::Decline) {
                v.decision = Some(p.decision);
            }
            v.mandate_id = p.mandate_id.clone().unwrap_or_default();
            v.note = p.note.clone().unwrap_or_default();
        }
        for line in ctx
            .aggregate
            .volumes
            .iter()
            .filter(|l| l.municipality == ctx.municipality())
        {
            let max = line
                .max_annual_quantity
                .map(|m| m.to_string())
                .unwrap_or_default();
            v.quantities
                .insert(line.lot_id.clone(), (line.annual_quantity.to_string(), max));
        }
        v
    }

    pub(crate) fn from_form(fields: &[(String, String)]) -> FormValues {
        let mut v = FormValues::default();
        for (name, value) in fields {
            match name.as_str() {
                "decision" => v.decision = value.parse().ok(),
                "mandate_id" => v.mandate_id = value.clone(),
                "note" => v.note = value.clone(),
                other => {
                    if let Some(lot) = other.strip_prefix("annual_") {
                        v.quantities.entry(lot.to_string()).or_default().0 = value.clone();
                    } else if let Some(lot) = other.strip_prefix("max_") {
                        v.quantities.entry(lot.to_string()).or_default().1 = value.clone();
                    }
                }
            }
        }
        v
    }

    /// The decision as the participation flow takes it; a quantity that is
    /// not a whole number is refused here, with the lot named.
    pub(crate) fn request(&self, lots: &[&Lot]) -> Result<DecisionRequest, String> {
        let note = Some(self.note.clone()).filter(|n| !n.trim().is_empty());
        match self.decision {
            Some(Decision::Decline) => Ok(DecisionRequest {
                choice: Choice::Decline,
                note,
            }),
            Some(Decision::Join) => {
                let mut volumes = Vec::new();
                for lot in lots {
                    let (annual, max) = self.quantities.get(&lot.id).cloned().unwrap_or_default();
                    let (annual, max) =
                        (annual.trim().replace(' ', ""), max.trim().replace(' ', ""));
                    if annual.is_empty() && max.is_empty() {
                        continue;
                    }
                    let number = |s: &str| {
                        s.parse::<i64>().map_err(|_| {
                            format!(
                                "Antallet for «{}» må være et helt tall, ikke «{s}».",
                                lot.title
                            )
                        })
                    };
                    let annual_quantity = if annual.is_empty() {
                        0
                    } else {
                        number(&annual)?
                    };
                    let max_annual_quantity = if max.is_empty() {
                        None
                    } else {
                        Some(number(&max)?)
                    };
                    volumes.push(VolumeInput {
                        lot_id: lot.id.clone(),
                        annual_quantity,
                        max_annual_quantity,
                    });
                }
                let mandate_id = Some(self.mandate_id.clone()).filter(|m| !m.is_empty());
                Ok(DecisionRequest {
                    choice: Choice::Join {
                        mandate_id,
                        volumes,
                    },
                    note,
                })
            }
            _ => Err("Velg om kommunen vil delta eller ikke.".to_string()),
        }
    }
}

fn refused(e: VoteTokenError) -> HttpResponse {
    match e {
        VoteTokenError::Expired => notice(
            StatusCode::GONE,
            "Lenken er utløpt",
            "Svarfristen har gått ut, og lenken virker ikke lenger. Kontakt koordinatoren hvis dere har spørsmål.",
        ),
        VoteTokenError::Invalid => notice(
            StatusCode::BAD_REQUEST,
            "Ugyldig lenke",
            "Lenken er ikke gyldig. Bruk lenken nøyaktig slik den står i e-posten fra Samkjøp.",
        ),
    }
}

fn used_link() -> HttpResponse {
    notice(
        StatusCode::GONE,
        "Lenken er allerede brukt",
        "Svaret fra denne lenken er registrert. Vil dere endre det, bruk lenken i kvitteringen dere fikk på e-post.",
    )
}

/// A link that was used, or retired by a decision (by any door) or by a newer
/// mail: it changes nothing, and says what is on record, by which door and
/// when, and where the working way to change it is.
fn closed_link(link: &VoteLink, aggregate: Option<&Aggregate>) -> HttpResponse {
    let heading = if link.used_at.is_some() {
        "Lenken er allerede brukt"
    } else {
        "Lenken gjelder ikke lenger"
    };
    let name = municipality_name(&link.municipality);
    let Some(aggregate) = aggregate else {
        return notice(
            StatusCode::GONE,
            heading,
            "Lenken virker ikke lenger, og anskaffelsen finnes ikke.",
        );
    };
    let p = &aggregate.procurement;
    let open = p.status == ProcurementStatus::Open;
    let deadline = oslo_display(p.deadline());
    let decided = aggregate
        .participation(&link.municipality)
        .filter(|x| matches!(x.decision, Decision::Join | Decision::Decline));
    let markup = page(
        heading,
        html! {
            h1 { (heading) }
            @if let Some(x) = decided {
                p {
                    "Svaret fra " strong { (name) } " er registrert: " (name)
                    @if x.decision == Decision::Join { " deltar" } @else { " deltar ikke" }
                    " i «" (p.title) "»."
                }
                table {
                    tr { th { "Svar" } td { (words::decision(x.decision)) } }
                    @if let Some(channel) = x.channel { tr { th { "Gitt via" } td { (words::channel(channel)) } } }
                    @if let Some(at) = x.decided_at { tr { th { "Registrert" } td { (oslo_display(at.and_utc())) " (norsk tid)" } } }
                }
                @if !open {
                    p { "Påmeldingen er stengt, og svaret kan ikke endres." }
                } @else if x.channel == Some(Channel::Api) {
                    p { "Svaret ble gitt gjennom kommunens fagsystem. Vil dere endre det før fristen " (deadline) ", gjør det der. Denne lenken kan ikke endre det." }
                } @else {
                    p { "Vil dere endre svaret før fristen " (deadline) ", bruk lenken i den siste kvitteringen dere fikk på e-post. Denne lenken kan ikke endre det." }
                }
            } @else {
                p { "En nyere e-post fra Samkjøp om «" (p.title) "» har erstattet denne lenken. Bruk lenken i den nyeste e-posten." }
                @if open { p { "Svarfristen er " (deadline) "." } }
            }
        },
    );
    respond(StatusCode::GONE, markup)
}

/// Verifies the link and loads what the page needs; a page explaining the
/// refusal otherwise.
async fn context(
    state: &State,
    keys: &Keys,
    token: &str,
) -> Result<(VoteClaims, Context), HttpResponse> {
    let claims = vote_token::verify(keys, token).map_err(refused)?;
    let (jti, id, number) = (claims.jti.clone(), claims.proc.clone(), claims.sub.clone());
    let thresholds = state.config.thresholds.clone();
    let factor = state.config.capacity_factor;
    let now = state.clock.now();
    let loaded = state
        .db
        .read(move |c| {
            let link = vote_links::find(c, &jti)?;
            let aggregate = procurements::load(c, &id)?;
            let (leader, fit) = match &aggregate {
                Some(a) => (
                    leader_name(c, &a.procurement)?,
                    own_fit(c, a, &thresholds, factor, now, &number),
                ),
                None => (String::new(), None),
            };
            Ok((
                link,
                aggregate,
                mandates::list_for(c, &number)?,
                leader,
                fit,
            ))
        })
        .await
        .map_err(|e: AppError| {
            notice(
                e.status(),
                "Noe gikk galt",
                "Vi kunne ikke hente invitasjonen. Prøv igjen om litt.",
            )
        })?;
    let (link, aggregate, mandates, leader, fit) = loaded;
    let Some(link) =
        link.filter(|l| l.procurement_id == claims.proc && l.municipality == claims.sub)
    else {
        return Err(refused(VoteTokenError::Invalid));
    };
    if !link.is_open() {
        return Err(closed_link(&link, aggregate.as_ref()));
    }
    let Some(aggregate) = aggregate else {
        return Err(notice(
            StatusCode::NOT_FOUND,
            "Fant ikke anskaffelsen",
            "Anskaffelsen finnes ikke lenger.",
        ));
    };
    if let Some(page) = closed_for_answers(&aggregate) {
        return Err(page);
    }
    Ok((
        claims.clone(),
        Context {
            municipality: claims.sub,
            aggregate,
            mandates,
            leader,
            now: state.clock.now(),
            fit,
        },
    ))
}

/// A page saying why no answer can be given, unless the procurement is open.
pub(crate) fn closed_for_answers(aggregate: &Aggregate) -> Option<HttpResponse> {
    match aggregate.procurement.status {
        ProcurementStatus::Open => None,
        ProcurementStatus::Cancelled => Some(notice(
            StatusCode::GONE,
            "Anskaffelsen er avlyst",
            "Koordinatoren har avlyst anskaffelsen. Dere trenger ikke å svare.",
        )),
        _ => Some(notice(
            StatusCode::CONFLICT,
            "Påmeldingen er stengt",
            "Svarfristen er ute, og deltakerlisten er låst.",
        )),
    }
}

pub async fn show(state: State, keys: web::Data<Keys>, token: web::Path<String>) -> HttpResponse {
    match context(&state, &keys, &token).await {
        Ok((_, ctx)) => {
            let values = FormValues::on_record(&ctx);
            let page = VotePage {
                token: &token,
                mandate: &MandateValues::default(),
                mandate_errors: &FormErrors::default(),
                registered: None,
            };
            respond(StatusCode::OK, form_page(&ctx, &values, None, &page))
        }
        Err(page) => page,
    }
}

pub async fn submit(
    state: State,
    keys: web::Data<Keys>,
    token: web::Path<String>,
    form: Result<web::Form<Vec<(String, String)>>, actix_web::Error>,
) -> HttpResponse {
    let (claims, ctx) = match context(&state, &keys, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Ok(form) = form else {
        return notice(
            StatusCode::BAD_REQUEST,
            "Skjemaet kunne ikke leses",
            "Gå tilbake og send skjemaet på nytt.",
        );
    };
    let values = FormValues::from_form(&form);
    let page = VotePage {
        token: &token,
        mandate: &MandateValues::default(),
        mandate_errors: &FormErrors::default(),
        registered: None,
    };
    let request = match values.request(&ctx.lots()) {
        Ok(r) => r,
        Err(message) => {
            return respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&ctx, &values, Some((message, None)), &page),
            )
        }
    };
    let links = Links {
        keys: keys.get_ref().clone(),
        public_url: state.config.public_url.clone(),
    };
    let clock = state.clock.clone();
    let outcome = state
        .db
        // Read inside the transaction, as the API does for a decision.
        .write(move |c| vote_link::vote(c, &claims, request, &links, clock.now()))
        .await;
    match outcome {
        Ok(Voted {
            receipt,
            fresh_link,
        }) => respond(StatusCode::OK, receipt_page(&ctx, &receipt, &fresh_link)),
        // Used or retired since the page was loaded: say what is on record now.
        Err(e) if e.code == ErrorCode::VoteLinkUsed => match context(&state, &keys, &token).await {
            Err(page) => page,
            Ok(_) => used_link(),
        },
        Err(e) if e.code == ErrorCode::ParticipationClosed => notice(
            StatusCode::CONFLICT,
            "Påmeldingen er stengt",
            "Svarfristen er ute, og svaret ble ikke registrert.",
        ),
        Err(e) if e.status().is_server_error() || e.status() == StatusCode::SERVICE_UNAVAILABLE => {
            notice(
                e.status(),
                "Noe gikk galt",
                "Svaret ble ikke registrert. Prøv igjen om litt.",
            )
        }
        Err(e) => respond(
            e.status(),
            form_page(
                &ctx,
                &values,
                Some((explain(&e), Some(e.detail.clone()))),
                &page,
            ),
        ),
    }
}

/// The mandate form on the voting page: a municipality without a mandate
/// that covers the procurement registers one, with the link as its
/// credential (`flows::vote_link::record_mandate`). The link stays open for
/// the decision, which the page then asks for.
pub async fn register_mandate(
    state: State,
    keys: web::Data<Keys>,
    token: web::Path<String>,
    form: Result<web::Form<Vec<(String, String)>>, actix_web::Error>,
) -> HttpResponse {
    let (claims, ctx) = match context(&state, &keys, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Ok(form) = form else {
        return notice(
            StatusCode::BAD_REQUEST,
            "Skjemaet kunne ikke leses",
            "Gå tilbake og send skjemaet på nytt.",
        );
    };
    let Ok(municipality) = ParticipantNumber::parse(&claims.sub) else {
        return refused(VoteTokenError::Invalid);
    };
    let typed = MandateValues::from_form(&form);
    let mandate = match typed.check(municipality) {
        Ok(m) => m,
        Err(errors) => {
            let page = VotePage {
                token: &token,
                mandate: &typed,
                mandate_errors: &errors,
                registered: None,
            };
            return respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&ctx, &FormValues::on_record(&ctx), None, &page),
            );
        }
    };
    let clock = state.clock.clone();
    let outcome = state
        .db
        .write(move |c| vote_link::record_mandate(c, &claims, mandate, clock.now()))
        .await;
    match outcome {
        Ok(m) => match context(&state, &keys, &token).await {
            Ok((_, ctx)) => {
                let mut values = FormValues::on_record(&ctx);
                values.mandate_id = m.id.clone();
                let page = VotePage {
                    token: &token,
                    mandate: &MandateValues::default(),
                    mandate_errors: &FormErrors::default(),
                    registered: Some(&m.reference),
                };
                respond(StatusCode::OK, form_page(&ctx, &values, None, &page))
            }
            Err(page) => page,
        },
        Err(e) if e.code == ErrorCode::VoteLinkUsed => match context(&state, &keys, &token).await {
            Err(page) => page,
            Ok(_) => used_link(),
        },
        Err(e) if e.code == ErrorCode::ParticipationClosed => notice(
            StatusCode::CONFLICT,
            "Påmeldingen er stengt",
            "Svarfristen er ute, og vedtaket ble ikke registrert.",
        ),
        Err(e) => notice(
            e.status(),
            "Noe gikk galt",
            "Vedtaket ble ikke registrert. Prøv igjen om litt.",
        ),
    }
}

/// What the voting page shows besides the answer form: the mandate form
/// (as typed, with its errors) and whether a mandate was just registered.
struct VotePage<'a> {
    token: &'a str,
    mandate: &'a MandateValues,
    mandate_errors: &'a FormErrors,
    /// The reference of the mandate just registered.
    registered: Option<&'a str>,
}

/// The refusal in Norwegian; the API's English detail, with its figures, follows it.
pub(crate) fn explain(e: &AppError) -> String {
    match e.code {
        ErrorCode::MandateRequired => "Velg vedtaket (fullmakten) som gir kommunen rett til å delta.",
        ErrorCode::MandateNotFound => "Vedtaket finnes ikke for denne kommunen.",
        ErrorCode::MandateNotValid => "Vedtaket gjelder ikke på dagens dato.",
        ErrorCode::MandateRevoked => "Vedtaket er trukket tilbake og kan ikke brukes til nye påmeldinger.",
        ErrorCode::MandateScope => "Vedtaket dekker ikke denne typen anskaffelse (CPV).",
        ErrorCode::MandateValueExceeded => "Kommunens andel er høyere enn taket i vedtaket.",
        ErrorCode::LotNotInArea => "Kommunen er ikke med i området til en av delkontraktene.",
        ErrorCode::InvalidQuantity => "Sjekk antallene: de må være hele tall, ikke negative, og maksimum kan ikke være lavere enn anslaget.",
        ErrorCode::ValueOverflow => "Tallene er for store til å regne med.",
        ErrorCode::InvalidNote => "Merknaden er for lang.",
        _ => "Svaret kunne ikke registreres.",
    }
    .to_string()
}

fn mandate_label(m: &Mandate) -> String {
    format!(
        "{} – {} ({}), gyldig {}–{}, tak {}",
        m.reference,
        m.decided_by,
        m.decided_on.format("%d.%m.%Y"),
        m.valid_from.format("%d.%m.%Y"),
        m.valid_until.format("%d.%m.%Y"),
        words::amount(Ore::new(m.max_value_ore))
    )
}

fn form_page(
    ctx: &Context,
    v: &FormValues,
    error: Option<(String, Option<String>)>,
    extra: &VotePage<'_>,
) -> Markup {
    let before = html! {
        @if let Some(reference) = extra.registered {
            div.ok role="status" {
                p { "Vedtaket " strong { (reference) } " er registrert for " (municipality_name(ctx.municipality())) ". Nå kan dere svare nedenfor." }
            }
        }
        @if !ctx.has_covering_mandate() {
            section aria-labelledby="vedtak-tittel" {
                h2 id="vedtak-tittel" { "Registrer vedtaket som gir kommunen rett til å delta" }
                p { "Kommunen har ikke et vedtak (en fullmakt) i Samkjøp som dekker denne anskaffelsen i dag. Skal kommunen delta, registrer vedtaket her først. Det lagres for kommunen og føres i anskaffelsens logg som gitt gjennom lenken som ble sendt til kommunens e-postadresse. Lenken kan brukes til svaret etterpå." }
                (extra.mandate_errors.summary())
                form method="post" action=(format!("/vote/{}/mandate", extra.token)) novalidate {
                    (extra.mandate.fields(extra.mandate_errors))
                    p { button type="submit" { "Registrer vedtaket" } }
                }
            }
        }
    };
    page(
        &ctx.aggregate.procurement.title,
        // Its own address: the page may have been reached by the mandate form's.
        form_body(
            ctx,
            v,
            error.as_ref(),
            None,
            Some(before),
            Some(&format!("/vote/{}", extra.token)),
        ),
    )
}

/// How the procurement meets the participant's adopted strategy, goal by goal.
fn strategy_fit(fit: &ParticipantFit) -> Markup {
    let verdict = |met: Option<bool>| match met {
        Some(true) => "Oppfylt",
        Some(false) => "Ikke oppfylt",
        None => "Ukjent ennå",
    };
    html! {
        section aria-labelledby="strategy-fit" {
            h2 #strategy-fit { "Deres anskaffelsesstrategi (" (fit.strategy_reference) ")" }
            p { @if fit.fully_met { "Anskaffelsen oppfyller alle målene i strategien." }
                @else { "Anskaffelsen oppfyller ikke alle målene i strategien, eller det er ikke avgjort ennå." } }
            table {
                tr { th scope="col" { "Mål" } th scope="col" { "Vurdering" } th scope="col" { "Begrunnelse" } }
                @for g in &fit.goals {
                    tr { td { (goal_name(&g.goal)) } td { (verdict(g.met)) } td { (g.message) } }
                }
            }
        }
    }
}

/// A strategy goal as people read it.
pub(crate) fn goal_name(goal: &str) -> &str {
    match goal {
        "min_climate_weight_percent" => "Klimavekt",
        "required_clauses" => "Påkrevde klausuler",
        "sdgs" => "Bærekraftsmål",
        "min_eligible_local_smes_per_lot" => "Lokale SMB-er per delkontrakt",
        "max_duration_months" => "Lengste avtaleperiode",
        "market_dialogue_from_ore" => "Markedsdialog",
        other => other,
    }
}

/// The answer form; with `csrf`, the token of the session it is posted in.
pub(crate) fn form_body(
    ctx: &Context,
    v: &FormValues,
    error: Option<&(String, Option<String>)>,
    csrf: Option<&str>,
    before_form: Option<Markup>,
    action: Option<&str>,
) -> Markup {
    let p = &ctx.aggregate.procurement;
    let name = municipality_name(ctx.municipality());
    let today = oslo_date(ctx.now);
    let current = ctx.aggregate.participation(ctx.municipality());
    {
        html! {
            h1 { (p.title) }
            p { strong { (name) } " er invitert av " (ctx.leader) " til å delta i denne felles anskaffelsen." }
            @if !p.description.is_empty() { p { (p.description) } }
            table {
                tr { th { "Svarfrist" } td { strong { (oslo_display(p.deadline())) } } }
                tr { th { "Kontraktstype" } td { (words::contract_type(p.contract_type)) } }
                tr { th { "Avtaleperiode" } td { (words::period(p.duration_months, p.option_months, &p.contract_start.format("%d.%m.%Y").to_string())) } }
                tr { th { "Rammeavtale" } td { (words::yes_no(p.framework_agreement)) } }
                @if let Some(c) = current { tr { th { "Svar nå" } td { (words::decision(c.decision)) } } }
            }
            @if let Some(fit) = &ctx.fit { (strategy_fit(fit)) }
            @if let Some((message, detail)) = error {
                div.errors role="alert" {
                    p { strong { "Svaret ble ikke registrert. " } (message) }
                    @if let Some(d) = detail { p.muted { (d) } }
                }
            }
            @if let Some(before) = before_form { (before) }
            form method="post" action=[action] {
                @if let Some(token) = csrf { (super::csrf::hidden(token)) }
                fieldset {
                    legend { "Svar" }
                    label { input type="radio" name="decision" value=(Decision::Join.code()) checked[v.decision == Some(Decision::Join)]; " " (name) " deltar" }
                    label { input type="radio" name="decision" value=(Decision::Decline.code()) checked[v.decision == Some(Decision::Decline)]; " " (name) " deltar ikke" }
                }
                fieldset {
                    legend { "Vedtak (fullmakt)" }
                    label {
                        "Vedtaket kommunen melder seg på under"
                        select name="mandate_id" {
                            option value="" { "Velg vedtak" }
                            @for m in &ctx.mandates {
                                @let revoked = m.revoked_at.is_some();
                                @let valid = !revoked && m.valid_from <= today && today <= m.valid_until;
                                option value=(m.id) selected[v.mandate_id == m.id] disabled[!valid] {
                                    (mandate_label(m))
                                    @if revoked { " – trukket tilbake" } @else if !valid { " – gjelder ikke i dag" }
                                }
                            }
                        }
                    }
                    @if ctx.mandates.is_empty() {
                        p.muted { "Kommunen har ikke registrert noe vedtak i Samkjøp ennå. Et vedtak må registreres før kommunen kan delta." }
                    }
                }
                fieldset {
                    legend { "Behov per år (bare ved deltakelse)" }
                    @for lot in ctx.lots() {
                        @let (annual, max) = v.quantities.get(&lot.id).cloned().unwrap_or_default();
                        div.lot {
                            strong { (lot.title) }
                            span.muted { " – enhet: " (lot.unit) ", anslått pris " (words::amount(Ore::new(lot.unit_price_ore))) }
                            div.row {
                                label { "Anslått antall per år" input type="number" min="0" step="1" name=(format!("annual_{}", lot.id)) value=(annual); }
                                label { "Maksimalt antall per år" input type="number" min="0" step="1" name=(format!("max_{}", lot.id)) value=(max); }
                            }
                        }
                    }
                }
                label { "Merknad (valgfritt)" textarea name="note" rows="3" { (v.note) } }
                p { button type="submit" { "Send svar" } }
                @if csrf.is_none() {
                    p.muted { "Dere kan endre svaret fram til fristen. Etter at dere har sendt, får dere en kvittering med en ny lenke." }
                } @else {
                    p.muted { "Dere kan endre svaret fram til fristen." }
                }
            }
        }
    }
}

fn receipt_page(ctx: &Context, receipt: &Receipt, fresh: &str) -> Markup {
    page(
        "Svaret er registrert",
        receipt_body(ctx, receipt, Some(fresh)),
    )
}

/// The receipt; with `fresh`, the link that changes the answer.
pub(crate) fn receipt_body(ctx: &Context, receipt: &Receipt, fresh: Option<&str>) -> Markup {
    let name = municipality_name(&receipt.municipality);
    let joined = receipt.decision == Decision::Join;
    {
        html! {
            div.ok role="status" {
                h1 { "Takk! Svaret er registrert." }
                p { strong { (name) } @if joined { " deltar" } @else { " deltar ikke" } " i «" (ctx.aggregate.procurement.title) "»." }
            }
            table {
                tr { th { "Registrert" } td { (oslo_display(receipt.decided_at)) } }
                @if let Some(r) = &receipt.mandate_reference { tr { th { "Vedtak" } td { (r) } } }
                @if let Some(s) = receipt.share_value_ore { tr { th { "Kommunens andel" } td { (words::amount(Ore::new(s))) " for hele perioden med opsjoner" } } }
            }
            @if let Some(fresh) = fresh {
                p { "Dere får også en kvittering på e-post. Vil dere endre svaret før fristen " (oslo_display(ctx.aggregate.procurement.deadline())) ", bruk denne lenken:" }
                p { a href=(fresh) { "Endre svaret" } }
            } @else {
                p { "Dere kan endre svaret fram til fristen " (oslo_display(ctx.aggregate.procurement.deadline())) "." }
            }
        }
    }
}
