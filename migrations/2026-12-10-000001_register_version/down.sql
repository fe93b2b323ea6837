DROP TABLE register_version;
