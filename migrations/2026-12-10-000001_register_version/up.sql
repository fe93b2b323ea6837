-- The supplier register's change counter: every supplier write (registration,
-- profile change, import) bumps it in the same transaction, so each instance
-- can tell with one primary-key read whether the supplier facts it keeps in
-- memory for the analysis are still the register's.
CREATE TABLE register_version (
    id INTEGER PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO register_version (id, version) VALUES (1, 0);
