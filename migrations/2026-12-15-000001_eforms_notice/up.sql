-- A municipality's organisation number (Enhetsregisteret): how an eForms
-- notice identifies it as a buyer. NULL until the municipality or the
-- operator sets it.
ALTER TABLE municipalities ADD COLUMN org_number TEXT;
-- The buyer's postal code and telephone, which a notice must give for each buyer.
ALTER TABLE municipalities ADD COLUMN postal_code TEXT;
ALTER TABLE municipalities ADD COLUMN phone TEXT;

-- How the competition will run, one row per procurement: what the eForms
-- contract notice needs beyond the procurement itself.
CREATE TABLE tender_plans (
    procurement_id TEXT PRIMARY KEY NOT NULL REFERENCES procurements (id),
    -- eForms procurement-procedure-type: open, restricted, neg-w-call, comp-dial, innovation
    procedure_code TEXT NOT NULL,
    tender_deadline TIMESTAMP NOT NULL,
    documents_url TEXT NOT NULL,
    -- the award criteria as a JSON array of {type, name, weight_percent, climate}
    award_criteria TEXT NOT NULL,
    max_lots_per_tenderer BIGINT,
    updated_at TIMESTAMP NOT NULL
);
