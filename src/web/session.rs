//! Who is logged in to the pages under /app/: the session cookie, the
//! person it stands for, and the extractors that refuse a request without a
//! live session (a GET is sent to the login page, a form POST gets 403).
//!
//! The cookie holds only a random id; the row (`db::sessions`, its hash) says
//! whose it is, when it ends, and the form token of the session
//! (`web::csrf`). It is `HttpOnly`, `SameSite=Lax`, limited to `/app`, and
//! `Secure` when the public URL is https. The API does not read it: the API
//! takes bearer tokens only, so a page session cannot be used against it.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{header, StatusCode};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use super::csrf;
use crate::config::SessionLimits;
use crate::db::users::User;
use crate::domain::access::Who;
use crate::domain::Role;
use crate::error::AppError;
use crate::flows::sessions::{self as flow, hash_id};
use crate::state::AppState;

pub const COOKIE: &str = "samkjop_session";
/// The session cookie's path: the API under /api is never sent it.
pub const COOKIE_PATH: &str = "/app";
/// A session seen within this many seconds is not written again: a page
/// view is a read, not a write, most of the time.
const TOUCH_AFTER_SECONDS: i64 = 60;

/// A logged-in person, as the flows need them: the same role, office and
/// municipality an API token carries, read from the user's row at every
/// request.
#[derive(Debug, Clone)]
pub struct Person {
    pub user_id: String,
    pub email: String,
    pub role: Role,
    pub organization: Option<String>,
    pub municipality: Option<String>,
    /// The supplier a supplier's login is linked to.
    pub supplier: Option<String>,
}

impl Person {
    fn of(user: &User) -> Person {
        Person {
            user_id: user.id.clone(),
            email: user.email.clone(),
            role: user.role,
            organization: user.organization_id.clone(),
            municipality: user.municipality.clone(),
            supplier: user.supplier_id.clone(),
        }
    }

    pub fn who(&self) -> Who<'_> {
        Who {
            role: self.role,
            organization: self.organization.as_deref(),
            municipality: self.municipality.as_deref(),
        }
    }

    /// How the audit trail names them: as for an API call (`Caller::actor`).
    pub fn actor(&self) -> String {
        format!("{}:{}", self.role, self.user_id)
    }
}

/// A live session of the request.
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    /// What every form of this session carries as `csrf_token`.
    pub csrf_token: String,
    pub person: Person,
}

/// Why a page request is not served as asked; each renders its own answer.
#[derive(Debug)]
pub enum Refusal {
    /// No live session: to the login page.
    NotLoggedIn,
    /// A form without the session's token (or without a session).
    Csrf,
    /// The form could not be read.
    Unreadable,
    /// The database did not answer.
    Unavailable,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        match self {
            Refusal::NotLoggedIn => StatusCode::SEE_OTHER,
            Refusal::Csrf => StatusCode::FORBIDDEN,
            Refusal::Unreadable => StatusCode::BAD_REQUEST,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Refusal::NotLoggedIn => see_other("/app/login"),
            Refusal::Csrf => super::notice(
                StatusCode::FORBIDDEN,
                "Skjemaet ble avvist",
                "Skjemaet manglet en gyldig sikkerhetskode, eller innloggingen er utløpt. Ingenting ble lagret. Gå tilbake, last siden på nytt og send skjemaet igjen, eller logg inn på nytt på /app/login.",
            ),
            Refusal::Unreadable => super::notice(
                StatusCode::BAD_REQUEST,
                "Skjemaet kunne ikke leses",
                "Gå tilbake og send skjemaet på nytt.",
            ),
            Refusal::Unavailable => super::notice(
                StatusCode::SERVICE_UNAVAILABLE,
                "Noe gikk galt",
                "Tjenesten svarer ikke akkurat nå. Prøv igjen om litt.",
            ),
        }
    }
}

/// A redirect after a form, or to the login page.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header(("cache-control", "no-store"))
        .finish()
}

/// Whether cookies must be `Secure`: the server is reached over https.
pub fn secure(state: &AppState) -> bool {
    state.config.public_url.starts_with("https://")
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, on `path`, living
/// `max_age` seconds (0 deletes it), `Secure` when asked.
pub fn cookie(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The value of the request's cookie `name`.
pub fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The `Set-Cookie` of a new session.
pub fn session_cookie(state: &AppState, id: &str, limits: SessionLimits) -> String {
    cookie(
        COOKIE,
        id,
        COOKIE_PATH,
        limits.absolute.num_seconds(),
        secure(state),
    )
}

/// The `Set-Cookie` that makes the browser forget its session.
pub fn cleared_cookie(state: &AppState) -> String {
    cookie(COOKIE, "", COOKIE_PATH, 0, secure(state))
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, Refusal> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(Refusal::Unavailable)
}

/// The request's live session, if it has one. A dead one is deleted; a live
/// one not seen for a minute is marked seen.
pub async fn current(req: &HttpRequest) -> Result<Option<Session>, Refusal> {
    let state = state_of(req)?;
    let Some(id) = cookie_value(req, COOKIE) else {
        return Ok(None);
    };
    let id_hash = hash_id(&id);
    let lookup = id_hash.clone();
    let found = state
        .db
        .read(move |c| crate::db::sessions::find(c, &lookup))
        .await
        .map_err(|_: crate::db::DbError| Refusal::Unavailable)?;
    let Some((row, user)) = found else {
        return Ok(None);
    };
    let now = state.clock.now();
    let limits = state.config.sessions;
    if !flow::alive(&row, limits, now) {
        let dead = id_hash.clone();
        state
            .db
            .write(move |c| flow::end(c, &dead))
            .await
            .map_err(|_: AppError| Refusal::Unavailable)?;
        return Ok(None);
    }
    if (now - row.last_seen_at.and_utc()).num_seconds() >= TOUCH_AFTER_SECONDS {
        let seen = id_hash.clone();
        state
            .db
            .write(move |c| flow::touch(c, &seen, now))
            .await
            .map_err(|_: AppError| Refusal::Unavailable)?;
    }
    Ok(Some(Session {
        id_hash,
        csrf_token: row.csrf_token,
        person: Person::of(&user),
    }))
}

impl FromRequest for Session {
    type Error = Refusal;
    type Future = Pin<Box<dyn Future<Output = Result<Session, Refusal>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { current(&req).await?.ok_or(Refusal::NotLoggedIn) })
    }
}

/// The fields of a submitted form, in their order (a field may repeat, as
/// checkboxes do).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A form posted within a live session, its `csrf_token` checked: a handler
/// that takes `Posted` cannot be reached by a form without the token, which
/// is refused with 403 before the handler runs.
pub struct Posted {
    pub session: Session,
    pub fields: Fields,
}

impl FromRequest for Posted {
    type Error = Refusal;
    type Future = Pin<Box<dyn Future<Output = Result<Posted, Refusal>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let form = web::Form::<Vec<(String, String)>>::from_request(&req, payload);
        Box::pin(async move {
            // A body that is no form carries no token: refused as one without it.
            let fields = match form.await {
                Ok(form) => Fields(form.into_inner()),
                Err(e) => match e.as_error::<actix_web::error::UrlencodedError>() {
                    Some(actix_web::error::UrlencodedError::Overflow { .. }) => {
                        return Err(Refusal::Unreadable)
                    }
                    _ => return Err(Refusal::Csrf),
                },
            };
            let session = current(&req).await?.ok_or(Refusal::Csrf)?;
            if !csrf::matches(&session.csrf_token, fields.get(csrf::FIELD)) {
                return Err(Refusal::Csrf);
            }
            Ok(Posted { session, fields })
        })
    }
}
