CREATE TABLE mandates (
    id TEXT PRIMARY KEY NOT NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (number),
    reference TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_on DATE NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    -- ';'-separated CPV prefixes; empty covers every CPV
    cpv_scope TEXT NOT NULL,
    max_value_ore BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mandates_municipality ON mandates (municipality);

CREATE TABLE procurements (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    contract_type TEXT NOT NULL,
    cpv TEXT NOT NULL,
    framework_agreement BOOLEAN NOT NULL,
    contract_start DATE NOT NULL,
    duration_months BIGINT NOT NULL,
    option_months BIGINT NOT NULL,
    participation_deadline TIMESTAMP NOT NULL,
    quorum_min_participants BIGINT,
    quorum_min_population_share_percent BIGINT,
    status TEXT NOT NULL,
    -- who leads it: a procurement office, or a host municipality (vertskommune)
    organization_id TEXT REFERENCES organizations (id),
    host_municipality TEXT REFERENCES municipalities (number),
    created_by TEXT NOT NULL,
    -- the audit chain's head: updating it is also what serialises writers
    event_seq BIGINT NOT NULL,
    last_event_hash TEXT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX procurements_organization ON procurements (organization_id);
CREATE INDEX procurements_status ON procurements (status);

CREATE TABLE lots (
    id TEXT PRIMARY KEY NOT NULL,
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    cpv TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price_ore BIGINT NOT NULL,
    -- ';'-separated municipality numbers
    area TEXT NOT NULL,
    -- false once split into sub-lots; kept for the audit trail
    active BOOLEAN NOT NULL,
    split_from TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX lots_procurement ON lots (procurement_id);

-- One row per invited municipality; the decision starts as 'pending'.
CREATE TABLE participations (
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    municipality TEXT NOT NULL REFERENCES municipalities (number),
    decision TEXT NOT NULL,
    channel TEXT,
    decided_at TIMESTAMP,
    mandate_id TEXT REFERENCES mandates (id),
    note TEXT,
    share_value_ore BIGINT,
    PRIMARY KEY (procurement_id, municipality)
);
CREATE INDEX participations_municipality ON participations (municipality);

CREATE TABLE volumes (
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    municipality TEXT NOT NULL,
    lot_id TEXT NOT NULL REFERENCES lots (id),
    annual_quantity BIGINT NOT NULL,
    max_annual_quantity BIGINT,
    PRIMARY KEY (procurement_id, municipality, lot_id)
);

CREATE TABLE events (
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (procurement_id, seq)
);
