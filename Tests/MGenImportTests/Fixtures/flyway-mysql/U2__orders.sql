DELETE FROM products WHERE sku = 'SKU-1';
DROP TABLE orders;
