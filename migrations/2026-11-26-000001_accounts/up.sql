CREATE TABLE municipalities (
    number TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    county TEXT NOT NULL,
    county_name TEXT NOT NULL,
    population BIGINT NOT NULL,
    contact_email TEXT
);
CREATE INDEX municipalities_county ON municipalities (county);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    org_number TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE suppliers (
    id TEXT PRIMARY KEY NOT NULL,
    org_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    employees BIGINT NOT NULL,
    annual_turnover_ore BIGINT NOT NULL,
    size_class TEXT NOT NULL,
    home_municipality TEXT NOT NULL REFERENCES municipalities (number),
    -- ';'-separated county and municipality numbers, as in the CSV register
    service_area TEXT NOT NULL,
    -- ';'-separated CPV prefixes
    cpv TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX suppliers_home ON suppliers (home_municipality);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    municipality TEXT REFERENCES municipalities (number),
    supplier_id TEXT REFERENCES suppliers (id),
    created_at TIMESTAMP NOT NULL
);
