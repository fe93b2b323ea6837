//! The operator's pages (the admin role): the users and their accounts
//! (`GET/POST /api/v1/users`, `PATCH …/{id}`), the procurement offices
//! (`/api/v1/organizations`), the outbox (`GET /api/v1/admin/outbox`) and
//! the suppliers' registrations waiting for approval
//! (`/api/v1/admin/registrations`), through the same checks and flows as
//! those operations. The register import is in `register`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::{answer, app_page, failed, field, field_with, message, FormErrors};
use crate::db::organizations::{self, Organization};
use crate::db::outbox::{self, OutboxMessage, Status};
use crate::db::registrations::Registration;
use crate::db::suppliers;
use crate::db::users::{self, Account};
use crate::domain::calendar::oslo_display;
use crate::domain::supplier::parse_name;
use crate::domain::{ErrorCode, Lang, OrgNumber, OrganizationKind, Role};
use crate::error::{AppError, FieldExt};
use crate::flows::accounts;
use crate::flows::registration::{self as registration_flow, Approved};
use crate::letters::words;
use crate::reference::reference;
use crate::state::State;
use crate::web::csrf;
use crate::web::session::{see_other, Posted, Session};

/// Lines of a list page; the next page is a link.
pub const PAGE_SIZE: i64 = 50;

/// `?fra=` of a paged list, and `?status=` of the outbox.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub fra: Option<i64>,
    pub status: Option<String>,
    pub ok: Option<String>,
}

impl ListQuery {
    fn offset(&self) -> i64 {
        self.fra.unwrap_or(0).max(0)
    }
}

/// Only the operator runs the service.
pub fn operator_only(session: &Session) -> Option<HttpResponse> {
    (session.person.role != Role::Admin).then(|| {
        message(
            StatusCode::FORBIDDEN,
            session,
            "Bare for driften",
            "Denne siden er for dem som drifter Samkjøp.",
        )
    })
}

/// An operator's refusal in the words of the pages.
fn explain(e: &AppError) -> String {
    // The password policy says why in Norwegian itself.
    if e.code == ErrorCode::WeakPassword {
        if let Some(f) = e.errors.first() {
            return f.message.clone();
        }
    }
    match e.code {
        ErrorCode::InvalidEmail => "Skriv en gyldig e-postadresse, for eksempel innkjop@bergen.kommune.no.".to_string(),
        ErrorCode::EmailTaken => "Denne e-postadressen har allerede en konto.".to_string(),
        ErrorCode::InvalidRole => "Velg en rolle: koordinator, kommune eller drift.".to_string(),
        ErrorCode::InvalidRoleLinks => "Sjekk tilknytningen: en koordinator hører til et innkjøpskontor eller en vertskommune (ikke begge), en kommunebruker til en kommune, og driften til ingen av dem.".to_string(),
        ErrorCode::OrganizationRequired => "En koordinator må høre til et innkjøpskontor eller en vertskommune.".to_string(),
        ErrorCode::OrganizationNotFound => "Innkjøpskontoret finnes ikke.".to_string(),
        ErrorCode::MunicipalityRequired => "En kommunebruker må høre til en kommune.".to_string(),
        ErrorCode::InvalidMunicipality | ErrorCode::UnknownMunicipality => "Velg en kommune som finnes.".to_string(),
        ErrorCode::InvalidName => "Skriv inn navnet (høyst 200 tegn).".to_string(),
        ErrorCode::InvalidOrgNumber => "Skriv et organisasjonsnummer med ni siffer, for eksempel 974760673.".to_string(),
        ErrorCode::OrganizationExists => "Et kontor med dette organisasjonsnummeret er allerede registrert.".to_string(),
        ErrorCode::CannotDisableSelf => "Du kan ikke deaktivere din egen konto.".to_string(),
        ErrorCode::LastAdmin => "Dette er den siste aktive driftskontoen. Opprett eller aktiver en annen først.".to_string(),
        ErrorCode::NotFound => "Fant ikke det du ba om. Kanskje noen andre har endret det.".to_string(),
        other => super::explain(other),
    }
}

