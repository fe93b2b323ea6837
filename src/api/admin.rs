//! Operator views of the background machinery.

use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem_docs::CALLER;
use super::schemas::OutboxStatusName;
use super::{rfc3339, Json, Page, State};
use crate::auth::Caller;
use crate::db::outbox::{self, OutboxMessage, Status};
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult, Problem};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/outbox", web::get().to(list_outbox));
}

/// `?status=&limit=&offset=`; `Page` cannot be flattened in here because it
/// refuses unknown fields.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// `pending` (not sent yet), `failed` (not sent after repeated tries;
    /// still retried) or `sent`; all when absent.
    #[param(value_type = Option<OutboxStatusName>, inline)]
    pub status: Option<String>,
    /// How many items, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// How many to skip (default 0).
    pub offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OutboxItem {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    #[schema(example = "pending")]
    pub status: &'static str,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: String,
    /// When the next try is due (while a worker sends it: the end of its lease).
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    /// Since when the message has been shown as failing.
    pub failed_at: Option<String>,
    pub sent_at: Option<String>,
}

impl From<OutboxMessage> for OutboxItem {
    fn from(m: OutboxMessage) -> Self {
        let status = m.status();
        OutboxItem {
            status: status.code(),
            next_attempt_at: (status != Status::Sent).then(|| rfc3339(m.next_attempt_at)),
            id: m.id,
            to_address: m.to_address,
            subject: m.subject,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: rfc3339(m.created_at),
            last_attempt_at: m.last_attempt_at.map(rfc3339),
            failed_at: m.failed_at.map(rfc3339),
            sent_at: m.sent_at.map(rfc3339),
        }
    }
}

/// What `list_outbox` answers besides success (see `problem_docs`).
pub const LIST_OUTBOX_ERRORS: &[ErrorCode] =
    codes![CALLER, &[ErrorCode::Forbidden, ErrorCode::InvalidStatus]];

/// Outgoing mail, newest first, with its tries and errors: where an operator
/// sees that mail does not go out.
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "operations", params(OutboxQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<OutboxItem>),
              (status = 400, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_outbox(
    state: State,
    caller: Caller,
    query: web::Query<OutboxQuery>,
) -> AppResult<Json<Vec<OutboxItem>>> {
    caller.require_admin()?;
    let query = query.into_inner();
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(s.parse::<Status>().map_err(|_| {
            AppError::new(
                ErrorCode::InvalidStatus,
                format!("status must be pending, failed or sent, not '{s}'"),
            )
        })?),
    };
    let page = Page {
        limit: query.limit,
        offset: query.offset,
    };
    let (limit, offset) = (page.limit(), page.offset());
    let items = state
        .db
        .read(move |c| outbox::list(c, status, limit, offset))
        .await?;
    Ok(Json(items.into_iter().map(OutboxItem::from).collect()))
}
