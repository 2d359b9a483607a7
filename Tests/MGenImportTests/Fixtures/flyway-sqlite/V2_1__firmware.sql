ALTER TABLE devices ADD COLUMN firmware TEXT;
ALTER TABLE readings RENAME COLUMN value TO reading;
CREATE INDEX IF NOT EXISTS devices_kind_idx ON devices (kind);
