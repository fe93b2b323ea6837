//! A JSON body extractor whose refusals are problem documents that name the
//! field: malformed JSON is a 400, a wrong type or missing field a 422.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{header, StatusCode};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse, Responder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::ErrorCode;
use crate::error::AppError;

pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.starts_with("application/json") || v.contains("+json"));
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(AppError::new(
                    ErrorCode::UnsupportedMediaType,
                    "send the body as application/json",
                ));
            }
            let bytes = body.await.map_err(body_error)?;
            parse(&bytes).map(Json)
        })
    }
}

pub fn body_error(e: actix_web::Error) -> AppError {
    if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
    } else {
        AppError::new(
            ErrorCode::UnreadableBody,
            format!("the request body could not be read: {e}"),
        )
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = serde_path_to_error::deserialize::<_, T>(&mut de);
    let value = match parsed {
        Ok(value) => value,
        Err(e) if e.inner().classify() == serde_json::error::Category::Data => {
            // JSON Schema counts `24.0` as an integer, so a client checking
            // against the OpenAPI document may send one; the slower second
            // reading is only for bodies that were refused.
            return match integral_floats_as_integers(bytes) {
                Some(normalized) => serde_path_to_error::deserialize::<_, T>(normalized)
                    .map_err(|e| invalid_field(e.path().to_string(), e.into_inner())),
                None => Err(invalid_field(e.path().to_string(), e.into_inner())),
            };
        }
        Err(e) => return Err(malformed(e.into_inner())),
    };
    de.end().map_err(malformed)?;
    Ok(value)
}

fn invalid_field(field: String, e: serde_json::Error) -> AppError {
    AppError::new(ErrorCode::InvalidField, format!("{field}: {e}")).on_field(&field)
}

fn malformed(e: serde_json::Error) -> AppError {
    AppError::new(
        ErrorCode::MalformedJson,
        format!("the body is not valid JSON: {e}"),
    )
}

/// The body with every float that holds a whole number within i64 written
/// as an integer; `None` when there is none (or the body is not JSON).
fn integral_floats_as_integers(bytes: &[u8]) -> Option<serde_json::Value> {
    fn walk(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) if n.is_f64() => match n.as_f64().and_then(whole) {
                Some(i) => {
                    *v = serde_json::Value::from(i);
                    true
                }
                None => false,
            },
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, i| walk(i) | c),
            serde_json::Value::Object(map) => map.values_mut().fold(false, |c, i| walk(i) | c),
            _ => false,
        }
    }
    // 2^63 is exact as an f64 and the first whole number beyond i64.
    fn whole(f: f64) -> Option<i64> {
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    walk(&mut value).then_some(value)
}

impl<T: Serialize> Responder for Json<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        HttpResponse::Ok().json(self.0)
    }
}

/// 201 Created with the new resource.
pub fn created<T: Serialize>(body: T) -> HttpResponse {
    HttpResponse::Created().json(body)
}
