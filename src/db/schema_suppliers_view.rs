// The supplier-view tables, by hand to match both migration trees
// (2026-11-26-000006_supplier_interest); kept apart from schema.rs so that
// features developed side by side do not edit one file.

diesel::table! {
    supplier_interest (supplier_id, lot_id) {
        supplier_id -> Text,
        procurement_id -> Text,
        lot_id -> Text,
        created_at -> Timestamp,
    }
}
