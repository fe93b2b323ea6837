DROP TABLE tender_plans;
ALTER TABLE municipalities DROP COLUMN org_number;
