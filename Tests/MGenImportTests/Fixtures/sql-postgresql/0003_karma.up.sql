ALTER TABLE members ALTER COLUMN karma TYPE bigint;
ALTER TABLE members ADD CONSTRAINT members_karma_check CHECK (karma >= 0);
ALTER TABLE threads RENAME TO topics;
DROP INDEX IF EXISTS threads_open_idx;
