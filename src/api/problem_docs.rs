//! What the OpenAPI document says about failures, made true for every
//! operation at once: error answers are `application/problem+json`; each
//! operation documents, per status, exactly the codes of its typed list
//! (`<HANDLER>_ERRORS` next to each handler, registered in
//! `openapi::OPERATION_ERRORS`) as an `enum` on `code`; any status an
//! operation does not list is still a problem document with one of the
//! `ANYWHERE` codes, described by a `default` response. `check_code` holds
//! the server to those lists. Also: which methods each documented path has,
//! so that a wrong method on a known path answers 405 rather than 404.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use actix_web::dev::ServiceResponse;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::domain::ErrorCode;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The bearer token of `Caller`: missing, not valid, or no longer holding
/// (its account disabled, its password changed since).
pub const CALLER: &[ErrorCode] = &[
    ErrorCode::Unauthenticated,
    ErrorCode::InvalidToken,
    ErrorCode::AccountDisabled,
    ErrorCode::TokenRevoked,
];
/// A JSON body (`api::json::Json`): a field of the wrong type, or missing.
pub const JSON_BODY: &[ErrorCode] = &[ErrorCode::InvalidField];
/// What any operation may answer, whatever it does: a request that cannot be
/// read, and our own failures. Documented once, by the `default` response,
/// and added to an operation's own response when it lists the same status.
pub const ANYWHERE: &[ErrorCode] = &[
    ErrorCode::MalformedJson,
    ErrorCode::UnreadableBody,
    ErrorCode::InvalidQuery,
    ErrorCode::InvalidPath,
    ErrorCode::PayloadTooLarge,
    ErrorCode::UnsupportedMediaType,
    ErrorCode::InternalError,
    ErrorCode::DatabaseUnavailable,
];

/// The codes `operation_id` may answer: its own list and `ANYWHERE`.
pub fn codes_of(operation_id: &str) -> Option<BTreeSet<ErrorCode>> {
    super::openapi::OPERATION_ERRORS
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map(|(_, list)| list.iter().chain(ANYWHERE).copied().collect())
}

fn codes_text(codes: &[ErrorCode]) -> String {
    codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a response as written in `#[utoipa::path]` is a `Problem` (the
/// readiness check answers 503 with its own body).
fn is_problem(response: &utoipa::openapi::Response) -> bool {
    response
        .content
        .get("application/json")
        .and_then(|c| c.schema.as_ref())
        .is_some_and(|s| matches!(s, RefOr::Ref(r) if r.ref_location.ends_with("/Problem")))
}

/// `Problem`, with `code` one of `codes`.
fn problem_with(codes: &[ErrorCode]) -> ContentBuilder {
    let code = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().map(|c| c.as_str())));
    let schema = AllOfBuilder::new()
        .item(RefOr::Ref(Ref::from_schema_name("Problem")))
        .item(ObjectBuilder::new().property("code", code).required("code"));
    ContentBuilder::new().schema(Some(schema))
}

pub struct ProblemResponses;

fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let statuses: BTreeSet<u16> = ANYWHERE.iter().map(|c| c.status()).collect();
        let default_text = format!(
            "Any other failure ({}), as an RFC 9457 problem document. Codes: {}.",
            statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            codes_text(ANYWHERE)
        );
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                let own = op
                    .operation_id
                    .as_deref()
                    .and_then(|id| {
                        super::openapi::OPERATION_ERRORS
                            .iter()
                            .find(|(o, _)| *o == id)
                    })
                    .map_or(&[][..], |(_, list)| *list);
                let all: BTreeSet<ErrorCode> = own.iter().chain(ANYWHERE).copied().collect();
                let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
                for code in own {
                    by_status.entry(code.status()).or_default();
                }
                for (status, response) in op.responses.responses.iter() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    let is_problem = matches!(response, RefOr::T(r) if is_problem(r));
                    if let (true, true, Ok(n)) = (is_error, is_problem, status.parse::<u16>()) {
                        by_status.entry(n).or_default();
                    }
                }
                for (status, codes) in by_status.iter_mut() {
                    codes.extend(all.iter().filter(|c| c.status() == *status));
                }
                for (status, response) in op.responses.responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(r)) = (is_error, response) {
                        if let Some(content) = r.content.shift_remove("application/json") {
                            r.content.insert(PROBLEM_JSON.to_string(), content);
                        }
                    }
                }
                for (status, codes) in &by_status {
                    if codes.is_empty() {
                        // A status the attribute lists and the list does not:
                        // left as written, for the test below to find.
                        continue;
                    }
                    let key = status.to_string();
                    let prose = match op.responses.responses.get(&key) {
                        Some(RefOr::T(r)) if !r.description.is_empty() => {
                            format!("{}. ", r.description)
                        }
                        _ => String::new(),
                    };
                    let response = ResponseBuilder::new()
                        .description(format!("{prose}Codes: {}.", codes_text(codes)))
                        .content(PROBLEM_JSON, problem_with(codes).build())
                        .build();
                    op.responses.responses.insert(key, RefOr::T(response));
                }
                op.responses
                    .responses
                    .entry("default".to_string())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(default_text.clone())
                                .content(PROBLEM_JSON, problem_with(ANYWHERE).build())
                                .build(),
                        )
                    });
            }
        }
    }
}

