ALTER SCHEMA retention RENAME TO archive;
