-- +goose Up
ALTER TABLE users MODIFY COLUMN email varchar(320) NOT NULL;
ALTER TABLE sessions RENAME COLUMN token TO token_hash;
RENAME TABLE sessions TO user_sessions;
ALTER TABLE users ADD COLUMN display_name varchar(100) NULL, ADD INDEX users_display_name_idx (display_name);

-- +goose Down
ALTER TABLE users DROP INDEX users_display_name_idx, DROP COLUMN display_name;
RENAME TABLE user_sessions TO sessions;
ALTER TABLE sessions RENAME COLUMN token_hash TO token;
ALTER TABLE users MODIFY COLUMN email varchar(255) NOT NULL;
