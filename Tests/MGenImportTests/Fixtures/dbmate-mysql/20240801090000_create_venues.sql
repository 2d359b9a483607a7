-- migrate:up
CREATE TABLE venues (
    id int unsigned NOT NULL AUTO_INCREMENT,
    name varchar(150) NOT NULL,
    capacity int NOT NULL DEFAULT 0,
    opened_on date DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY venues_name_key (name)
) ENGINE=InnoDB;

-- migrate:down
DROP TABLE venues;
