//! The language of an answer's sentences, negotiated from `Accept-Language`
//! (bokmål unless the caller asks for English; `domain::lang` decides), and
//! the headers that say which one was sent: `Content-Language`, and
//! `Vary: Accept-Language` for caches between us and the caller.

use std::convert::Infallible;
use std::future::{ready, Ready};

use actix_web::body::BoxBody;
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder};
use serde::Serialize;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::IntoParams;

use crate::domain::Lang;
use crate::error::AppError;

/// The language the caller asked for; an extractor that never refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language(pub Lang);

impl FromRequest for Language {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Language(of_headers(req.headers()))))
    }
}

/// Every `Accept-Language` line read as one list, as RFC 9110 §5.3 allows.
pub fn of_headers(headers: &HeaderMap) -> Lang {
    let lines: Vec<&str> = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .filter_map(|v| v.to_str().ok())
        .collect();
    if lines.is_empty() {
        return Lang::negotiate(None);
    }
    Lang::negotiate(Some(&lines.join(",")))
}

/// Says in the answer's headers which language its sentences are in.
pub fn mark(headers: &mut HeaderMap, lang: Lang) {
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
}

/// A JSON answer whose sentences are in the negotiated language.
pub struct Localized<T>(pub Lang, pub T);

impl<T: Serialize> Responder for Localized<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut res = HttpResponse::Ok().json(self.1);
        mark(res.headers_mut(), self.0);
        res
    }
}

/// A problem document answered in the caller's language: an answer carrying
/// an `AppError` (rendered in bokmål, the default, where it was raised,
/// without the request) gets its `title` in `lang` and the headers.
pub fn problem_in(res: ServiceResponse<BoxBody>, lang: Lang) -> ServiceResponse<BoxBody> {
    let Some(problem) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(|e| e.problem_in(lang))
    else {
        return res;
    };
    let mut res = if lang == Lang::default() {
        res
    } else {
        match serde_json::to_vec(&problem) {
            Ok(body) => res.map_body(|_, _| BoxBody::new(body)),
            // A problem document always serialises; keep the bokmål one if not.
            Err(_) => return res,
        }
    };
    mark(res.headers_mut(), lang);
    res
}

/// The `Accept-Language` request header, in the `params` of the operations
/// that take this extractor.
impl IntoParams for Language {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![accept_language()]
    }
}

fn accept_language() -> Parameter {
    ParameterBuilder::new()
        .name("Accept-Language")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The language of the plain-language messages (and of a problem's `title`): \
             Norwegian bokmål (`nb`) unless English (`en`) is preferred; q-values count. \
             `no`, `nn`, `*`, a missing header or one naming neither answer in bokmål. \
             The answer says which in `Content-Language`.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples([serde_json::json!("nb-NO, en;q=0.5")]),
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::ACCEPT_LANGUAGE;

    #[test]
    fn several_header_lines_are_one_list() {
        let mut headers = HeaderMap::new();
        assert_eq!(of_headers(&headers), Lang::Nb);
        headers.append(ACCEPT_LANGUAGE, HeaderValue::from_static("da;q=0.9"));
        headers.append(ACCEPT_LANGUAGE, HeaderValue::from_static("en;q=0.8"));
        assert_eq!(of_headers(&headers), Lang::En);
        headers.append(ACCEPT_LANGUAGE, HeaderValue::from_static("nb"));
        assert_eq!(of_headers(&headers), Lang::Nb);
    }

    #[test]
    fn the_operations_with_sentences_document_the_header_both_ways() {
        use utoipa::OpenApi;
        let doc = serde_json::to_value(super::super::openapi::ApiDoc::openapi()).unwrap();
        let mut negotiating = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let takes = op["parameters"].as_array().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p["name"] == "Accept-Language" && p["in"] == "header")
                });
                if takes {
                    negotiating.push(format!("{method} {path}"));
                    assert!(
                        op["responses"]["200"]["headers"]["Content-Language"].is_object(),
                        "{method} {path} says which language it answered in"
                    );
                }
            }
        }
        negotiating.sort();
        assert_eq!(
            negotiating,
            [
                "get /api/v1/procurements/{id}/analysis",
                "get /api/v1/procurements/{id}/compliance",
                "get /api/v1/procurements/{id}/strategy-fit",
                "get /api/v1/procurements/{id}/summary"
            ]
        );
    }

    #[test]
    fn a_marked_answer_names_its_language_and_varies_by_the_header() {
        let mut headers = HeaderMap::new();
        mark(&mut headers, Lang::En);
        assert_eq!(headers.get(header::CONTENT_LANGUAGE).unwrap(), "en");
        assert_eq!(headers.get(header::VARY).unwrap(), "accept-language");
    }
}
