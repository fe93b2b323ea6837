-- A contract without a fixed term (or whose term cannot be defined) is
-- valued at its monthly value times 48 (Directive Art. 5(14)); see
-- docs/domain.md. Existing procurements all have a fixed term.
ALTER TABLE procurements ADD COLUMN no_fixed_term BOOLEAN NOT NULL DEFAULT FALSE;
