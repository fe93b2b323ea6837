//! `/app/login` and `/app/logout`: the same accounts, password check and
//! login throttle as `POST /api/v1/auth/token`, but the answer is a session
//! cookie instead of a token.

use std::time::Instant;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use maud::{html, Markup};

use super::{answer, app_page, field_with, FormErrors};
use crate::auth::password;
use crate::db::users;
use crate::error::AppError;
use crate::flows::sessions as flow;
use crate::state::State;
use crate::throttle::{client_address, LoginThrottle};
use crate::web::csrf;
use crate::web::session::{
    cleared_cookie, cookie_value, current, see_other, session_cookie, Fields, Posted, Refusal,
    COOKIE,
};

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    /// Set after logging out, to say so.
    #[serde(default)]
    utlogget: Option<String>,
}

pub async fn show(
    state: State,
    req: HttpRequest,
    query: Result<web::Query<LoginQuery>, actix_web::Error>,
) -> HttpResponse {
    match current(&req).await {
        Ok(Some(_)) => return see_other("/app/"),
        Ok(None) => {}
        Err(refusal) => return refusal.error_response(),
    }
    let logged_out = query.is_ok_and(|q| q.utlogget.is_some());
    let (token, set) = csrf::login_token(&req, &state);
    let mut res = answer(
        StatusCode::OK,
        login_page(&token, "", &FormErrors::default(), logged_out),
    );
    if let Some(set) = set.and_then(|s| header::HeaderValue::from_str(&s).ok()) {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    res
}

pub async fn submit(
    state: State,
    throttle: web::Data<LoginThrottle>,
    req: HttpRequest,
    form: Result<web::Form<Vec<(String, String)>>, actix_web::Error>,
) -> HttpResponse {
    let Ok(form) = form else {
        return Refusal::Csrf.error_response();
    };
    let fields = Fields(form.into_inner());
    let token = fields.get(csrf::FIELD).to_string();
    if !csrf::login_matches(&req, &token) {
        return Refusal::Csrf.error_response();
    }
    let email = fields.get("email").trim().to_string();
    let given = fields.get("password").to_string();
    let mut errors = FormErrors::default();
    if email.is_empty() {
        errors.add("email", "Skriv inn e-postadressen du er registrert med.");
    }
    if given.is_empty() {
        errors.add("password", "Skriv inn passordet.");
    }
    if !errors.is_empty() {
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            login_page(&token, &email, &errors, false),
        );
    }
    let address = client_address(&req, &state.config.trusted_proxies);
    let attempt = match throttle.admit(address, &email, Instant::now()) {
        Ok(attempt) => attempt,
        Err(e) => return throttled(&token, &email, &e),
    };
    let lookup = email.clone();
    let account = match state
        .db
        .read(move |c| users::find_account_by_email(c, &lookup))
        .await
    {
        Ok(account) => account,
        Err(_) => return Refusal::Unavailable.error_response(),
    };
    let disabled = account.as_ref().is_some_and(|a| a.standing.disabled);
    let user = account.map(|a| a.user);
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let Ok(right) = password::verify_in_turn(given, stored).await else {
        return Refusal::Unavailable.error_response();
    };
    let Some(user) = user.filter(|_| right) else {
        // As the API: a wrong password and an unknown address are not told apart.
        errors.add("email", "E-postadressen eller passordet er feil.");
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            login_page(&token, &email, &errors, false),
        );
    };
    attempt.succeeded();
    // Only to whoever knows the password, as the API.
    if disabled {
        errors.add(
            "email",
            "Kontoen er deaktivert. Be driftsoperatøren om å aktivere den igjen.",
        );
        return answer(
            StatusCode::FORBIDDEN,
            login_page(&token, &email, &errors, false),
        );
    }
    let limits = state.config.sessions;
    let now = state.clock.now();
    // A session this browser had before is ended, not left to expire.
    let previous = cookie_value(&req, COOKIE).map(|id| flow::hash_id(&id));
    let started = state
        .db
        .write(move |c| {
            if let Some(previous) = previous {
                flow::end(c, &previous)?;
            }
            flow::start(c, &user.id, limits, now)
        })
        .await;
    let Ok(started) = started else {
        return Refusal::Unavailable.error_response();
    };
    let mut res = see_other("/app/");
    for cookie in [
        session_cookie(&state, &started.id, limits),
        csrf::cleared_login_cookie(&state),
    ] {
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    res
}

/// 429 with `Retry-After`, the form again with the wait in words.
fn throttled(token: &str, email: &str, e: &AppError) -> HttpResponse {
    let wait = e.retry_after.map_or(60, |d| d.as_secs().max(1));
    let mut errors = FormErrors::default();
    errors.add(
        "email",
        format!("For mange innloggingsforsøk på kort tid. Vent {wait} sekunder og prøv igjen."),
    );
    let mut res = answer(
        StatusCode::TOO_MANY_REQUESTS,
        login_page(token, email, &errors, false),
    );
    if let Ok(value) = header::HeaderValue::from_str(&wait.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, value);
    }
    res
}

/// Ends the session at once (its row is deleted) and forgets the cookie.
pub async fn logout(state: State, posted: Posted) -> HttpResponse {
    let id_hash = posted.session.id_hash.clone();
    if state
        .db
        .write(move |c| flow::end(c, &id_hash))
        .await
        .is_err()
    {
        return Refusal::Unavailable.error_response();
    }
    let mut res = see_other("/app/login?utlogget=1");
    if let Ok(value) = header::HeaderValue::from_str(&cleared_cookie(&state)) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}

fn login_page(token: &str, email: &str, errors: &FormErrors, logged_out: bool) -> Markup {
    app_page(
        "Logg inn",
        None,
        html! {
            h1 { "Logg inn" }
            @if logged_out {
                p.ok role="status" { "Du er logget ut." }
            }
            p { "For koordinatorer i innkjøpskontorer, kommuner og driften av Samkjøp. Bruk den samme kontoen som for API-et." }
            (errors.summary())
            form method="post" action="/app/login" novalidate {
                (csrf::hidden(token))
                (field_with("email", "email", "E-postadresse", email, None, errors, Some("username")))
                (field_with("password", "password", "Passord", "", None, errors, Some("current-password")))
                p { button type="submit" { "Logg inn" } }
            }
            p.muted { "Kommuner som har fått en invitasjon på e-post, kan svare via lenken i e-posten uten å logge inn." }
        },
    )
}