/// A documented path as its segments, with the operation id of each method.
type Route = (Vec<String>, Vec<(&'static str, String)>);

fn operation_table() -> &'static Vec<Route> {
    static TABLE: OnceLock<Vec<Route>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let doc = super::openapi::ApiDoc::openapi();
        doc.paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(String::from).collect();
                let mut methods = Vec::new();
                for (method, op) in [
                    ("GET", &item.get),
                    ("PUT", &item.put),
                    ("POST", &item.post),
                    ("DELETE", &item.delete),
                    ("PATCH", &item.patch),
                ] {
                    if let Some(op) = op {
                        methods.push((method, op.operation_id.clone().unwrap_or_default()));
                    }
                }
                (segments, methods)
            })
            .collect()
    })
}

/// The documented path `path` matches, preferring literal segments to
/// parameters (`/procurements/published` over `/procurements/{id}`).
fn matching(path: &str) -> Option<&'static Route> {
    let wanted: Vec<&str> = path.split('/').collect();
    operation_table()
        .iter()
        .filter(|(template, _)| {
            template.len() == wanted.len()
                && template
                    .iter()
                    .zip(&wanted)
                    .all(|(t, w)| (t.starts_with('{') && !w.is_empty()) || t == w)
        })
        .max_by_key(|(template, _)| template.iter().filter(|t| !t.starts_with('{')).count())
}

/// Holds every answer of a documented operation to the codes its list
/// documents. An undocumented code is a bug of the list (or of the
/// handler): debug builds, and so the whole API test suite, panic on it, so
/// that the lists cannot drift; a release build logs it at error level.
pub fn check_code(res: &ServiceResponse) {
    let Some(code) = res.response().extensions().get::<ErrorCode>().copied() else {
        return;
    };
    let req = res.request();
    let method = match req.method().as_str() {
        "HEAD" => "GET",
        other => other,
    };
    let Some(operation) = matching(req.path())
        .and_then(|(_, methods)| methods.iter().find(|(m, _)| *m == method))
        .map(|(_, id)| id.as_str())
    else {
        return;
    };
    if codes_of(operation).is_some_and(|codes| codes.contains(&code)) {
        return;
    }
    let complaint = format!(
        "{method} {} ({operation}) answered `{code}`, which its list of error codes does not \
         document: add it to {}_ERRORS",
        req.path(),
        operation.to_uppercase()
    );
    if cfg!(debug_assertions) {
        panic!("{complaint}");
    }
    tracing::error!("{complaint}");
}

/// The methods the document lists for the path `path` matches, if any.
pub fn allowed_methods(path: &str) -> Option<Vec<&'static str>> {
    matching(path).map(|(_, methods)| {
        let mut allowed: Vec<&'static str> = methods.iter().map(|(m, _)| *m).collect();
        if allowed.contains(&"GET") {
            allowed.push("HEAD");
        }
        allowed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error answer the document describes names its codes: a status
    /// written in a `#[utoipa::path]` with no code of that status in the
    /// operation's list is a stale line of documentation.
    #[test]
    fn every_documented_error_status_has_its_codes() {
        let doc = serde_json::to_value(super::super::openapi::ApiDoc::openapi()).unwrap();
        let mut stale = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(responses) = op["responses"].as_object() else {
                    continue;
                };
                for (status, response) in responses {
                    let Some(schema) = response["content"][PROBLEM_JSON].get("schema") else {
                        continue;
                    };
                    let codes = &schema["allOf"][1]["properties"]["code"]["enum"];
                    let statuses_ok = codes.as_array().is_some_and(|codes| {
                        !codes.is_empty()
                            && codes.iter().all(|c| {
                                ErrorCode::ALL.iter().any(|e| {
                                    c == e.as_str()
                                        && (status == "default"
                                            || status == &e.status().to_string())
                                })
                            })
                    });
                    let own_body = schema
                        .get("$ref")
                        .is_some_and(|r| r != "#/components/schemas/Problem");
                    if !statuses_ok && !own_body {
                        stale.push(format!("{method} {path} {status}"));
                    }
                }
            }
        }
        assert!(
            stale.is_empty(),
            "error responses without their codes: {stale:?}"
        );
    }
}
