DROP TRIGGER employees_salary_audit ON employees;
DROP FUNCTION log_salary_change();
