-- Notices sent at most once (reminders, mandate warnings): a row claims one,
-- so that neither a rerun nor a second server instance sends it again.
CREATE TABLE notices (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, key)
);
