-- A link stops working when a decision is recorded by any door, or when a
-- reminder replaces it: retired_at says when, used_at stays for the link
-- that carried a decision itself.
ALTER TABLE vote_links ADD COLUMN retired_at TIMESTAMP;
