-- migrate:up
ALTER TABLE notes ADD COLUMN archived_at DATETIME;
ALTER TABLE notes RENAME COLUMN body TO content;
ALTER TABLE tags RENAME TO note_tags;

-- migrate:down
ALTER TABLE note_tags RENAME TO tags;
ALTER TABLE notes RENAME COLUMN content TO body;
ALTER TABLE notes DROP COLUMN archived_at;
