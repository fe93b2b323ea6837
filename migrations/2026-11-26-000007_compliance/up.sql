-- Seriousness clauses, climate weight and SDGs, justifications, the award and
-- the follow-up plan. Kept out of `procurements`, one row per procurement,
-- so that the compliance work changes no table other features read.
CREATE TABLE compliance_settings (
    procurement_id TEXT PRIMARY KEY NOT NULL REFERENCES procurements (id),
    -- ';'-separated clause codes of config/clauses.toml, in the order chosen
    clauses TEXT NOT NULL,
    -- the climate and environment award weight, 0-100; NULL when not set
    climate_weight_percent BIGINT,
    -- ';'-separated UN Sustainable Development Goals, 1-17
    sdgs TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The latest written justification per check; every one is also in the audit trail.
CREATE TABLE compliance_justifications (
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    check_code TEXT NOT NULL,
    text TEXT NOT NULL,
    justified_by TEXT NOT NULL,
    justified_at TIMESTAMP NOT NULL,
    PRIMARY KEY (procurement_id, check_code)
);

-- The winning supplier of each awarded lot.
CREATE TABLE contract_awards (
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    awarded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (procurement_id, lot_id)
);

-- The follow-up plan: titles and dates are copied from the clause library at
-- the award, so that a later change of the library leaves signed contracts alone.
CREATE TABLE follow_up_checkpoints (
    id TEXT PRIMARY KEY NOT NULL,
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    clause_code TEXT NOT NULL,
    checkpoint_code TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    due_on DATE NOT NULL,
    -- 'done' or 'deviation'; NULL while open
    result TEXT,
    note TEXT,
    recorded_by TEXT,
    recorded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_up_checkpoints_procurement ON follow_up_checkpoints (procurement_id, due_on);
CREATE INDEX follow_up_checkpoints_due ON follow_up_checkpoints (due_on);
