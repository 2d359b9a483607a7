CREATE INDEX items_unread_idx ON items (feed_id) WHERE read = 0;
ALTER TABLE feeds ADD COLUMN etag TEXT;
INSERT INTO feeds (url, title) VALUES ('https://example.com/feed.xml', 'Example');
CREATE TRIGGER feeds_refresh AFTER UPDATE OF etag ON feeds BEGIN UPDATE feeds SET refreshed_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END;
