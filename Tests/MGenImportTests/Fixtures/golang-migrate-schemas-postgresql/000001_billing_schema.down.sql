DROP TABLE billing.invoices;
DROP SEQUENCE billing.invoice_number_seq;
DROP TABLE accounts;
DROP TYPE billing.invoice_status;
DROP SCHEMA billing;
