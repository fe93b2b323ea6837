//! Forms of the pages under /app/ carry a token that another site cannot
//! know, in a hidden field `csrf_token`; a form POST without the right one
//! is refused with 403 before any handler runs (`session::Posted`).
//!
//! Within a session the token is the session's own, kept in its row. The
//! login form comes before any session: its token is a random value that is
//! also set as a cookie of the login page (`samkjop_login`, `HttpOnly`,
//! `SameSite=Lax`), and the POST must send both alike (a double submit). A
//! new session gets a new token, so a token seen before login is worth
//! nothing after it.

use actix_web::HttpRequest;
use maud::{html, Markup};

use super::session::{cookie, cookie_value, secure};
use crate::flows::sessions::random_token;
use crate::state::AppState;

pub const FIELD: &str = "csrf_token";
/// The double-submit cookie of the login form, sent back to that page only.
pub const LOGIN_COOKIE: &str = "samkjop_login";
const LOGIN_PATH: &str = "/app/login";
/// Long enough to type a password after a coffee.
const LOGIN_COOKIE_SECONDS: i64 = 3600;

/// Whether `given` is `expected`, compared in constant time; an empty
/// expected token matches nothing.
pub fn matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hidden field every form carries.
pub fn hidden(token: &str) -> Markup {
    html! { input type="hidden" name=(FIELD) value=(token); }
}

/// The login form's token: the one the browser already holds, or a fresh
/// one with the `Set-Cookie` that gives it to the browser.
pub fn login_token(req: &HttpRequest, state: &AppState) -> (String, Option<String>) {
    match cookie_value(req, LOGIN_COOKIE).filter(|t| t.len() == 64) {
        Some(token) => (token, None),
        None => {
            let token = random_token();
            let set = cookie(
                LOGIN_COOKIE,
                &token,
                LOGIN_PATH,
                LOGIN_COOKIE_SECONDS,
                secure(state),
            );
            (token, Some(set))
        }
    }
}

/// Whether a login POST sends the token of its cookie.
pub fn login_matches(req: &HttpRequest, given: &str) -> bool {
    cookie_value(req, LOGIN_COOKIE).is_some_and(|expected| matches(&expected, given))
}

/// The `Set-Cookie` that retires the login form's token once logged in.
pub fn cleared_login_cookie(state: &AppState) -> String {
    cookie(LOGIN_COOKIE, "", LOGIN_PATH, 0, secure(state))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn only_the_same_token_matches() {
        assert!(matches("abc123", "abc123"));
        assert!(!matches("abc123", "abc124"));
        assert!(!matches("abc123", "abc12"));
        assert!(!matches("", ""), "no token is no match");
    }
}
