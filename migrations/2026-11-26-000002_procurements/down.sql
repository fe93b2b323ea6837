DROP TABLE events;
DROP TABLE volumes;
DROP TABLE participations;
DROP TABLE lots;
DROP TABLE procurements;
DROP TABLE mandates;
