use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use super::token::{Claims, Keys, API_AUDIENCE};
use crate::domain::{ErrorCode, Role};
use crate::error::AppError;
use crate::state::AppState;

/// The authenticated caller of a request. Extracting it answers 401 when the
/// bearer token is missing, forged or expired, and when its account was
/// disabled or its token revoked since (`standing::check`, which may ask the
/// database: on the blocking pool, never on the async worker).
#[derive(Debug, Clone)]
pub struct Caller(pub Claims);

impl Caller {
    pub fn user_id(&self) -> &str {
        &self.0.sub
    }

    pub fn role(&self) -> Role {
        self.0.role
    }

    pub fn is_admin(&self) -> bool {
        self.0.role == Role::Admin
    }

    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.0.role == role {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "this action needs the role {role}"
            )))
        }
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        self.require(Role::Admin)
    }

    /// The municipality a municipality user (or a host municipality's
    /// coordinator) acts for.
    pub fn municipality(&self) -> Option<&str> {
        self.0.municipality.as_deref()
    }

    pub fn organization(&self) -> Option<&str> {
        self.0.org.as_deref()
    }

    pub fn supplier(&self) -> Option<&str> {
        self.0.supplier.as_deref()
    }

    pub fn who(&self) -> crate::domain::access::Who<'_> {
        crate::domain::access::Who {
            role: self.0.role,
            organization: self.organization(),
            municipality: self.municipality(),
        }
    }

    /// How the audit trail names the caller.
    pub fn actor(&self) -> String {
        format!("{}:{}", self.0.role, self.0.sub)
    }

    /// Admins, and the municipality's own users.
    pub fn may_act_for_municipality(&self, number: &str) -> bool {
        self.is_admin()
            || (self.0.role == Role::Municipality && self.municipality() == Some(number))
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verified = verify(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let claims = verified?;
            let state = state
                .ok_or_else(|| AppError::internal("the application state is not configured"))?;
            super::standing::check(&state, &claims).await?;
            Ok(Caller(claims))
        })
    }
}

/// The token's signature, audience and expiry: no database needed.
fn verify(req: &HttpRequest) -> Result<Claims, AppError> {
    let keys = req
        .app_data::<web::Data<Keys>>()
        .ok_or_else(|| AppError::internal("token keys are not configured"))?;
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        AppError::new(ErrorCode::Unauthenticated, "this call needs a bearer token")
    })?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidToken,
                "the Authorization header must be 'Bearer <token>'",
            )
        })?;
    keys.verify::<Claims>(token, API_AUDIENCE).map_err(|_| {
        AppError::new(
            ErrorCode::InvalidToken,
            "the token is invalid or has expired",
        )
    })
}
