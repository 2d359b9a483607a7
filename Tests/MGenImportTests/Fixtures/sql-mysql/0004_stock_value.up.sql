DELIMITER //
CREATE FUNCTION stock_value(q int, p decimal(10,2)) RETURNS decimal(12,2) DETERMINISTIC
BEGIN
    DECLARE v decimal(12,2);
    SET v = q * p;
    RETURN v;
END//
DELIMITER ;
CREATE TRIGGER warehouses_upper_code BEFORE INSERT ON warehouses FOR EACH ROW SET NEW.code = UPPER(NEW.code);
CREATE VIEW stock_values AS SELECT sku, stock_value(qty, price) AS value FROM stock;
