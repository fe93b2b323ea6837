-- The case number in the leading body's records (saksnummer), so that the
-- procurement can be found in its archive.
ALTER TABLE procurements ADD COLUMN case_number TEXT;
