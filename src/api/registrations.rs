//! The operator's part in suppliers' registrations: those for a number the
//! register holds without an address wait, after the registrant confirmed
//! their own address, for the operator to approve them (having checked by
//! other means, such as a phone call to the firm, that the registrant
//! speaks for it).

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem_docs::CALLER;
use super::suppliers::SupplierView;
use super::{rfc3339, Json, State};
use crate::auth::Caller;
use crate::db::registrations::Registration;
use crate::db::suppliers;
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult, Problem};
use crate::flows::registration::{self as flow, Approved};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin/registrations",
        web::get().to(list_pending_registrations),
    )
    .route(
        "/admin/registrations/{id}/approve",
        web::post().to(approve_registration),
    );
}

#[derive(Serialize, ToSchema)]
pub struct PendingRegistration {
    pub id: String,
    pub org_number: String,
    /// The firm's name as the register holds it.
    pub register_name: Option<String>,
    /// The name, figures and areas the registrant gave, which approval applies.
    pub name: String,
    /// The login asked for; its owner has confirmed it by the emailed link.
    pub email: String,
    pub employees: i64,
    pub annual_turnover_ore: i64,
    pub home_municipality: String,
    pub created_at: String,
    pub confirmed_at: Option<String>,
}

fn view(r: Registration, register_name: Option<String>) -> PendingRegistration {
    PendingRegistration {
        id: r.id,
        org_number: r.org_number,
        register_name,
        name: r.name,
        email: r.email,
        employees: r.employees,
        annual_turnover_ore: r.annual_turnover_ore,
        home_municipality: r.home_municipality,
        created_at: rfc3339(r.created_at),
        confirmed_at: r.confirmed_at.map(rfc3339),
    }
}

/// What `list_pending_registrations` answers besides success (see `problem_docs`).
pub const LIST_PENDING_REGISTRATIONS_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::Forbidden]];

/// Suppliers' registrations waiting for the operator, oldest first: the
/// organisation number is in the register, which holds no address to send
/// the confirmation to, and the registrant has confirmed their own address.
#[utoipa::path(get, path = "/api/v1/admin/registrations", tag = "suppliers",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PendingRegistration>),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_pending_registrations(
    state: State,
    caller: Caller,
) -> AppResult<Json<Vec<PendingRegistration>>> {
    caller.require_admin()?;
    let pending = state
        .db
        .read(|c| {
            let mut out = Vec::new();
            for r in flow::awaiting_operator(c)? {
                let register_name =
                    suppliers::find_by_org_number(c, &r.org_number)?.map(|s| s.name);
                out.push(view(r, register_name));
            }
            Ok::<_, AppError>(out)
        })
        .await?;
    Ok(Json(pending))
}

/// What `approve_registration` answers besides success (see `problem_docs`).
pub const APPROVE_REGISTRATION_ERRORS: &[ErrorCode] = codes![
    CALLER,
    &[
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::InvalidState
    ]
];

/// The operator approves a registration that waits for it: the registrant's
/// profile replaces the register's, the login is made, and the registrant is
/// told by email. 404 for a registration that does not wait for the
/// operator; 409 `invalid_state` when the number or the address got a login
/// meanwhile (the registration is then closed).
#[utoipa::path(post, path = "/api/v1/admin/registrations/{id}/approve", tag = "suppliers",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = SupplierView),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn approve_registration(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<SupplierView>> {
    caller.require_admin()?;
    let id = id.into_inner();
    let operator = caller.user_id().to_string();
    let (rate, clock) = (state.config.eur_nok, state.clock.clone());
    let approved = state
        .db
        .write(move |c| flow::approve(c, &id, &operator, rate, clock.now()))
        .await?;
    match approved {
        Approved::Completed(supplier) => Ok(Json(SupplierView::from(*supplier))),
        Approved::Overtaken => Err(AppError::new(
            ErrorCode::InvalidState,
            "the organisation number or the email address got a login meanwhile; the registration is closed",
        )),
    }
}
