CREATE INDEX threads_open_idx ON topics (id) WHERE body IS NOT NULL;
ALTER TABLE topics RENAME TO threads;
ALTER TABLE members DROP CONSTRAINT members_karma_check;
ALTER TABLE members ALTER COLUMN karma TYPE integer;
