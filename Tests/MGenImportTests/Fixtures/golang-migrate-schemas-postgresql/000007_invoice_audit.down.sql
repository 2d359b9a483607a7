CREATE OR REPLACE FUNCTION billing.set_issued_at() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'open' AND NEW.issued_at IS NULL THEN
        NEW.issued_at := now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER invoices_record_change ON billing.invoices;
DROP FUNCTION audit.record_invoice_change();
DROP TABLE audit.invoice_changes;
DROP SCHEMA audit;
