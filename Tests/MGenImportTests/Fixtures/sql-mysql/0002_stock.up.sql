CREATE TABLE stock (
    id bigint NOT NULL AUTO_INCREMENT,
    warehouse_id int NOT NULL,
    sku varchar(64) NOT NULL,
    quantity int NOT NULL DEFAULT 0,
    price decimal(10,2) NOT NULL DEFAULT '0.00',
    PRIMARY KEY (id),
    KEY stock_sku_idx (sku),
    CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouses (id),
    CONSTRAINT stock_quantity_check CHECK (quantity >= 0)
);
