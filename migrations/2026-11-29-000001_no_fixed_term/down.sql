ALTER TABLE procurements DROP COLUMN no_fixed_term;
