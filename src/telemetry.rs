//! Logging: to stderr, with an access log line per request. A voting link
//! is a bearer credential, so no path or query reaches the log with a token
//! in it.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::HttpMessage;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::{fmt, EnvFilter};

/// Logs to stderr; `RUST_LOG` sets the level (default `info`). Colours only
/// on a terminal: a log file or collector gets plain `key=value` text.
pub fn init() {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// What stands in a log for a token.
pub const REDACTED: &str = "…";

/// The span of each request and its access log line: `request{id method
/// path}` and, when answered, `answered status ms` at info level (error
/// level for a 5xx). The path is redacted; the client's address, user agent
/// and query values are not logged.
pub struct AccessLog;

struct Started(Instant);

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let path = redact_target(request.path(), request.query_string());
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        request.extensions_mut().insert(Started(Instant::now()));
        tracing::info_span!("request", %id, method = %request.method(), %path)
    }

    fn on_request_end<B: MessageBody>(
        _span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        // Called inside the span, so the line carries its id, method and path.
        match outcome {
            Ok(res) => {
                let status = res.status().as_u16();
                let ms = res
                    .request()
                    .extensions()
                    .get::<Started>()
                    .map(|s| s.0.elapsed().as_millis());
                match res.response().error() {
                    Some(error) if res.status().is_server_error() => {
                        tracing::error!(status, ms, %error, "answered")
                    }
                    _ => tracing::info!(status, ms, "answered"),
                }
            }
            Err(error) => {
                let status = error.as_response_error().status_code().as_u16();
                tracing::error!(status, %error, "failed");
            }
        }
    }
}

/// The routes whose next segment is a token (`/vote/{token}`,
/// `/confirm/{token}`, `/unsubscribe/{token}`); a test holds every route
/// with a `{…token…}` placeholder to this list. Asking actix for the
/// request's route pattern instead ran every route's regular expression a
/// second time per request, a fifth of a cached read's CPU (issue 14).
const TOKEN_PARENTS: &[&str] = &["vote", "confirm", "unsubscribe"];

/// The path and query as logged: a segment that is a token is replaced by
/// `…`. A segment is a token when it follows one of `TOKEN_PARENTS` (also
/// on a path that matched no route), or when it looks like a signed token
/// (`eyJ…` with dots). Query values are dropped, their names kept.
pub fn redact_target(path: &str, query: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut previous = "";
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let token = (TOKEN_PARENTS
            .iter()
            .any(|p| previous.eq_ignore_ascii_case(p))
            && !segment.is_empty())
            || looks_signed(segment);
        out.push_str(if token { REDACTED } else { segment });
        previous = segment;
    }
    if !query.is_empty() {
        let names: Vec<&str> = query
            .split('&')
            .map(|pair| pair.split('=').next().unwrap_or_default())
            .collect();
        out.push('?');
        out.push_str(&names.join(&format!("={REDACTED}&")));
        out.push('=');
        out.push_str(REDACTED);
    }
    out
}

/// A JWT: base64url of `{"` is `eyJ`, and it has three dot-separated parts.
fn looks_signed(segment: &str) -> bool {
    segment.starts_with("eyJ") && segment.matches('.').count() == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voting_tokens_never_reach_the_log() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NjAxIn0.c2lnbmF0dXJl";
        let path = format!("/vote/{jwt}");
        assert_eq!(redact_target(&path, ""), "/vote/…");
        assert_eq!(
            redact_target("/vote/not-a-jwt-but-a-link/extra", ""),
            "/vote/…/extra"
        );
        assert_eq!(
            redact_target(&format!("/elsewhere/{jwt}"), ""),
            "/elsewhere/…",
            "a signed token anywhere"
        );
        assert_eq!(redact_target("/confirm/abc123", ""), "/confirm/…");
        assert_eq!(redact_target("/unsubscribe/abc123", ""), "/unsubscribe/…");
        assert_eq!(redact_target("/vote/", ""), "/vote/");
    }

    /// Every route whose placeholder names a token, anywhere in the source,
    /// sits under one of `TOKEN_PARENTS`, so its token never reaches a log.
    #[test]
    fn every_token_route_is_redacted() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("the source folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    for literal in text.split('"').skip(1).step_by(2) {
                        if literal.starts_with('/') && literal.contains('{') {
                            found.push(literal.to_string());
                        }
                    }
                }
            }
        }
        let mut routes = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut routes,
        );
        let mut checked = 0;
        for route in &routes {
            let segments: Vec<&str> = route.split('/').collect();
            for (i, segment) in segments.iter().enumerate() {
                if segment.starts_with('{') && segment.to_ascii_lowercase().contains("token") {
                    checked += 1;
                    let parent = segments[i - 1];
                    assert!(
                        TOKEN_PARENTS.contains(&parent),
                        "{route}: add {parent:?} to TOKEN_PARENTS"
                    );
                    let sample = route.replace(segment, "secret");
                    assert!(!redact_target(&sample, "").contains("secret"), "{route}");
                }
            }
        }
        assert!(
            checked >= 3,
            "the voting, confirmation and unsubscribe routes"
        );
    }

    #[test]
    fn ordinary_paths_are_kept_and_query_values_dropped() {
        let id = "019a1b2c-0000-7000-8000-000000000001";
        let path = format!("/api/v1/procurements/{id}/summary");
        assert_eq!(redact_target(&path, ""), path);
        assert_eq!(
            redact_target("/api/v1/admin/outbox", "status=failed&token=abc"),
            "/api/v1/admin/outbox?status=…&token=…"
        );
        assert_eq!(redact_target("/", "x"), "/?x=…");
    }
}
