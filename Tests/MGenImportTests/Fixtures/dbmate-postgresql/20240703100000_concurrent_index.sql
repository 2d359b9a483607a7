-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY invoices_issued_at_idx ON invoices (issued_at);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS invoices_issued_at_idx;
