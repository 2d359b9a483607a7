-- +goose Up
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT 0,
    CONSTRAINT tasks_project_fk FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX tasks_project_idx ON tasks (project_id);
INSERT INTO projects (name, visibility) VALUES ('inbox', 'private');
-- +goose StatementBegin
CREATE TRIGGER projects_inbox_guard BEFORE DELETE ON projects
WHEN OLD.name = 'inbox'
BEGIN
    SELECT RAISE(ABORT, 'the inbox stays');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER projects_inbox_guard;
DELETE FROM projects WHERE name = 'inbox';
DROP TABLE tasks;
