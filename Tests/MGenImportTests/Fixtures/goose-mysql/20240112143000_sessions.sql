-- +goose Up
CREATE TABLE IF NOT EXISTS sessions (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id bigint NOT NULL,
    token char(64) NOT NULL,
    expires_at datetime(6) NULL,
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
INSERT INTO users (email, status) VALUES ('admin@example.com', 'active');

-- +goose Down
DROP TABLE sessions;
DELETE FROM users WHERE email = 'admin@example.com';
