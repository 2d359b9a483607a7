ALTER TABLE authors RENAME COLUMN bio TO biography;
CREATE INDEX IF NOT EXISTS books_title_idx ON books (title);
