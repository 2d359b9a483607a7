-- migrate:up
ALTER TABLE events ADD COLUMN ends_at datetime NULL AFTER starts_at;
ALTER TABLE events RENAME COLUMN title TO headline;
ALTER TABLE venues MODIFY capacity int NOT NULL DEFAULT 100;
DROP INDEX IF EXISTS events_starts_at_idx ON events;
CREATE OR REPLACE VIEW upcoming_events AS SELECT id, headline, starts_at FROM events WHERE starts_at > NOW();

-- migrate:down
DROP VIEW IF EXISTS upcoming_events;
CREATE INDEX events_starts_at_idx ON events (starts_at);
ALTER TABLE venues MODIFY capacity int NOT NULL DEFAULT 0;
ALTER TABLE events RENAME COLUMN headline TO title;
ALTER TABLE events DROP COLUMN ends_at;
