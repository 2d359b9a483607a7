CREATE TABLE orders (
    id bigint NOT NULL AUTO_INCREMENT,
    product_id bigint NOT NULL,
    quantity int NOT NULL DEFAULT 1,
    PRIMARY KEY (id),
    CONSTRAINT orders_product_fk FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO products (sku, status, price) VALUES ('SKU-1', 'active', 9.99);
