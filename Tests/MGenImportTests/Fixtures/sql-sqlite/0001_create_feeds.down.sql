DROP TABLE items;
DROP TABLE feeds;
