DELETE FROM members WHERE handle = 'moderator';
DROP TABLE threads;
