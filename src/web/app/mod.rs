//! The workspace under /app/ for the people who run a joint procurement:
//! log in (`login`), see one's procurements or invitations (`dashboard`),
//! follow one (`procurement`), propose and prepare a draft (`draft`), and
//! change its lots, split, justify, publish, award and follow up
//! (`coordination`); a municipality answers (`invitation`) and keeps its
//! mandates and contact address (`municipality`); the operator runs the
//! service (`operator`: users, offices, outbox, registrations; `register`:
//! the supplier register import, sent as a file by `upload`).
//! Every change is a call of the flow the API calls for it, with the
//! logged-in person's role, office and municipality (`session::Person`), so
//! a page can do exactly what that person's API token could.
//!
//! Every form carries the session's `csrf_token` and is posted to a handler
//! that takes `session::Posted`, which refuses it with 403 otherwise. Pages
//! answer in bokmål, work without script, and keep to WCAG 2.1 AA: a label
//! for every field, an error summary that links to the fields, errors next
//! to their field, headings in order, `lang="nb"`.

pub mod coordination;
pub mod dashboard;
pub mod draft;
pub mod invitation;
pub mod login;
pub mod municipality;
pub mod operator;
pub mod procurement;
pub mod register;
pub mod upload;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::csrf;
use super::session::{Person, Session};
use crate::db::AnyConnection;
use crate::domain::access::Who;
use crate::domain::contract::ProcurementStatus;
use crate::domain::{ErrorCode, Lang, Role};
use crate::error::{AppError, AppResult};
use crate::state::State;

/// The description of a procurement may hold 20 000 characters.
const FORM_LIMIT_BYTES: usize = 256 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/app")
            .app_data(web::FormConfig::default().limit(FORM_LIMIT_BYTES))
            .route("", web::get().to(to_dashboard))
            .route("/", web::get().to(dashboard::show))
            .route("/login", web::get().to(login::show))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::logout))
            .route("/procurements/new", web::get().to(draft::new_form))
            .route("/procurements/new", web::post().to(draft::create))
            .route("/procurements/{id}", web::get().to(procurement::show))
            .route("/procurements/{id}/edit", web::get().to(draft::edit_form))
            .route("/procurements/{id}/edit", web::post().to(draft::edit))
            .route("/procurements/{id}/lots", web::post().to(draft::add_lot))
            .route("/procurements/{id}/open", web::post().to(procurement::open))
            .route(
                "/procurements/{id}/close",
                web::post().to(procurement::close),
            )
            .route(
                "/procurements/{id}/publish",
                web::post().to(procurement::publish),
            )
            .configure(coordinator_routes)
            .route("/invitations/{id}", web::get().to(invitation::show))
            .route("/invitations/{id}", web::post().to(invitation::submit))
            .route("/mandates", web::get().to(municipality::list))
            .route("/mandates/new", web::get().to(municipality::new_form))
            .route("/mandates/new", web::post().to(municipality::create))
            .route(
                "/mandates/{id}/revoke",
                web::get().to(municipality::revoke_form),
            )
            .route(
                "/mandates/{id}/revoke",
                web::post().to(municipality::revoke),
            )
            .route("/contact", web::get().to(municipality::contact))
            .route("/contact", web::post().to(municipality::change_contact))
            .configure(operator_routes),
    );
}

/// The operator's pages (`operator`, `register`).
fn operator_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(operator::users))
        .route("/users/new", web::get().to(operator::new_user_form))
        .route("/users/new", web::post().to(operator::create_user))
        .route(
            "/users/{id}/disabled",
            web::post().to(operator::set_disabled),
        )
        .route("/offices", web::get().to(operator::offices))
        .route("/offices", web::post().to(operator::create_office))
        .route("/outbox", web::get().to(operator::outbox))
        .route("/registrations", web::get().to(operator::registrations))
        .route(
            "/registrations/{id}/approve",
            web::post().to(operator::approve),
        )
        .service(
            web::resource("/suppliers/import")
                .app_data(upload::UploadLimit(crate::import::LIMIT_BYTES))
                .route(web::get().to(register::form))
                .route(web::post().to(register::upload)),
        );
}

