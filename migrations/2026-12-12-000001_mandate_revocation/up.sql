-- A revoked mandate stays on record: the decisions made under it stand, and
-- it covers no new one.
ALTER TABLE mandates ADD COLUMN revoked_at TIMESTAMP;
ALTER TABLE mandates ADD COLUMN revoked_by TEXT;
