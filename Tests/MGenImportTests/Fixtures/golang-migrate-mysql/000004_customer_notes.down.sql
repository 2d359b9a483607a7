DROP FUNCTION IF EXISTS note_label;
ALTER TABLE customers COMMENT '';
DROP TABLE customer_notes;
