-- Every personal voting link that was sent; a link works for one submission.
CREATE TABLE vote_links (
    jti TEXT PRIMARY KEY NOT NULL,
    procurement_id TEXT NOT NULL REFERENCES procurements (id),
    municipality TEXT NOT NULL REFERENCES municipalities (number),
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX vote_links_procurement ON vote_links (procurement_id, municipality);
