DROP INDEX stock_sku_warehouse_idx ON stock;
ALTER TABLE warehouses ALTER COLUMN active SET DEFAULT 1;
ALTER TABLE stock CHANGE COLUMN qty quantity int NOT NULL DEFAULT 0;
ALTER TABLE stock DROP COLUMN updated_at;
