CREATE SCHEMA reporting;

CREATE VIEW reporting.open_invoices AS
    SELECT i.id, i.account_id, i.total_cents
    FROM billing.invoices i
    WHERE i.status = 'open';

CREATE MATERIALIZED VIEW reporting.monthly_revenue AS
    SELECT date_trunc('month', issued_at) AS month, sum(total_cents) AS total_cents
    FROM billing.invoices
    WHERE status = 'paid'
    GROUP BY 1;
