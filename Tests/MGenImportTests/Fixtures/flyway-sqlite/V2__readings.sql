CREATE TABLE readings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL,
    value REAL NOT NULL,
    taken_at TIMESTAMP NOT NULL,
    CONSTRAINT readings_device_fk FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
);
CREATE INDEX readings_device_taken_idx ON readings (device_id, taken_at);
INSERT INTO devices (serial, kind) VALUES ('GW-0001', 'gateway');
