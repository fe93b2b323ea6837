-- A registered supplier's interest in a lot of a published procurement: one
-- row per supplier and lot, so that marking it twice counts once.
CREATE TABLE supplier_interest (
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (supplier_id, lot_id)
);
CREATE INDEX supplier_interest_procurement ON supplier_interest (procurement_id, lot_id);
