DROP TRIGGER accounts_touch_updated_at ON accounts;
ALTER TABLE accounts DROP COLUMN updated_at;
DROP FUNCTION touch_updated_at();
DROP TRIGGER invoices_set_issued_at ON billing.invoices;
DROP FUNCTION billing.set_issued_at();
