CREATE TABLE warehouses (
    id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code varchar(12) NOT NULL,
    city varchar(100) NOT NULL,
    active tinyint(1) NOT NULL DEFAULT 1,
    CONSTRAINT warehouses_code_key UNIQUE (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Where stock sits';
INSERT INTO warehouses (code, city) VALUES ('MAIN', 'Lyon');
