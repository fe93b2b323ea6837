//! The headers every answer carries, whichever door it comes from (API,
//! pages, the API documentation, errors), added once around the whole
//! application. A header an answer sets itself is kept: the pages set their
//! own Content-Security-Policy.

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// JSON, CSV and problem documents load nothing and are never framed.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The Swagger UI under `/docs/`: its own scripts and styles (React sets
/// inline styles), its icons as data URLs, the document and "Try it out"
/// fetched from this server only. No inline script, nothing from elsewhere.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A year: browsers that once reached the server over https keep to it.
/// Without `includeSubDomains`, since the server's host may have neighbours
/// that are not ours to decide for.
pub const HSTS: &str = "max-age=31536000";

/// What the request said that decides the headers.
pub struct Asked<'a> {
    pub path: &'a str,
    /// A bearer token came with it: the answer is someone's own.
    pub authorized: bool,
}

/// Adds what `headers` lacks. `https`: the public URL is https, so the
/// browser is told to use nothing else (behind a proxy that ends TLS the
/// server itself sees http, so the setting decides, not the connection).
pub fn add(headers: &mut HeaderMap, asked: &Asked<'_>, https: bool) {
    let mut default = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    default(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // The voting page's URL is a credential, and nothing here needs to know
    // where a visitor came from: no referrer is sent at all, not even
    // within the site (`strict-origin-when-cross-origin` would still send
    // the full URL to our own pages, and into their logs).
    default(header::REFERRER_POLICY, "no-referrer");
    // For browsers that predate `frame-ancestors`.
    default(header::X_FRAME_OPTIONS, "DENY");
    let docs = asked.path == "/docs" || asked.path.starts_with("/docs/");
    default(
        header::CONTENT_SECURITY_POLICY,
        if docs { DOCS_CSP } else { API_CSP },
    );
    if https {
        default(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    // A token, or an answer to someone who showed one, is theirs: no shared
    // cache (a proxy, a browser's disk) keeps it.
    if asked.authorized || asked.path == "/api/v1/auth/token" {
        default(header::CACHE_CONTROL, "no-store");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(
        path: &str,
        authorized: bool,
        https: bool,
        own: &[(HeaderName, &'static str)],
    ) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in own {
            h.insert(name.clone(), HeaderValue::from_static(value));
        }
        add(&mut h, &Asked { path, authorized }, https);
        h
    }

    fn get(h: &HeaderMap, name: HeaderName) -> Option<&str> {
        h.get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn an_answer_keeps_its_own_policy_and_gets_the_rest() {
        let page = added(
            "/",
            false,
            false,
            &[(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            )],
        );
        assert_eq!(
            get(&page, header::CONTENT_SECURITY_POLICY),
            Some("default-src 'none'; style-src 'unsafe-inline'")
        );
        assert_eq!(get(&page, header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
        assert_eq!(get(&page, header::STRICT_TRANSPORT_SECURITY), None);
        assert_eq!(get(&page, header::CACHE_CONTROL), None);
        let docs = added("/docs/swagger-ui-bundle.js", false, true, &[]);
        assert_eq!(get(&docs, header::CONTENT_SECURITY_POLICY), Some(DOCS_CSP));
        assert_eq!(get(&docs, header::STRICT_TRANSPORT_SECURITY), Some(HSTS));
        let api = added("/api/v1/procurements", true, false, &[]);
        assert_eq!(get(&api, header::CONTENT_SECURITY_POLICY), Some(API_CSP));
        assert_eq!(get(&api, header::CACHE_CONTROL), Some("no-store"));
    }
}
