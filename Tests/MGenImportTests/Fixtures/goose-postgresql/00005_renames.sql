-- +goose Up
ALTER TABLE teams RENAME COLUMN name TO title;
ALTER TABLE teams RENAME TO groups;
CREATE UNIQUE INDEX groups_title_lower_idx ON groups (lower(title)) WHERE title IS NOT NULL;
ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'pro';
ALTER TABLE accounts ALTER COLUMN email TYPE text;

-- +goose Down
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(320);
ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'free';
DROP INDEX groups_title_lower_idx;
ALTER TABLE groups RENAME TO teams;
ALTER TABLE teams RENAME COLUMN title TO name;
