-- migrate:up
CREATE TABLE events (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    venue_id int unsigned NOT NULL,
    title varchar(200) NOT NULL,
    starts_at datetime NOT NULL,
    kind enum('concert','talk','other') NOT NULL DEFAULT 'other',
    CONSTRAINT events_venue_fk FOREIGN KEY (venue_id) REFERENCES venues (id)
);
CREATE INDEX events_starts_at_idx ON events (starts_at);
INSERT INTO venues (name, capacity) VALUES ('Main hall', 500);

-- migrate:down
DELETE FROM venues WHERE name = 'Main hall';
DROP TABLE events;
