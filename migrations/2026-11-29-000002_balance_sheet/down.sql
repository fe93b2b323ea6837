ALTER TABLE suppliers DROP COLUMN balance_sheet_total_ore;
