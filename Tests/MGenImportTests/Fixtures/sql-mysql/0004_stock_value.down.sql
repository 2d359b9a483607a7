DROP VIEW stock_values;
DROP TRIGGER warehouses_upper_code;
DROP FUNCTION stock_value;
