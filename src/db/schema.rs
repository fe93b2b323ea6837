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

diesel::table! {
    mandates (id) {
        id -> Text,
        municipality -> Text,
        reference -> Text,
        decided_by -> Text,
        decided_on -> Date,
        valid_from -> Date,
        valid_until -> Date,
        cpv_scope -> Text,
        max_value_ore -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    procurements (id) {
        id -> Text,
        title -> Text,
        description -> Text,
        contract_type -> Text,
        cpv -> Text,
        framework_agreement -> Bool,
        contract_start -> Date,
        duration_months -> BigInt,
        option_months -> BigInt,
        participation_deadline -> Timestamp,
        quorum_min_participants -> Nullable<BigInt>,
        quorum_min_population_share_percent -> Nullable<BigInt>,
        status -> Text,
        organization_id -> Nullable<Text>,
        host_municipality -> Nullable<Text>,
        created_by -> Text,
        event_seq -> BigInt,
        last_event_hash -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lots (id) {
        id -> Text,
        procurement_id -> Text,
        position -> BigInt,
        title -> Text,
        cpv -> Text,
        unit -> Text,
        unit_price_ore -> BigInt,
        area -> Text,
        active -> Bool,
        split_from -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    participations (procurement_id, municipality) {
        procurement_id -> Text,
        municipality -> Text,
        decision -> Text,
        channel -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        mandate_id -> Nullable<Text>,
        note -> Nullable<Text>,
        share_value_ore -> Nullable<BigInt>,
    }
}

diesel::table! {
    volumes (procurement_id, municipality, lot_id) {
        procurement_id -> Text,
        municipality -> Text,
        lot_id -> Text,
        annual_quantity -> BigInt,
        max_annual_quantity -> Nullable<BigInt>,
    }
}

diesel::table! {
    events (procurement_id, seq) {
        procurement_id -> Text,
        seq -> BigInt,
        kind -> Text,
        actor -> Text,
        at -> Timestamp,
        data -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    vote_links (jti) {
        jti -> Text,
        procurement_id -> Text,
        municipality -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notices (kind, key) {
        kind -> Text,
        key -> Text,
        sent_at -> Timestamp,
    }
}

diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(users -> suppliers (supplier_id));

diesel::joinable!(participations -> municipalities (municipality));
diesel::joinable!(participations -> mandates (mandate_id));

diesel::allow_tables_to_appear_in_same_query!(
    municipalities,
    organizations,
    suppliers,
    users,
    mandates,
    procurements,
    lots,
    participations,
    volumes,
    events,
    vote_links,
    notices,
);