/// The coordinator's pages beyond the draft form (`coordination`).
fn coordinator_routes(cfg: &mut web::ServiceConfig) {
    use coordination as c;
    let p = "/procurements/{id}";
    cfg.route(&format!("{p}/lots/{{lot_id}}"), web::get().to(c::lot_form))
        .route(
            &format!("{p}/lots/{{lot_id}}"),
            web::post().to(c::change_lot),
        )
        .route(
            &format!("{p}/lots/{{lot_id}}/remove"),
            web::post().to(c::remove_lot),
        )
        .route(
            &format!("{p}/lots/{{lot_id}}/split"),
            web::post().to(c::split),
        )
        .route(
            &format!("{p}/compliance"),
            web::get().to(c::compliance_page),
        )
        .route(&format!("{p}/compliance"), web::post().to(c::justify))
        .route(&format!("{p}/award"), web::get().to(c::award_form))
        .route(&format!("{p}/award"), web::post().to(c::award))
        .route(&format!("{p}/follow-up"), web::get().to(c::follow_up_page))
        .route(
            &format!("{p}/follow-up/{{checkpoint_id}}"),
            web::post().to(c::record),
        )
        .route(&format!("{p}/volumes.csv"), web::get().to(c::volumes_csv));
}

async fn to_dashboard() -> HttpResponse {
    super::session::see_other("/app/")
}

