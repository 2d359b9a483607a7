ALTER TABLE customers DROP COLUMN phone;
DROP INDEX addresses_city_idx ON addresses;
DROP TABLE addresses;
