DROP MATERIALIZED VIEW reporting.monthly_revenue;

CREATE SEQUENCE reporting.export_batch_seq INCREMENT BY 1 MINVALUE 1 CACHE 10;

CREATE TABLE reporting.exports (
    id bigint PRIMARY KEY DEFAULT nextval('reporting.export_batch_seq'),
    account_id bigint NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
