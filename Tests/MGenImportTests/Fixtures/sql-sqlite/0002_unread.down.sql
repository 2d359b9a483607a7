DROP TRIGGER feeds_refresh;
DELETE FROM feeds WHERE url = 'https://example.com/feed.xml';
ALTER TABLE feeds DROP COLUMN etag;
DROP INDEX items_unread_idx;
