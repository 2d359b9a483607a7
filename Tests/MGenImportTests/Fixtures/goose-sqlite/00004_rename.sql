-- +goose Up
ALTER TABLE tasks RENAME COLUMN title TO summary;
ALTER TABLE projects ADD COLUMN archived BOOLEAN NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS tasks_project_idx;

-- +goose Down
CREATE INDEX tasks_project_idx ON tasks (project_id);
ALTER TABLE projects DROP COLUMN archived;
ALTER TABLE tasks RENAME COLUMN summary TO title;
