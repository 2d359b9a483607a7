-- +goose Up
CREATE TABLE user_roles (
    user_id bigint NOT NULL,
    role varchar(20) NOT NULL
);
ALTER TABLE user_roles ADD PRIMARY KEY (user_id, role);
INSERT INTO user_roles (user_id, role) VALUES (1, 'admin'), (1, 'editor');
ALTER TABLE users RENAME INDEX users_display_name_idx TO users_display_name_ix;
ALTER TABLE users COMMENT = 'People who sign in';
CREATE VIEW active_users AS SELECT id, email FROM users WHERE status = 'active';
UPDATE users SET display_name = email WHERE display_name IS NULL;
DELETE FROM user_sessions WHERE expires_at < '2024-01-01';
-- +goose StatementBegin
CREATE FUNCTION role_weight(r varchar(20)) RETURNS int DETERMINISTIC
BEGIN
    IF r = 'admin' THEN
        RETURN 10;
    END IF;
    RETURN 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION role_weight;
DROP VIEW active_users;
ALTER TABLE users COMMENT = '';
ALTER TABLE users RENAME INDEX users_display_name_ix TO users_display_name_idx;
DROP TABLE user_roles;
