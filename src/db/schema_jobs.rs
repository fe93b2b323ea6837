// The outbox and job-run tables, by hand to match both migration trees
// (2026-11-26-000003_outbox_jobs); kept apart from schema.rs so that the
// infrastructure and the domain tables can change independently.

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
