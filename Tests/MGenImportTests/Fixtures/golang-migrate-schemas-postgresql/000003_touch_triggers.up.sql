CREATE FUNCTION billing.set_issued_at() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'open' AND NEW.issued_at IS NULL THEN
        NEW.issued_at := now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_set_issued_at BEFORE INSERT OR UPDATE ON billing.invoices
    FOR EACH ROW EXECUTE FUNCTION billing.set_issued_at();

CREATE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

ALTER TABLE accounts ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TRIGGER accounts_touch_updated_at BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
