ALTER TABLE feeds RENAME COLUMN name TO title;
ALTER TABLE entries RENAME TO items;
