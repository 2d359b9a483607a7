ALTER SCHEMA archive RENAME TO retention;
