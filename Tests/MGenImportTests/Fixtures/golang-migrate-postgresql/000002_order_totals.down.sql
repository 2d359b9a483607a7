DROP TRIGGER IF EXISTS orders_placed_at ON orders;
DROP FUNCTION IF EXISTS orders_set_placed_at();
ALTER TABLE orders DROP CONSTRAINT orders_total_check;
ALTER TABLE orders DROP COLUMN placed_at;
