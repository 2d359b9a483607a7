-- migrate:up
ALTER TABLE invoice_lines RENAME COLUMN description TO label;
ALTER TABLE invoices ALTER COLUMN issued_at TYPE timestamptz;
ALTER TABLE invoices ALTER COLUMN notes SET DEFAULT '';
UPDATE invoices SET notes = '' WHERE notes IS NULL;
ALTER TABLE invoices ALTER COLUMN notes SET NOT NULL;

-- migrate:down
ALTER TABLE invoices ALTER COLUMN notes DROP NOT NULL;
ALTER TABLE invoices ALTER COLUMN notes DROP DEFAULT;
ALTER TABLE invoices ALTER COLUMN issued_at TYPE timestamp;
ALTER TABLE invoice_lines RENAME COLUMN label TO description;
