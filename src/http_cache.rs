//! Conditional and compressed answers from bytes rendered once per change.
//!
//! A published answer (lot division, supplier page, summary) is rendered
//! once per state of its procurement (`read::cache`); here it is compressed
//! once, gzip and brotli kept beside the plain bytes, and each request gets
//! the variant its `Accept-Encoding` asks for, a strong `ETag` made of the
//! procurement's `event_seq` (and whatever else the bytes depend on), and
//! `304 Not Modified` without a body when its `If-None-Match` still holds.
//! No compression happens per request.

use std::io::Write;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::web::Bytes;
use actix_web::HttpResponse;

/// Bodies this small gain nothing from compression (headers dominate).
const COMPRESS_FROM_BYTES: usize = 512;

/// One rendered answer: the plain bytes and, where they are worth it, the
/// same bytes compressed with gzip and brotli.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub plain: Bytes,
    pub gzip: Option<Bytes>,
    pub br: Option<Bytes>,
}

impl Encoded {
    /// Compresses `plain` once. Brotli at quality 7 (of 11): on the national
    /// supplier page 95.4 KB against 94.1 KB at quality 9, with an encoder
    /// of some 4 MB of match tables instead of 32 MB (issue 14's memory
    /// target; measured in docs/performance.md).
    pub fn new(plain: Bytes) -> Encoded {
        if plain.len() < COMPRESS_FROM_BYTES {
            return Encoded {
                plain,
                gzip: None,
                br: None,
            };
        }
        Encoded {
            gzip: gzip(&plain),
            br: brotli(&plain),
            plain,
        }
    }
}

fn gzip(plain: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(plain.len() / 4),
        flate2::Compression::best(),
    );
    encoder.write_all(plain).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(plain: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(plain.len() / 5);
    // A window larger than the input finds nothing more and only costs the
    // encoder memory: the smallest that holds it (brotli's 1 KiB to 4 MiB).
    let window = (10..22)
        .find(|w| (1usize << w) - 16 >= plain.len())
        .unwrap_or(22);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 7, window);
        writer.write_all(plain).ok()?;
        writer.flush().ok()?;
    }
    Some(Bytes::from(out))
}

/// How long, and for whom, an answer may be kept by a client or a cache.
#[derive(Debug, Clone, Copy)]
pub enum Caching {
    /// Published data anyone may read: shared caches may keep it a few
    /// seconds and must then ask again (a 304 costs one header read).
    Public,
    /// What only the caller may see (a coordinator's summary): the caller's
    /// own cache only, asking again every time.
    Private,
}

impl Caching {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Public => "public, max-age=5, must-revalidate",
            Caching::Private => "private, no-cache",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Identity,
    Gzip,
    Br,
}

impl Coding {
    fn suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => "-gz",
            Coding::Br => "-br",
        }
    }
}

/// The best coding `Accept-Encoding` allows among those `body` has:
/// brotli, then gzip, then the plain bytes (always acceptable here, as
/// RFC 9110 lets a server send identity unless it is refused explicitly,
/// which no client does for a JSON or HTML answer).
fn negotiate(headers: &HeaderMap, body: &Encoded) -> Coding {
    let Some(accepted) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Coding::Identity;
    };
    let mut br = None;
    let mut gzip = None;
    let mut any = None;
    for item in accepted.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .map(|p| p.trim().to_ascii_lowercase())
            .find_map(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let allowed = q > 0.0;
        match coding.as_str() {
            "br" => br = Some(allowed),
            "gzip" | "x-gzip" => gzip = Some(allowed),
            "*" => any = Some(allowed),
            _ => {}
        }
    }
    let wants = |named: Option<bool>| named.or(any).unwrap_or(false);
    if body.br.is_some() && wants(br) {
        Coding::Br
    } else if body.gzip.is_some() && wants(gzip) {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Whether `If-None-Match` names the current state in any of its codings
/// (a cache may hold the gzip variant and ask for brotli: the state is the
/// same, only the bytes differ). Weak comparison, as RFC 9110 13.1.2 asks.
fn still_fresh(headers: &HeaderMap, version: &str) -> bool {
    let Some(asked) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    asked.split(',').any(|tag| {
        let tag = tag.trim();
        if tag == "*" {
            return true;
        }
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        let Some(inner) = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
            return false;
        };
        let base = inner
            .strip_suffix("-gz")
            .or_else(|| inner.strip_suffix("-br"))
            .unwrap_or(inner);
        base == version
    })
}

/// The answer to a request for `body`, whose state is named by `version`
/// (the procurement's `event_seq`, and the language or day where the bytes
/// depend on them): 304 when the client holds it, otherwise the variant its
/// `Accept-Encoding` takes. `content_type` is the plain bytes' type.
pub fn answer(
    headers: &HeaderMap,
    version: &str,
    body: &Encoded,
    content_type: &'static str,
    caching: Caching,
) -> HttpResponse {
    let coding = negotiate(headers, body);
    let etag = format!("\"{version}{}\"", coding.suffix());
    let mut res = if still_fresh(headers, version) {
        HttpResponse::NotModified().finish()
    } else {
        let bytes = match coding {
            Coding::Br => body.br.clone(),
            Coding::Gzip => body.gzip.clone(),
            Coding::Identity => None,
        }
        .unwrap_or_else(|| body.plain.clone());
        let mut res = HttpResponse::Ok().content_type(content_type).body(bytes);
        let encoding = match coding {
            Coding::Br => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        };
        if let Some(encoding) = encoding {
            res.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        res
    };
    let h = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    h.insert(header::CACHE_CONTROL, caching.header());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderName;
    use std::io::Read;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        h
    }

    fn body() -> Encoded {
        Encoded::new(Bytes::from("Delkontrakt 1: Skolemat. ".repeat(100)))
    }

    #[test]
    fn both_compressed_variants_decode_to_the_plain_bytes() {
        let b = body();
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&b.gzip.clone().expect("gzip")[..])
            .read_to_end(&mut unzipped)
            .expect("gunzip");
        assert_eq!(unzipped, b.plain);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&b.br.clone().expect("br")[..], 4096)
            .read_to_end(&mut unbrotlied)
            .expect("unbrotli");
        assert_eq!(unbrotlied, b.plain);
        assert!(Encoded::new(Bytes::from_static(b"{}")).br.is_none());
    }

    #[test]
    fn the_coding_follows_accept_encoding_and_its_weights() {
        let b = body();
        let pick = |v: &'static str| negotiate(&headers(&[("accept-encoding", v)]), &b);
        assert_eq!(negotiate(&HeaderMap::new(), &b), Coding::Identity);
        assert_eq!(pick("gzip, deflate, br"), Coding::Br);
        assert_eq!(pick("gzip"), Coding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(pick("*"), Coding::Br);
        assert_eq!(pick("*;q=0, identity"), Coding::Identity);
        assert_eq!(pick("deflate"), Coding::Identity);
    }

    #[test]
    fn if_none_match_holds_for_the_state_in_any_coding() {
        let fresh = |v: &'static str| still_fresh(&headers(&[("if-none-match", v)]), "p1-7");
        assert!(fresh("\"p1-7\""));
        assert!(fresh("\"x\", \"p1-7-br\""));
        assert!(fresh("W/\"p1-7-gz\""));
        assert!(fresh("*"));
        assert!(!fresh("\"p1-8\""));
        assert!(!fresh("\"p1-7-zz\""));
        assert!(!still_fresh(&HeaderMap::new(), "p1-7"));
    }
}