fn role_words(role: Role) -> &'static str {
    match role {
        Role::Admin => "Drift",
        Role::Coordinator => "Koordinator",
        Role::Municipality => "Kommune",
        Role::Supplier => "Leverandør",
    }
}

fn municipality_name(number: &str) -> String {
    reference()
        .municipalities
        .iter()
        .find(|m| m.number == number)
        .map_or_else(|| number.to_string(), |m| m.name.clone())
}

/// "Forrige" and "Neste" links of a list at `path` (with `extra` query).
fn pager(path: &str, extra: &str, offset: i64, more: bool) -> Markup {
    html! {
        @if offset > 0 || more {
            nav aria-label="Sider" {
                ul.pager {
                    @if offset > 0 {
                        li { a href=(format!("{path}?{extra}fra={}", (offset - PAGE_SIZE).max(0))) { "← Forrige side" } }
                    }
                    @if more {
                        li { a href=(format!("{path}?{extra}fra={}", offset + PAGE_SIZE)) { "Neste side →" } }
                    }
                }
            }
        }
    }
}

fn ok_notice(text: Option<&str>) -> Markup {
    html! { @if let Some(t) = text { p.ok role="status" { (t) } } }
}

// ---------------------------------------------------------------- users

pub async fn users(state: State, session: Session, query: web::Query<ListQuery>) -> HttpResponse {
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let done = match query.ok.as_deref() {
        Some("opprettet") => Some("Brukeren er opprettet."),
        Some("deaktivert") => Some("Kontoen er deaktivert. Den kan ikke lenger logge inn, og innloggingene den hadde er avsluttet."),
        Some("aktivert") => Some("Kontoen er aktivert igjen."),
        _ => None,
    };
    users_page(&state, &session, query.offset(), done, None, StatusCode::OK).await
}

