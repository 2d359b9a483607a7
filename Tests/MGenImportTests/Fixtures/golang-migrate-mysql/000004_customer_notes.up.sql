CREATE TABLE customer_notes (
    customer_id bigint NOT NULL,
    note_no int NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (customer_id, note_no)
);
INSERT INTO customer_notes (customer_id, note_no, body) VALUES (1, 1, 'Prefers email'), (1, 2, 'It''s a VIP');
ALTER TABLE customer_notes DROP PRIMARY KEY, ADD PRIMARY KEY (note_no, customer_id);
CREATE INDEX customer_notes_body_idx ON customer_notes (body(32) DESC);
ALTER TABLE customers COMMENT 'Paying customers';
UPDATE customers SET tier = 'gold' WHERE email LIKE '%@example.com';
CREATE FUNCTION note_label(n int) RETURNS varchar(20) DETERMINISTIC RETURN CONCAT('note ', n);
UPDATE addresses JOIN customers ON customers.id = addresses.customer_id SET addresses.town = UPPER(addresses.town) WHERE customers.tier = 'gold';
