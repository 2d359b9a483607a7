-- The voided drafts stay void.
DROP TABLE archive.closed_accounts;
DROP SCHEMA archive;
