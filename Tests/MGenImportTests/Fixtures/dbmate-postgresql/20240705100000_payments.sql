-- migrate:up
CREATE TABLE payments (
    invoice_id bigint NOT NULL REFERENCES invoices (id),
    paid_on date NOT NULL,
    amount_cents bigint NOT NULL
);
ALTER TABLE payments ADD PRIMARY KEY (invoice_id, paid_on);
INSERT INTO invoices (number, state) VALUES ('INV-0001', 'sent');
CREATE VIEW open_invoices AS SELECT id, number FROM invoices WHERE state = 'sent';
CREATE OR REPLACE VIEW open_invoices AS SELECT id, number, amount_cents FROM invoices WHERE state = 'sent';
ALTER TABLE payments DROP CONSTRAINT payments_pkey;
ALTER TABLE payments ADD CONSTRAINT payments_pk PRIMARY KEY (invoice_id, paid_on, amount_cents);
CREATE FUNCTION payments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.amount_cents <= 0 THEN
        RAISE EXCEPTION 'a payment is positive';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER payments_guard BEFORE INSERT ON payments FOR EACH ROW EXECUTE FUNCTION payments_guard();

-- migrate:down
DROP TRIGGER payments_guard ON payments;
DROP FUNCTION payments_guard();
DROP VIEW open_invoices;
DELETE FROM invoices WHERE number = 'INV-0001';
DROP TABLE payments;
