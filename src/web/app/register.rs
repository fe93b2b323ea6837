//! The operator loads the supplier register from a CSV file chosen in the
//! browser: `POST /api/v1/suppliers/import` as a page, with the same file
//! and row limits (`import::LIMIT_BYTES`, `import::MAX_ROWS`), the same
//! reading (`import::parse`) and the same flow (`flows::suppliers::import`).
//! The report says what was imported and updated, and each rejected line
//! with its number and why, in bokmål.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::operator::{code_words, operator_only};
use super::upload::Uploaded;
use super::{answer, app_page, failed, FormErrors};
use crate::error::AppError;
use crate::flows::suppliers as flow;
use crate::import::{self, ImportReport};
use crate::state::State;
use crate::web::csrf;
use crate::web::session::Session;

/// Rejected lines shown on the page; the rest are counted.
const SHOWN_REJECTED: usize = 1000;

pub async fn form(session: Session) -> HttpResponse {
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    answer(StatusCode::OK, page(&session, &FormErrors::default(), None))
}

pub async fn upload(state: State, uploaded: Uploaded) -> HttpResponse {
    let Uploaded { session, file, .. } = uploaded;
    if let Some(refused) = operator_only(&session) {
        return refused;
    }
    let refuse = |text: String| {
        let mut errors = FormErrors::default();
        errors.add("file", text);
        answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&session, &errors, None),
        )
    };
    let Some((_, bytes)) = file else {
        return refuse("Velg en CSV-fil med registeret.".into());
    };
    let parsed = match web::block(move || import::parse(&bytes)).await {
        Ok(Ok(parsed)) => parsed,
        Ok(Err(e)) if e.status().is_client_error() => {
            return refuse(match e.code {
                crate::domain::ErrorCode::InvalidCsvHeader => format!(
                    "Første linje i filen må være kolonnenavnene {}, og eventuelt email.",
                    import::COLUMNS.join(",")
                ),
                crate::domain::ErrorCode::TooManyRows => format!(
                    "Filen har for mange linjer (høyst {}). Del den i flere filer.",
                    import::MAX_ROWS
                ),
                other => code_words(other).to_string(),
            })
        }
        Ok(Err(e)) => return failed(&session, &e),
        Err(e) => return failed(&session, &AppError::from(e)),
    };
    let (rate, now) = (state.config.eur_nok, state.clock.now());
    let report = state
        .db
        .write(move |c| flow::import(c, parsed, rate, now))
        .await;
    match report {
        Ok(report) => answer(
            StatusCode::OK,
            page(&session, &FormErrors::default(), Some(&report)),
        ),
        Err(e) => failed(&session, &e),
    }
}

fn page(session: &Session, errors: &FormErrors, report: Option<&ImportReport>) -> Markup {
    let error = errors.of("file");
    let described = if error.is_some() {
        "file-hint file-feil"
    } else {
        "file-hint"
    };
    app_page(
        "Leverandørregisteret",
        Some(session),
        html! {
            h1 { "Importer leverandørregisteret" }
            @if let Some(r) = report { (report_of(r)) }
            p { "Nye organisasjonsnumre legges til, og kjente oppdateres. En linje med feil hoppes over og vises i rapporten; de andre lagres likevel." }
            (errors.summary())
            form method="post" action="/app/suppliers/import" enctype="multipart/form-data" novalidate {
                (csrf::hidden(&session.csrf_token))
                div.field {
                    label for="file" { "CSV-fil" }
                    span.hint id="file-hint" {
                        "Første linje: " code { (import::COLUMNS.join(",")) } ", og eventuelt " code { "email" }
                        ". Lister i en celle skilles med semikolon. Høyst 64 MiB og " (import::MAX_ROWS) " linjer."
                    }
                    @if let Some(e) = error { span.field-error id="file-feil" { "Feil: " (e) } }
                    input type="file" id="file" name="file" accept=".csv,text/csv,text/plain"
                        aria-describedby=(described) aria-invalid=[error.map(|_| "true")];
                }
                p { button type="submit" { "Importer" } }
            }
        },
    )
}

fn report_of(r: &ImportReport) -> Markup {
    html! {
        section.ok role="status" aria-labelledby="rapport" {
            h2 id="rapport" { "Rapport fra importen" }
            ul {
                li { "Nye leverandører: " strong { (r.imported) } }
                li { "Oppdaterte leverandører: " strong { (r.updated) } }
                li { "Linjer som ble avvist: " strong { (r.rejected.len()) } }
            }
        }
        @if !r.rejected.is_empty() {
            table.list {
                caption { "Avviste linjer (linje 1 er kolonnenavnene)" }
                thead { tr { th scope="col" { "Linje" } th scope="col" { "Hvorfor" } } }
                tbody {
                    @for x in r.rejected.iter().take(SHOWN_REJECTED) {
                        tr { td.num { (x.line) } td { (code_words(x.code)) } }
                    }
                }
            }
            @if r.rejected.len() > SHOWN_REJECTED {
                p.muted { "Bare de første " (SHOWN_REJECTED) " avviste linjene vises." }
            }
        }
    }
}
