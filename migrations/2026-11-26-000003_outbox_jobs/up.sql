-- Outgoing mail, written in the same transaction as the change that caused
-- it; the worker sends it later, so a rolled-back change never mails anyone.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    created_at TIMESTAMP NOT NULL,
    -- Tries so far, counted when a worker claims the row.
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Due time; while a worker holds the row it is the end of its lease.
    next_attempt_at TIMESTAMP NOT NULL,
    -- The claim of the worker that holds the row; guards its updates.
    claim_token TEXT,
    last_attempt_at TIMESTAMP,
    last_error TEXT,
    -- Set once the message is shown as failing; it is still retried.
    failed_at TIMESTAMP,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

-- One row per run of a scheduled job: the primary key is the lock that keeps
-- two server instances from both running the same slot.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    instance TEXT NOT NULL,
    PRIMARY KEY (job, slot)
);
