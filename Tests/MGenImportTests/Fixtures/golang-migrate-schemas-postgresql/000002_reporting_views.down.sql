DROP MATERIALIZED VIEW reporting.monthly_revenue;
DROP VIEW reporting.open_invoices;
DROP SCHEMA reporting;
