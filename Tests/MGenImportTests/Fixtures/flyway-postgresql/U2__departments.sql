ALTER TABLE employees RENAME COLUMN name TO full_name;
DROP INDEX employees_department_id_idx;
ALTER TABLE employees DROP CONSTRAINT employees_department_id_fkey;
ALTER TABLE employees DROP COLUMN department_id;
DROP TABLE departments;
