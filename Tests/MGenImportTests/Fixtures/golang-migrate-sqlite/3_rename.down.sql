DROP INDEX IF EXISTS books_title_idx;
ALTER TABLE authors RENAME COLUMN biography TO bio;
