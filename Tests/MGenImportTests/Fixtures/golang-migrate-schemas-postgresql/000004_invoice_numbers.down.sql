CREATE OR REPLACE VIEW reporting.open_invoices AS
    SELECT i.id, i.account_id, i.total_cents
    FROM billing.invoices i
    WHERE i.status = 'open';

ALTER INDEX billing.invoices_account_idx RENAME TO invoices_account_id_idx;

ALTER SEQUENCE billing.invoice_number_seq INCREMENT BY 1 CACHE 1;
