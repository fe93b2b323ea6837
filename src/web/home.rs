//! `GET /`: where a person who follows the header link lands: the published
//! joint procurements, newest first, and where the API is described.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::html;

use super::{notice, page, respond};
use crate::db::procurements;
use crate::domain::calendar::oslo_date;
use crate::state::State;

const SHOWN: i64 = 50;

pub async fn show(state: State) -> HttpResponse {
    let Ok(published) = state
        .db
        .read(|c| procurements::list_published(c, SHOWN, 0))
        .await
    else {
        return notice(
            StatusCode::SERVICE_UNAVAILABLE,
            "Noe gikk galt",
            "Prøv igjen om litt.",
        );
    };
    respond(
        StatusCode::OK,
        page(
            "Felles anskaffelser",
            html! {
                h1 { "Felles anskaffelser i kommunene" }
                p { "Her er de kunngjorte felles anskaffelsene, med delkontraktene og kommunene som er med i hver av dem." }
                @if published.is_empty() {
                    p.muted { "Ingen anskaffelser er kunngjort ennå." }
                } @else {
                    ul {
                        @for p in &published {
                            li {
                                a href=(format!("/procurements/{}", p.id)) { (p.title) }
                                @if let Some(at) = p.published_at {
                                    span.muted { " – kunngjort " (oslo_date(at.and_utc()).format("%d.%m.%Y").to_string()) }
                                }
                            }
                        }
                    }
                }
                p.muted { "For systemer: API-et er beskrevet på " a href="/docs/" { "/docs" } " og i " a href="/api-docs/openapi.json" { "OpenAPI-dokumentet" } "." }
            },
        ),
    )
}
