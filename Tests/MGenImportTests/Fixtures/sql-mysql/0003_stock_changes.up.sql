ALTER TABLE stock ADD COLUMN updated_at timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP;
ALTER TABLE stock CHANGE COLUMN quantity qty int NOT NULL DEFAULT 0;
ALTER TABLE warehouses ALTER COLUMN active SET DEFAULT 0;
CREATE UNIQUE INDEX stock_sku_warehouse_idx ON stock (sku, warehouse_id);
