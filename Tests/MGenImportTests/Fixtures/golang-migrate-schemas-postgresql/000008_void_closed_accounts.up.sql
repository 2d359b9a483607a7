CREATE SCHEMA archive;

CREATE TABLE archive.closed_accounts (
    account_id bigint PRIMARY KEY REFERENCES accounts (id),
    closed_at timestamptz NOT NULL DEFAULT now()
);

-- Drafts of accounts already closed will never be sent.
UPDATE billing.invoices SET status = 'void'
FROM archive.closed_accounts
WHERE closed_accounts.account_id = invoices.account_id AND invoices.status = 'draft';
