use std::time::Instant;

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem_docs::JSON_BODY;
use super::{Json, State};
use crate::auth::{password, Claims, Keys};
use crate::db::registrations;
use crate::db::users::{self, Account};
use crate::domain::codes;
use crate::domain::{EmailAddress, ErrorCode};
use crate::error::{AppError, AppResult, Problem};
use crate::throttle::{client_address, LoginThrottle};

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
        ErrorCode::InvalidCredentials,
        ErrorCode::AccountDisabled,
        ErrorCode::TooManyRequests,
        ErrorCode::RegistrationPending
    ]
];

/// Log in: exchange an email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, body = Problem, description = "wrong email or password (the two are not told apart); `account_disabled` after the right password of a disabled account"),
              (status = 403, body = Problem, description = "`registration_pending`: the right password of a supplier's registration that is not confirmed yet"),
              (status = 429, body = Problem, description = "too many attempts from this address, or wrong passwords for this account from it",
                  headers(("Retry-After" = u64, description = "seconds until the next attempt is allowed"))),
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
    let tried = EmailAddress::parse(&email).map_or_else(
        |_| "(not an email address)".to_string(),
        EmailAddress::into_string,
    );
    let address = client_address(&req, &state.config.trusted_proxies);
    let attempt = throttle
        .admit(address, &email, Instant::now())
        .inspect_err(|_| tracing::warn!(account = %tried, "login refused: too many attempts"))?;
    let now = crate::db::stamp(state.clock.now());
    let (found, pending) = state
        .db
        .read(move |c| {
            let found = users::find_account_by_email(c, &email)?;
            let pending = match found {
                Some(_) => None,
                None => registrations::open_for_email(c, &email, now)?,
            };
            Ok::<_, crate::db::DbError>((found, pending))
        })
        .await?;
    // One Argon2 verification whichever way: an account, a registration
    // waiting for its confirmation, or nobody.
    let stored = match (&found, &pending) {
        (Some(a), _) => Some(a.user.password_hash.clone()),
        (None, Some(r)) => Some(r.password_hash.clone()),
        (None, None) => None,
    };
    let right = password::verify_in_turn(password, stored)
        .await
        .map_err(AppError::internal)?;
    if right && found.is_none() && pending.is_some() {
        attempt.succeeded();
        return Err(AppError::new(
            ErrorCode::RegistrationPending,
            "the registration is not confirmed yet: use the link in the email it sent",
        ));
    }
    let account = found.filter(|_| right).ok_or_else(|| {
        tracing::warn!(account = %tried, "login refused: wrong email or password");
        AppError::new(
            ErrorCode::InvalidCredentials,
            "the email or the password is wrong",
        )
    })?;
    attempt.succeeded();
    // Only to whoever knows the password: an unknown email and a wrong
    // password still answer alike.
    if account.standing.disabled {
        tracing::warn!(account = %tried, "login refused: the account is disabled");
        return Err(AppError::new(
            ErrorCode::AccountDisabled,
            "this account is disabled; an admin can enable it again",
        ));
    }
    tracing::info!(user = %account.user.id, role = %account.user.role, "logged in");
    token_for(&keys, &account).map(Json)
}

/// A fresh token for the account as it stands.
pub(crate) fn token_for(keys: &Keys, account: &Account) -> AppResult<TokenResponse> {
    let claims = claims_for(account, chrono::Utc::now().timestamp(), keys.ttl_seconds);
    let access_token = keys.sign(&claims).map_err(AppError::internal)?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: keys.ttl_seconds,
    })
}

fn claims_for(account: &Account, now: i64, ttl: i64) -> Claims {
    let user = &account.user;
    let role = user.role;
    Claims {
        sub: user.id.clone(),
        role,
        org: user.organization_id.clone(),
        municipality: user.municipality.clone(),
        supplier: user.supplier_id.clone(),
        ver: account.standing.token_version,
        aud: crate::auth::token::API_AUDIENCE.to_string(),
        iat: now,
        exp: now + ttl,
    }
}
