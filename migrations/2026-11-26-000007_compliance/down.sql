DROP TABLE follow_up_checkpoints;
DROP TABLE contract_awards;
DROP TABLE compliance_justifications;
DROP TABLE compliance_settings;
