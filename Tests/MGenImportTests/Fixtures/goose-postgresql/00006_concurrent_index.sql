-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_plan_idx ON accounts (plan);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS accounts_plan_idx;
