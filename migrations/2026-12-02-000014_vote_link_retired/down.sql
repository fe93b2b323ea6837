ALTER TABLE vote_links DROP COLUMN retired_at;
