CREATE TABLE IF NOT EXISTS genres (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug VARCHAR(50) NOT NULL,
    CONSTRAINT genres_slug_key UNIQUE (slug)
);
INSERT INTO genres (slug) VALUES ('fiction'), ('history');
ALTER TABLE books ADD COLUMN genre_id INTEGER REFERENCES genres (id);
CREATE VIEW books_by_genre AS SELECT g.slug, count(b.id) AS n FROM genres g LEFT JOIN books b ON b.genre_id = g.id GROUP BY g.slug;
