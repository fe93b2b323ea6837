ALTER TABLE outbox DROP COLUMN list_unsubscribe;
DROP TABLE consultation_answers;
DROP TABLE consultations;
DROP TABLE supplier_subscriptions;
