DROP TABLE strategies;
