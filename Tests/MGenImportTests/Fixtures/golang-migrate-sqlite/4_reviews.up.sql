CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_name TEXT NOT NULL,
    stars INTEGER NOT NULL DEFAULT 3,
    body TEXT
);
CREATE UNIQUE INDEX reviews_author_name_key ON reviews (author_name);
INSERT INTO reviews (author_name, stars) VALUES ('Ann', 5), ('Bob', 1), ('O''Hara', 4);
CREATE INDEX reviews_stars_idx ON reviews (stars DESC);
CREATE VIEW top_reviews AS SELECT author_name, stars FROM reviews WHERE stars >= 4;
CREATE TRIGGER reviews_clamp AFTER INSERT ON reviews FOR EACH ROW BEGIN UPDATE reviews SET stars = 5 WHERE id = NEW.id AND stars > 5; END;
UPDATE reviews SET body = 'n/a' WHERE body IS NULL;
DELETE FROM reviews WHERE stars < 2;
