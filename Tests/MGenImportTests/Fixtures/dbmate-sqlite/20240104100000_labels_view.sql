-- migrate:up
CREATE TABLE labels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    color TEXT NOT NULL DEFAULT 'gray'
);
CREATE UNIQUE INDEX labels_name_key ON labels (name);
INSERT INTO labels (name, color) VALUES ('urgent', 'red'), ('later', 'blue');
CREATE VIEW pinned_notes AS SELECT id, title FROM notes WHERE pinned = 1;
CREATE TRIGGER labels_default_color BEFORE INSERT ON labels FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'no color') WHERE NEW.color = ''; END;
UPDATE labels SET color = 'orange' WHERE name = 'urgent';

-- migrate:down
DROP TRIGGER labels_default_color;
DROP VIEW pinned_notes;
DROP TABLE labels;
