-- +goose Up
BEGIN;
SET lock_timeout = '5s';
CREATE TABLE IF NOT EXISTS events (
    id serial PRIMARY KEY,
    account_id bigint REFERENCES accounts (id) ON DELETE CASCADE,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_payload_idx ON events USING gin (payload jsonb_path_ops);
COMMIT;

-- +goose Down
DROP TABLE events;
RESET lock_timeout;
