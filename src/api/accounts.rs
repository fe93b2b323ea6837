use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem_docs::JSON_BODY;
use super::throttle::LoginThrottle;
use super::{Json, State};
use crate::auth::{password, Claims, Keys};
use crate::db::registrations;
use crate::db::users::{self, User};
use crate::domain::codes;
use crate::domain::ErrorCode;
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
    &[
        ErrorCode::InvalidCredentials,
        ErrorCode::TooManyRequests,
        ErrorCode::RegistrationPending
    ]
];

/// Log in: exchange an email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, body = Problem, description = "wrong email or password (the two are not told apart)"),
              (status = 403, body = Problem, description = "`registration_pending`: the right password of a supplier's registration that is not confirmed yet"),
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
    throttle.check(req.peer_addr().map(|a| a.ip()), &email)?;
    let now = crate::db::stamp(state.clock.now());
    let (user, pending) = state
        .db
        .read(move |c| {
            let user = users::find_by_email(c, &email)?;
            let pending = match user {
                Some(_) => None,
                None => registrations::open_for_email(c, &email, now)?,
            };
            Ok::<_, crate::db::DbError>((user, pending))
        })
        .await?;
    // One Argon2 verification whichever way: an account, a registration
    // waiting for its confirmation, or nobody.
    let user = web::block(move || match (user, pending) {
        (Some(u), _) if password::verify(&password, &u.password_hash) => Ok(Some(u)),
        (Some(_), _) => Ok(None),
        (None, Some(r)) if password::verify(&password, &r.password_hash) => Err(AppError::new(
            ErrorCode::RegistrationPending,
            "the registration is not confirmed yet: use the link in the email it sent",
        )),
        (None, Some(_)) => Ok(None),
        (None, None) => {
            password::verify_nobody(&password);
            Ok(None)
        }
    })
    .await??
    .ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidCredentials,
            "the email or the password is wrong",
        )
    })?;
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
