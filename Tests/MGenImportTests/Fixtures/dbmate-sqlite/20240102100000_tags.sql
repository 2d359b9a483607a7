-- migrate:up
CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    note_id INTEGER NOT NULL,
    label TEXT NOT NULL,
    CONSTRAINT tags_note_fk FOREIGN KEY (note_id) REFERENCES notes (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS tags_note_label_idx ON tags (note_id, label);
INSERT INTO tags (note_id, label) SELECT id, 'inbox' FROM notes;
CREATE TRIGGER notes_cleanup AFTER DELETE ON notes BEGIN DELETE FROM tags WHERE note_id = OLD.id; END;

-- migrate:down
DROP TRIGGER notes_cleanup;
DROP INDEX tags_note_label_idx;
DROP TABLE tags;
