use super::schemas;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::created;
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::{rfc3339, Json, Page, State};
use crate::auth::Caller;
use crate::db::organizations::{self, Organization};
use crate::domain::codes;
use crate::domain::supplier::parse_name;
use crate::domain::ErrorCode;
use crate::domain::{OrgNumber, OrganizationKind, Role};
use crate::error::{AppError, AppResult, FieldExt, Problem};
use crate::flows::accounts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organizations", web::post().to(create_organization))
        .route("/organizations", web::get().to(list_organizations))
        .route("/organizations/{id}", web::get().to(get_organization));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    #[schema(value_type = schemas::OrganizationKind, example = "procurement_office")]
    pub kind: String,
    #[schema(
        example = "Vestland innkjøpssamarbeid",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: String,
    #[schema(value_type = schemas::OrgNumber, example = "974760673")]
    pub org_number: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub org_number: String,
    pub created_at: String,
}

impl From<Organization> for OrganizationView {
    fn from(o: Organization) -> Self {
        OrganizationView {
            id: o.id,
            kind: o.kind.into(),
            name: o.name,
            org_number: o.org_number,
            created_at: rfc3339(o.created_at),
        }
    }
}

/// What `create_organization` answers besides success (see `problem_docs`).
pub const CREATE_ORGANIZATION_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[
        ErrorCode::Forbidden,
        ErrorCode::InvalidKind,
        ErrorCode::InvalidName,
        ErrorCode::InvalidOrgNumber,
        ErrorCode::OrganizationExists,
        ErrorCode::Conflict
    ]
];

/// An operator registers a procurement office.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "accounts", request_body = NewOrganization,
    security(("bearer" = [])),
    responses((status = 201, body = OrganizationView, links(
                  ("GetOrganization" = (operation_id = "get_organization", parameters(("id" = "$response.body#/id")))))),
              (status = 422, body = Problem),
              (status = 409, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_organization(
    state: State,
    caller: Caller,
    body: Json<NewOrganization>,
) -> AppResult<HttpResponse> {
    caller.require_admin()?;
    let body = body.0;
    let kind = body.kind.parse::<OrganizationKind>().map_err(|_| {
        AppError::new(ErrorCode::InvalidKind, "kind must be 'procurement_office'").on_field("kind")
    })?;
    let name = parse_name(&body.name).field("name")?;
    let org_number = OrgNumber::parse(&body.org_number).field("org_number")?;
    let now = state.clock.now();
    let org = state
        .db
        .write(move |c| accounts::create_organization(c, kind, &name, &org_number, now))
        .await?;
    Ok(created(OrganizationView::from(org)))
}

/// What `list_organizations` answers besides success (see `problem_docs`).
pub const LIST_ORGANIZATIONS_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::Forbidden]];

/// The procurement offices (admins and coordinators).
#[utoipa::path(get, path = "/api/v1/organizations", tag = "accounts", params(Page), security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganizationView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_organizations(
    state: State,
    caller: Caller,
    page: web::Query<Page>,
) -> AppResult<Json<Vec<OrganizationView>>> {
    if !(caller.is_admin() || caller.role() == Role::Coordinator) {
        return Err(AppError::forbidden(
            "only admins and coordinators list organisations",
        ));
    }
    let (limit, offset) = (page.limit(), page.offset());
    let orgs = state
        .db
        .read(move |c| organizations::list(c, limit, offset))
        .await?;
    Ok(Json(orgs.into_iter().map(OrganizationView::from).collect()))
}

/// What `get_organization` answers besides success (see `problem_docs`).
pub const GET_ORGANIZATION_ERRORS: &[ErrorCode] = codes![CALLER, &[ErrorCode::NotFound]];

#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get_organization(
    state: State,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<Json<OrganizationView>> {
    let id = id.into_inner();
    let visible = caller.is_admin() || caller.organization() == Some(id.as_str());
    if !visible {
        return Err(AppError::not_found("the organisation"));
    }
    let org = state.db.read(move |c| organizations::find(c, &id)).await?;
    org.map(|o| Json(o.into()))
        .ok_or_else(|| AppError::not_found("the organisation"))
}
