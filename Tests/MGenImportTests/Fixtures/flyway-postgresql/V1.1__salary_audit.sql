CREATE FUNCTION log_salary_change() RETURNS trigger AS $$
BEGIN
    IF NEW.salary <> OLD.salary THEN
        INSERT INTO audit.salary_changes (employee_id, old_salary, new_salary) VALUES (OLD.id, OLD.salary, NEW.salary);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER employees_salary_audit AFTER UPDATE OF salary ON employees FOR EACH ROW EXECUTE PROCEDURE log_salary_change();
