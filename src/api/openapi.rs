//! The OpenAPI document at `/api-docs/openapi.json`, browsable offline at `/docs`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem_docs::ProblemResponses;
use crate::domain::ErrorCode;

use super::{
    accounts, admin, analysis, award, clauses, compliance, consultations, events, exports, health,
    mandates, municipalities, notices, organizations, participation, procurements, public,
    registrations, strategies, suppliers, users,
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
        users::list_users,
        users::update_user,
        users::change_password,
        suppliers::register_supplier,
        suppliers::my_profile,
        suppliers::update_my_profile,
        suppliers::import_register,
        registrations::list_pending_registrations,
        registrations::approve_registration,
        municipalities::list_municipalities,
        municipalities::get_municipality,
        municipalities::update_municipality,
        strategies::put_strategy,
        strategies::get_strategy,
        strategies::strategy_fit,
        mandates::record_mandate,
        mandates::list_mandates,
        mandates::revoke_mandate,
        procurements::create_procurement,
        procurements::list_procurements,
        procurements::get_procurement,
        procurements::update_procurement,
        procurements::add_lot,
        procurements::change_lot,
        procurements::remove_lot,
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
        notices::set_tender_plan,
        notices::contract_notice,
        exports::volumes_csv,
        health::live,
        health::ready,
        admin::list_outbox,
        consultations::get_subscriptions,
        consultations::put_subscriptions,
        consultations::open_consultation,
        consultations::public_consultation,
        consultations::answer_consultation,
        consultations::consultation_report,
        consultations::consultation_report_csv,
        consultations::publish_consultation_summary,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerAuth, &ProblemResponses, &LinkFieldNames),
    tags(
        (name = "accounts", description = "Login, procurement offices and users"),
        (name = "municipalities", description = "The 357 municipalities and their mandates"),
        (name = "procurements", description = "Joint procurements, lots, summary and audit trail"),
        (name = "participation", description = "Municipalities join or decline"),
        (name = "compliance", description = "Seriousness clauses, climate weight and SDGs, the compliance check before publishing, the award and contract follow-up"),
        (name = "suppliers", description = "Supplier registration (confirmed by an emailed link, or by the operator) and the supplier register"),
        (name = "public", description = "What suppliers see: published procurements, their lot division, interest in a lot"),
        (name = "exports", description = "Open formats: OCDS 1.1.5 for published procurements, the volume table as CSV"),
        (name = "notices", description = "The tender plan and the eForms contract notice for Doffin and TED"),
        (name = "operations", description = "Health checks and the outgoing-mail queue"),
    )
)]
pub struct ApiDoc;

