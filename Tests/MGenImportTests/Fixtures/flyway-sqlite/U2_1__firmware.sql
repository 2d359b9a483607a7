DROP INDEX IF EXISTS devices_kind_idx;
ALTER TABLE readings RENAME COLUMN reading TO value;
ALTER TABLE devices DROP COLUMN firmware;
