ALTER TABLE customers MODIFY COLUMN email varchar(320) NOT NULL;
ALTER TABLE addresses RENAME COLUMN city TO town;
CREATE TRIGGER customers_lower_email BEFORE INSERT ON customers FOR EACH ROW SET NEW.email = LOWER(NEW.email);
