//! The one error type. Every failure a caller can see becomes an RFC 9457
//! problem document with a stable `code`; internal failures are logged with
//! their cause and shown only as a generic 500.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::{ErrorCode, Invalid, Lang};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// RFC 9457 problem details, as sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub code: ErrorCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// How long a refused client should wait (`Retry-After` on a 429).
    pub retry_after: Option<std::time::Duration>,
}

pub type AppResult<T> = Result<T, AppError>;

/// For a 429 that does not know its wait: the throttles' budgets are per minute.
const DEFAULT_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

impl AppError {
    /// The status comes from the code.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        AppError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// Tells the client when to try again.
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    pub fn status(&self) -> StatusCode {
        status_of(self.code)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} was not found"))
    }

    /// Logs the cause; the caller sees only that something went wrong on our side.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(ErrorCode::InternalError, "an internal error occurred")
    }

    /// Names the request field the error is about.
    pub fn on_field(mut self, field: &str) -> Self {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: self.detail.clone(),
        });
        self
    }

    /// The problem document with its `title` in `lang`; `detail` and the
    /// fields' messages are in English.
    pub fn problem_in(&self, lang: Lang) -> Problem {
        Problem {
            type_: format!("/problems/{}", self.code.as_str().replace('_', "-")),
            title: self.code.title(lang).to_string(),
            status: self.status().as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_string(),
            errors: self.errors.clone(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status().as_u16(),
            self.code,
            self.detail
        )
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// In bokmål: the request is not at hand here, so the language middleware
    /// (`api::lang::problem_in`) answers in the caller's language instead.
    fn error_response(&self) -> HttpResponse {
        self.response_in(Lang::default())
    }
}

impl AppError {
    /// The problem document in `lang`, as an answer.
    pub fn response_in(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status())
            .insert_header((header::CONTENT_TYPE, "application/problem+json"))
            .json(self.problem_in(lang));
        // For the check that an operation answers only the codes it documents.
        res.extensions_mut().insert(self.code);
        // Every 429 says when to come back (RFC 9110 §10.2.3), in whole
        // seconds rounded up, so that a client that obeys is let in.
        if self.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = self.retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            res.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(seconds.max(1)),
            );
        }
        res
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::new(e.code, e.message)
    }
}

/// The one place where the database's failures become answers.
impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::not_found("the record"),
            DbError::Conflict(detail) => {
                tracing::info!(%detail, "a unique constraint refused a row");
                AppError::new(ErrorCode::Conflict, "the record already exists")
            }
            DbError::Unavailable(cause) => {
                tracing::error!(%cause, "database pool exhausted or unreachable");
                AppError::new(
                    ErrorCode::DatabaseUnavailable,
                    "the database is not reachable",
                )
            }
            DbError::Rejected { code, detail } => AppError::new(code, detail),
            DbError::Other(cause) => AppError::internal(cause),
        }
    }
}

/// The HTTP status of a code; the table in the domain crate holds it as a number.
pub fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(e)
    }
}

/// Turns a domain rule's refusal into an answer naming the request field (the
/// code's own field, if it always blames one).
pub trait FieldExt<T> {
    fn field(self, name: &str) -> AppResult<T>;
}

impl<T> FieldExt<T> for Result<T, Invalid> {
    fn field(self, name: &str) -> AppResult<T> {
        self.map_err(|e| {
            let field = e.code.field().unwrap_or(name);
            AppError::from(e).on_field(field)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry_after(e: &AppError) -> Option<String> {
        e.error_response()
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_string())
    }

    #[test]
    fn every_429_says_when_to_come_back() {
        let plain = AppError::new(ErrorCode::TooManyRequests, "slow down");
        assert_eq!(retry_after(&plain).as_deref(), Some("60"));
        let timed = plain.retry_after(std::time::Duration::from_millis(1200));
        assert_eq!(retry_after(&timed).as_deref(), Some("2"), "rounded up");
        let soon =
            AppError::new(ErrorCode::TooManyRequests, "").retry_after(std::time::Duration::ZERO);
        assert_eq!(retry_after(&soon).as_deref(), Some("1"));
        assert_eq!(retry_after(&AppError::forbidden("no")), None);
    }
}
