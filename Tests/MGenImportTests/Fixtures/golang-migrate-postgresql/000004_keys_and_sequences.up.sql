CREATE TABLE coupons (
    code text NOT NULL,
    percent integer NOT NULL,
    label text
);
CREATE UNIQUE INDEX coupons_code_idx ON coupons (code);
ALTER TABLE coupons ADD CONSTRAINT coupons_pkey PRIMARY KEY USING INDEX coupons_code_idx;
INSERT INTO coupons (code, percent) VALUES ('WELCOME', 10), ('VIP', 25);
CREATE INDEX coupons_percent_idx ON coupons (percent);
ALTER INDEX coupons_percent_idx RENAME TO coupons_percent_ix;
CREATE SEQUENCE invoice_numbers START 1000 INCREMENT BY 10;
ALTER SEQUENCE invoice_numbers INCREMENT BY 5 CACHE 2;
CREATE FUNCTION coupon_price(amount numeric, percent integer) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT amount * (100 - percent) / 100 $$;
UPDATE coupons SET label = lower(code) WHERE label IS NULL;
DELETE FROM coupons WHERE percent > 50;
UPDATE orders SET total = 0 FROM customers WHERE customers.id = orders.customer_id AND orders.total < 0;