const APP_CSS: &str = "
.skip{position:absolute;left:-999em}.skip:focus{left:1em;top:.5em;background:#fff;color:#0b3d62;padding:.4em .8em;z-index:2}
header{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center}header nav ul{display:flex;flex-wrap:wrap;gap:.3em 1.2em;list-style:none;margin:0;padding:0}
header nav a{font-weight:400;text-decoration:underline}header form{margin-left:auto}header .who{font-size:.9em}
header button{background:transparent;border:1px solid #fff;padding:.3em .8em;font-size:.9em}
main{max-width:60em}.row .field{flex:1 1 14em}
input[type=text],input[type=email],input[type=password],input[type=date],input[type=datetime-local]{width:100%;box-sizing:border-box;padding:.5em;font-size:1em;border:1px solid #767676;border-radius:4px}
input[type=number]{border-color:#767676}input[type=checkbox]{width:1.2em;height:1.2em;vertical-align:middle}
:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.hint{display:block;color:#4a4a4a;font-size:.92em}.field-error{display:block;color:#b3261e;font-weight:600;margin:.2em 0}
[aria-invalid=true]{border:2px solid #b3261e}
.error-summary{border:3px solid #b3261e;border-radius:6px;padding:.6em 1em;margin:1em 0}.error-summary h2{margin-top:0}
.error-summary a{color:#b3261e;font-weight:600}
ul.pager{display:flex;gap:1.5em;list-style:none;padding:0}
table.list{width:100%}table.list th,table.list td{border-bottom:1px solid #e2e4e8;padding:.4em .6em .4em 0}
.actions{display:flex;flex-wrap:wrap;gap:.8em;align-items:flex-start}.actions form{margin:0}
button.secondary{background:#fff;color:#0b5394;border:2px solid #0b5394}
.county{border:1px solid #ccd;border-radius:6px;margin:.4em 0;padding:.2em .8em}.county ul{list-style:none;padding:0;columns:14em}
.flag{border-left:4px solid #b35900;padding:.2em .8em;margin:.6em 0}.badge{font-weight:600}
";

/// The operator's pages, in the header and on the dashboard.
pub const OPERATOR_LINKS: [(&str, &str); 5] = [
    ("/app/users", "Brukere"),
    ("/app/offices", "Innkjøpskontorer"),
    ("/app/suppliers/import", "Leverandørregisteret"),
    ("/app/registrations", "Registreringer"),
    ("/app/outbox", "Utboksen"),
];

/// A page of the workspace: the header with the person's links and the
/// logout button, then the page's own content in `main`.
pub fn app_page(title: &str, session: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " – Samkjøp" }
                style { (PreEscaped(super::CSS)) (PreEscaped(APP_CSS)) }
            }
            body {
                a.skip href="#innhold" { "Hopp til hovedinnholdet" }
                header {
                    a href="/app/" { "Samkjøp" }
                    @if let Some(s) = session {
                        nav aria-label="Arbeidsflate" {
                            ul {
                                li { a href="/app/" { "Oversikt" } }
                                @if s.person.role == Role::Coordinator {
                                    li { a href="/app/procurements/new" { "Ny anskaffelse" } }
                                }
                                @if s.person.role == Role::Admin {
                                    @for (href, words) in OPERATOR_LINKS {
                                        li { a href=(href) { (words) } }
                                    }
                                }
                                @if s.person.role == Role::Municipality {
                                    li { a href="/app/mandates" { "Fullmakter" } }
                                    li { a href="/app/contact" { "Kontaktadresse" } }
                                }
                            }
                        }
                        form method="post" action="/app/logout" {
                            (csrf::hidden(&s.csrf_token))
                            span.who { (s.person.email) " " }
                            button type="submit" { "Logg ut" }
                        }
                    }
                }
                main id="innhold" tabindex="-1" { (body) }
            }
        }
    }
}

/// An answer of the workspace (see `web::respond` for its headers).
pub fn answer(status: StatusCode, markup: Markup) -> HttpResponse {
    super::respond(status, markup)
}

/// A page that only says what happened, inside the workspace.
pub fn message(status: StatusCode, session: &Session, heading: &str, text: &str) -> HttpResponse {
    answer(
        status,
        app_page(
            heading,
            Some(session),
            html! { h1 { (heading) } p { (text) } p { a href="/app/" { "Til oversikten" } } },
        ),
    )
}

pub fn not_found(session: &Session) -> HttpResponse {
    message(
        StatusCode::NOT_FOUND,
        session,
        "Fant ikke anskaffelsen",
        "Anskaffelsen finnes ikke, eller du har ikke tilgang til den.",
    )
}

/// A failure of ours, not of what the person did.
pub fn failed(session: &Session, e: &AppError) -> HttpResponse {
    tracing::error!(code = %e.code, detail = %e.detail, "a page of /app/ failed");
    message(
        e.status(),
        session,
        "Noe gikk galt",
        "Det du gjorde ble ikke lagret. Prøv igjen om litt.",
    )
}

/// The status of a procurement in words.
pub fn status_words(status: ProcurementStatus) -> &'static str {
    match status {
        ProcurementStatus::Draft => "Utkast",
        ProcurementStatus::Open => "Åpen for påmelding",
        ProcurementStatus::Closed => "Påmeldingen er stengt",
        ProcurementStatus::Published => "Kunngjort",
        ProcurementStatus::Awarded => "Tildelt",
        ProcurementStatus::Cancelled => "Avlyst",
    }
}

/// What went wrong with a form: per field (by the field's id), in bokmål.
#[derive(Debug, Default, Clone)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.of(field).is_none() {
            self.0.push((field.to_string(), message.into()));
        }
    }

    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A refusal of a flow or a domain check, next to the field it names
    /// (as the API names it, mapped to the form's field by `field_of`), or
    /// at `fallback`.
    pub fn refusal(&mut self, e: &AppError, field_of: impl Fn(&str) -> &str, fallback: &str) {
        let field = e
            .errors
            .first()
            .map(|f| f.field.as_str())
            .or(e.code.field())
            .map_or(fallback, field_of);
        self.add(field, explain(e.code));
    }

    /// The summary at the top of the form: each error links to its field.
    pub fn summary(&self) -> Markup {
        html! {
            @if !self.is_empty() {
                div.error-summary role="alert" tabindex="-1" id="feil" {
                    h2 { "Skjemaet har feil" }
                    ul {
                        @for (field, message) in &self.0 {
                            li { a href=(format!("#{field}")) { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// A refusal in the words of the pages: what to do about it.
pub fn explain(code: ErrorCode) -> String {
    match code {
        ErrorCode::InvalidName => "Skriv inn en tittel (høyst 200 tegn).",
        ErrorCode::InvalidDescription => "Beskrivelsen er for lang (høyst 20 000 tegn).",
        ErrorCode::InvalidContractType => "Velg en kontraktstype.",
        ErrorCode::UnknownCpv => "Skriv en CPV-kode som finnes, for eksempel 55524000-9.",
        ErrorCode::InvalidDuration => "Sjekk varigheten: minst 1 måned, og med opsjoner høyst 600 måneder. Uten fast varighet kan det ikke være opsjoner.",
        ErrorCode::InvalidQuorum => "Sjekk kravet til deltakelse: minst 1 kommune, og en andel mellom 1 og 100 prosent.",
        ErrorCode::InvalidDeadline => "Svarfristen må være fram i tid.",
        ErrorCode::InvalidContractStart => "Kontrakten kan ikke starte før svarfristen.",
        ErrorCode::InvalidMunicipality | ErrorCode::UnknownMunicipality => "En av kommunene finnes ikke.",
        ErrorCode::InvitedRequired => "Velg minst én kommune å invitere.",
        ErrorCode::InvalidCaseNumber => "Saksnummeret kan ha høyst 50 tegn.",
        ErrorCode::InvalidUnit => "Skriv inn enheten det bestilles i, for eksempel «porsjon» (høyst 50 tegn).",
        ErrorCode::InvalidAmount => "Prisen må være et beløp i kroner, ikke negativt, for eksempel 45 eller 45,50.",
        ErrorCode::LotAreaNotInvited => "Delkontrakten må gjelde minst én kommune, og bare kommuner som er invitert.",
        ErrorCode::InvitedInLotArea => "En kommune du vil fjerne er med i en delkontrakt. Endre delkontrakten først.",
        ErrorCode::TooManyLots => "Anskaffelsen har allerede så mange delkontrakter som er tillatt.",
        ErrorCode::NoLots => "Legg til minst én delkontrakt før du åpner for påmelding.",
        ErrorCode::DeadlinePassed => "Svarfristen er passert. Sett en ny frist før du åpner.",
        ErrorCode::DeadlineNotReached => "Påmeldingen kan ikke stenges før fristen, med mindre alle kommunene har svart.",
        ErrorCode::QuorumNotMet => "Kravet til deltakelse er ikke oppfylt, så anskaffelsen kan ikke kunngjøres.",
        ErrorCode::ComplianceMissing => "Sjekklisten for seriøsitetskrav er ikke oppfylt. Begrunn eller velg de manglende kravene før kunngjøring.",
        ErrorCode::InvalidState => "Det kan ikke gjøres nå, i anskaffelsens nåværende status.",
        ErrorCode::ValueOverflow => "Tallene er for store til å regne med.",
        ErrorCode::NoThresholdsInForce => "Det finnes ingen terskelverdier for denne datoen.",
        ErrorCode::Forbidden => "Bare koordinatoren for anskaffelsen kan gjøre dette.",
        ErrorCode::NotFound => "Anskaffelsen finnes ikke, eller du har ikke tilgang til den.",
        other => other.title(Lang::Nb),
    }
    .to_string()
}

/// A text field with its label, hint and error, `id` and `name` alike.
pub fn field(
    kind: &str,
    id: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FormErrors,
) -> Markup {
    field_with(kind, id, label, value, hint, errors, None)
}

/// `field` with the `autocomplete` purpose of a personal field (WCAG 1.3.5).
pub fn field_with(
    kind: &str,
    id: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FormErrors,
    autocomplete: Option<&str>,
) -> Markup {
    let error = errors.of(id);
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
            input type=(kind) id=(id) name=(id) value=(value)
                autocomplete=[autocomplete]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))]
                aria-invalid=[error.map(|_| "true")];
        }
    }
}

/// A number of kroner as typed ("45", "45,50", "1 200") in øre.
pub fn parse_kroner(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let t = t.strip_prefix("kr").unwrap_or(&t).replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let kroner: i64 = whole.parse().ok()?;
    let ore: i64 = format!("{frac:0<2}").parse().ok()?;
    kroner.checked_mul(100)?.checked_add(ore)
}

/// Runs one flow as the logged-in person (the role, office and municipality
/// a token would carry, and their actor name for the audit trail) in one
/// write transaction, judged by the app's clock when it reaches the
/// database, as the API does for a token.
pub(super) async fn write_as<T, F>(state: &State, person: &Person, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: for<'a> FnOnce(
            &mut AnyConnection,
            Who<'a>,
            &str,
            chrono::DateTime<chrono::Utc>,
        ) -> AppResult<T>
        + Send
        + 'static,
{
    let person = person.clone();
    let clock = state.clock.clone();
    state
        .db
        .write(move |c| f(c, person.who(), &person.actor(), clock.now()))
        .await
}

#[cfg(test)]
mod tests {
    use super::parse_kroner;

    #[test]
    fn kroner_are_read_as_people_write_them() {
        assert_eq!(parse_kroner("45"), Some(4500));
        assert_eq!(parse_kroner("45,5"), Some(4550));
        assert_eq!(parse_kroner("1 200,05"), Some(120_005));
        assert_eq!(parse_kroner("kr 12.50"), Some(1250));
        for bad in ["", "-3", "4,555", "abc", "1,2,3"] {
            assert_eq!(parse_kroner(bad), None, "{bad}");
        }
    }
}
