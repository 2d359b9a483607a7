ALTER TABLE items RENAME TO entries;
ALTER TABLE feeds RENAME COLUMN title TO name;
