//! `GET /api/v1/procurements/{id}/analysis`: for each lot, the local SMEs
//! of its trade that its size and its area shut out, with splits that would
//! let them in (api.md "Analysis: who is shut out"). `read::analysis`
//! gathers the facts, as for the coordinator's page; `domain::analysis::analyse`
//! decides.

use actix_web::web;

use actix_web::{HttpRequest, HttpResponse};

use super::lang::{mark, Language};
use super::problem_docs::CALLER;
use super::procurements::visible_procurement;
use super::procurements::VISIBLE;
use super::schemas;
use super::State;
use crate::auth::Caller;
use crate::domain::codes;
use crate::domain::ErrorCode;
use crate::error::{AppResult, Problem};
use crate::http_cache::{answer, Caching};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/procurements/{id}/analysis", web::get().to(analysis));
}

/// What `analysis` answers besides success (see `problem_docs`).
pub const ANALYSIS_ERRORS: &[ErrorCode] = codes![CALLER, VISIBLE, &[ErrorCode::ValueOverflow]];

/// Per lot: the local relevant SMEs, how many the lot's yearly value and
/// its area exclude, how many can bid, suppliers' interest, flags with a
/// plain-language message, and for flagged lots the splits by county, by
/// municipality and into the fewest sub-lots that each keep an eligible
/// local SME. A suggestion's `sub_lots[].area` lists can be posted as they
/// are as the `groups` of the lot's `split` call. The messages are in
/// Norwegian bokmål, or English with `Accept-Language: en`.
#[utoipa::path(get, path = "/api/v1/procurements/{id}/analysis", tag = "procurements", params(("id" = String, Path), Language),
    security(("bearer" = [])),
    responses((status = 200, body = schemas::Analysis, headers(("Content-Language" = String, description = "`nb` or `en`: the language of the messages"))),
              (status = 422, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn analysis(
    state: State,
    req: HttpRequest,
    caller: Caller,
    Language(lang): Language,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (head, _) = visible_procurement(&state, &caller, id.into_inner()).await?;
    let (version, body) = crate::read::analysis::analysis_json(&state, &head, lang).await?;
    let mut res = answer(
        req.headers(),
        &version,
        &body,
        "application/json",
        Caching::Private,
    );
    mark(res.headers_mut(), lang);
    Ok(res)
}
