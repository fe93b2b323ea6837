-- A supplier's registration until it is confirmed: nothing of it reaches
-- suppliers or users before then.
CREATE TABLE registrations (
    id TEXT PRIMARY KEY NOT NULL,
    -- SHA-256 (hex) of the secret in the emailed link; the link itself is never stored
    token_hash TEXT NOT NULL UNIQUE,
    org_number TEXT NOT NULL,
    name TEXT NOT NULL,
    -- the login asked for, lower-cased
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    employees BIGINT NOT NULL,
    annual_turnover_ore BIGINT NOT NULL,
    balance_sheet_total_ore BIGINT,
    home_municipality TEXT NOT NULL,
    service_area TEXT NOT NULL,
    cpv TEXT NOT NULL,
    -- registrant, register or operator (domain registration::Confirmer)
    confirmer TEXT NOT NULL,
    -- where the link was sent
    sent_to TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- the link used
    confirmed_at TIMESTAMP,
    approved_at TIMESTAMP,
    approved_by TEXT,
    -- no longer open: completed (supplier_id set) or overtaken by another login
    closed_at TIMESTAMP,
    supplier_id TEXT REFERENCES suppliers (id)
);
CREATE INDEX registrations_email ON registrations (email);
CREATE INDEX registrations_expires ON registrations (expires_at);
