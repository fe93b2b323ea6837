DROP TABLE tender_plans;
ALTER TABLE municipalities DROP COLUMN phone;
ALTER TABLE municipalities DROP COLUMN postal_code;
ALTER TABLE municipalities DROP COLUMN org_number;
