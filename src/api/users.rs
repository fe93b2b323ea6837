use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::{token_for, TokenResponse};
use super::json::created;
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::schemas::ParticipantNumber as ParticipantNumberSchema;
use super::schemas::{Email, UserRoleName};
use super::{rfc3339, Json, Page, State};
use crate::auth::{password, Caller, Keys};
use crate::db::users::{self, Account, User};
use crate::domain::codes;
use crate::domain::kommune::PARTICIPANT_ERRORS;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult, Problem};
use crate::flows::accounts;
use crate::throttle::{client_address, LoginThrottle};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::post().to(create_user))
        .route("/users", web::get().to(list_users))
        .route("/users/me", web::get().to(me))
        .route("/users/me/password", web::post().to(change_password))
        .route("/users/{id}", web::patch().to(update_user));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[schema(value_type = Email, example = "innkjop@bergen.kommune.no")]
    pub email: String,
    /// At least 10 characters, at most 1024 bytes.
    #[schema(min_length = 10)]
    pub password: String,
    #[schema(value_type = UserRoleName, example = "coordinator")]
    pub role: String,
    /// A procurement office, for a coordinator of that office.
    pub organization_id: Option<String>,
    /// A kommunenummer: the municipality of a municipality user, or the host
    /// municipality that a coordinator leads joint procurements for.
    #[schema(value_type = Option<ParticipantNumberSchema>, example = "4601")]
    pub municipality: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub role: String,
    pub organization_id: Option<String>,
    pub municipality: Option<String>,
    pub supplier_id: Option<String>,
    /// A disabled account cannot log in, and its tokens are refused.
    pub disabled: bool,
    pub created_at: String,
}

impl From<Account> for UserView {
    fn from(a: Account) -> Self {
        UserView::of(a.user, a.standing.disabled)
    }
}

impl UserView {
    fn of(u: User, disabled: bool) -> Self {
        UserView {
            id: u.id,
            email: u.email,
            role: u.role.into(),
            organization_id: u.organization_id,
            municipality: u.municipality,
            supplier_id: u.supplier_id,
            disabled,
            created_at: rfc3339(u.created_at),
        }
    }
}

/// What `create_user` answers besides success (see `problem_docs`).
pub const CREATE_USER_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[
        ErrorCode::Forbidden,
        ErrorCode::InvalidEmail,
        ErrorCode::WeakPassword,
        ErrorCode::InvalidRole,
        ErrorCode::InvalidRoleLinks,
        ErrorCode::OrganizationRequired,
        ErrorCode::OrganizationNotFound,
        ErrorCode::MunicipalityRequired,
        ErrorCode::EmailTaken,
        ErrorCode::Conflict
    ],
    PARTICIPANT_ERRORS
];

/// An operator creates a coordinator, a municipality user or another admin.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = UserView),
              (status = 422, body = Problem),
              (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_user(
    state: State,
    caller: Caller,
    body: Json<NewUser>,
) -> AppResult<HttpResponse> {
    caller.require_admin()?;
    let body = body.0;
    let account = accounts::admit(
        &body.email,
        body.password,
        &body.role,
        body.organization_id.as_deref(),
        body.municipality.as_deref(),
    )
    .await?;
    let now = state.clock.now();
    let user = state
        .db
        .write(move |c| accounts::create_user(c, account, now))
        .await?;
    Ok(created(UserView::of(user, false)))
}

/// What `me` answers besides success (see `problem_docs`).
pub const ME_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::NotFound]];

/// Who am I: the caller's own account.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
pub async fn me(state: State, caller: Caller) -> AppResult<Json<UserView>> {
    let id = caller.user_id().to_string();
    let account = state.db.read(move |c| users::find_account(c, &id)).await?;
    account.map(|a| Json(a.into())).ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidToken,
            "the account of this token no longer exists",
        )
    })
}

/// What `list_users` answers besides success (see `problem_docs`).
pub const LIST_USERS_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::Forbidden]];

