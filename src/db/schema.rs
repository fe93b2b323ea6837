// @generated automatically by Diesel CLI.

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
    compliance_settings (procurement_id) {
        procurement_id -> Text,
        clauses -> Text,
        climate_weight_percent -> Nullable<BigInt>,
        sdgs -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_answers (supplier_id, lot_id) {
        supplier_id -> Text,
        lot_id -> Text,
        procurement_id -> Text,
        answer -> Text,
        reason -> Nullable<Text>,
        proposed_area -> Text,
        comment -> Text,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    consultations (procurement_id) {
        procurement_id -> Text,
        message -> Text,
        deadline -> Timestamp,
        opened_by -> Text,
        opened_at -> Timestamp,
        summary -> Nullable<Text>,
        summary_published_at -> Nullable<Timestamp>,
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

diesel::table! {
    job_runs (job, slot) {
        job -> Text,
        slot -> Text,
        claimed_at -> Timestamp,
        instance -> Text,
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
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    municipalities (number) {
        number -> Text,
        name -> Text,
        county -> Text,
        county_name -> Text,
        population -> BigInt,
        contact_email -> Nullable<Text>,
        org_number -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    notices (kind, key) {
        kind -> Text,
        key -> Text,
        sent_at -> Timestamp,
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
    outbox (id) {
        id -> Text,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim_token -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        failed_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        list_unsubscribe -> Nullable<Text>,
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
        no_fixed_term -> Bool,
        case_number -> Nullable<Text>,
    }
}

diesel::table! {
    register_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        token_hash -> Text,
        org_number -> Text,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        employees -> BigInt,
        annual_turnover_ore -> BigInt,
        balance_sheet_total_ore -> Nullable<BigInt>,
        home_municipality -> Text,
        service_area -> Text,
        cpv -> Text,
        confirmer -> Text,
        sent_to -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        supplier_id -> Nullable<Text>,
    }
}

diesel::table! {
    strategies (participant, version) {
        participant -> Text,
        version -> BigInt,
        reference -> Text,
        adopted_on -> Date,
        min_climate_weight_percent -> Nullable<BigInt>,
        required_clauses -> Text,
        sdgs -> Text,
        min_eligible_local_smes_per_lot -> Nullable<BigInt>,
        max_duration_months -> Nullable<BigInt>,
        market_dialogue_from_ore -> Nullable<BigInt>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    supplier_interest (supplier_id, lot_id) {
        supplier_id -> Text,
        procurement_id -> Text,
        lot_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    supplier_subscriptions (supplier_id) {
        supplier_id -> Text,
        cpv_prefixes -> Text,
        areas -> Text,
        unsubscribe_token -> Text,
        updated_at -> Timestamp,
        unsubscribed_at -> Nullable<Timestamp>,
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
        balance_sheet_total_ore -> Nullable<BigInt>,
    }
}

diesel::table! {
    tender_plans (procurement_id) {
        procurement_id -> Text,
        procedure_code -> Text,
        tender_deadline -> Timestamp,
        documents_url -> Text,
        award_criteria -> Text,
        max_lots_per_tenderer -> Nullable<BigInt>,
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
        token_version -> BigInt,
        disabled -> Bool,
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
    vote_links (jti) {
        jti -> Text,
        procurement_id -> Text,
        municipality -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    web_sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(compliance_justifications -> procurements (procurement_id));
diesel::joinable!(compliance_settings -> procurements (procurement_id));
diesel::joinable!(consultation_answers -> lots (lot_id));
diesel::joinable!(consultation_answers -> procurements (procurement_id));
diesel::joinable!(consultation_answers -> suppliers (supplier_id));
diesel::joinable!(consultations -> procurements (procurement_id));
diesel::joinable!(contract_awards -> lots (lot_id));
diesel::joinable!(contract_awards -> procurements (procurement_id));
diesel::joinable!(contract_awards -> suppliers (supplier_id));
diesel::joinable!(events -> procurements (procurement_id));
diesel::joinable!(follow_up_checkpoints -> lots (lot_id));
diesel::joinable!(follow_up_checkpoints -> procurements (procurement_id));
diesel::joinable!(follow_up_checkpoints -> suppliers (supplier_id));
diesel::joinable!(lots -> procurements (procurement_id));
diesel::joinable!(mandates -> municipalities (municipality));
diesel::joinable!(participations -> mandates (mandate_id));
diesel::joinable!(participations -> municipalities (municipality));
diesel::joinable!(participations -> procurements (procurement_id));
diesel::joinable!(procurements -> municipalities (host_municipality));
diesel::joinable!(procurements -> organizations (organization_id));
diesel::joinable!(registrations -> suppliers (supplier_id));
diesel::joinable!(strategies -> municipalities (participant));
diesel::joinable!(supplier_interest -> lots (lot_id));
diesel::joinable!(supplier_interest -> procurements (procurement_id));
diesel::joinable!(supplier_interest -> suppliers (supplier_id));
diesel::joinable!(supplier_subscriptions -> suppliers (supplier_id));
diesel::joinable!(suppliers -> municipalities (home_municipality));
diesel::joinable!(tender_plans -> procurements (procurement_id));
diesel::joinable!(users -> municipalities (municipality));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(users -> suppliers (supplier_id));
diesel::joinable!(volumes -> lots (lot_id));
diesel::joinable!(volumes -> procurements (procurement_id));
diesel::joinable!(vote_links -> municipalities (municipality));
diesel::joinable!(vote_links -> procurements (procurement_id));
diesel::joinable!(web_sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    compliance_justifications,
    compliance_settings,
    consultation_answers,
    consultations,
    contract_awards,
    events,
    follow_up_checkpoints,
    job_runs,
    lots,
    mandates,
    municipalities,
    notices,
    organizations,
    outbox,
    participations,
    procurements,
    register_version,
    registrations,
    strategies,
    supplier_interest,
    supplier_subscriptions,
    suppliers,
    tender_plans,
    users,
    volumes,
    vote_links,
    web_sessions,
);
