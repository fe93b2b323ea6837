-- The market dialogue on a draft lot division (issue 16).

-- What a supplier wants alerts about: CPV prefixes and areas (county and
-- municipality numbers), ';'-joined as in the register. The unsubscribe
-- token is the key of the link in every alert: it only ever stops alerts,
-- so it is kept as it is sent. A row with `unsubscribed_at` sends nothing.
CREATE TABLE supplier_subscriptions (
    supplier_id TEXT NOT NULL PRIMARY KEY REFERENCES suppliers (id),
    cpv_prefixes TEXT NOT NULL,
    areas TEXT NOT NULL,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    updated_at TIMESTAMP NOT NULL,
    unsubscribed_at TIMESTAMP
);

-- At most one consultation per procurement; the summary is what the
-- coordinator publishes about it.
CREATE TABLE consultations (
    procurement_id TEXT NOT NULL PRIMARY KEY REFERENCES procurements (id),
    message TEXT NOT NULL,
    deadline TIMESTAMP NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    summary TEXT,
    summary_published_at TIMESTAMP
);

-- One answer per supplier and lot, replaced until the deadline.
CREATE TABLE consultation_answers (
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    answer TEXT NOT NULL,
    reason TEXT,
    proposed_area TEXT NOT NULL,
    comment TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (supplier_id, lot_id)
);
CREATE INDEX consultation_answers_procurement ON consultation_answers (procurement_id);

-- RFC 8058: the one-click unsubscribe address of an alert, sent as the
-- List-Unsubscribe header (with List-Unsubscribe-Post).
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
