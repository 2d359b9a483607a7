-- +goose Up
CREATE TABLE users (
    id bigint NOT NULL AUTO_INCREMENT,
    email varchar(255) NOT NULL,
    status enum('active','disabled') NOT NULL DEFAULT 'active',
    created_at datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE users;