async fn users_page(
    state: &State,
    session: &Session,
    offset: i64,
    done: Option<&str>,
    refusal: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let (listed, offices) = match state
        .db
        .read(move |c| {
            Ok::<_, crate::db::DbError>((
                users::list(c, PAGE_SIZE + 1, offset)?,
                organizations::list(c, 1000, 0)?,
            ))
        })
        .await
    {
        Ok(found) => found,
        Err(e) => return failed(session, &AppError::from(e)),
    };
    let more = listed.len() as i64 > PAGE_SIZE;
    let shown: Vec<&Account> = listed.iter().take(PAGE_SIZE as usize).collect();
    let office_name = |id: &str| {
        offices
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    };
    let body = html! {
        h1 { "Brukere" }
        (ok_notice(done))
        @if let Some(r) = &refusal { div.error-summary role="alert" { p { (r) } } }
        p { a href="/app/users/new" { "Opprett en ny bruker" } }
        @if shown.is_empty() {
            p.muted { "Ingen brukere på denne siden." }
        } @else {
            table.list {
                caption.muted { "Sortert etter e-postadresse. Vis " (offset + 1) "–" (offset + shown.len() as i64) "." }
                thead { tr {
                    th scope="col" { "E-postadresse" }
                    th scope="col" { "Rolle" }
                    th scope="col" { "Hører til" }
                    th scope="col" { "Status" }
                    th scope="col" { "Endre" }
                } }
                tbody {
                    @for a in &shown {
                        @let u = &a.user;
                        tr {
                            td { (u.email) }
                            td { (role_words(u.role)) }
                            td {
                                @if let Some(o) = &u.organization_id { (office_name(o)) }
                                @else if let Some(m) = &u.municipality { (municipality_name(m)) " (" (m) ")" }
                                @else { "–" }
                            }
                            td { @if a.standing.disabled { "Deaktivert" } @else { "Aktiv" } }
                            td {
                                @if u.id != session.person.user_id {
                                    form method="post" action=(format!("/app/users/{}/disabled", u.id)) {
                                        (csrf::hidden(&session.csrf_token))
                                        @if a.standing.disabled {
                                            input type="hidden" name="disabled" value="false";
                                            button.secondary type="submit" { "Aktiver" span.skip { " " (u.email) } }
                                        } @else {
                                            input type="hidden" name="disabled" value="true";
                                            button.secondary type="submit" { "Deaktiver" span.skip { " " (u.email) } }
                                        }
                                    }
                                } @else if u.id == session.person.user_id {
                                    span.muted { "Deg selv" }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager("/app/users", "", offset, more))
    };
    answer(status, app_page("Brukere", Some(session), body))
}

/// The new-user form as typed.
#[derive(Debug, Default)]
struct UserValues {
    email: String,
    role: String,
    organization_id: String,
    municipality: String,
}

pub async fn new_user_form(state: State, session: Session) -> HttpResponse {
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let values = UserValues {
        role: "coordinator".into(),
        ..UserValues::default()
    };
    new_user_page(
        &state,
        &session,
        &values,
        &FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_user(state: State, posted: Posted) -> HttpResponse {
    let Posted { session, fields } = posted;
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let values = UserValues {
        email: fields.get("email").trim().to_string(),
        role: fields.get("role").to_string(),
        organization_id: fields.get("organization_id").to_string(),
        municipality: fields.get("municipality").to_string(),
    };
    let password = fields.get("password").to_string();
    let admitted = accounts::admit(
        &values.email,
        password,
        &values.role,
        Some(values.organization_id.as_str()).filter(|s| !s.is_empty()),
        Some(values.municipality.as_str()).filter(|s| !s.is_empty()),
    )
    .await;
    let outcome = match admitted {
        Ok(account) => {
            let now = state.clock.now();
            state
                .db
                .write(move |c| accounts::create_user(c, account, now))
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => see_other("/app/users?ok=opprettet"),
        Err(e) if e.status().is_client_error() => {
            let mut errors = FormErrors::default();
            let at = e
                .errors
                .first()
                .map(|f| f.field.as_str())
                .or(e.code.field())
                .unwrap_or("role");
            let at = match at {
                "email" | "password" | "organization_id" | "municipality" => at,
                _ => "role",
            };
            errors.add(at, explain(&e));
            new_user_page(
                &state,
                &session,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => failed(&session, &e),
    }
}

async fn new_user_page(
    state: &State,
    session: &Session,
    v: &UserValues,
    errors: &FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let offices = match state.db.read(|c| organizations::list(c, 1000, 0)).await {
        Ok(o) => o,
        Err(e) => return failed(session, &AppError::from(e)),
    };
    let select_error = |id: &str| errors.of(id).map(|e| (format!("{id}-feil"), e.to_string()));
    let body = html! {
        p { a href="/app/users" { "← Tilbake til brukerne" } }
        h1 { "Opprett en bruker" }
        p { "En koordinator hører til et innkjøpskontor eller leder anskaffelser for en vertskommune. En kommunebruker svarer for én kommune. Driften hører ikke til noen av dem." }
        (errors.summary())
        form method="post" action="/app/users/new" novalidate {
            (csrf::hidden(&session.csrf_token))
            (field_with("email", "email", "E-postadresse", &v.email, Some("Brukeren logger inn med denne."), errors, Some("off")))
            (field_with("password", "password", "Passord", "", Some("Minst 10 tegn, og ikke lett å gjette: ikke et vanlig passord, et tastaturmønster eller bygd på e-postadressen. Gi det til brukeren på en trygg måte."), errors, Some("new-password")))
            @let role_error = select_error("role");
            div.field {
                label for="role" { "Rolle" }
                @if let Some((id, e)) = &role_error { span.field-error id=(id) { "Feil: " (e) } }
                select id="role" name="role" aria-describedby=[role_error.as_ref().map(|(id, _)| id.clone())]
                    aria-invalid=[role_error.as_ref().map(|_| "true")] {
                    @for (code, words) in [("coordinator", "Koordinator"), ("municipality", "Kommune"), ("admin", "Drift")] {
                        option value=(code) selected[v.role == code] { (words) }
                    }
                }
            }
            @let org_error = select_error("organization_id");
            div.field {
                label for="organization_id" { "Innkjøpskontor (for en koordinator)" }
                @if let Some((id, e)) = &org_error { span.field-error id=(id) { "Feil: " (e) } }
                select id="organization_id" name="organization_id" aria-describedby=[org_error.as_ref().map(|(id, _)| id.clone())]
                    aria-invalid=[org_error.as_ref().map(|_| "true")] {
                    option value="" { "Ingen" }
                    @for o in &offices {
                        option value=(o.id) selected[v.organization_id == o.id] { (o.name) }
                    }
                }
            }
            @let municipality_error = select_error("municipality");
            div.field {
                label for="municipality" { "Kommune (for en kommunebruker, eller vertskommunen en koordinator leder for)" }
                @if let Some((id, e)) = &municipality_error { span.field-error id=(id) { "Feil: " (e) } }
                select id="municipality" name="municipality" aria-describedby=[municipality_error.as_ref().map(|(id, _)| id.clone())]
                    aria-invalid=[municipality_error.as_ref().map(|_| "true")] {
                    option value="" { "Ingen" }
                    @for m in &reference().municipalities {
                        option value=(m.number) selected[v.municipality == m.number] { (m.name) " (" (m.number) ")" }
                    }
                }
            }
            p { button type="submit" { "Opprett brukeren" } }
        }
    };
    answer(status, app_page("Opprett en bruker", Some(session), body))
}

pub async fn set_disabled(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, fields } = posted;
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let id = id.into_inner();
    let disabled = match fields.get("disabled") {
        "true" => true,
        "false" => false,
        _ => {
            return users_page(
                &state,
                &session,
                0,
                None,
                Some("Velg om kontoen skal deaktiveres eller aktiveres.".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let actor = session.person.user_id.clone();
    let target = id.clone();
    let outcome = state
        .db
        .write(move |c| accounts::set_disabled(c, &actor, &target, disabled))
        .await;
    // This instance refuses the old tokens at once; others within their TTL.
    state.standings.forget(&id);
    match outcome {
        Ok(_) if disabled => see_other("/app/users?ok=deaktivert"),
        Ok(_) => see_other("/app/users?ok=aktivert"),
        Err(e) if e.status().is_client_error() => {
            let status = e.status();
            users_page(&state, &session, 0, None, Some(explain(&e)), status).await
        }
        Err(e) => failed(&session, &e),
    }
}

// -------------------------------------------------------------- offices

pub async fn offices(state: State, session: Session, query: web::Query<ListQuery>) -> HttpResponse {
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let done = (query.ok.as_deref() == Some("opprettet")).then_some("Kontoret er registrert.");
    offices_page(
        &state,
        &session,
        query.offset(),
        done,
        ("", ""),
        &FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn offices_page(
    state: &State,
    session: &Session,
    offset: i64,
    done: Option<&str>,
    (name, org_number): (&str, &str),
    errors: &FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let listed: Vec<Organization> = match state
        .db
        .read(move |c| organizations::list(c, PAGE_SIZE + 1, offset))
        .await
    {
        Ok(found) => found,
        Err(e) => return failed(session, &AppError::from(e)),
    };
    let more = listed.len() as i64 > PAGE_SIZE;
    let body = html! {
        h1 { "Innkjøpskontorer" }
        (ok_notice(done))
        @if listed.is_empty() {
            p.muted { "Ingen kontorer er registrert ennå." }
        } @else {
            table.list {
                thead { tr {
                    th scope="col" { "Navn" }
                    th scope="col" { "Organisasjonsnummer" }
                    th scope="col" { "Registrert" }
                } }
                tbody {
                    @for o in listed.iter().take(PAGE_SIZE as usize) {
                        tr {
                            td { (o.name) }
                            td.num { (o.org_number) }
                            td { (oslo_display(o.created_at.and_utc())) }
                        }
                    }
                }
            }
        }
        (pager("/app/offices", "", offset, more))
        h2 id="nytt" { "Registrer et innkjøpskontor" }
        (errors.summary())
        form method="post" action="/app/offices" novalidate {
            (csrf::hidden(&session.csrf_token))
            (field_with("text", "name", "Navn", name, Some("For eksempel «Vestland innkjøpssamarbeid»."), errors, Some("organization")))
            (field("text", "org_number", "Organisasjonsnummer", org_number, Some("Ni siffer, for eksempel 974760673."), errors))
            p { button type="submit" { "Registrer kontoret" } }
        }
    };
    answer(status, app_page("Innkjøpskontorer", Some(session), body))
}

pub async fn create_office(state: State, posted: Posted) -> HttpResponse {
    let Posted { session, fields } = posted;
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let (name, org_number) = (fields.get("name"), fields.get("org_number"));
    let checked = parse_name(name).field("name").and_then(|n| {
        OrgNumber::parse(org_number)
            .field("org_number")
            .map(|o| (n, o))
    });
    let outcome = match checked {
        Ok((checked_name, number)) => {
            let now = state.clock.now();
            state
                .db
                .write(move |c| {
                    accounts::create_organization(
                        c,
                        OrganizationKind::ProcurementOffice,
                        &checked_name,
                        &number,
                        now,
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => see_other("/app/offices?ok=opprettet"),
        Err(e) if e.status().is_client_error() => {
            let mut errors = FormErrors::default();
            let at = if e.code == ErrorCode::InvalidName {
                "name"
            } else {
                "org_number"
            };
            errors.add(at, explain(&e));
            offices_page(
                &state,
                &session,
                0,
                None,
                (name, org_number),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => failed(&session, &e),
    }
}

// --------------------------------------------------------------- outbox

fn outbox_status_words(status: Status) -> &'static str {
    match status {
        Status::Pending => "Venter",
        Status::Failed => "Feiler",
        Status::Sent => "Sendt",
    }
}

pub async fn outbox(state: State, session: Session, query: web::Query<ListQuery>) -> HttpResponse {
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let offset = query.offset();
    let chosen = query.status.as_deref().filter(|s| !s.is_empty());
    let status = match chosen.map(str::parse::<Status>) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            return message(
                StatusCode::BAD_REQUEST,
                &session,
                "Ukjent status",
                "Velg venter, feiler eller sendt.",
            )
        }
    };
    let listed: Vec<OutboxMessage> = match state
        .db
        .read(move |c| outbox::list(c, status, PAGE_SIZE + 1, offset))
        .await
    {
        Ok(found) => found,
        Err(e) => return failed(&session, &AppError::from(e)),
    };
    let more = listed.len() as i64 > PAGE_SIZE;
    let extra = status.map_or_else(String::new, |s| format!("status={}&", s.code()));
    let body = html! {
        h1 { "Utboksen" }
        p { "E-post som er sendt eller venter på å bli sendt, nyeste først. En melding som feiler, prøves igjen." }
        form method="get" action="/app/outbox" {
            div.field {
                label for="status" { "Vis" }
                select id="status" name="status" {
                    option value="" { "Alle" }
                    @for s in [Status::Pending, Status::Failed, Status::Sent] {
                        option value=(s.code()) selected[status == Some(s)] { (outbox_status_words(s)) }
                    }
                }
            }
            p { button type="submit" { "Vis" } }
        }
        @if listed.is_empty() {
            p.muted { "Ingen e-post her." }
        } @else {
            table.list {
                thead { tr {
                    th scope="col" { "Status" }
                    th scope="col" { "Mottaker" }
                    th scope="col" { "Emne" }
                    th scope="col" { "Lagt i utboksen" }
                    th scope="col" { "Forsøk" }
                } }
                tbody {
                    @for m in listed.iter().take(PAGE_SIZE as usize) {
                        tr {
                            td { (outbox_status_words(m.status())) }
                            td { (m.to_address) }
                            td { (m.subject) }
                            td { (oslo_display(m.created_at.and_utc())) }
                            td {
                                (m.attempts)
                                @if let Some(e) = &m.last_error { br; span.muted { "Siste feil: " (e) } }
                            }
                        }
                    }
                }
            }
        }
        (pager("/app/outbox", &extra, offset, more))
    };
    answer(StatusCode::OK, app_page("Utboksen", Some(&session), body))
}

// -------------------------------------------------------- registrations

pub async fn registrations(
    state: State,
    session: Session,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let done = (query.ok.as_deref() == Some("godkjent")).then_some(
        "Registreringen er godkjent. Leverandøren har fått innlogging og er varslet på e-post.",
    );
    registrations_page(&state, &session, done, None, StatusCode::OK).await
}

async fn registrations_page(
    state: &State,
    session: &Session,
    done: Option<&str>,
    refusal: Option<&str>,
    status: StatusCode,
) -> HttpResponse {
    let pending: Vec<(Registration, Option<String>)> = match state
        .db
        .read(|c| {
            let mut out = Vec::new();
            for r in registration_flow::awaiting_operator(c)? {
                let register_name =
                    suppliers::find_by_org_number(c, &r.org_number)?.map(|s| s.name);
                out.push((r, register_name));
            }
            Ok::<_, AppError>(out)
        })
        .await
    {
        Ok(found) => found,
        Err(e) => return failed(session, &e),
    };
    let body = html! {
        h1 { "Leverandørregistreringer til godkjenning" }
        p { "Organisasjonsnummeret finnes i registeret, men registeret har ingen e-postadresse å bekrefte med. Den som registrerte seg, har bekreftet sin egen adresse. Sjekk på annen måte, for eksempel med en telefon til firmaet, at vedkommende taler for firmaet, før du godkjenner." }
        (ok_notice(done))
        @if let Some(r) = refusal { div.error-summary role="alert" { p { (r) } } }
        @if pending.is_empty() {
            p.muted { "Ingen registreringer venter." }
        } @else {
            @for (r, register_name) in &pending {
                section.lot aria-labelledby=(format!("reg-{}", r.id)) {
                    h2 id=(format!("reg-{}", r.id)) { (r.name) " (" (r.org_number) ")" }
                    table.facts {
                        tbody {
                            tr { th scope="row" { "Navn i registeret" } td { (register_name.as_deref().unwrap_or("–")) } }
                            tr { th scope="row" { "Innlogging" } td { (r.email) } }
                            tr { th scope="row" { "Ansatte" } td { (r.employees) } }
                            tr { th scope="row" { "Årlig omsetning" } td { (words::amount(crate::domain::Ore::new(r.annual_turnover_ore))) } }
                            tr { th scope="row" { "Hjemkommune" } td { (municipality_name(&r.home_municipality)) } }
                            tr { th scope="row" { "Registrert" } td { (oslo_display(r.created_at.and_utc())) } }
                        }
                    }
                    form method="post" action=(format!("/app/registrations/{}/approve", r.id)) {
                        (csrf::hidden(&session.csrf_token))
                        button type="submit" { "Godkjenn" span.skip { " " (r.name) } }
                    }
                }
            }
        }
    };
    answer(status, app_page("Registreringer", Some(session), body))
}

pub async fn approve(state: State, posted: Posted, id: web::Path<String>) -> HttpResponse {
    let Posted { session, .. } = posted;
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let id = id.into_inner();
    let operator = session.person.user_id.clone();
    let (rate, clock) = (state.config.eur_nok, state.clock.clone());
    let approved = state
        .db
        .write(move |c| registration_flow::approve(c, &id, &operator, rate, clock.now()))
        .await;
    match approved {
        Ok(Approved::Completed(_)) => see_other("/app/registrations?ok=godkjent"),
        Ok(Approved::Overtaken) => {
            registrations_page(
                &state,
                &session,
                None,
                Some("Organisasjonsnummeret eller e-postadressen har fått innlogging i mellomtiden. Registreringen er lukket."),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) if e.code == ErrorCode::NotFound => {
            registrations_page(
                &state,
                &session,
                None,
                Some("Registreringen venter ikke lenger på godkjenning."),
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(e) => failed(&session, &e),
    }
}

/// The bokmål title of a code, for the import report.
pub fn code_words(code: ErrorCode) -> &'static str {
    code.title(Lang::Nb)
}
