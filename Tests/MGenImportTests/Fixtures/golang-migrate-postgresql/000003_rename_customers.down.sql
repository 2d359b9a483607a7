ALTER TABLE customers DROP COLUMN name;
ALTER TABLE customers RENAME COLUMN email_address TO email;
