ALTER TABLE procurements DROP COLUMN case_number;
