use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::State;
use crate::domain::ErrorCode;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready));
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// What `live` answers besides success (see `problem_docs`).
pub const LIVE_ERRORS: &[ErrorCode] = &[];

/// The process answers.
#[utoipa::path(get, path = "/health/live", tag = "operations", responses((status = 200, body = Health)))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// What `ready` answers besides success (see `problem_docs`).
pub const READY_ERRORS: &[ErrorCode] = &[];

/// The database answers too: a load balancer sends traffic only when this is 200.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn ready(state: State) -> HttpResponse {
    let answer = state
        .db
        .read(|c| Ok::<_, crate::db::DbError>(c.batch_execute("SELECT 1").is_ok()))
        .await;
    match answer {
        Ok(true) => HttpResponse::Ok().json(Health { status: "ok" }),
        _ => HttpResponse::ServiceUnavailable().json(Health {
            status: "database_unavailable",
        }),
    }
}
