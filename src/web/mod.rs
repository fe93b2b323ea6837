//! Server-rendered pages for people, in Norwegian: the voting page that
//! email links open, the page that confirms a supplier's registration
//! (`confirm`), the supplier's view of a published procurement
//! (`supplier`, with its maps in `map`), and the workspace under /app/ for
//! those who log in (`app`, with its `session` and `csrf`). Escaped by maud,
//! readable on a phone, with no script and nothing fetched from elsewhere.

pub mod app;
pub mod confirm;
pub mod csrf;
pub mod dialogue;
pub mod home;
pub mod lot_table;
pub mod mandate_form;
pub mod map;
pub mod session;
pub mod supplier;
pub mod vote;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup, PreEscaped, DOCTYPE};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::show))
        .route("/vote/{token}", web::get().to(vote::show))
        .route("/vote/{token}", web::post().to(vote::submit))
        .route(
            "/vote/{token}/mandate",
            web::post().to(vote::register_mandate),
        )
        .route("/confirm/{token}", web::get().to(confirm::show))
        .route("/confirm/{token}", web::post().to(confirm::submit))
        .route("/procurements/{id}", web::get().to(supplier::show))
        .configure(dialogue::routes)
        .configure(app::routes);
}

pub(crate) const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;line-height:1.5;color:#1a1a1a;margin:0;background:#f4f6f8}
header{background:#0b3d62;color:#fff;padding:.8em 1em}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:46em;margin:0 auto;padding:1em;background:#fff}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.15em;margin-top:1.5em}
fieldset{border:1px solid #ccd;border-radius:6px;margin:1em 0;padding:.8em}
legend{font-weight:600}label{display:block;margin:.4em 0}
input[type=number],select,textarea{width:100%;box-sizing:border-box;padding:.5em;font-size:1em;border:1px solid #99a;border-radius:4px}
.lot{border-top:1px solid #e2e4e8;padding:.6em 0}.row{display:flex;gap:1em;flex-wrap:wrap}.row label{flex:1 1 12em}
button{background:#0b5394;color:#fff;border:0;border-radius:4px;padding:.7em 1.4em;font-size:1em;cursor:pointer}
.errors{background:#fde8e8;border:1px solid #c53030;border-radius:6px;padding:.6em 1em}.ok{background:#e6f4ea;border:1px solid #2f855a;border-radius:6px;padding:.6em 1em}
.muted{color:#555;font-size:.92em}table{border-collapse:collapse}td,th{padding:.25em .6em .25em 0;text-align:left;vertical-align:top}
th{font-weight:600}.num{white-space:nowrap;font-variant-numeric:tabular-nums}figure{margin:.6em 0}
table.facts{width:100%}table.facts th{width:40%}main{overflow-wrap:break-word}
svg.defs{position:absolute;width:0;height:0;overflow:hidden}svg.map{display:block;width:100%;height:auto;max-height:26em}
svg.map use:hover{fill:#e69138}
table.chart{width:100%}table.chart th{font-weight:400;width:35%;overflow-wrap:anywhere}table.chart td.bar{width:50%}table.chart td.num{text-align:right}
input[type=text],input[type=date]{width:100%;box-sizing:border-box;padding:.5em;font-size:1em;border:1px solid #767676;border-radius:4px}
.row .field{flex:1 1 14em}.hint{display:block;color:#4a4a4a;font-size:.92em}.field-error{display:block;color:#b3261e;font-weight:600;margin:.2em 0}[aria-invalid=true]{border:2px solid #b3261e}
.error-summary{border:3px solid #b3261e;border-radius:6px;padding:.6em 1em;margin:1em 0}.error-summary h2{margin-top:0}.error-summary a{color:#b3261e;font-weight:600}
table.chart td.bar span{display:block;height:.9em;background:#0b5394;forced-color-adjust:none}details summary{cursor:pointer;margin:.4em 0}
";

pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " – Samkjøp" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header { a href="/" { "Samkjøp" } " · felles anskaffelser for kommunene" }
                main { (body) }
            }
        }
    }
}

/// An HTML answer. The pages hold personal links, so they are neither cached
/// nor sent on as a referrer, and they run no script.
pub fn respond(status: StatusCode, markup: Markup) -> HttpResponse {
    let mut res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .body(markup.into_string());
    page_headers(res.headers_mut());
    res
}

/// What every page answers with besides its body and caching.
pub fn page_headers(headers: &mut actix_web::http::header::HeaderMap) {
    use actix_web::http::header::{HeaderName, HeaderValue};
    for (name, value) in [
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
}

/// A page that only says what went wrong and what to do.
pub fn notice(status: StatusCode, heading: &str, text: &str) -> HttpResponse {
    respond(
        status,
        page(heading, html! { h1 { (heading) } p { (text) } }),
    )
}
