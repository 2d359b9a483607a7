RENAME TABLE purchase_orders TO orders;
ALTER TABLE orders DROP COLUMN note;
