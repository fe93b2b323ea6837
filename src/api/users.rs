use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::created;
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::schemas::{Email, MunicipalityNumber, UserRoleName};
use super::{rfc3339, Json, State};
use crate::auth::{password, Caller};
use crate::db::users::{self, User};
use crate::domain::codes;
use crate::domain::kommune::MUNICIPALITY_ERRORS;
use crate::domain::{EmailAddress, ErrorCode, Kommunenummer, Role};
use crate::error::{AppError, AppResult, FieldExt, Problem};
use crate::flows::accounts::{self, NewAccount};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::post().to(create_user))
        .route("/users/me", web::get().to(me));
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
    #[schema(value_type = Option<MunicipalityNumber>, example = "4601")]
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
    pub created_at: String,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            email: u.email,
            role: u.role.into(),
            organization_id: u.organization_id,
            municipality: u.municipality,
            supplier_id: u.supplier_id,
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
    MUNICIPALITY_ERRORS
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
    let email = EmailAddress::parse(&body.email).field("email")?;
    password::check_strength(&body.password, &[&body.email])?;
    let role: Role = body.role.parse().field("role")?;
    let municipality = body
        .municipality
        .as_deref()
        .map(Kommunenummer::parse)
        .transpose()
        .field("municipality")?;
    let organization_id = body.organization_id.filter(|s| !s.is_empty());
    check_role_links(role, organization_id.as_deref(), municipality.as_ref())?;
    let password_hash = web::block(move || password::hash(&body.password))
        .await?
        .map_err(AppError::internal)?;
    let account = NewAccount {
        email,
        password_hash,
        role,
        organization_id,
        municipality,
    };
    let now = state.clock.now();
    let user = state
        .db
        .write(move |c| accounts::create_user(c, account, now))
        .await?;
    Ok(created(UserView::from(user)))
}

/// Which links each role must, and must not, have.
fn check_role_links(
    role: Role,
    organization: Option<&str>,
    municipality: Option<&Kommunenummer>,
) -> AppResult<()> {
    match (role, organization, municipality) {
        (Role::Admin, None, None) => Ok(()),
        (Role::Admin, _, _) => Err(AppError::new(
            ErrorCode::InvalidRoleLinks,
            "an admin belongs to no organisation or municipality",
        )),
        (Role::Coordinator, Some(_), None) | (Role::Coordinator, None, Some(_)) => Ok(()),
        (Role::Coordinator, Some(_), Some(_)) => Err(AppError::new(
            ErrorCode::InvalidRoleLinks,
            "a coordinator works for a procurement office or for a host municipality, not both",
        )),
        (Role::Coordinator, None, None) => Err(AppError::new(
            ErrorCode::OrganizationRequired,
            "a coordinator needs organization_id (a procurement office) or municipality (a host municipality)",
        )
        .on_field("organization_id")),
        (Role::Municipality, None, Some(_)) => Ok(()),
        (Role::Municipality, Some(_), _) => Err(AppError::new(
            ErrorCode::InvalidRoleLinks,
            "a municipality user belongs to a municipality, not an organisation",
        )),
        (Role::Municipality, None, None) => Err(AppError::new(
            ErrorCode::MunicipalityRequired,
            "a municipality user needs municipality (a kommunenummer)",
        )
        .on_field("municipality")),
        (Role::Supplier, _, _) => Err(AppError::new(
            ErrorCode::InvalidRole,
            "suppliers register themselves at POST /api/v1/suppliers",
        )
        .on_field("role")),
    }
}

/// What `me` answers besides success (see `problem_docs`).
pub const ME_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::NotFound]];

/// Who am I: the caller's own account.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
pub async fn me(state: State, caller: Caller) -> AppResult<Json<UserView>> {
    let id = caller.user_id().to_string();
    let user = state.db.read(move |c| users::find(c, &id)).await?;
    user.map(|u| Json(u.into())).ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidToken,
            "the account of this token no longer exists",
        )
    })
}
