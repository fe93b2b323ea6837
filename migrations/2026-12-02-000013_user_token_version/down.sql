ALTER TABLE users DROP COLUMN disabled;
ALTER TABLE users DROP COLUMN token_version;
