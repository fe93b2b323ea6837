//! Published answers as a client that polls sees them: an `ETag` that holds
//! while the procurement stands (304, no body) and misses after a change,
//! also on another instance of the application; gzip and brotli that decode
//! to exactly the plain bytes; and `HEAD` wherever `GET` works.

use std::io::Read;

use awc::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, spawn_second_instance, TestApp};
use crate::supplier_view::{import_register, published, Scenario};

struct Raw {
    status: StatusCode,
    headers: awc::http::header::HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The bytes as they come over the wire (the test client decodes nothing).
async fn fetch(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&'static str, &str)],
) -> Raw {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    for (name, value) in headers {
        req = req.insert_header((*name, value.to_string()));
    }
    let mut res = req.send().await.expect("the request reaches the server");
    let body = res
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .expect("the body arrives")
        .to_vec();
    Raw {
        status: res.status(),
        headers: res.headers().clone(),
        body,
    }
}

async fn get(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    headers: &[(&'static str, &str)],
) -> Raw {
    fetch(app, Method::GET, path, token, headers).await
}

/// The published reads: the lot division as JSON and as a page and the
/// OCDS package (for anyone), and the summary and the analysis (for the
/// coordinator).
fn reads(s: &Scenario) -> [(String, Option<String>); 5] {
    [
        (format!("/api/v1/public/procurements/{}", s.id), None),
        (format!("/procurements/{}", s.id), None),
        (format!("/api/v1/procurements/{}/ocds", s.id), None),
        (
            format!("/api/v1/procurements/{}/summary", s.id),
            Some(s.office.coordinator.clone()),
        ),
        (
            format!("/api/v1/procurements/{}/analysis", s.id),
            Some(s.office.coordinator.clone()),
        ),
    ]
}

/// Awards the milk lot to a firm of the register: a change of the
/// procurement that leaves it readable.
async fn award(app: &TestApp, s: &Scenario) {
    let firm = app
        .db()
        .read(|c| samkjop::db::suppliers::find_by_org_number(c, "910000004"))
        .await
        .expect("the register")
        .expect("imported")
        .id;
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/award", s.id),
            Some(&s.office.coordinator),
            json!({"awards": [{"lot_id": s.milk, "supplier_id": firm}]}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
}

#[actix_web::test]
async fn an_etag_holds_while_the_procurement_stands_and_misses_after_a_change() {
    let app = spawn_app().await;
    let s = published(&app, "Skolemat i Vestland og Rogaland").await;
    import_register(&app, &s.office.admin).await;
    let mut before = Vec::new();
    for (path, token) in reads(&s) {
        let first = get(&app, &path, token.as_deref(), &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let etag = first.header("etag").to_string();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "{path}: a strong tag, {etag}"
        );
        assert!(
            first
                .header("vary")
                .to_lowercase()
                .contains("accept-encoding"),
            "{path}"
        );
        let caching = first.header("cache-control");
        if token.is_some() {
            assert!(caching.starts_with("private"), "{path}: {caching}");
        } else {
            assert!(
                caching.starts_with("public") && caching.contains("must-revalidate"),
                "{path}: {caching}"
            );
        }
        let again = get(&app, &path, token.as_deref(), &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(again.header("etag"), etag, "{path}");
        // Another tag, or none, gets the whole answer.
        let other = get(
            &app,
            &path,
            token.as_deref(),
            &[("if-none-match", "\"s0\"")],
        )
        .await;
        assert_eq!(
            (other.status, other.body.len()),
            (StatusCode::OK, first.body.len()),
            "{path}"
        );
        before.push((path, token, etag, first.body));
    }

    award(&app, &s).await;
    for (path, token, etag, body) in before {
        let after = get(&app, &path, token.as_deref(), &[("if-none-match", &etag)]).await;
        assert_eq!(
            after.status,
            StatusCode::OK,
            "{path}: the old tag misses after the award"
        );
        assert_ne!(after.header("etag"), etag, "{path}");
        assert!(!after.body.is_empty(), "{path}");
        if path.ends_with("/summary") || path.ends_with("/ocds") || path.ends_with("/analysis") {
            // These show the award (the analysis: as an event of the
            // procurement it renews the answer, whose numbers may stand).
            continue;
        }
        // The published numbers stand; the page and JSON are the same bytes
        // rendered again for the new state.
        assert_eq!(after.body.len(), body.len(), "{path}");
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

#[actix_web::test]
async fn gzip_and_brotli_decode_to_exactly_the_plain_bytes() {
    let app = spawn_app().await;
    let s = published(&app, "Skolemat i Vestland og Rogaland").await;
    for (path, token) in reads(&s) {
        let plain = get(&app, &path, token.as_deref(), &[]).await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert_eq!(
            plain.header("content-encoding"),
            "",
            "{path}: plain unless asked"
        );

        let gz = get(
            &app,
            &path,
            token.as_deref(),
            &[("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(gz.header("content-encoding"), "gzip", "{path}");
        assert_eq!(gunzip(&gz.body), plain.body, "{path}");
        assert!(gz.body.len() < plain.body.len(), "{path}: smaller");

        let br = get(
            &app,
            &path,
            token.as_deref(),
            &[("accept-encoding", "gzip, deflate, br")],
        )
        .await;
        assert_eq!(br.header("content-encoding"), "br", "{path}");
        assert_eq!(unbrotli(&br.body), plain.body, "{path}");
        assert_eq!(
            br.header("content-type"),
            plain.header("content-type"),
            "{path}"
        );

        // Each variant has its own tag, and any of them names the same state.
        let tags = [plain.header("etag"), gz.header("etag"), br.header("etag")];
        assert!(tags[0] != tags[1] && tags[1] != tags[2], "{tags:?}");
        let cached = get(
            &app,
            &path,
            token.as_deref(),
            &[("accept-encoding", "br"), ("if-none-match", tags[1])],
        )
        .await;
        assert_eq!(cached.status, StatusCode::NOT_MODIFIED, "{path}");

        // Refused codings are not sent.
        let refused = get(
            &app,
            &path,
            token.as_deref(),
            &[("accept-encoding", "br;q=0, gzip;q=0")],
        )
        .await;
        assert_eq!(
            (refused.header("content-encoding"), refused.body.len()),
            ("", plain.body.len()),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn head_answers_wherever_get_does_with_the_headers_and_no_body() {
    let app = spawn_app().await;
    let s = published(&app, "Skolemat i Vestland og Rogaland").await;
    let mut paths = vec![
        ("/health/live".to_string(), None),
        ("/".to_string(), None),
        ("/api/v1/public/procurements".to_string(), None),
        (
            format!("/api/v1/procurements/{}", s.id),
            Some(s.office.coordinator.clone()),
        ),
    ];
    paths.extend(reads(&s));
    for (path, token) in paths {
        let got = get(&app, &path, token.as_deref(), &[("accept-encoding", "br")]).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
        let head = fetch(
            &app,
            Method::HEAD,
            &path,
            token.as_deref(),
            &[("accept-encoding", "br")],
        )
        .await;
        assert_eq!(head.status, StatusCode::OK, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} has no body");
        assert_eq!(
            head.header("content-type"),
            got.header("content-type"),
            "HEAD {path}"
        );
        assert_eq!(
            head.header("content-length"),
            got.body.len().to_string(),
            "HEAD {path}"
        );
        assert_eq!(head.header("etag"), got.header("etag"), "HEAD {path}");
    }
    // What GET does not answer, HEAD does not either.
    let missing = fetch(
        &app,
        Method::HEAD,
        "/api/v1/public/procurements/nothing-here",
        None,
        &[],
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let post_only = fetch(&app, Method::HEAD, "/api/v1/auth/token", None, &[]).await;
    assert_eq!(post_only.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[actix_web::test]
async fn a_change_through_one_instance_is_seen_at_once_by_another() {
    let a = spawn_app().await;
    let s = published(&a, "Skolemat i Vestland og Rogaland").await;
    let b = spawn_second_instance(&a).await;
    let path = format!("/api/v1/public/procurements/{}", s.id);
    let page = format!("/procurements/{}", s.id);
    let seen_by_b = get(&b, &path, None, &[]).await;
    let page_by_b = get(&b, &page, None, &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        seen_by_b.header("etag"),
        get(&a, &path, None, &[]).await.header("etag")
    );
    assert_eq!(
        get(
            &b,
            &path,
            None,
            &[("if-none-match", seen_by_b.header("etag"))]
        )
        .await
        .status,
        StatusCode::NOT_MODIFIED
    );

    // The analysis on B keeps the register in memory: it must see A's import.
    let analysis = format!("/api/v1/procurements/{}/analysis", s.id);
    let local_smes = |body: &serde_json::Value| {
        body["lots"]
            .as_array()
            .expect("lots")
            .iter()
            .map(|l| l["local_relevant_smes"].as_i64().expect("a count"))
            .sum::<i64>()
    };
    let empty = b.get(&analysis, Some(&s.office.coordinator)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert_eq!(local_smes(&empty.body), 0, "no register yet");
    import_register(&a, &s.office.admin).await;
    let full = b.get(&analysis, Some(&s.office.coordinator)).await;
    assert!(
        local_smes(&full.body) > 0,
        "B sees A's import: {}",
        full.body
    );

    award(&a, &s).await;
    let after = get(
        &b,
        &path,
        None,
        &[("if-none-match", seen_by_b.header("etag"))],
    )
    .await;
    assert_eq!(
        after.status,
        StatusCode::OK,
        "B's old tag misses after A's change"
    );
    assert_ne!(after.header("etag"), seen_by_b.header("etag"));
    let page_after = get(
        &b,
        &page,
        None,
        &[
            ("accept-encoding", "gzip"),
            ("if-none-match", page_by_b.header("etag")),
        ],
    )
    .await;
    assert_eq!(page_after.status, StatusCode::OK);
    assert_eq!(page_after.header("content-encoding"), "gzip");
}

/// Many suppliers polling at once: the reads that arrive together are
/// checked against the database together (`read::versions`), and each must
/// still get its own procurement's current state, never one read before it
/// asked.
#[actix_web::test]
async fn many_reads_at_once_each_get_their_own_procurements_current_state() {
    let app = spawn_app().await;
    let s = published(&app, "Skolemat i Vestland og Rogaland").await;
    import_register(&app, &s.office.admin).await;
    let path = format!("/api/v1/public/procurements/{}", s.id);
    let unknown = "/api/v1/public/procurements/00000000-0000-0000-0000-000000000000";
    let tag = get(&app, &path, None, &[]).await.header("etag").to_string();

    let burst = |expected: String| {
        let (app, path) = (&app, &path);
        futures_util::future::join_all((0..48).map(move |i| {
            let expected = expected.clone();
            async move {
                if i % 3 == 2 {
                    let r = get(app, unknown, None, &[]).await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "request {i}");
                } else {
                    let r = get(app, path, None, &[]).await;
                    assert_eq!(r.status, StatusCode::OK, "request {i}");
                    assert_eq!(r.header("etag"), expected, "request {i}");
                    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
                    assert_eq!(body["title"], "Skolemat i Vestland og Rogaland");
                }
            }
        }))
    };
    burst(tag.clone()).await;

    award(&app, &s).await;
    // Every read that starts after the award sees it: the tag expected is
    // the stored state's, not one any earlier read has seen.
    let id = s.id.clone();
    let (_, seq) = app
        .db()
        .read(move |c| samkjop::db::procurements::version(c, &id))
        .await
        .expect("the database")
        .expect("the procurement");
    let changed = format!("\"s{seq}\"");
    assert_ne!(changed, tag);
    burst(changed).await;
}
