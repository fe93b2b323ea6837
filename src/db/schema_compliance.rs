// The compliance and follow-up tables, by hand to match both migration trees
// (2026-11-26-000007_compliance); apart from schema.rs so that this feature's
// tables change without touching the shared file.

use super::schema::{lots, procurements, suppliers};

diesel::table! {
    compliance_settings (procurement_id) {
        procurement_id -> Text,
        clauses -> Text,
        climate_weight_percent -> Nullable<BigInt>,
        sdgs -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    compliance_justifications (procurement_id, check_code) {
        procurement_id -> Text,
        check_code -> Text,
        text -> Text,
        justified_by -> Text,
        justified_at -> Timestamp,
    }
}

diesel::table! {
    contract_awards (procurement_id, lot_id) {
        procurement_id -> Text,
        lot_id -> Text,
        supplier_id -> Text,
        awarded_at -> Timestamp,
    }
}

diesel::table! {
    follow_up_checkpoints (id) {
        id -> Text,
        procurement_id -> Text,
        lot_id -> Text,
        supplier_id -> Text,
        clause_code -> Text,
        checkpoint_code -> Text,
        title -> Text,
        description -> Text,
        due_on -> Date,
        result -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(contract_awards -> suppliers (supplier_id));
diesel::joinable!(contract_awards -> lots (lot_id));
diesel::joinable!(follow_up_checkpoints -> procurements (procurement_id));

diesel::allow_tables_to_appear_in_same_query!(
    compliance_settings,
    compliance_justifications,
    contract_awards,
    follow_up_checkpoints,
);
// Pairs with the shared tables one by one: listing those together here would
// repeat the pairs schema.rs already declares.
diesel::allow_tables_to_appear_in_same_query!(contract_awards, suppliers);
diesel::allow_tables_to_appear_in_same_query!(contract_awards, lots);
diesel::allow_tables_to_appear_in_same_query!(follow_up_checkpoints, procurements);
