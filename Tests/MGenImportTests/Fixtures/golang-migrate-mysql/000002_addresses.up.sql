CREATE TABLE addresses (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id bigint NOT NULL,
    city varchar(100) NOT NULL,
    CONSTRAINT addresses_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
);
CREATE INDEX addresses_city_idx ON addresses (city);
ALTER TABLE customers ADD COLUMN phone varchar(32) NULL;
