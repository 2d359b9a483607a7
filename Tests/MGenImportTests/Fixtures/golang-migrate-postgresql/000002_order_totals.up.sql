SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN placed_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
CREATE OR REPLACE FUNCTION orders_set_placed_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.status = 'paid' AND NEW.placed_at IS NULL THEN
        NEW.placed_at := now();
    END IF;
    RETURN NEW;
END;
$fn$;
CREATE TRIGGER orders_placed_at BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_set_placed_at();
