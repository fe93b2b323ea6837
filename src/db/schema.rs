// The tables, by hand to match both migration trees (migrations/sqlite and
// migrations/postgres); only types that both backends map alike are used.

diesel::table! {
    municipalities (number) {
        number -> Text,
        name -> Text,
        county -> Text,
        county_name -> Text,
        population -> BigInt,
        contact_email -> Nullable<Text>,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        org_number -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    suppliers (id) {
        id -> Text,
        org_number -> Text,
        name -> Text,
        email -> Nullable<Text>,
        employees -> BigInt,
        annual_turnover_ore -> BigInt,
        size_class -> Text,
        home_municipality -> Text,
        service_area -> Text,
        cpv -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        organization_id -> Nullable<Text>,
        municipality -> Nullable<Text>,
        supplier_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(users -> suppliers (supplier_id));

diesel::allow_tables_to_appear_in_same_query!(municipalities, organizations, suppliers, users);
