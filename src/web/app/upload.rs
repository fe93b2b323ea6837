//! A form that sends a file (`multipart/form-data`), posted within a live
//! session and carrying its `csrf_token`, as `session::Posted` is for the
//! other forms. The session is looked for before the body is read, so a
//! request without one is refused without reading its file; the body is
//! read up to a limit (the API's for the same file), and the token is
//! checked before any handler runs.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{header, StatusCode};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::web::csrf;
use crate::web::session::{current, Fields, Refusal, Session};

/// Room for the form's other fields and the parts' headers.
const OVERHEAD_BYTES: usize = 64 * 1024;

/// A form with one file, its token checked.
pub struct Uploaded {
    pub session: Session,
    pub fields: Fields,
    /// The file of the form's field `file`: its name and content; none when
    /// no file was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

/// Why an upload is not served.
#[derive(Debug)]
pub enum UploadRefusal {
    Refused(Refusal),
    /// The body is larger than the file limit allows.
    TooLarge,
}

impl std::fmt::Display for UploadRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl ResponseError for UploadRefusal {
    fn status_code(&self) -> StatusCode {
        match self {
            UploadRefusal::Refused(r) => r.status_code(),
            UploadRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            UploadRefusal::Refused(r) => r.error_response(),
            UploadRefusal::TooLarge => crate::web::notice(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Filen er for stor",
                "Filen er større enn det som kan lastes opp (64 MiB). Ingenting ble lagret. Del registeret i flere filer og last dem opp hver for seg.",
            ),
        }
    }
}

/// The upload limit of a route, read by `Uploaded` (default: 1 MiB).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

impl FromRequest for Uploaded {
    type Error = UploadRefusal;
    type Future = Pin<Box<dyn Future<Output = Result<Uploaded, UploadRefusal>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Payload::from_request(&req, payload);
        let limit = req
            .app_data::<UploadLimit>()
            .map_or(1024 * 1024, |l| l.0)
            .saturating_add(OVERHEAD_BYTES);
        Box::pin(async move {
            let refused = UploadRefusal::Refused;
            let session = current(&req)
                .await
                .map_err(refused)?
                .ok_or(UploadRefusal::Refused(Refusal::Csrf))?;
            // A body that is no such form carries no token.
            let boundary = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(boundary_of)
                .ok_or(UploadRefusal::Refused(Refusal::Csrf))?;
            let body = body
                .await
                .map_err(|_| UploadRefusal::Refused(Refusal::Unreadable))?;
            let bytes = body
                .to_bytes_limited(limit)
                .await
                .map_err(|_| UploadRefusal::TooLarge)?
                .map_err(|_| UploadRefusal::Refused(Refusal::Unreadable))?;
            let parts = parse(&bytes, &boundary).ok_or(UploadRefusal::Refused(Refusal::Csrf))?;
            let mut fields = Vec::new();
            let mut file = None;
            for part in parts {
                match part.filename {
                    Some(name) if part.name == "file" => {
                        if !(name.is_empty() && part.data.is_empty()) {
                            file = Some((name, part.data));
                        }
                    }
                    Some(_) => {}
                    None => {
                        fields.push((part.name, String::from_utf8_lossy(&part.data).into_owned()))
                    }
                }
            }
            let fields = Fields(fields);
            if !csrf::matches(&session.csrf_token, fields.get(csrf::FIELD)) {
                return Err(UploadRefusal::Refused(Refusal::Csrf));
            }
            Ok(Uploaded {
                session,
                fields,
                file,
            })
        })
    }
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

/// One part of a form.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The parts of a `multipart/form-data` body (RFC 7578); none when it is
/// not one.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let between = format!("\r\n--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(at..)?;
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        at += rest.starts_with(b"\r\n").then_some(2)?;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = std::str::from_utf8(&body[at..head_end]).ok()?;
        let data_start = head_end + 4;
        let data_end = find(body, &between, data_start)?;
        let (name, filename) = disposition(head)?;
        parts.push(Part {
            name,
            filename,
            data: body[data_start..data_end].to_vec(),
        });
        at = data_end + between.len();
    }
}

/// The `name` and `filename` of a part's `Content-Disposition`.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.split("\r\n").find(|l| {
        l.split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut name = None;
    let mut filename = None;
    for param in value.split(';').skip(1) {
        let Some((k, v)) = param.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "filename" => filename = Some(v),
            _ => {}
        }
    }
    Some((name?, filename))
}

#[cfg(test)]
mod tests {
    use super::{boundary_of, parse, Part};

    #[test]
    fn a_browsers_form_with_a_file_is_read_part_by_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"register.csv\"\r\nContent-Type: text/csv\r\n\r\norg_number,name\r\n974760673,Fjord\r\n\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").expect("a form");
        assert_eq!(
            parts,
            vec![
                Part {
                    name: "csrf_token".into(),
                    filename: None,
                    data: b"abc".to_vec()
                },
                Part {
                    name: "file".into(),
                    filename: Some("register.csv".into()),
                    data: b"org_number,name\r\n974760673,Fjord\r\n".to_vec()
                },
            ]
        );
    }

    #[test]
    fn what_is_not_such_a_form_is_refused() {
        assert_eq!(parse(b"csrf_token=abc", "XyZ"), None);
        assert_eq!(
            parse(b"--XyZ\r\nno blank line", "XyZ"),
            None,
            "a part without its end"
        );
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"a b\""),
            Some("a b".into())
        );
        assert_eq!(
            boundary_of("application/x-www-form-urlencoded; boundary=x"),
            None
        );
        assert_eq!(boundary_of("multipart/form-data"), None);
    }
}