/// The operator's list of every login, by email, with whether it is disabled.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", params(Page), security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(
    state: State,
    caller: Caller,
    page: web::Query<Page>,
) -> AppResult<Json<Vec<UserView>>> {
    caller.require_admin()?;
    let (limit, offset) = (page.limit(), page.offset());
    let list = state
        .db
        .read(move |c| users::list(c, limit, offset))
        .await?;
    Ok(Json(list.into_iter().map(UserView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// `true` disables the account: it can no longer log in, and its tokens
    /// are refused (401 `account_disabled`). `false` enables it again; the
    /// tokens from before stay refused (401 `token_revoked`). Left out, or
    /// the state the account is in already, changes nothing.
    pub disabled: Option<bool>,
}

/// What `update_user` answers besides success (see `problem_docs`).
pub const UPDATE_USER_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[ErrorCode::Forbidden],
    accounts::SET_DISABLED_ERRORS
];

/// The operator disables an account, or enables it again.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = String, Path)),
    request_body = UserChange, security(("bearer" = [])),
    responses((status = 200, body = UserView),
              (status = 409, body = Problem, description = "an admin's own account, or the last enabled admin"),
              (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_user(
    state: State,
    caller: Caller,
    id: web::Path<String>,
    body: Json<UserChange>,
) -> AppResult<Json<UserView>> {
    caller.require_admin()?;
    let id = id.into_inner();
    // PostgreSQL refuses text holding NUL; no id has one.
    if id.contains('\0') {
        return Err(AppError::not_found("the user"));
    }
    let actor = caller.user_id().to_string();
    let target = id.clone();
    let account = match body.0.disabled {
        Some(disabled) => {
            state
                .db
                .write(move |c| accounts::set_disabled(c, &actor, &target, disabled))
                .await?
        }
        None => state
            .db
            .read(move |c| users::find_account(c, &target))
            .await?
            .ok_or_else(|| AppError::not_found("the user"))?,
    };
    // This instance refuses the old tokens at once; others within their TTL.
    state.standings.forget(&id);
    Ok(Json(account.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// The password rule of every account (at least 10 characters, at most
    /// 1024 bytes, ...).
    #[schema(min_length = 10)]
    pub new_password: String,
}

/// What `change_password` answers besides success (see `problem_docs`).
pub const CHANGE_PASSWORD_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[
        ErrorCode::WrongPassword,
        ErrorCode::WeakPassword,
        ErrorCode::TooManyRequests
    ],
    accounts::CHANGE_PASSWORD_ERRORS
];

/// The caller changes their own password. Every token issued before, the
/// one of this call included, stops working; the answer is a fresh token.
/// Each attempt counts against the login throttle of the account and the
/// address, so a stolen token does not give unlimited password guesses.
#[utoipa::path(post, path = "/api/v1/users/me/password", tag = "accounts", request_body = PasswordChange,
    security(("bearer" = [])),
    responses((status = 200, body = TokenResponse, description = "the password is changed; use this token from now on"),
              (status = 422, body = Problem, description = "`wrong_password`: the current password is wrong; `weak_password`: the new one breaks the rule"),
              (status = 429, body = Problem, description = "too many attempts from this address, or wrong passwords for this account from it",
                  headers(("Retry-After" = u64, description = "seconds until the next attempt is allowed"))),
              (status = 401, body = Problem)))]
pub async fn change_password(
    state: State,
    caller: Caller,
    keys: web::Data<Keys>,
    throttle: web::Data<LoginThrottle>,
    req: HttpRequest,
    body: Json<PasswordChange>,
) -> AppResult<Json<TokenResponse>> {
    let id = caller.user_id().to_string();
    let lookup = id.clone();
    let user = state
        .db
        .read(move |c| users::find(c, &lookup))
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::TokenRevoked,
                "the account of this token no longer exists",
            )
        })?;
    let address = client_address(&req, &state.config.trusted_proxies);
    let attempt = throttle.admit(address, &user.email, std::time::Instant::now())?;
    let PasswordChange {
        current_password,
        new_password,
    } = body.0;
    let stored = user.password_hash;
    let right = password::verify_in_turn(current_password, Some(stored))
        .await
        .map_err(AppError::internal)?;
    if !right {
        return Err(
            AppError::new(ErrorCode::WrongPassword, "the current password is wrong")
                .on_field("current_password"),
        );
    }
    attempt.succeeded();
    password::check_strength("new_password", &new_password, &[&user.email])?;
    let hash = password::hash_in_turn(new_password)
        .await
        .map_err(AppError::internal)?;
    let account = state
        .db
        .write(move |c| accounts::change_password(c, &id, &hash))
        .await?;
    state.standings.forget(&account.user.id);
    token_for(&keys, &account).map(Json)
}
