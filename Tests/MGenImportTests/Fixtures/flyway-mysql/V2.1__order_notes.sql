ALTER TABLE orders ADD COLUMN note text;
RENAME TABLE orders TO purchase_orders;
