-- A token carries the version its account had when it was issued; a password
-- change and (dis)abling the account bump the version, so that every token
-- issued before stops working (docs/operations.md, "Tokens"). New accounts
-- start at 0 and enabled: the defaults are what an insert leaves them at.
ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
