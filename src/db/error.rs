//! What the database layer can fail with, in its own terms. The shells map
//! it to what their callers see (`impl From<DbError> for AppError`); nothing
//! here knows about HTTP.

use std::fmt;

use crate::domain::ErrorCode;

#[derive(Debug)]
pub enum DbError {
    /// A query that must find one row found none.
    NotFound,
    /// A unique constraint refused the row: someone stored the same key first.
    Conflict(String),
    /// No connection: the pool is exhausted or the server unreachable.
    Unavailable(String),
    /// A value refused before it is stored, with a stable code and the reason.
    Rejected { code: ErrorCode, detail: String },
    /// A stored value that does not read back, a failed statement, a lost
    /// blocking task: nothing the caller can mend.
    Other(String),
}

pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// A stored value failed its check on the way out. Stored values were
    /// checked on the way in, so this is corruption.
    pub fn corrupt(cause: impl fmt::Display) -> DbError {
        DbError::Other(format!("a stored value does not read back: {cause}"))
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::NotFound => write!(f, "the record was not found"),
            DbError::Conflict(detail) => write!(f, "conflict: {detail}"),
            DbError::Unavailable(cause) => write!(f, "the database is not reachable: {cause}"),
            DbError::Rejected { code, detail } => write!(f, "{code}: {detail}"),
            DbError::Other(cause) => write!(f, "{cause}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => DbError::NotFound,
            // A row field that does not convert to its type (`db::types`).
            Error::DeserializationError(cause) => DbError::corrupt(cause),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::Conflict(info.message().to_string())
            }
            other => DbError::Other(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        DbError::Unavailable(e.to_string())
    }
}
