DROP TABLE audit.salary_changes;
DROP TABLE employees;
DROP SCHEMA IF EXISTS audit;
