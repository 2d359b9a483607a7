CREATE TABLE devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    serial VARCHAR(32) NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sensor', 'gateway')),
    installed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT devices_serial_key UNIQUE (serial)
);
