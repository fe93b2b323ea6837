ALTER TABLE mandates DROP COLUMN revoked_by;
ALTER TABLE mandates DROP COLUMN revoked_at;
