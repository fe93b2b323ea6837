-- A participant's procurement strategy, one row per version: a strategy is
-- a council decision, so a change adds a version and the old one stays
-- readable. `participant` is a municipality number or, for a county
-- municipality, its county number (both are rows of municipalities).
CREATE TABLE strategies (
    participant TEXT NOT NULL REFERENCES municipalities (number),
    version BIGINT NOT NULL,
    reference TEXT NOT NULL,
    adopted_on DATE NOT NULL,
    min_climate_weight_percent BIGINT,
    -- ';'-separated clause codes of config/clauses.toml
    required_clauses TEXT NOT NULL,
    -- ';'-separated UN Sustainable Development Goals, 1-17
    sdgs TEXT NOT NULL,
    min_eligible_local_smes_per_lot BIGINT,
    max_duration_months BIGINT,
    market_dialogue_from_ore BIGINT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (participant, version)
);
