DROP TRIGGER customers_lower_email;
ALTER TABLE addresses RENAME COLUMN town TO city;
ALTER TABLE customers MODIFY COLUMN email varchar(255) NOT NULL;
