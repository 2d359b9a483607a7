DELETE FROM devices WHERE serial = 'GW-0001';
DROP INDEX readings_device_taken_idx;
DROP TABLE readings;
