CREATE TABLE IF NOT EXISTS customers (
    id bigint NOT NULL AUTO_INCREMENT,
    email varchar(255) NOT NULL,
    tier enum('basic','gold') NOT NULL DEFAULT 'basic',
    created_at datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    CONSTRAINT customers_email_key UNIQUE (email)
);
