-- +goose Up
ALTER TABLE users ADD COLUMN last_login_at datetime(6) NULL;
-- +goose StatementBegin
CREATE TRIGGER sessions_touch_login AFTER INSERT ON sessions FOR EACH ROW
BEGIN
    UPDATE users SET last_login_at = NOW(6) WHERE id = NEW.user_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER sessions_touch_login;
ALTER TABLE users DROP COLUMN last_login_at;
