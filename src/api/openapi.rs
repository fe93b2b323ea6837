//! The OpenAPI document at `/api-docs/openapi.json`, browsable offline at `/docs`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem_docs::ProblemResponses;

use super::{
    accounts, admin, analysis, award, clauses, compliance, events, exports, health, mandates,
    municipalities, organizations, participation, procurements, public, suppliers, users,
};

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
        mandates::record_mandate,
        mandates::list_mandates,
        procurements::create_procurement,
        procurements::list_procurements,
        procurements::get_procurement,
        procurements::update_procurement,
        procurements::add_lot,
        procurements::open_procurement,
        procurements::close_procurement,
        procurements::publish_procurement,
        procurements::cancel_procurement,
        procurements::split_lot,
        procurements::summary,
        clauses::list_clauses,
        compliance::choose_clauses,
        compliance::set_sustainability,
        compliance::compliance_report,
        compliance::justify,
        award::award,
        award::follow_up_plan,
        award::record_result,
        award::follow_up_report,
        analysis::analysis,
        public::list_published,
        public::lot_division,
        public::mark_interest,
        participation::record_decision,
        participation::list_participation,
        events::list_events,
        events::verify_events,
        exports::ocds_package,
        exports::volumes_csv,
        health::live,
        health::ready,
        admin::list_outbox,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerAuth, &ProblemResponses, &LinkFieldNames),
    tags(
        (name = "accounts", description = "Login, procurement offices and users"),
        (name = "municipalities", description = "The 357 municipalities and their mandates"),
        (name = "procurements", description = "Joint procurements, lots, summary and audit trail"),
        (name = "participation", description = "Municipalities join or decline"),
        (name = "compliance", description = "Seriousness clauses, climate weight and SDGs, the compliance check before publishing, the award and contract follow-up"),
        (name = "suppliers", description = "Supplier registration and the supplier register"),
        (name = "public", description = "What suppliers see: published procurements, their lot division, interest in a lot"),
        (name = "exports", description = "Open formats: OCDS 1.1.5 for published procurements, the volume table as CSV"),
        (name = "operations", description = "Health checks and the outgoing-mail queue"),
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

/// utoipa 5 writes a link's `operationId` and `requestBody` in snake case,
/// which no OpenAPI tool reads; they are moved to their names in the
/// specification (as extensions, the only free-form keys a link has).
struct LinkFieldNames;

impl Modify for LinkFieldNames {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for response in operation.responses.responses.values_mut() {
                    let utoipa::openapi::RefOr::T(response) = response else {
                        continue;
                    };
                    for link in response.links.values_mut() {
                        let utoipa::openapi::RefOr::T(link) = link else {
                            continue;
                        };
                        let operation_id = std::mem::take(&mut link.operation_id);
                        let request_body = link.request_body.take();
                        let extensions = link.extensions.get_or_insert_with(Default::default);
                        if !operation_id.is_empty() {
                            extensions.insert("operationId".into(), operation_id.into());
                        }
                        if let Some(body) = request_body {
                            extensions.insert("requestBody".into(), body);
                        }
                    }
                }
            }
        }
    }
}
