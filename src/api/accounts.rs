use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem_docs::JSON_BODY;
use super::throttle::LoginThrottle;
use super::{Json, State};
use crate::auth::{password, Claims, Keys};
use crate::db::users::{self, User};
use crate::domain::codes;
use crate::domain::{EmailAddress, ErrorCode};
use crate::error::{AppError, AppResult, Problem};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/token", web::post().to(issue_token));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(example = "koordinator@vestlandinnkjop.no")]
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// What `issue_token` answers besides success (see `problem_docs`).
pub const ISSUE_TOKEN_ERRORS: &[ErrorCode] = codes![
    JSON_BODY,
    &[ErrorCode::InvalidCredentials, ErrorCode::TooManyRequests]
];

/// Log in: exchange an email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, body = Problem, description = "wrong email or password (the two are not told apart)"),
              (status = 429, body = Problem, description = "too many attempts from this address or for this account"),
              (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn issue_token(
    state: State,
    keys: web::Data<Keys>,
    throttle: web::Data<LoginThrottle>,
    req: HttpRequest,
    body: Json<TokenRequest>,
) -> AppResult<Json<TokenResponse>> {
    let TokenRequest { email, password } = body.0;
    // The account tried, for the operator; text that is no email address
    // (a password typed in the wrong field) is not written down.
    let account = EmailAddress::parse(&email).map_or_else(
        |_| "(not an email address)".to_string(),
        EmailAddress::into_string,
    );
    throttle
        .check(req.peer_addr().map(|a| a.ip()), &email)
        .inspect_err(|_| tracing::warn!(%account, "login refused: too many attempts"))?;
    let user = state
        .db
        .read(move |c| users::find_by_email(c, &email))
        .await?;
    let user = web::block(move || match user {
        Some(u) if password::verify(&password, &u.password_hash) => Some(u),
        Some(_) => None,
        None => {
            password::verify_nobody(&password);
            None
        }
    })
    .await?
    .ok_or_else(|| {
        tracing::warn!(%account, "login refused: wrong email or password");
        AppError::new(
            ErrorCode::InvalidCredentials,
            "the email or the password is wrong",
        )
    })?;
    tracing::info!(user = %user.id, role = %user.role, "logged in");
    let claims = claims_for(&user, chrono::Utc::now().timestamp(), keys.ttl_seconds)?;
    let access_token = keys.sign(&claims).map_err(AppError::internal)?;
    Ok(Json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: keys.ttl_seconds,
    }))
}

fn claims_for(user: &User, now: i64, ttl: i64) -> AppResult<Claims> {
    let role = user.role;
    Ok(Claims {
        sub: user.id.clone(),
        role,
        org: user.organization_id.clone(),
        municipality: user.municipality.clone(),
        supplier: user.supplier_id.clone(),
        aud: crate::auth::token::API_AUDIENCE.to_string(),
        iat: now,
        exp: now + ttl,
    })
}
