DROP TABLE reporting.exports;

DROP SEQUENCE reporting.export_batch_seq;

CREATE MATERIALIZED VIEW reporting.monthly_revenue AS
    SELECT date_trunc('month', issued_at) AS month, sum(total_cents) AS total_cents
    FROM billing.invoices
    WHERE status = 'paid'
    GROUP BY 1;
