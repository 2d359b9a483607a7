CREATE TABLE feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    title TEXT,
    refreshed_at TIMESTAMP,
    CONSTRAINT feeds_url_key UNIQUE (url)
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id INTEGER NOT NULL,
    guid TEXT NOT NULL,
    read BOOLEAN NOT NULL DEFAULT 0,
    CONSTRAINT items_feed_fk FOREIGN KEY (feed_id) REFERENCES feeds (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX items_feed_guid_idx ON items (feed_id, guid);
