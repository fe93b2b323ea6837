-- The EU SME class (Recommendation 2003/361) takes the turnover or the
-- balance-sheet total; a supplier may give the latter. NULL: not given.
ALTER TABLE suppliers ADD COLUMN balance_sheet_total_ore BIGINT;
