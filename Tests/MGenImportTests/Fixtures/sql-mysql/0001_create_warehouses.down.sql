DROP TABLE warehouses;
