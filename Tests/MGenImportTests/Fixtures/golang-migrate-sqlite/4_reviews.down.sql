DROP TRIGGER reviews_clamp;
DROP VIEW top_reviews;
DROP TABLE reviews;
