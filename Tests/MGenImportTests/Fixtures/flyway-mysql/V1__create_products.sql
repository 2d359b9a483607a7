CREATE TABLE products (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku varchar(64) NOT NULL,
    status enum('draft','active','retired') NOT NULL DEFAULT 'draft',
    price decimal(10,2) NOT NULL DEFAULT 0.00,
    CONSTRAINT products_sku_key UNIQUE (sku)
);
CREATE INDEX products_status_idx ON products (status);
