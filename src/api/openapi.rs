//! The OpenAPI document at `/api-docs/openapi.json`, browsable offline at `/docs`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{accounts, health, municipalities, organizations, suppliers, users};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samkjøp",
        description = "Joint procurement for Norwegian municipalities. Money is integer øre (1 NOK = 100 øre) \
                       excluding VAT; errors are RFC 9457 problem documents with a stable `code`. \
                       Reference data: municipalities and counties of 2024 (Kartverket, CC BY 4.0), \
                       CPV 2008 with Norwegian names (DFØ, CC BY 4.0)."
    ),
    paths(
        accounts::issue_token,
        organizations::create_organization,
        organizations::list_organizations,
        organizations::get_organization,
        users::create_user,
        users::me,
        suppliers::register_supplier,
        suppliers::my_profile,
        suppliers::update_my_profile,
        suppliers::import_register,
        municipalities::list_municipalities,
        municipalities::get_municipality,
        municipalities::update_municipality,
        health::live,
        health::ready,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Login, procurement offices and users"),
        (name = "municipalities", description = "The 357 municipalities and their mandates"),
        (name = "suppliers", description = "Supplier registration and the supplier register"),
        (name = "operations", description = "Health checks"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