/// The error codes each operation answers, by operation id (the handler's
/// name): what `ProblemResponses` documents and `problem_docs::check_code`
/// holds the server to. A test checks that this table and `paths` agree.
pub const OPERATION_ERRORS: &[(&str, &[ErrorCode])] = &[
    ("issue_token", accounts::ISSUE_TOKEN_ERRORS),
    (
        "create_organization",
        organizations::CREATE_ORGANIZATION_ERRORS,
    ),
    (
        "list_organizations",
        organizations::LIST_ORGANIZATIONS_ERRORS,
    ),
    ("get_organization", organizations::GET_ORGANIZATION_ERRORS),
    ("create_user", users::CREATE_USER_ERRORS),
    ("me", users::ME_ERRORS),
    ("list_users", users::LIST_USERS_ERRORS),
    ("update_user", users::UPDATE_USER_ERRORS),
    ("change_password", users::CHANGE_PASSWORD_ERRORS),
    ("register_supplier", suppliers::REGISTER_SUPPLIER_ERRORS),
    ("my_profile", suppliers::MY_PROFILE_ERRORS),
    ("update_my_profile", suppliers::UPDATE_MY_PROFILE_ERRORS),
    ("import_register", suppliers::IMPORT_REGISTER_ERRORS),
    (
        "list_pending_registrations",
        registrations::LIST_PENDING_REGISTRATIONS_ERRORS,
    ),
    (
        "approve_registration",
        registrations::APPROVE_REGISTRATION_ERRORS,
    ),
    (
        "list_municipalities",
        municipalities::LIST_MUNICIPALITIES_ERRORS,
    ),
    ("get_municipality", municipalities::GET_MUNICIPALITY_ERRORS),
    (
        "update_municipality",
        municipalities::UPDATE_MUNICIPALITY_ERRORS,
    ),
    ("put_strategy", strategies::PUT_STRATEGY_ERRORS),
    ("get_strategy", strategies::GET_STRATEGY_ERRORS),
    ("strategy_fit", strategies::STRATEGY_FIT_ERRORS),
    ("record_mandate", mandates::RECORD_MANDATE_ERRORS),
    ("list_mandates", mandates::LIST_MANDATES_ERRORS),
    ("revoke_mandate", mandates::REVOKE_MANDATE_ERRORS),
    (
        "create_procurement",
        procurements::CREATE_PROCUREMENT_ERRORS,
    ),
    ("list_procurements", procurements::LIST_PROCUREMENTS_ERRORS),
    ("get_procurement", procurements::GET_PROCUREMENT_ERRORS),
    (
        "update_procurement",
        procurements::UPDATE_PROCUREMENT_ERRORS,
    ),
    ("add_lot", procurements::ADD_LOT_ERRORS),
    ("change_lot", procurements::CHANGE_LOT_ERRORS),
    ("remove_lot", procurements::REMOVE_LOT_ERRORS),
    ("open_procurement", procurements::OPEN_PROCUREMENT_ERRORS),
    ("close_procurement", procurements::CLOSE_PROCUREMENT_ERRORS),
    (
        "publish_procurement",
        procurements::PUBLISH_PROCUREMENT_ERRORS,
    ),
    (
        "cancel_procurement",
        procurements::CANCEL_PROCUREMENT_ERRORS,
    ),
    ("split_lot", procurements::SPLIT_LOT_ERRORS),
    ("summary", procurements::SUMMARY_ERRORS),
    ("list_clauses", clauses::LIST_CLAUSES_ERRORS),
    ("choose_clauses", compliance::CHOOSE_CLAUSES_ERRORS),
    ("set_sustainability", compliance::SET_SUSTAINABILITY_ERRORS),
    ("compliance_report", compliance::COMPLIANCE_REPORT_ERRORS),
    ("justify", compliance::JUSTIFY_ERRORS),
    ("award", award::AWARD_ERRORS),
    ("follow_up_plan", award::FOLLOW_UP_PLAN_ERRORS),
    ("record_result", award::RECORD_RESULT_ERRORS),
    ("follow_up_report", award::FOLLOW_UP_REPORT_ERRORS),
    ("analysis", analysis::ANALYSIS_ERRORS),
    ("list_published", public::LIST_PUBLISHED_ERRORS),
    ("lot_division", public::LOT_DIVISION_ERRORS),
    ("mark_interest", public::MARK_INTEREST_ERRORS),
    ("record_decision", participation::RECORD_DECISION_ERRORS),
    (
        "list_participation",
        participation::LIST_PARTICIPATION_ERRORS,
    ),
    ("list_events", events::LIST_EVENTS_ERRORS),
    ("verify_events", events::VERIFY_EVENTS_ERRORS),
    ("ocds_package", exports::OCDS_PACKAGE_ERRORS),
    ("set_tender_plan", notices::SET_TENDER_PLAN_ERRORS),
    ("contract_notice", notices::CONTRACT_NOTICE_ERRORS),
    ("volumes_csv", exports::VOLUMES_CSV_ERRORS),
    ("live", health::LIVE_ERRORS),
    ("ready", health::READY_ERRORS),
    ("list_outbox", admin::LIST_OUTBOX_ERRORS),
    ("get_subscriptions", consultations::GET_SUBSCRIPTIONS_ERRORS),
    ("put_subscriptions", consultations::PUT_SUBSCRIPTIONS_ERRORS),
    ("open_consultation", consultations::OPEN_CONSULTATION_ERRORS),
    (
        "public_consultation",
        consultations::PUBLIC_CONSULTATION_ERRORS,
    ),
    (
        "answer_consultation",
        consultations::ANSWER_CONSULTATION_ERRORS,
    ),
    (
        "consultation_report",
        consultations::CONSULTATION_REPORT_ERRORS,
    ),
    (
        "consultation_report_csv",
        consultations::CONSULTATION_REPORT_CSV_ERRORS,
    ),
    (
        "publish_consultation_summary",
        consultations::PUBLISH_CONSULTATION_SUMMARY_ERRORS,
    ),
];

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_operation_has_its_list_of_error_codes() {
        let doc = ApiDoc::openapi();
        let documented: BTreeSet<String> = doc
            .paths
            .paths
            .values()
            .flat_map(|item| {
                [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                    .into_iter()
                    .flatten()
                    .filter_map(|op| op.operation_id.clone())
            })
            .collect();
        let listed: BTreeSet<String> = OPERATION_ERRORS
            .iter()
            .map(|(id, _)| id.to_string())
            .collect();
        assert_eq!(documented, listed);
        assert_eq!(listed.len(), OPERATION_ERRORS.len(), "an operation twice");
    }
}
