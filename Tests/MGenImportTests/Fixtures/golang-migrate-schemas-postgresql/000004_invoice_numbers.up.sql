ALTER SEQUENCE billing.invoice_number_seq INCREMENT BY 10 CACHE 20;

ALTER INDEX billing.invoices_account_id_idx RENAME TO invoices_account_idx;

CREATE OR REPLACE VIEW reporting.open_invoices AS
    SELECT i.id, i.account_id, i.total_cents
    FROM billing.invoices i
    WHERE i.status = 'open' AND i.total_cents > 0;

REFRESH MATERIALIZED VIEW reporting.monthly_revenue;
