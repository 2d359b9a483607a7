ALTER TYPE billing.invoice_status ADD VALUE 'uncollectible' AFTER 'paid';
