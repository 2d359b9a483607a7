ALTER TABLE customers RENAME COLUMN email TO email_address;
ALTER TABLE customers ADD COLUMN name varchar(200);
ALTER TABLE customers ALTER COLUMN name SET NOT NULL;
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';
