//! What the OpenAPI document says about failures, made true for every
//! operation at once: error answers are `application/problem+json`, and any
//! status an operation does not list (400 for a malformed request, 413, 415,
//! 429, 503) is still a problem document, described by a `default` response.
//! Also: which methods each documented path has, so that a wrong method on a
//! known path answers 405 rather than 404.

use std::sync::OnceLock;

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

pub const PROBLEM_JSON: &str = "application/problem+json";

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
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                for (status, response) in op.responses.responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(r)) = (is_error, response) {
                        if let Some(content) = r.content.shift_remove("application/json") {
                            r.content.insert(PROBLEM_JSON.to_string(), content);
                        }
                    }
                }
                op.responses.responses.entry("default".to_string()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(
                                "Any other failure, as an RFC 9457 problem document with a stable `code`: \
                                 400 malformed request, 413 body too large, 415 wrong content type, \
                                 429 too many requests, 503 database unavailable.",
                            )
                            .content(
                                PROBLEM_JSON,
                                ContentBuilder::new().schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem")))).build(),
                            )
                            .build(),
                    )
                });
            }
        }
    }
}

/// The methods the document lists for the path `path` matches, if any.
pub fn allowed_methods(path: &str) -> Option<Vec<&'static str>> {
    static PATHS: OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> = OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        let doc = super::openapi::ApiDoc::openapi();
        doc.paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(String::from).collect();
                let mut methods = Vec::new();
                for (method, present) in [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ] {
                    if present {
                        methods.push(method);
                    }
                }
                if item.get.is_some() {
                    methods.push("HEAD");
                }
                (segments, methods)
            })
            .collect()
    });
    let wanted: Vec<&str> = path.split('/').collect();
    paths
        .iter()
        .find(|(template, _)| {
            template.len() == wanted.len()
                && template
                    .iter()
                    .zip(&wanted)
                    .all(|(t, w)| (t.starts_with('{') && !w.is_empty()) || t == w)
        })
        .map(|(_, methods)| methods.clone())
}
